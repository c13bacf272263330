/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * evsim replay: re-executes a recorded run from the database alone (its
 * stored source, seed, kernel revision and decision log) under the 'replay'
 * strategy and compares as it goes:
 *   - every transition, as it is emitted, with the recorded canonical line;
 *   - at every decision, the number of transitions so far and the sorted
 *     runnable set with the recorded ones (so a thread that became runnable
 *     earlier is caught at that decision, not later).
 * The first difference stops the run: exit 3 with the step, virtual time,
 * thread, expected and actual rows and the last 10 matching transitions.
 * Identical: exit 0 and one line with the trace hash.  Bad input: exit 2.
 * The database is opened read-only; the scenario runs in the same sandbox
 * as `evsim run` (no host files but the bundled scenarios/lib).
 * XXX: modules the scenario require()s are read from disk, not the database.
 */
#include <inttypes.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "evsim_config.h"
#include "lhost.h"
#include "simrun.h"
#include "snapshot.h"
#include "trace.h"

struct expect_state {
	char **lines;
	size_t n;
	uint64_t until; /* 0: run to the end */
	bool json;
	bool stopped;
	uint64_t bad_seq; /* 0: none */
	char actual[8192];
};

static void
expect_line(void *arg, uint64_t seq, const char *line)
{
	struct expect_state *es = arg;

	if (es->bad_seq != 0 || es->stopped)
		return;
	if (seq <= es->n && strcmp(es->lines[seq - 1], line) == 0) {
		if (seq == es->until) {
			lua_State *L = lhost_lua(sim_run_lhost());

			/* Time travel: the state just after transition seq. */
			if (!es->json)
				printf("state after transition %" PRIu64
				       ":\n  %s",
				    seq, line);
			sim_snapshot(L);
			sim_snapshot_write(L, -1, es->json, stdout);
			lua_pop(L, 1);
			fflush(stdout);
			es->stopped = true;
			/* Also while the run boots (no thread runs yet). */
			sched_fail_soon(SCHED_ERROR,
			    "stopped after transition %" PRIu64, seq);
		}
		return;
	}
	es->bad_seq = seq;
	snprintf(es->actual, sizeof(es->actual), "%s", line);
	sched_fail_soon(SCHED_DIVERGED,
	    "replay: transition %" PRIu64 " differs from the recording", seq);
}

static char *
dupcol(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	char *d = strdup(s != NULL ? s : "");

	if (d == NULL)
		sim_oom();
	return (d);
}

static void
print_line(const char *label, const char *line)
{
	printf("%s%.*s\n", label, (int)strcspn(line, "\n"), line);
}

int cmd_replay(int argc, char **argv);

