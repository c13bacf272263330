/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Replay of a recorded run from the database alone (see replay.h): the
 * scenario runs in the same sandbox as `evsim run`, and its require()s read
 * the modules recorded with the run, never a host file;
 * runs.path names the scenario in messages only.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lhost.h"
#include "replay.h"
#include "sim.h"
#include "snapshot.h"
#include "trace.h"

/*
 * Whether the next recorded line is transition seq and reads line.  Called
 * once per transition, in order: the cursor advances with the run.
 */
static bool
recorded_is(struct sim_replay *rp, uint64_t seq, const char *line)
{
	struct tracerows_row row;

	if (tracedb_cursor_next(rp->cur, &row) != 1 || row.seq != seq)
		return (false);
	return (strcmp(tracedb_cursor_line(rp->cur, NULL), line) == 0);
}

/* Called with every transition as it is emitted. */
static void
expect_line(void *arg, uint64_t seq, const char *line)
{
	struct sim_replay *rp = arg;

	if (rp->bad_seq != 0 || rp->stopped || rp->interrupted)
		return;
	if (rp->cut && seq > rp->nlines) {
		/* The recording ends here: compared as far as it goes. */
		rp->interrupted = true;
		sched_fail(SCHED_ERROR, NULL,
		    "the recording ends at transition %zu", rp->nlines);
		return;
	}
	if (seq <= rp->nlines && recorded_is(rp, seq, line)) {
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
	const char *m;
	int error;

	if (rp->snapshot_out == NULL)
		rp->snapshot_out = stdout;
	if ((error = tracedb_run_header(db, run, &rp->hdr, err, errlen)) != 0)
		return (error);
	rp->dcur = tracedb_decisions_open(db, run);
	tracedb_failpoints(db, run, &rp->failpoints, &rp->nfailpoints);
	rp->db = db;
	rp->run = run;
	rp->nlines = (size_t)tracedb_transitions(db, run);
	rp->cur = tracedb_cursor_open(db, run, 1);
	tracedb_modules(db, run, &rp->mods, &rp->nmods);
	rp->cut = strcmp(rp->hdr.status, "running") == 0;
	if (strcmp(rp->hdr.status, "error") == 0
	    && (m = strstr(rp->hdr.message, "CPU limit of ")) != NULL
	    && sscanf(m, "CPU limit of %u s exceeded", &rp->cpu_limit) == 1
	    && rp->cpu_limit > 0)
		rp->cut = true;
	else
		rp->cpu_limit = 0;
	if (rp->until > rp->nlines) {
		snprintf(err, errlen,
		    "run %" PRId64 " has %zu transitions; --until %" PRIu64
		    " is beyond its end",
		    run, rp->nlines, rp->until);
		return (ERANGE);
	}
	return (0);
}

/* require() during a replay: the modules recorded with the run. */
static int
replay_module(void *arg, const char *name, char **ret_buf, size_t *ret_len)
{
	struct sim_replay *rp = arg;
	size_t i;

	for (i = 0; i < rp->nmods; i++)
		if (strcmp(rp->mods[i].name, name) == 0) {
			*ret_buf = malloc(rp->mods[i].len + 1);
			if (*ret_buf == NULL)
				sim_oom();
			memcpy(*ret_buf, rp->mods[i].source, rp->mods[i].len);
			*ret_len = rp->mods[i].len;
			return (0);
		}
	return (ENOENT);
}

/* The replay strategy's source: the recorded log, a decision at a time. */
static bool
next_decision(void *arg, struct sched_decision *d)
{
	struct sim_replay *rp = arg;

	return (tracedb_decisions_next(rp->dcur, d));
}

int
sim_replay_exec(struct sim_replay *rp, char *err, size_t errlen)
{
	struct sched_replay_src src = { next_decision, rp };
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
	o.replay_src = &src;
	/*
	 * The fail points set before pid 1 started are set again in the same
	 * order; the scenario's own are then set twice, which records nothing
	 * the second time (same spec).
	 */
	o.failpoints = (const char *const *)rp->failpoints;
	o.nfailpoints = (int)rp->nfailpoints;
	o.quiet = true;
	o.from_db = true;
	if (rp->cpu_limit != 0)
		o.cpu_limit_sec
		    = rp->cpu_limit > 500000 ? 1000000 : 2 * rp->cpu_limit;
	o.module = replay_module;
	o.module_arg = rp;
	/* The snapshot of --until shows the objects' labels. */
	if (rp->until != 0)
		sim_labels_keep(true);
	error = sim_run(&o, &rp->r, err, errlen);
	if (rp->until != 0)
		sim_labels_keep(false);
	trace_close(t);
	if (error != 0)
		return (error);
	if (rp->stopped || rp->interrupted)
		return (0);
	/* A cut recording whose decision log ran out before its end. */
	if (rp->cut && rp->bad_seq == 0 && rp->r.status == SCHED_DIVERGED
	    && strncmp(rp->r.message, "replay: the decision log ends",
		   strlen("replay: the decision log ends"))
		== 0) {
		rp->interrupted = true;
		return (0);
	}
	/*
	 * Ended as an error again (the CPU limit, or the livelock check that
	 * a faster replay reaches first) with every recorded transition.
	 */
	if (rp->cpu_limit != 0 && rp->bad_seq == 0
	    && rp->r.status == SCHED_ERROR && rp->r.transitions == rp->nlines) {
		rp->interrupted = true;
		return (0);
	}
	/* A run that ended before the recording's end. */
	if (rp->r.status != SCHED_DIVERGED && rp->bad_seq == 0
	    && rp->r.transitions < rp->nlines) {
		rp->bad_seq = rp->r.transitions + 1;
		snprintf(rp->actual, sizeof(rp->actual), "(end of run: %s)\n",
		    sched_status_name(rp->r.status));
	}
	return (0);
}

char *
sim_replay_line(struct sim_replay *rp, uint64_t seq)
{
	struct tracedb_cursor *c;
	struct tracerows_row row;
	char *line = NULL;

	if (rp->db == NULL || seq == 0)
		return (NULL);
	c = tracedb_cursor_open(rp->db, rp->run, seq);
	if (tracedb_cursor_next(c, &row) == 1 && row.seq == seq) {
		line = strdup(tracedb_cursor_line(c, NULL));
		if (line == NULL)
			sim_oom();
	}
	tracedb_cursor_close(c);
	return (line);
}

void
sim_replay_free(struct sim_replay *rp)
{
	tracedb_run_free(&rp->hdr);
	tracedb_cursor_close(rp->cur);
	rp->cur = NULL;
	tracedb_decisions_close(rp->dcur);
	rp->dcur = NULL;
	tracedb_lines_free(rp->failpoints, rp->nfailpoints);
	tracedb_modules_free(rp->mods, rp->nmods);
	rp->failpoints = NULL;
	rp->mods = NULL;
	rp->nlines = rp->nfailpoints = rp->nmods = 0;
}
