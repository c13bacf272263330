/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A scenario's returned table as a struct scenario: its name, the kernel
 * revision, seed, virtual-time limit, tunables, fail points and whether it
 * declares invariants.  Every field of the table is validated here, in one
 * place (scenario_parse()), so that the run driver (simrun.c) only reads
 * checked values.  Imports kernel.h and Lua.
 */
#ifndef SIM_RUN_SCENARIO_H
#define SIM_RUN_SCENARIO_H

#include <lua.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel.h"

/* At most this many entries in 'limits' (each names a distinct tunable). */
#define SCENARIO_MAXLIMITS 16

/* CLOCK_REALTIME at boot without 'realtime_start': 2000-01-01T00:00:00Z. */
#define SCENARIO_REALTIME_START_NS ((int64_t)946684800 * 1000000000)

struct scenario_limit {
	char sl_name[64]; /* a known tunable */
	int64_t sl_value; /* within its range */
};

/* At most this many entries in 'failpoints'. */
#define SCENARIO_MAXFAILPOINTS 32

struct scenario_failpoint {
	char sf_name[64]; /* a fail point of the scenario's kernel */
	char sf_spec[32]; /* a valid spec */
};

struct scenario {
	char sc_name[256]; /* 'name', NUL bytes kept (cut to 255 bytes) */
	size_t sc_namelen;
	/* 'kernel', or the caller's override; "freebsd" when absent. */
	const struct sim_revision *sc_rev;
	int64_t sc_seed; /* 'seed'; 1 when absent */
	int64_t sc_vtime_limit_ns; /* 'vtime_limit'; 0 when absent */
	/* 'realtime_start': CLOCK_REALTIME at boot, ns since the Epoch. */
	int64_t sc_realtime_start_ns;
	struct scenario_limit sc_limits[SCENARIO_MAXLIMITS]; /* 'limits' */
	int sc_nlimits;
	/* 'invariants' is a table (of functions, called by name). */
	bool sc_has_invariants;
	/* 'failpoints', sorted by name. */
	struct scenario_failpoint sc_failpoints[SCENARIO_MAXFAILPOINTS];
	int sc_nfailpoints;
};

/* A string key of a Lua table (anchored by the table). */
struct scenario_key {
	const char *sk_name;
	size_t sk_len;
};

/*
 * The keys of the table at index t, in bytewise name order (never in
 * lua_next() order).  Returns 0 with a malloc'd array (free() it), EINVAL
 * when a key is not a string, or ENOMEM.
 */
int scenario_sorted_keys(
    lua_State *L, int t, struct scenario_key **ret_keys, size_t *ret_n);

/*
 * Reads and validates the scenario table at index idx of L (the value the
 * scenario file returned; 'main' stays in the table for the caller).
 * kernel, when not NULL, overrides the table's 'kernel'.  Returns 0 with
 * *sc filled, or EINVAL with a one-line reason prefixed by path in err.
 * Leaves L's stack as it found it.
 */
int scenario_parse(lua_State *L, int idx, const char *path, const char *kernel,
    struct scenario *sc, char *err, size_t errlen);

#endif /* SIM_RUN_SCENARIO_H */