int
cmd_replay(int argc, char **argv)
{
	struct sched_decision *log = NULL;
	struct expect_state es;
	struct sim_run_opts o;
	struct sim_run_result r;
	struct trace *t;
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t run = 0;
	const char *path = NULL;
	char *src, *rpath, *kernel, *hash, *version, *status, err[1200];
	size_t n = 0, cap = 0, k;
	uint64_t seed, until = 0;
	bool json = false;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			printf("usage: evsim replay DB [--run ID] [--until SEQ "
			       "[--format text|json]]\n\n"
			       "Re-executes a recorded run (the latest by "
			       "default) from the database alone\nand compares "
			       "every transition and decision; exit 0 "
			       "identical, 3 diverged,\n2 bad input.  "
			       "--until SEQ stops just after transition SEQ "
			       "and prints every\nprocess, thread, descriptor, "
			       "kqueue and port (text, or --format json).\n");
			return (0);
		} else if (strcmp(argv[i], "--run") == 0 && i + 1 < argc) {
			char *end;

			run = strtoll(argv[++i], &end, 10);
			if (*end != '\0' || run <= 0) {
				fprintf(stderr,
				    "evsim replay: --run: '%s' is not a run "
				    "id\n",
				    argv[i]);
				return (EXIT_USAGE);
			}
		} else if (strcmp(argv[i], "--until") == 0 && i + 1 < argc) {
			char *end;
			long long u = strtoll(argv[++i], &end, 10);

			if (*end != '\0' || u <= 0) {
				fprintf(stderr,
				    "evsim replay: --until: '%s' is not a "
				    "transition number\n",
				    argv[i]);
				return (EXIT_USAGE);
			}
			until = (uint64_t)u;
		} else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			i++;
			if (strcmp(argv[i], "json") == 0)
				json = true;
			else if (strcmp(argv[i], "text") != 0) {
				fprintf(stderr,
				    "evsim replay: --format: '%s' is not text "
				    "or json\n",
				    argv[i]);
				return (EXIT_USAGE);
			}
		} else if (path == NULL && argv[i][0] != '-') {
			path = argv[i];
		} else {
			fprintf(stderr, "evsim replay: bad argument '%s'\n",
			    argv[i]);
			return (EXIT_USAGE);
		}
	}
	if (path == NULL) {
		fprintf(stderr, "evsim replay: expected DB\n");
		return (EXIT_USAGE);
	}
	if ((rc = cli_open_db(path, &run, &db)) != 0)
		return (rc);
	if (sqlite3_prepare_v2(db,
		"SELECT source, path, kernel, seed, trace_hash, "
		"engine_version, status FROM runs WHERE id = ?1",
		-1, &st, NULL)
	    != SQLITE_OK) {
		fprintf(stderr, "evsim: %s: not an evsim database (%s)\n", path,
		    sqlite3_errmsg(db));
		sqlite3_close(db);
		return (EXIT_USAGE);
	}
	sqlite3_bind_int64(st, 1, run);
	sqlite3_step(st);
	src = dupcol(st, 0);
	rpath = dupcol(st, 1);
	kernel = dupcol(st, 2);
	seed = (uint64_t)sqlite3_column_int64(st, 3);
	hash = dupcol(st, 4);
	version = dupcol(st, 5);
	status = dupcol(st, 6);
	sqlite3_finalize(st);
	if (strcmp(status, "running") == 0)
		fprintf(stderr,
		    "evsim: warning: run %" PRId64 " never finished recording "
		    "(status 'running'); its log may end early\n",
		    run);
	if (strcmp(version, EVSIM_VERSION) != 0)
		fprintf(stderr,
		    "evsim: warning: run %" PRId64
		    " was recorded by evsim %s, this is "
		    "%s; a divergence is then likely due to that\n",
		    run, version, EVSIM_VERSION);
	sqlite3_prepare_v2(db,
	    "SELECT kind, chosen, runnable, seq FROM decisions WHERE "
	    "run_id = ?1 ORDER BY step",
	    -1, &st, NULL);
	sqlite3_bind_int64(st, 1, run);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(st, 0);

		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			log = realloc(log, cap * sizeof(*log));
			if (log == NULL)
				sim_oom();
		}
		log[n].is_choose = kind != NULL && strcmp(kind, "choose") == 0;
		log[n].chosen = sqlite3_column_int64(st, 1);
		log[n].runnable = log[n].is_choose ? NULL : dupcol(st, 2);
		log[n].seq = sqlite3_column_int64(st, 3);
		n++;
	}
	sqlite3_finalize(st);
	memset(&es, 0, sizeof(es));
	es.until = until;
	es.json = json;
	cli_load_lines(db, run, &es.lines, &es.n);
	if (until > es.n) {
		fprintf(stderr,
		    "evsim: run %" PRId64
		    " has %zu transitions; --until %" PRIu64
		    " is beyond its end\n",
		    run, es.n, until);
		sqlite3_close(db);
		cli_free_lines(es.lines, es.n);
		free(log);
		return (EXIT_USAGE);
	}
	sqlite3_close(db);

	if (trace_open(&t, NULL, err, sizeof(err)) != 0)
		sim_oom();
	trace_set_expect(t, expect_line, &es);
	memset(&o, 0, sizeof(o));
	o.path = rpath;
	o.source = src;
	o.source_len = strlen(src);
	o.kernel = kernel;
	o.have_seed = true;
	o.seed = seed;
	o.strategy = SCHED_REPLAY;
	o.trace = t;
	o.replay = log;
	o.replay_len = n;
	o.quiet = true;
	rc = sim_run(&o, &r, err, sizeof(err));
	trace_close(t);
	if (rc != 0) {
		fprintf(
		    stderr, "evsim: replay of run %" PRId64 ": %s\n", run, err);
		rc = EXIT_USAGE;
		goto out;
	}
	if (es.stopped) {
		rc = 0; /* --until: the snapshot was the result */
		goto out;
	}
	if (r.status != SCHED_DIVERGED && es.bad_seq == 0
	    && r.transitions < es.n) {
		es.bad_seq = r.transitions + 1;
		snprintf(es.actual, sizeof(es.actual), "(end of run: %s)\n",
		    sched_status_name(r.status));
	}
	if (r.status == SCHED_DIVERGED || es.bad_seq != 0) {
		uint64_t last
		    = es.bad_seq != 0 ? es.bad_seq - 1 : r.transitions;

		printf("replay of run %" PRId64 " DIVERGED at decision %" PRIu64
		       ", transition %" PRIu64 ", vtime %" PRId64 " ns\n",
		    run, r.decisions, last + 1, r.vtime_end_ns);
		printf("  %s\n",
		    r.message[0] != '\0' ? r.message : "the run ended early");
		printf("last matching transitions:\n");
		for (k = last > 10 ? last - 10 : 0; k < last && k < es.n; k++)
			print_line("    ", es.lines[k]);
		if (es.bad_seq != 0) {
			print_line("expected: ",
			    es.bad_seq <= es.n ? es.lines[es.bad_seq - 1]
					       : "(end of run)");
			print_line("actual:   ", es.actual);
		}
		if (strcmp(version, EVSIM_VERSION) != 0)
			printf("likely cause: recorded by evsim %s, replayed "
			       "by %s\n",
			    version, EVSIM_VERSION);
		rc = EXIT_DIVERGED;
	} else if (strcmp(r.trace_hash, hash) != 0) {
		printf("replay of run %" PRId64 " DIVERGED: trace hash %s, "
		       "recorded %s\n",
		    run, r.trace_hash, hash);
		rc = EXIT_DIVERGED;
	} else {
		printf("replay of run %" PRId64 " identical: %s, %" PRIu64
		       " transitions, trace_hash %s\n",
		    run, sched_status_name(r.status), r.transitions,
		    r.trace_hash);
		rc = 0;
	}
out:
	cli_free_lines(es.lines, es.n);
	for (k = 0; k < n; k++)
		free((char *)log[k].runnable);
	free(log);
	free(src);
	free(rpath);
	free(kernel);
	free(hash);
	free(version);
	free(status);
	return (rc);
}
