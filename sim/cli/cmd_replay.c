/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * evsim replay: re-executes a recorded run from the database alone
 * (sim/run/replay.c does the work) and reports the outcome.  The first
 * difference stops the run: exit 3 with the step, virtual time, thread,
 * expected and actual rows and the last 10 matching transitions.
 * Identical: exit 0 and one line with the trace hash.  Bad input: exit 2.
 * The database is opened read-only.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "evsim_config.h"
#include "replay.h"
#include "tracedb.h"

static void
print_line(const char *label, const char *line)
{
	printf("%s%.*s\n", label, (int)strcspn(line, "\n"), line);
}

int
cmd_replay(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "run", required_argument, NULL, 'r' },
		{ "until", required_argument, NULL, 'u' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sim_replay rp;
	const struct sim_run_result *r;
	struct tracedb *db;
	int64_t run = 0;
	const char *path, *version;
	char err[1200];
	size_t k;
	uint64_t until = 0;
	bool json = false;
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "r:u:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if ((rc = cli_parse_run_id(
				 "replay", "--run: ", optarg, &run))
			    != 0)
				return (rc);
			break;
		case 'u':
			if (cli_parse_u64(optarg, &until) != 0 || until == 0)
				return (cli_usage_error("replay",
				    "--until: '%s' is not a transition number",
				    optarg));
			break;
		case 'f':
			if (strcmp(optarg, "json") == 0)
				json = true;
			else if (strcmp(optarg, "text") != 0)
				return (cli_usage_error("replay",
				    "--format: '%s' is not text or json",
				    optarg));
			break;
		case 'h':
			printf("usage: evsim replay DB [--run ID] [--until SEQ "
			       "[--format text|json]]\n\n"
			       "Re-executes a recorded run (the latest by "
			       "default) from the database alone\nand compares "
			       "every transition and decision; exit 0 "
			       "identical, 3 diverged,\n2 bad input.  "
			       "--until SEQ stops just after transition SEQ "
			       "and prints every\nprocess, thread, descriptor, "
			       "kqueue and port (text, or --format json).\n\n"
			       "examples:\n"
			       "  evsim replay evsim.db\n"
			       "  evsim replay evsim.db --run 4\n"
			       "  evsim replay evsim.db --run 4 --until 120 "
			       "--format json\n");
			return (0);
		default:
			return (cli_bad_option("replay", argv));
		}
	}
	if (optind != argc - 1)
		return (cli_usage_error("replay", "expected one DB"));
	path = argv[optind];
	if ((rc = cli_open_db(path, &run, &db)) != 0)
		return (rc);
	memset(&rp, 0, sizeof(rp));
	rp.until = until;
	rp.json = json;
	rp.snapshot_out = stdout;
	/* The recorded lines are read from db while the run is compared. */
	rc = sim_replay_load(db, run, &rp, err, sizeof(err));
	if (rc != 0) {
		fprintf(stderr, "evsim: %s\n", err);
		rc = EXIT_USAGE;
		goto out;
	}
	version = rp.hdr.engine_version;
	if (strcmp(version, EVSIM_VERSION) != 0)
		fprintf(stderr,
		    "evsim: warning: run %" PRId64
		    " was recorded by evsim %s, this is "
		    "%s; a divergence is then likely due to that\n",
		    run, version, EVSIM_VERSION);
	if (sim_replay_exec(&rp, err, sizeof(err)) != 0) {
		fprintf(
		    stderr, "evsim: replay of run %" PRId64 ": %s\n", run, err);
		rc = EXIT_USAGE;
		goto out;
	}
	r = &rp.r;
	if (rp.stopped) {
		rc = 0; /* --until: the snapshot was the result */
		goto out;
	}
	if (rp.interrupted) {
		printf("replay of run %" PRId64 " interrupted at seq %zu: the "
		       "recording was cut short (status 'running'); its %zu "
		       "transitions replay identically\n",
		    run, rp.nlines, rp.nlines);
		rc = 0;
		goto out;
	}
	if (r->status == SCHED_DIVERGED || rp.bad_seq != 0) {
		uint64_t last
		    = rp.bad_seq != 0 ? rp.bad_seq - 1 : r->transitions;

		printf("replay of run %" PRId64 " DIVERGED at decision %" PRIu64
		       ", transition %" PRIu64 ", vtime %" PRId64 " ns\n",
		    run, r->decisions, last + 1, r->vtime_end_ns);
		printf("  %s\n",
		    r->message[0] != '\0' ? r->message : "the run ended early");
		printf("last matching transitions:\n");
		for (k = last > 10 ? last - 10 : 0; k < last && k < rp.nlines;
		     k++) {
			char *l = sim_replay_line(&rp, k + 1);

			print_line("    ", l != NULL ? l : "(not recorded)\n");
			free(l);
		}
		if (rp.bad_seq != 0) {
			char *l = rp.bad_seq <= rp.nlines
			    ? sim_replay_line(&rp, rp.bad_seq)
			    : NULL;

			print_line("expected: ",
			    l != NULL			  ? l
				: rp.bad_seq <= rp.nlines ? "(not recorded)\n"
							  : "(end of run)");
			free(l);
			print_line("actual:   ", rp.actual);
		}
		if (strcmp(version, EVSIM_VERSION) != 0)
			printf("likely cause: recorded by evsim %s, replayed "
			       "by %s\n",
			    version, EVSIM_VERSION);
		rc = EXIT_DIVERGED;
	} else if (strcmp(r->trace_hash, rp.hdr.trace_hash) != 0) {
		printf("replay of run %" PRId64 " DIVERGED: trace hash %s, "
		       "recorded %s\n",
		    run, r->trace_hash, rp.hdr.trace_hash);
		rc = EXIT_DIVERGED;
	} else {
		printf("replay of run %" PRId64 " identical: %s, %" PRIu64
		       " transitions, trace_hash %s\n",
		    run, sched_status_name(r->status), r->transitions,
		    r->trace_hash);
		rc = 0;
	}
out:
	sim_replay_free(&rp);
	tracedb_close(db);
	return (rc);
}
