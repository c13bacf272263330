/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The seeded generator: xoshiro256** (Blackman and Vigna, 2018), seeded
 * through splitmix64.  A run derives one independent stream per purpose
 * (scheduling, sim.random, Lua's math.random, ...) from the run seed and a
 * stream number, so that a draw in one stream never shifts another.
 */
#ifndef ENGINE_RNG_H
#define ENGINE_RNG_H

#include <stdint.h>

struct rng {
	uint64_t s[4];
};

/* Stream numbers: append only, never renumber (traces depend on them). */
enum rng_stream {
	RNG_STREAM_SCHED = 1,
	RNG_STREAM_SIM = 2,
	RNG_STREAM_LUA = 3,
	RNG_STREAM_EXPLORE = 4,
	/* The failing branches of 'explore' fail points (random, pct). */
	RNG_STREAM_FAILPOINT_EXPLORE = 5,
};

/*
 * 'P%return' fail points: one stream each, numbered this base plus a 32-bit
 * hash of the fail point's name (sim/kernel.c).
 */
#define RNG_STREAM_FAILPOINT_BASE ((uint64_t)1 << 32)

/* Seeds r for stream 'stream' of run seed 'seed'. */
void rng_init(struct rng *r, uint64_t seed, uint64_t stream);

/* Next 64 random bits. */
uint64_t rng_next(struct rng *r);

/* Uniform integer in [0, n), without modulo bias; n > 0. */
uint64_t rng_below(struct rng *r, uint64_t n);

/* Uniform integer in [lo, hi], lo <= hi, over the whole int64 range. */
int64_t rng_range(struct rng *r, int64_t lo, int64_t hi);

/* Uniform double in [0, 1) with 53 random bits. */
double rng_double(struct rng *r);

#endif /* ENGINE_RNG_H */
