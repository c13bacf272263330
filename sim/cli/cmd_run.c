/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * evsim run FILE: runs one scenario and records it into the trace database
 * (or only hashes it, --no-record), then prints one summary: status,
 * kernel, seed, end time, counts and the trace hash.  Exit 0 passed, 1 the
 * scenario failed, 2 usage or script error.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kernel.h"
#include "simrun.h"
#include "trace.h"

static void
usage(void)
{
	printf("usage: evsim run FILE [--seed N] [--db PATH] [--kernel K] "
	       "[--strategy S]\n"
	       "                 [--failpoint NAME=SPEC]... [--fp-budget N]\n"
	       "                 [--no-record] [--trace-out PATH] [--quiet] "
	       "[--check|--no-check]\n"
	       "                 [--cpu-limit SEC]\n\n"
	       "Runs one scenario and records every transition into the "
	       "database\n"
	       "(default evsim.db).  Kernels: see README (freebsd, illumos "
	       "and revisions like\n"
	       "freebsd@b11289f).\n"
	       "Strategies: fifo (default), random, pct[:D].\n"
	       "--check verifies the global kernel invariants at every "
	       "decision (default off).\n"
	       "--failpoint sets a fail point (see evsim failpoints) after "
	       "the scenario's own\n"
	       "'failpoints' field; SPEC is off, return, N*return, P%%return "
	       "or explore.\n"
	       "--fp-budget: under random and pct, at most N 'explore' fail "
	       "points fail per run\n"
	       "(default 1).\n"
	       "--cpu-limit ends the run as error after SEC seconds of host "
	       "CPU time\n"
	       "(default 300): a watchdog for work stuck inside one library "
	       "call;\n"
	       "twice SEC without a scheduling point (evsim stuck in its own "
	       "C code) ends\n"
	       "it as error too.\n"
	       "--quiet prints nothing for a run that passed (neither the "
	       "scenario's print\n"
	       "output nor the summary); any other status prints its summary "
	       "on stderr.\n\n"
	       "examples:\n"
	       "  evsim run scenarios/basic/pipe_fork_wait.lua\n"
	       "  evsim run scenarios/fork/cponfork_timer_race.lua "
	       "--kernel freebsd@b11289f \\\n"
	       "      --seed 74 --strategy random --db race.db\n"
	       "  evsim run scenarios/basic/clocks.lua --no-record "
	       "--trace-out clocks.txt\n"
	       "  evsim run scenarios/kqueue/cponfork_copy.lua --kernel "
	       "freebsd@b11289f \\\n"
	       "      --strategy random --seed 1 \\\n"
	       "      --failpoint kqueue_fork_copy_knote:fhold=explore\n");
}

static char *
join_args(int argc, char **argv)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = calloc(1, len);
	if (s == NULL)
		sim_oom();
	for (i = 0; i < argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return (s);
}

static void
print_result(FILE *out, const struct sim_run_result *r, bool recorded)
{
	if (recorded)
		fprintf(out, "run %" PRId64 ": ", r->run_id);
	fprintf(out, "%s  %s  kernel %s  seed %" PRIu64 "\n", r->scenario,
	    sched_status_name(r->status), r->kernel, r->seed);
	if (r->message[0] != '\0')
		fprintf(out, "  %s\n", r->message);
	fprintf(out,
	    "  vtime %" PRId64 " ns  transitions %" PRIu64 "  syscalls %" PRIu64
	    "  decisions %" PRIu64 "  trace_hash %s\n",
	    r->vtime_end_ns, r->transitions, r->syscalls, r->decisions,
	    r->trace_hash);
}

/* What the command line asks of one run, besides struct sim_run_opts. */
struct run_cli {
	struct sim_run_opts o;
	const char *fps[64];
	const char *db, *trace_out;
};

