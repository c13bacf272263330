/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tests for engine/rng.c: the generator matches a small reference
 * implementation of splitmix64 and xoshiro256** written here from the
 * published algorithms (itself pinned to the authors' known outputs), streams
 * and seeds differ, rng_below() stays in range, is uniform by a chi-square
 * test and has no modulo bias, and rng_range() handles the int64 extremes.
 */
#include <criterion/criterion.h>

#include <stdint.h>

#include "../engine/rng.h"

/* Reference splitmix64 (Vigna, https://prng.di.unimi.it/splitmix64.c). */
static uint64_t
ref_splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
	return (z ^ (z >> 31));
}

/* The splitmix64 finaliser alone, as rng.c applies it to the stream. */
static uint64_t
ref_mix(uint64_t z)
{
	uint64_t x = z - 0x9e3779b97f4a7c15;

	return (ref_splitmix64(&x));
}

/* Reference xoshiro256** 1.0 (https://prng.di.unimi.it/xoshiro256starstar.c).
 */
static uint64_t
ref_rotl(uint64_t x, int k)
{
	return ((x << k) | (x >> (64 - k)));
}

static uint64_t
ref_xoshiro(uint64_t s[4])
{
	uint64_t result = ref_rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = ref_rotl(s[3], 45);
	return (result);
}

/* The seeding documented in rng.c. */
static void
ref_init(uint64_t s[4], uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ ref_mix(stream * 0x9e3779b97f4a7c15);
	int i;

	for (i = 0; i < 4; i++)
		s[i] = ref_splitmix64(&x);
}

Test(rng_reference, matches_published_outputs)
{
	uint64_t x = 0, s[4] = { 1, 2, 3, 4 };

	/* splitmix64 from 0, and xoshiro256** from {1, 2, 3, 4}. */
	cr_assert_eq(ref_splitmix64(&x), 0xe220a8397b1dcdafu);
	cr_assert_eq(ref_xoshiro(s), 11520u);
	cr_assert_eq(ref_xoshiro(s), 0u);
	cr_assert_eq(ref_xoshiro(s), 1509978240u);
	cr_assert_eq(ref_xoshiro(s), 1215971899390074240u);
}

Test(rng_next, matches_reference_from_known_state)
{
	struct rng r = { { 1, 2, 3, 4 } };

	cr_assert_eq(rng_next(&r), 11520u);
	cr_assert_eq(rng_next(&r), 0u);
	cr_assert_eq(rng_next(&r), 1509978240u);
	cr_assert_eq(rng_next(&r), 1215971899390074240u);
}

Test(rng_init, seed1_stream1_matches_reference)
{
	struct rng r;
	uint64_t s[4];
	int i;

	rng_init(&r, 1, 1);
	ref_init(s, 1, 1);
	for (i = 0; i < 4; i++)
		cr_assert_eq(r.s[i], s[i], "state word %d", i);
	for (i = 0; i < 1000; i++)
		cr_assert_eq(rng_next(&r), ref_xoshiro(s), "output %d", i);
}

Test(rng_init, same_inputs_reproduce)
{
	struct rng a, b;
	int i;

	rng_init(&a, 0xdeadbeef, RNG_STREAM_LUA);
	rng_init(&b, 0xdeadbeef, RNG_STREAM_LUA);
	for (i = 0; i < 100; i++)
		cr_assert_eq(rng_next(&a), rng_next(&b));
}

/*
 * Streams and seeds give unrelated sequences: no shared output among the
 * first outputs, and no stream's state is another's shifted by a word (the
 * failure of xoring stream * golden into the seed).
 */
Test(rng_init, streams_and_seeds_differ)
{
	enum { NS = 8, K = 64 };
	static uint64_t out[NS][K];
	struct rng r[NS];
	int a, b, i, j, w;

	for (a = 0; a < NS; a++) {
		/* Streams 1..4 of seed 0, then seeds 1..4 of stream 1. */
		if (a < 4)
			rng_init(&r[a], 0, (uint64_t)a + 1);
		else
			rng_init(&r[a], (uint64_t)a - 3, 1);
		for (i = 0; i < K; i++)
			out[a][i] = rng_next(&r[a]);
	}
	for (a = 0; a < NS; a++)
		for (b = 0; b < a; b++) {
			for (i = 0; i < K; i++)
				for (j = 0; j < K; j++)
					cr_assert_neq(out[a][i], out[b][j],
					    "generators %d and %d share output",
					    a, b);
		}
	for (a = 0; a < 4; a++) {
		struct rng x, y;

		rng_init(&x, 0, (uint64_t)a + 1);
		rng_init(&y, 0, (uint64_t)a + 2);
		for (w = 0; w < 4; w++)
			for (i = 0; i < 4; i++)
				cr_assert_neq(x.s[w], y.s[i],
				    "streams %d and %d share a state word",
				    a + 1, a + 2);
	}
}

