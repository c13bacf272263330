/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The seeded generator: xoshiro256** 1.0 (Blackman and Vigna, 2018,
 * https://prng.di.unimi.it/xoshiro256starstar.c).  rng_init() derives the
 * four state words of stream 'stream' of run seed 'seed' as the first four
 * outputs of splitmix64 started at
 *
 *	seed ^ mix64(stream * 0x9e3779b97f4a7c15)
 *
 * where mix64 is splitmix64's output finaliser (a bijection).  Feeding the
 * stream through the finaliser, rather than xoring stream * golden straight
 * into the seed, matters: splitmix64 itself steps its state by the golden
 * constant, so with plain xor (or addition) stream 2 of seed 0 would start
 * one step after stream 1 and the two would share three of their four state
 * words.  Finalised, the starting points are scattered over the whole 64-bit
 * ring.  rng_below() uses Lemire's multiply-and-reject method, which is
 * exactly uniform; rng_double() takes the top 53 bits.
 */
#include "rng.h"

#define GOLDEN UINT64_C(0x9e3779b97f4a7c15)

static uint64_t
mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return (z ^ (z >> 31));
}

static uint64_t
splitmix64(uint64_t *x)
{
	*x += GOLDEN;
	return (mix64(*x));
}

static uint64_t
rotl(uint64_t x, int k)
{
	return ((x << k) | (x >> (64 - k)));
}

/* The high and low halves of the 128-bit product a * b. */
static void
mul128(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
#ifdef __SIZEOF_INT128__
	unsigned __int128 p = (unsigned __int128)a * b;

	*hi = (uint64_t)(p >> 64);
	*lo = (uint64_t)p;
#else
	uint64_t al = a & 0xffffffffu, ah = a >> 32;
	uint64_t bl = b & 0xffffffffu, bh = b >> 32;
	uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
	uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);

	*lo = (mid << 32) | (ll & 0xffffffffu);
	*hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
#endif
}

void
rng_init(struct rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ mix64(stream * GOLDEN);
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

uint64_t
rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return (result);
}

/*
 * Lemire, "Fast random integer generation in an interval" (2019): the high
 * word of x * n is uniform over [0, n) once the low words that would make
 * some results more frequent, those below 2^64 mod n, are rejected.
 */
uint64_t
rng_below(struct rng *r, uint64_t n)
{
	uint64_t hi, lo, threshold;

	mul128(rng_next(r), n, &hi, &lo);
	if (lo < n) {
		threshold = (0 - n) % n; /* 2^64 mod n */
		while (lo < threshold)
			mul128(rng_next(r), n, &hi, &lo);
	}
	return (hi);
}

int64_t
rng_range(struct rng *r, int64_t lo, int64_t hi)
{
	uint64_t span = (uint64_t)hi - (uint64_t)lo; /* hi - lo, mod 2^64 */
	uint64_t u;

	if (span == UINT64_MAX)
		u = rng_next(r);
	else
		u = (uint64_t)lo + rng_below(r, span + 1);
	/* Convert back without relying on implementation-defined casts. */
	if (u <= (uint64_t)INT64_MAX)
		return ((int64_t)u);
	return (-(int64_t)(UINT64_MAX - u) - 1);
}

double
rng_double(struct rng *r)
{
	return ((double)(rng_next(r) >> 11) * 0x1.0p-53);
}