/* Parses argv into rc; 0, or the exit status of --help or a usage error. */
static int
run_parse(int argc, char **argv, struct run_cli *rc, bool *done)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "db", required_argument, NULL, 'd' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "strategy", required_argument, NULL, 'S' },
		{ "no-record", no_argument, NULL, 'n' },
		{ "trace-out", required_argument, NULL, 't' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "check", no_argument, NULL, 'c' },
		{ "no-check", no_argument, NULL, 'C' },
		{ "cpu-limit", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ "failpoint", required_argument, NULL, 'F' },
		{ "fp-budget", required_argument, NULL, 'B' },
		{ NULL, 0, NULL, 0 },
	};
	struct sim_run_opts *o = &rc->o;
	struct cli_strategy strat;
	uint64_t v;
	int c;

	memset(rc, 0, sizeof(*rc));
	rc->db = "evsim.db";
	o->strategy = SCHED_FIFO;
	o->failpoints = rc->fps;
	*done = false;
	optind = 1;
	opterr = 0;
	while (
	    (c = getopt_long(argc, argv, "s:d:k:S:nt:qcCL:hF:B:", opts, NULL))
	    != -1) {
		switch (c) {
		case 'F': /* --failpoint NAME=SPEC, checked by sim_run() */
			if (o->nfailpoints
			    == (int)(sizeof(rc->fps) / sizeof(rc->fps[0])))
				return (cli_usage_error("run",
				    "too many --failpoint (at most 64)"));
			rc->fps[o->nfailpoints++] = optarg;
			break;
		case 'B':
			if (cli_parse_u64(optarg, &o->fp_budget) != 0
			    || o->fp_budget == 0 || o->fp_budget > 1000000)
				return (cli_usage_error("run",
				    "--fp-budget: '%s' is not a number from 1 "
				    "to 1000000",
				    optarg));
			break;
		case 's':
			if (cli_parse_u64(optarg, &o->seed) != 0)
				return (cli_usage_error("run",
				    "--seed: '%s' is not a non-negative "
				    "integer",
				    optarg));
			o->have_seed = true;
			break;
		case 'd':
			rc->db = optarg;
			break;
		case 'k':
			if (sim_revision_find(optarg) == NULL) {
				char known[512];

				sim_revision_names(known, sizeof(known));
				return (cli_usage_error("run",
				    "--kernel: unknown kernel '%s' (known: %s)",
				    optarg, known));
			}
			o->kernel = optarg;
			break;
		case 'S':
			if (cli_parse_strategy(optarg,
				CLI_STRATEGY(SCHED_FIFO)
				    | CLI_STRATEGY(SCHED_RANDOM)
				    | CLI_STRATEGY(SCHED_PCT),
				&strat)
			    != 0)
				return (cli_usage_error("run",
				    "--strategy: '%s' is not one of fifo, "
				    "random, pct[:D] (1 <= D <= 16)",
				    optarg));
			o->strategy = strat.strategy;
			o->pct_depth
			    = strat.strategy == SCHED_PCT ? strat.pct_depth : 0;
			break;
		case 'n':
			rc->db = NULL;
			break;
		case 't':
			rc->trace_out = optarg;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'c':
			o->check = true;
			break;
		case 'C':
			o->check = false;
			break;
		case 'L':
			if (cli_parse_u64(optarg, &v) != 0 || v == 0
			    || v > 1000000)
				return (cli_usage_error("run",
				    "--cpu-limit: '%s' is not a number of "
				    "seconds from 1 to 1000000",
				    optarg));
			o->cpu_limit_sec = (unsigned)v;
			break;
		case 'h':
			usage();
			*done = true;
			return (0);
		default:
			return (cli_bad_option("run", argv));
		}
	}
	if (optind != argc - 1)
		return (cli_usage_error("run",
		    "expected one scenario FILE (see evsim run --help)"));
	o->path = argv[optind];
	return (0);
}

int
cmd_run(int argc, char **argv)
{
	struct run_cli rc;
	struct sim_run_result r;
	struct trace *t = NULL;
	FILE *tf = NULL;
	char err[1200], *src, *args;
	bool done;
	int error;

	error = run_parse(argc, argv, &rc, &done);
	if (error != 0 || done)
		return (error);
	error = cli_read_file(rc.o.path, &src, &rc.o.source_len);
	if (error != 0) {
		fprintf(stderr, "evsim: %s: %s\n", rc.o.path, strerror(error));
		return (EXIT_USAGE);
	}
	rc.o.source = src;
	if (trace_open(&t, rc.db, err, sizeof(err)) != 0) {
		fprintf(stderr, "evsim: %s\n", err);
		free(src);
		return (EXIT_USAGE);
	}
	if (rc.trace_out != NULL) {
		tf = fopen(rc.trace_out, "w");
		if (tf == NULL) {
			fprintf(stderr, "evsim: %s: %s\n", rc.trace_out,
			    strerror(errno));
			trace_close(t);
			free(src);
			return (EXIT_USAGE);
		}
		trace_set_text_out(t, tf);
	}
	rc.o.trace = t;
	args = join_args(argc, argv);
	rc.o.args = args;
	error = sim_run(&rc.o, &r, err, sizeof(err));
	fflush(stdout);
	trace_close(t);
	if (tf != NULL)
		fclose(tf);
	free(args);
	free(src);
	if (error != 0) {
		fprintf(stderr, "evsim: %s\n", err);
		return (EXIT_USAGE);
	}
	/* --quiet: a run that passed prints nothing; any other on stderr. */
	if (!rc.o.quiet)
		print_result(stdout, &r, rc.db != NULL);
	else if (r.status != SCHED_PASSED)
		print_result(stderr, &r, rc.db != NULL);
	return (cli_status_exit(r.status));
}
