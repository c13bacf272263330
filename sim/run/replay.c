/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Replay of a recorded run from the database alone (see replay.h).  The
 * scenario runs in the same sandbox as `evsim run` (no host files but the
 * bundled scenarios/lib).  runs.path names the scenario in messages only:
 * require() never reads the folder it names.
 * XXX: modules of the scenario's own folder are not in the database yet, so
 * a run that require()s one does not replay.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lhost.h"
#include "replay.h"
#include "snapshot.h"
#include "trace.h"

/* Called with every transition as it is emitted. */
static void
expect_line(void *arg, uint64_t seq, const char *line)
{
	struct sim_replay *rp = arg;

	if (rp->bad_seq != 0 || rp->stopped)
		return;
	if (seq <= rp->nlines && strcmp(rp->lines[seq - 1], line) == 0) {
		if (seq == rp->until) {
			lua_State *L = lhost_lua(sim_run_lhost());

			/* Time travel: the state just after transition seq. */
			if (!rp->json)
				fprintf(rp->snapshot_out,
				    "state after transition %" PRIu64 ":\n  %s",
				    seq, line);
			sim_snapshot(L);
			sim_snapshot_write(L, -1, rp->json, rp->snapshot_out);
			lua_pop(L, 1);
			fflush(rp->snapshot_out);
			rp->stopped = true;
			/* Also while the run boots (no thread runs yet). */
			sched_fail_soon(SCHED_ERROR,
			    "stopped after transition %" PRIu64, seq);
		}
		return;
	}
	rp->bad_seq = seq;
	snprintf(rp->actual, sizeof(rp->actual), "%s", line);
	sched_fail_soon(SCHED_DIVERGED,
	    "replay: transition %" PRIu64 " differs from the recording", seq);
}

int
sim_replay_load(struct tracedb *db, int64_t run, struct sim_replay *rp,
    char *err, size_t errlen)
{
	int error;

	if (rp->snapshot_out == NULL)
		rp->snapshot_out = stdout;
	if ((error = tracedb_run_header(db, run, &rp->hdr, err, errlen)) != 0)
		return (error);
	tracedb_decisions(db, run, &rp->log, &rp->nlog);
	tracedb_lines(db, run, &rp->lines, &rp->nlines);
	if (rp->until > rp->nlines) {
		snprintf(err, errlen,
		    "run %" PRId64 " has %zu transitions; --until %" PRIu64
		    " is beyond its end",
		    run, rp->nlines, rp->until);
		return (ERANGE);
	}
	return (0);
}

int
sim_replay_exec(struct sim_replay *rp, char *err, size_t errlen)
{
	struct sim_run_opts o;
	struct trace *t;
	int error;

	if (trace_open(&t, NULL, err, errlen) != 0)
		sim_oom();
	trace_set_expect(t, expect_line, rp);
	memset(&o, 0, sizeof(o));
	o.path = rp->hdr.path;
	o.source = rp->hdr.source;
	o.source_len = strlen(rp->hdr.source);
	o.kernel = rp->hdr.kernel;
	o.have_seed = true;
	o.seed = rp->hdr.seed;
	o.strategy = SCHED_REPLAY;
	o.trace = t;
	o.replay = rp->log;
	o.replay_len = rp->nlog;
	o.quiet = true;
	o.from_db = true;
	error = sim_run(&o, &rp->r, err, errlen);
	trace_close(t);
	if (error != 0)
		return (error);
	if (rp->stopped)
		return (0);
	/* A run that ended before the recording's end. */
	if (rp->r.status != SCHED_DIVERGED && rp->bad_seq == 0
	    && rp->r.transitions < rp->nlines) {
		rp->bad_seq = rp->r.transitions + 1;
		snprintf(rp->actual, sizeof(rp->actual), "(end of run: %s)\n",
		    sched_status_name(rp->r.status));
	}
	return (0);
}

void
sim_replay_free(struct sim_replay *rp)
{
	tracedb_run_free(&rp->hdr);
	tracedb_lines_free(rp->lines, rp->nlines);
	tracedb_decisions_free(rp->log, rp->nlog);
	rp->lines = NULL;
	rp->log = NULL;
	rp->nlines = rp->nlog = 0;
}
