/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Replay of a recorded run: loads its source, seed, kernel revision,
 * decision log through engine/tracedb, re-executes it
 * under the 'replay' strategy and compares as it goes:
 *   - every transition, as it is emitted, with the recorded canonical line
 *     (read from the database as the run goes, as is the decision log:
 *     memory does not grow with the run's length);
 *   - at every decision, the number of transitions so far and the sorted
 *     runnable set with the recorded ones (so a thread that became runnable
 *     earlier is caught at that decision, not later).
 * The first difference stops the run.  With 'until' set the run stops just
 * after that transition and writes a snapshot of the simulated system.
 * The modules the run require()d come from the database only.  A run whose
 * recording was cut short (status still 'running') is compared as far as
 * its transitions and decisions go.
 */
#ifndef SIM_RUN_REPLAY_H
#define SIM_RUN_REPLAY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "simrun.h"
#include "tracedb.h"

struct sim_replay {
	/* Set by the caller before sim_replay_load. */
	uint64_t until; /* 0: run to the end */
	bool json; /* the snapshot as JSON rather than text */
	FILE *snapshot_out; /* where the --until snapshot goes */

	/* Filled by sim_replay_load. */
	struct tracedb_run hdr;
	struct tracedb *db; /* the database, open until sim_replay_free */
	int64_t run;
	struct tracedb_cursor *cur; /* the recorded lines, read as compared */
	size_t nlines; /* how many were recorded */
	/* The decision log, read as the run follows it. */
	struct tracedb_decisions_cursor *dcur;
	char **failpoints; /* NAME=SPEC set before pid 1 started */
	size_t nfailpoints;
	struct tracedb_module *mods; /* what require() reads */
	size_t nmods;
	bool cut; /* recording cut short: status still 'running' */
	/*
	 * Not 0: the run was ended by its host CPU limit (--cpu-limit), a
	 * point no replay can reproduce exactly; the recording is compared
	 * as far as it goes, as a cut one, under twice that limit.
	 */
	unsigned cpu_limit;

	/* Filled by sim_replay_exec. */
	struct sim_run_result r;
	bool stopped; /* stopped at 'until', the snapshot is written */
	/*
	 * A cut recording that replayed identically as far as it goes: it
	 * is interrupted at transition nlines.
	 */
	bool interrupted;
	uint64_t bad_seq; /* first transition that differs, 0: none */
	char actual[8192]; /* its line as replayed */
};

/*
 * Loads run (resolved) of db into rp; the recorded lines are streamed from
 * db while the run is compared, so db must stay open until
 * sim_replay_free.  Returns 0, or ERANGE when rp->until is beyond the
 * run's end, or EINVAL; err holds the reason.  Free with sim_replay_free
 * (also after an error).
 */
int sim_replay_load(struct tracedb *db, int64_t run, struct sim_replay *rp,
    char *err, size_t errlen);

/*
 * Re-executes the loaded run and compares.  Returns 0 with rp->r, stopped,
 * bad_seq and actual filled (whether or not it diverged), or EINVAL when the
 * scenario cannot be loaded (err filled).
 */
int sim_replay_exec(struct sim_replay *rp, char *err, size_t errlen);

/* The recorded line of transition seq (malloc'd), or NULL if none. */
char *sim_replay_line(struct sim_replay *rp, uint64_t seq);

void sim_replay_free(struct sim_replay *rp);

#endif /* SIM_RUN_REPLAY_H */
