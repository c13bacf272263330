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

/* Prints label and the first line of line. */
static void
print_line(const char *label, const char *line)
{
	printf("%s%.*s\n", label, (int)strcspn(line, "\n"), line);
}

/* What the command line asks of one replay. */
struct replay_cli {
	int64_t run;
	uint64_t until;
	bool json;
	const char *path;
};

/* Prints the --help text. */
static void
usage(void)
{
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
}

/* Parses argv into rc; 0, or the exit status of --help or a usage error. */
static int
replay_parse(int argc, char **argv, struct replay_cli *rc, bool *done)
{
	static const struct option opts[] = {
		{ "run", required_argument, NULL, 'r' },
		{ "until", required_argument, NULL, 'u' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, error;

	memset(rc, 0, sizeof(*rc));
	*done = false;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "r:u:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if ((error = cli_parse_run_id(
				 "replay", "--run: ", optarg, &rc->run))
			    != 0)
				return (error);
			break;
		case 'u':
			if (cli_parse_u64(optarg, &rc->until) != 0
			    || rc->until == 0)
				return (cli_usage_error("replay",
				    "--until: '%s' is not a transition "
				    "number",
				    optarg));
			break;
		case 'f':
			if (strcmp(optarg, "json") == 0)
				rc->json = true;
			else if (strcmp(optarg, "text") != 0)
				return (cli_usage_error("replay",
				    "--format: '%s' is not text or "
				    "json",
				    optarg));
			break;
		case 'h':
			usage();
			*done = true;
			return (0);
		default:
			return (cli_bad_option("replay", argv));
		}
	}
	if (optind != argc - 1)
		return (cli_usage_error("replay", "expected one DB"));
	rc->path = argv[optind];
	return (0);
}

/*
 * Prints where a replay diverged: step, time, the last matching
 * transitions and the expected and actual rows.
 */
static void
print_divergence(struct sim_replay *rp, int64_t run)
{
	const struct sim_run_result *r = &rp->r;
	const char *version = rp->hdr.engine_version;
	uint64_t last = rp->bad_seq != 0 ? rp->bad_seq - 1 : r->transitions;
	size_t k;

	printf("replay of run %" PRId64 " DIVERGED at decision %" PRIu64
	       ", transition %" PRIu64 ", vtime %" PRId64 " ns\n",
	    run, r->decisions, last + 1, r->vtime_end_ns);
	printf("  %s\n",
	    r->message[0] != '\0' ? r->message : "the run ended early");
	printf("last matching transitions:\n");
	for (k = last > 10 ? last - 10 : 0; k < last && k < rp->nlines; k++) {
		char *l = sim_replay_line(rp, k + 1);

		print_line("    ", l != NULL ? l : "(not recorded)\n");
		free(l);
	}
	if (rp->bad_seq != 0) {
		char *l = rp->bad_seq <= rp->nlines
		    ? sim_replay_line(rp, rp->bad_seq)
		    : NULL;

		print_line("expected: ",
		    l != NULL			    ? l
			: rp->bad_seq <= rp->nlines ? "(not recorded)\n"
						    : "(end of run)");
		free(l);
		print_line("actual:   ", rp->actual);
	}
	if (strcmp(version, EVSIM_VERSION) != 0)
		printf("likely cause: recorded by evsim %s, replayed "
		       "by %s\n",
		    version, EVSIM_VERSION);
}

/* Prints the outcome of a finished replay; returns the exit status. */
static int
print_outcome(struct sim_replay *rp, int64_t run)
{
	const struct sim_run_result *r = &rp->r;

	if (rp->stopped)
		return (0); /* --until: the snapshot was the result */
	if (rp->interrupted && rp->cpu_limit != 0) {
		printf("replay of run %" PRId64
		       " stopped at seq %zu, where the "
		       "recording ends: the run was ended by its CPU limit "
		       "(%u s), a host-time point no replay reproduces; its "
		       "%zu transitions replay identically\n",
		    run, rp->nlines, rp->cpu_limit, rp->nlines);
		return (0);
	}
	if (rp->interrupted) {
		printf("replay of run %" PRId64 " interrupted at seq %zu: the "
		       "recording was cut short (status 'running'); "
		       "its %zu "
		       "transitions replay identically\n",
		    run, rp->nlines, rp->nlines);
		return (0);
	}
	if (r->status == SCHED_DIVERGED || rp->bad_seq != 0) {
		print_divergence(rp, run);
		return (EXIT_DIVERGED);
	}
	if (strcmp(r->trace_hash, rp->hdr.trace_hash) != 0) {
		printf("replay of run %" PRId64 " DIVERGED: trace hash %s, "
		       "recorded %s\n",
		    run, r->trace_hash, rp->hdr.trace_hash);
		return (EXIT_DIVERGED);
	}
	printf("replay of run %" PRId64 " identical: %s, %" PRIu64
	       " transitions, trace_hash %s\n",
	    run, sched_status_name(r->status), r->transitions, r->trace_hash);
	return (0);
}

int
cmd_replay(int argc, char **argv)
{
	struct replay_cli rc;
	struct sim_replay rp;
	struct tracedb *db;
	const char *version;
	char err[1200];
	bool done;
	int error;

	error = replay_parse(argc, argv, &rc, &done);
	if (error != 0 || done)
		return (error);
	if ((error = cli_open_db(rc.path, &rc.run, &db)) != 0)
		return (error);
	memset(&rp, 0, sizeof(rp));
	rp.until = rc.until;
	rp.json = rc.json;
	rp.snapshot_out = stdout;
	/* The recorded lines are read from db while the run is
	 * compared. */
	error = sim_replay_load(db, rc.run, &rp, err, sizeof(err));
	if (error != 0) {
		fprintf(stderr, "evsim: %s\n", err);
		error = EXIT_USAGE;
		goto out;
	}
	version = rp.hdr.engine_version;
	if (strcmp(version, EVSIM_VERSION) != 0)
		fprintf(stderr,
		    "evsim: warning: run %" PRId64
		    " was recorded by evsim %s, this is "
		    "%s; a divergence is then likely due to that\n",
		    rc.run, version, EVSIM_VERSION);
	if (sim_replay_exec(&rp, err, sizeof(err)) != 0) {
		fprintf(stderr, "evsim: replay of run %" PRId64 ": %s\n",
		    rc.run, err);
		error = EXIT_USAGE;
		goto out;
	}
	error = print_outcome(&rp, rc.run);
out:
	sim_replay_free(&rp);
	tracedb_close(db);
	return (error);
}