Test(rng_below, stays_in_range)
{
	static const uint64_t ns[] = { 1, 2, 3, 7, 10, 1000, 1u << 31,
		(1ull << 32) + 1, 0x8000000000000001u, UINT64_MAX };
	struct rng r;
	size_t k;
	int i;

	rng_init(&r, 99, 1);
	for (k = 0; k < sizeof(ns) / sizeof(ns[0]); k++)
		for (i = 0; i < 10000; i++)
			cr_assert_lt(rng_below(&r, ns[k]), ns[k]);
}

/* Chi-square over 37 buckets; the 0.1% critical value for 36 dof is 67.99. */
Test(rng_below, uniform_by_chi_square)
{
	enum { B = 37, DRAWS = 370000 };
	uint64_t count[B] = { 0 };
	double chi = 0, expect = (double)DRAWS / B;
	struct rng r;
	int i;

	rng_init(&r, 1, RNG_STREAM_SIM);
	for (i = 0; i < DRAWS; i++)
		count[rng_below(&r, B)]++;
	for (i = 0; i < B; i++)
		chi += ((double)count[i] - expect) * ((double)count[i] - expect)
		    / expect;
	cr_assert_lt(chi, 67.99, "chi-square %.2f", chi);
	cr_assert_gt(
	    chi, 12.0, "chi-square %.2f: too regular to be random", chi);
}

/*
 * With n = 3 * 2^62, x % n would put half of all draws in the first third
 * of [0, n); an unbiased draw puts a third there.
 */
Test(rng_below, no_modulo_bias_for_large_n)
{
	enum { DRAWS = 30000 };
	const uint64_t n = 3ull << 62;
	uint64_t third[3] = { 0 };
	double chi = 0, expect = DRAWS / 3.0;
	struct rng r;
	int i;

	rng_init(&r, 5, RNG_STREAM_SCHED);
	for (i = 0; i < DRAWS; i++)
		third[rng_below(&r, n) / (1ull << 62)]++;
	for (i = 0; i < 3; i++)
		chi += ((double)third[i] - expect) * ((double)third[i] - expect)
		    / expect;
	/* 0.1% critical value for 2 dof. */
	cr_assert_lt(chi, 13.82, "thirds %llu %llu %llu",
	    (unsigned long long)third[0], (unsigned long long)third[1],
	    (unsigned long long)third[2]);
}

Test(rng_range, extremes)
{
	struct rng r;
	int64_t v;
	int i, neg = 0, pos = 0, lo_seen = 0, hi_seen = 0;
	int seen[7] = { 0 };

	rng_init(&r, 3, RNG_STREAM_EXPLORE);
	for (i = 0; i < 1000; i++) {
		v = rng_range(&r, INT64_MIN, INT64_MAX);
		neg += v < 0;
		pos += v > 0;
	}
	cr_assert(neg > 400 && pos > 400,
	    "full range: %d negative, %d positive", neg, pos);

	for (i = 0; i < 200; i++) {
		v = rng_range(&r, INT64_MAX - 1, INT64_MAX);
		cr_assert(v == INT64_MAX - 1 || v == INT64_MAX);
		hi_seen |= 1 << (int)(v - (INT64_MAX - 1));
		v = rng_range(&r, INT64_MIN, INT64_MIN + 1);
		cr_assert(v == INT64_MIN || v == INT64_MIN + 1);
		lo_seen |= 1 << (int)(v - INT64_MIN);
	}
	cr_assert_eq(hi_seen, 3);
	cr_assert_eq(lo_seen, 3);

	cr_assert_eq(rng_range(&r, INT64_MIN, INT64_MIN), INT64_MIN);
	cr_assert_eq(rng_range(&r, INT64_MAX, INT64_MAX), INT64_MAX);
	cr_assert_eq(rng_range(&r, -17, -17), -17);

	for (i = 0; i < 1000; i++) {
		v = rng_range(&r, -3, 3);
		cr_assert(v >= -3 && v <= 3, "%lld", (long long)v);
		seen[v + 3]++;
	}
	for (i = 0; i < 7; i++)
		cr_assert_gt(seen[i], 0, "%d never drawn", i - 3);

	/* Wider than INT64_MAX but not the full range. */
	for (i = 0; i < 1000; i++) {
		v = rng_range(&r, -2, INT64_MAX);
		cr_assert_geq(v, -2);
		v = rng_range(&r, INT64_MIN, 5);
		cr_assert_leq(v, 5);
	}
}

Test(rng_double, in_unit_interval)
{
	struct rng r;
	double d, sum = 0;
	int i;

	rng_init(&r, 11, 2);
	for (i = 0; i < 100000; i++) {
		d = rng_double(&r);
		cr_assert(d >= 0.0 && d < 1.0);
		sum += d;
	}
	cr_assert(sum / 100000 > 0.49 && sum / 100000 < 0.51);
	/* The top 53 bits, exactly. */
	r.s[0] = 1;
	r.s[1] = 2;
	r.s[2] = 3;
	r.s[3] = 4;
	cr_assert_eq(rng_double(&r), (double)(11520u >> 11) * 0x1.0p-53);
}
