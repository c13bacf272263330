/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * evsim explore FILE: searches schedules for failures with engine/explore.c
 * (random, pct, dfs with reduction, shrinking; the algorithm and its limits
 * are described there).  This file holds what is the command's: the
 * options, the workers (--jobs J forks J processes sharing their results
 * through an anonymous mapping, each making its runs with sim_run into a
 * temporary database), the progress line, the merge of the workers'
 * databases into --db and the summary.  The host clock is read only for the
 * time budget and the progress line, never inside a run.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "explore.h"
#include "kernel.h"
#include "simrun.h"
#include "strmap.h"
#include "trace.h"
#include "tracedb.h"

#define MAXBOUND EXPLORE_MAXBOUND

/* What the workers share (in shared memory). */
struct xshared {
	uint64_t min_fail; /* earliest failure key of any worker (atomic) */
	struct explore_result w[];
};

/* Options. */
struct xopts {
	const char *path, *db, *strategy, *kernel;
	char *src;
	size_t len;
	struct explore_opts e;
	double budget, t0;
	bool check;
	int jobs;
};

/* A worker: the run callback's state. */
struct xworker {
	const struct xopts *xo;
	struct explore_result *res;
	struct sim_run_opts o;
	struct trace *t; /* not recording */
	struct trace *rec; /* the worker's database, opened on demand */
	char dbpath[4096];
	struct explore *ex; /* during a run with footprints */
};

static void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n ? n : 1)) == NULL)
		sim_oom();
	return (p);
}

static double
host_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

/* A scenario error in a worker: reported through shared memory. */
static _Noreturn void
worker_fail(struct xworker *xw, const char *msg)
{
	snprintf(xw->res->errmsg, sizeof(xw->res->errmsg), "%s", msg);
	xw->res->error = EXIT_USAGE;
	_exit(EXIT_USAGE);
}

static void
worker_fatal(void *arg, const char *msg)
{
	worker_fail(arg, msg);
}

static bool
worker_out_of_time(void *arg)
{
	const struct xworker *xw = arg;

	return (
	    xw->xo->budget > 0 && host_now() - xw->xo->t0 >= xw->xo->budget);
}

/* The trace callback: hands the object of each transition to the search. */
static void
collect_line(void *arg, uint64_t seq, const char *line)
{
	struct xworker *xw = arg;
	const char *p = line, *e;
	int f;

	for (f = 0; f < 5; f++) {
		if ((p = strchr(p, '\t')) == NULL)
			return;
		p++;
	}
	if ((e = strchr(p, '\t')) == NULL)
		return;
	explore_touch(xw->ex, sched_steps(), p, (size_t)(e - p));
}

/* The run callback of the search: one sim_run of the scenario. */
static void
worker_run(void *arg, struct explore *ex, const struct explore_run_req *q,
    struct explore_run_res *res)
{
	struct xworker *xw = arg;
	struct sim_run_result r;
	char err[1200];

	xw->o.strategy = q->strategy;
	xw->o.pct_depth = q->pct_depth;
	xw->o.seed = q->seed;
	xw->o.replay = q->replay;
	xw->o.replay_len = q->replay_len;
	xw->o.args = q->record;
	xw->o.dfs = q->dfs;
	if (q->record != NULL) {
		if (xw->rec == NULL
		    && trace_open(&xw->rec, xw->dbpath, err, sizeof(err)) != 0)
			worker_fail(xw, err);
		xw->o.trace = xw->rec;
	} else {
		xw->o.trace = xw->t;
	}
	if (q->footprints) {
		xw->ex = ex;
		trace_set_expect(xw->t, collect_line, xw);
	}
	if (sim_run(&xw->o, &r, err, sizeof(err)) != 0)
		worker_fail(xw, err);
	xw->o.dfs = NULL;
	trace_set_expect(xw->t, NULL, NULL);
	xw->ex = NULL;
	res->status = r.status;
	snprintf(res->fail_func, sizeof(res->fail_func), "%s", r.fail_func);
	snprintf(res->message, sizeof(res->message), "%s", r.message);
	res->transitions = r.transitions;
	res->decisions = r.decisions;
	res->run_id = r.run_id;
	snprintf(res->trace_hash, sizeof(res->trace_hash), "%s", r.trace_hash);
}

/* ---- workers ------------------------------------------------------- */

static int
worker(const struct xopts *xo, struct xshared *sh, int w, int nw,
    const char *tmpdir)
{
	struct explore_opts eo = xo->e;
	struct explore_ops ops;
	struct xworker xw;
	char err[1200];

	memset(&xw, 0, sizeof(xw));
	xw.xo = xo;
	xw.res = &sh->w[w];
	snprintf(
	    xw.dbpath, sizeof(xw.dbpath), "%.1000s/worker%d.db", tmpdir, w);
	xw.o.path = xo->path;
	xw.o.source = xo->src;
	xw.o.source_len = xo->len;
	xw.o.kernel = xo->kernel;
	xw.o.have_seed = true;
	xw.o.quiet = true;
	xw.o.check = xo->check;
	eo.worker = w;
	eo.nworkers = nw;
	eo.min_fail = &sh->min_fail;
	memset(&ops, 0, sizeof(ops));
	ops.run = worker_run;
	ops.out_of_time = worker_out_of_time;
	ops.fatal = worker_fatal;
	ops.arg = &xw;
	if (trace_open(&xw.t, NULL, err, sizeof(err)) != 0)
		sim_oom();
	explore_run(&eo, &ops, xw.res);
	trace_close(xw.t);
	trace_close(xw.rec);
	xw.res->finished = true;
	return (0);
}

/* ---- the command --------------------------------------------------- */

static int
usage_error(const char *fmt, const char *a)
{
	char msg[1200];

	snprintf(msg, sizeof(msg), fmt, a);
	return (cli_usage_error("explore", "%s", msg));
}

static void
print_help(void)
{
	printf("usage: evsim explore FILE [--strategy random|pct[:D]|dfs[:B]] "
	       "[--runs N]\n"
	       "         [--time SEC] [--seed BASE] [--db PATH] [--kernel K] "
	       "[--keep-going]\n"
	       "         [--jobs J] [--shard I/N] [--no-check] "
	       "[--shrink-attempts N]\n\n"
	       "Runs the scenario under many schedules until one fails (or "
	       "all, with\n--keep-going).  random and pct:D (default D = 3) "
	       "run schedule i with seed\nBASE + i (--runs, default 1000); "
	       "dfs:B (default B = 2) explores every\nschedule with at most B "
	       "preemptions, fewest first (--runs bounds it).\nEach failure "
	       "is shrunk, recorded into the database under the replay\n"
	       "strategy, and printed with the commands that replay and "
	       "report it.\n--jobs J forks J workers (default: the number "
	       "of cores); --shard I/N\nexplores the slice i %% N == I only.  "
	       "Invariants are checked (--no-check:\nnot).\n\n"
	       "examples:\n"
	       "  evsim explore scenarios/fork/cponfork_timer_race.lua "
	       "--kernel freebsd@b11289f\n"
	       "  evsim explore race.lua --strategy pct:3 --runs 10000 "
	       "--time 60 --jobs 4\n"
	       "  evsim explore race.lua --strategy dfs:2 --keep-going "
	       "--db found.db\n"
	       "  evsim explore race.lua --shard 0/2 --db a.db; evsim merge "
	       "all.db a.db b.db\n");
}

/*
 * Prints the aggregated progress of the workers: one updating line on
 * standard error when it is a terminal, nothing otherwise (wall-clock
 * figures never reach the summary on standard output).
 */
static void
progress(
    const struct xopts *xo, struct xshared *sh, int nw, bool tty, double now)
{
	uint64_t done = 0, pruned = 0;
	int w, nsigs = 0;
	char left[32] = "", pr[48] = "";

	for (w = 0; w < nw; w++) {
		done += __atomic_load_n(&sh->w[w].done, __ATOMIC_RELAXED);
		pruned += __atomic_load_n(&sh->w[w].pruned, __ATOMIC_RELAXED);
		nsigs += __atomic_load_n(&sh->w[w].nsigs, __ATOMIC_RELAXED);
	}
	if (xo->budget > 0)
		snprintf(left, sizeof(left), ", %.0f s left",
		    xo->budget - (now - xo->t0) > 0
			? xo->budget - (now - xo->t0)
			: 0.0);
	if (xo->e.kind == EXPLORE_DFS)
		snprintf(pr, sizeof(pr), ", %" PRIu64 " pruned", pruned);
	fprintf(stderr,
	    "\r%" PRIu64 " schedules%s, %.0f/s, %d failures found%s   ", done,
	    pr, now > xo->t0 ? (double)done / (now - xo->t0) : 0.0, nsigs,
	    left);
	fflush(stderr);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x < y ? -1 : x > y);
}

/* A merged signature: the totals and the worker holding the first. */
struct msig {
	struct explore_sig s;
	int worker;
	int64_t run_id; /* in --db */
	uint64_t seeds[EXPLORE_MAXSEEDS * 8];
	int nseeds;
};

static int
cmp_msig(const void *a, const void *b)
{
	const struct msig *x = a, *y = b;

	return (x->s.first_key < y->s.first_key	  ? -1
		: x->s.first_key > y->s.first_key ? 1
						  : 0);
}

static void
print_size(const char *label, const struct explore_size *z)
{
	printf("%s%" PRIu64 " decisions, %" PRIu64 " preemption(s), %" PRIu64
	       " choose deviation(s), %" PRIu64 " other deviation(s), %" PRIu64
	       " transitions",
	    label, z->decisions, z->preemptions, z->choose_devs, z->other_devs,
	    z->transitions);
}

static int
summarize(const struct xopts *xo, struct xshared *sh, int nw,
    const char *tmpdir, double el)
{
	struct msig *ms = xrealloc(NULL, EXPLORE_MAXSIG * nw * sizeof(*ms));
	uint64_t done = 0, pruned = 0, beyond = 0, nfail = 0, steps = 0;
	uint64_t per_bound[MAXBOUND + 1] = { 0 };
	uint64_t minkey = __atomic_load_n(&sh->min_fail, __ATOMIC_SEQ_CST);
	bool exhausted = true;
	int nms = 0, w, s, i, b;
	char err[1200];

	for (w = 0; w < nw; w++) {
		struct explore_result *r = &sh->w[w];

		done += r->done;
		pruned += r->pruned;
		beyond += r->beyond;
		steps += r->steps_total;
		exhausted = exhausted && r->exhausted;
		for (b = 0; b <= MAXBOUND; b++)
			per_bound[b] += r->per_bound[b];
		for (s = 0; s < r->nsigs; s++) {
			struct explore_sig *g = &r->sigs[s];

			/* Without --keep-going: only the first failure. */
			if (!xo->e.keep_going && g->first_key != minkey)
				continue;
			for (i = 0; i < nms; i++)
				if (strcmp(ms[i].s.status, g->status) == 0
				    && strcmp(ms[i].s.func, g->func) == 0
				    && strcmp(ms[i].s.msg, g->msg) == 0)
					break;
			if (i == nms) {
				memset(&ms[i], 0, sizeof(ms[i]));
				ms[i].s = *g;
				ms[i].s.count = 0;
				ms[i].worker = w;
				nms++;
			} else if (g->first_key < ms[i].s.first_key) {
				uint64_t c = ms[i].s.count;

				ms[i].s = *g;
				ms[i].s.count = c;
				ms[i].worker = w;
			}
			ms[i].s.count += xo->e.keep_going ? g->count : 1;
			memcpy(ms[i].seeds + ms[i].nseeds, g->seeds,
			    (size_t)g->nseeds * sizeof(uint64_t));
			ms[i].nseeds += g->nseeds;
		}
	}
	for (i = 0; i < nms; i++) {
		if (ms[i].nseeds > 0)
			qsort(ms[i].seeds, (size_t)ms[i].nseeds,
			    sizeof(uint64_t), cmp_u64);
		if (ms[i].nseeds > EXPLORE_MAXSEEDS)
			ms[i].nseeds = EXPLORE_MAXSEEDS;
	}
	nfail = 0;
	for (w = 0; w < nw; w++)
		nfail += sh->w[w].nfail;
	if (!xo->e.keep_going && nms > 0) {
		/* As a sequential search: stops at the first failure. */
		nfail = 1;
		exhausted = false;
	}
	if (nms > 0) /* qsort(NULL, 0, ...) is undefined */
		qsort(ms, (size_t)nms, sizeof(*ms), cmp_msig);
	/* Gather the recorded runs into --db, in signature order. */
	for (i = 0; i < nms; i++) {
		char in[4200];
		size_t n = 1;

		if (ms[i].s.run_id <= 0)
			continue;
		snprintf(
		    in, sizeof(in), "%s/worker%d.db", tmpdir, ms[i].worker);
		if (tracedb_merge(xo->db, in, &ms[i].s.run_id, 1, &ms[i].run_id,
			&n, err, sizeof(err))
		    != 0) {
			fprintf(stderr, "evsim explore: %s\n", err);
			free(ms);
			return (EXIT_USAGE);
		}
	}
	if (!xo->e.keep_going && nms > 0 && xo->e.kind != EXPLORE_DFS) {
		/* Schedules a sequential search would have run. */
		done = ms[0].s.first_key / (uint64_t)xo->e.shard_n + 1;
	}
	printf("explored %" PRIu64 " schedules of %s (%s", done, xo->path,
	    xo->strategy);
	if (xo->e.kind != EXPLORE_DFS)
		printf(", seeds %" PRIu64 "..", xo->e.base);
	else
		printf(", seed %" PRIu64, xo->e.base);
	if (xo->e.shard_n > 1)
		printf(", shard %d/%d", xo->e.shard_i, xo->e.shard_n);
	printf(") in %.1f s with %d job(s), %.0f schedules/s: %" PRIu64
	       " failed, %d distinct\n",
	    el, nw, el > 0 ? (double)done / el : 0.0, nfail, nms);
	if (xo->e.kind == EXPLORE_DFS) {
		printf("dfs:%d: %" PRIu64 " schedules by preemptions:",
		    xo->e.bound, done);
		for (b = 0; b <= xo->e.bound; b++)
			printf(" %d: %" PRIu64, b, per_bound[b]);
		printf("; %" PRIu64
		       " branches pruned by the reduction%s; %" PRIu64
		       " preempting branches beyond the bound\n",
		    pruned, xo->e.reduction ? "" : " (off)", beyond);
		printf("dfs:%d: space %s\n", xo->e.bound,
		    exhausted ? "exhausted (every schedule within the bound "
				"explored)"
			      : "not exhausted");
	}
	if (xo->e.kind == EXPLORE_PCT && done > 0) {
		double n = 2, kest = (double)steps / (double)done;

		/*
		 * PCT finds a depth-d bug with probability at least
		 * 1 / (n * k^(d-1)) per run (n threads, k steps); n is taken
		 * as 2 here (XXX: not measured).
		 */
		printf("pct:%d: k ~ %.0f steps per run; per-run detection "
		       "bound >= 1/(n k^(d-1)) = %.2g for n = 2\n",
		    xo->e.pct_depth, kest,
		    1.0 / (n * pow(kest > 1 ? kest : 1, xo->e.pct_depth - 1)));
	}
	for (i = 0; i < nms; i++) {
		struct explore_sig *g = &ms[i].s;

		printf("\n[%d] %s in %s, %" PRIu64 " time(s), ", i + 1,
		    g->status, g->func[0] ? g->func : "scenario", g->count);
		if (xo->e.kind == EXPLORE_DFS)
			printf("first found with %d preemption(s)\n",
			    g->first_preempt);
		else
			printf("first at schedule %" PRIu64 " (seed %" PRIu64
			       ")\n",
			    g->first_key + 1, g->first_seed);
		printf("    %s\n", g->msg);
		if (xo->e.kind != EXPLORE_DFS && xo->e.keep_going) {
			printf("    failing seeds:");
			for (s = 0; s < ms[i].nseeds; s++)
				printf(
				    " %" PRIu64, xo->e.base + ms[i].seeds[s]);
			printf("%s\n",
			    g->count > (uint64_t)ms[i].nseeds ? " ..." : "");
		}
		print_size("    original: ", &g->orig);
		printf("\n");
		print_size("    shrunk:   ", &g->min);
		printf(" (%d runs)%s\n", g->attempts,
		    g->replay_ok ? "" : "; WARNING: replay check failed");
		if (ms[i].run_id > 0)
			printf("    evsim replay %s --run %" PRId64
			       "\n    evsim report %s --run %" PRId64
			       " -o report.html\n",
			    xo->db, ms[i].run_id, xo->db, ms[i].run_id);
		if (xo->e.kind != EXPLORE_DFS)
			printf("    evsim run %s --strategy %s --seed %" PRIu64
			       "%s%s   (the unshrunk schedule)\n",
			    xo->path, xo->strategy, g->first_seed,
			    xo->kernel ? " --kernel " : "",
			    xo->kernel ? xo->kernel : "");
	}
	free(ms);
	return (nms > 0 ? EXIT_FAILED : 0);
}

static void
remove_tmp(const char *tmpdir, int nw)
{
	char p[4200];
	int w;

	for (w = 0; w < nw; w++) {
		snprintf(p, sizeof(p), "%s/worker%d.db", tmpdir, w);
		unlink(p);
		snprintf(p, sizeof(p), "%s/worker%d.db-journal", tmpdir, w);
		unlink(p);
	}
	rmdir(tmpdir);
}

int
cmd_explore(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "runs", required_argument, NULL, 'r' },
		{ "time", required_argument, NULL, 't' },
		{ "seed", required_argument, NULL, 's' },
		{ "strategy", required_argument, NULL, 'S' },
		{ "db", required_argument, NULL, 'd' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "keep-going", no_argument, NULL, 'g' },
		{ "check", no_argument, NULL, 'c' },
		{ "no-check", no_argument, NULL, 'C' },
		{ "no-reduction", no_argument, NULL, 'R' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "shard", required_argument, NULL, 'n' },
		{ "shrink-attempts", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_strategy strat;
	struct xopts xo;
	struct xshared *sh;
	size_t shsize;
	pid_t *pids;
	char tmpdir[1024];
	const char *tmp;
	bool tty = isatty(2);
	double last;
	int c, k, w, nw, running, rc = 0;
	long ncpu;

	memset(&xo, 0, sizeof(xo));
	xo.db = "evsim.db";
	xo.strategy = "random";
	xo.e.kind = EXPLORE_RANDOM;
	xo.e.runs = 1000;
	xo.e.base = 1;
	xo.e.pct_depth = 3;
	xo.e.bound = 2;
	xo.e.reduction = true;
	xo.check = true;
	xo.e.shard_n = 1;
	xo.e.shrink_max = 500;
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	xo.jobs = ncpu > 0 ? (int)ncpu : 1;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		char *end;
		long j;
		int si, sn, used = 0;

		switch (c) {
		case 'h':
			print_help();
			return (0);
		case 'r':
			xo.e.runs = strtoull(optarg, &end, 10);
			xo.e.runs_given = true;
			if (*end != '\0' || xo.e.runs == 0 || optarg[0] == '-')
				return (usage_error("--runs: bad count", ""));
			break;
		case 't':
			xo.budget = strtod(optarg, &end);
			if (*end != '\0' || xo.budget <= 0)
				return (usage_error("--time: bad seconds", ""));
			break;
		case 's':
			if (cli_parse_u64(optarg, &xo.e.base) != 0)
				return (usage_error("--seed: bad seed", ""));
			break;
		case 'S':
			if (cli_parse_strategy(optarg,
				CLI_STRATEGY(SCHED_RANDOM)
				    | CLI_STRATEGY(SCHED_PCT)
				    | CLI_STRATEGY(SCHED_DFS),
				&strat)
			    != 0)
				return (usage_error(
				    "--strategy: '%s' is not random, pct[:D] "
				    "(1 <= D <= 16) or dfs[:B] (B <= 16)",
				    optarg));
			xo.strategy = optarg;
			xo.e.kind = strat.strategy == SCHED_RANDOM
			    ? EXPLORE_RANDOM
			    : strat.strategy == SCHED_PCT ? EXPLORE_PCT
							  : EXPLORE_DFS;
			xo.e.pct_depth = strat.pct_depth;
			xo.e.bound = strat.dfs_bound;
			break;
		case 'd':
			xo.db = optarg;
			break;
		case 'k':
			xo.kernel = optarg;
			if (sim_revision_find(xo.kernel) == NULL)
				return (
				    usage_error("--kernel: unknown kernel '%s'",
					xo.kernel));
			break;
		case 'g':
			xo.e.keep_going = true;
			break;
		case 'c':
			xo.check = true;
			break;
		case 'C':
			xo.check = false;
			break;
		case 'R':
			xo.e.reduction = false; /* hidden: for benchmarks */
			break;
		case 'j':
			j = strtol(optarg, &end, 10);
			if (*end != '\0' || j < 1 || j > 1024)
				return (usage_error(
				    "--jobs: bad count '%s'", optarg));
			xo.jobs = (int)j;
			break;
		case 'n':
			if (sscanf(optarg, "%d/%d%n", &si, &sn, &used) != 2
			    || optarg[used] != '\0' || sn < 1 || si < 0
			    || si >= sn)
				return (usage_error(
				    "--shard: '%s' is not I/N with 0 <= I < N",
				    optarg));
			xo.e.shard_i = si;
			xo.e.shard_n = sn;
			break;
		case 'a':
			j = strtol(optarg, &end, 10);
			if (*end != '\0' || j < 1 || j > 1000000)
				return (usage_error(
				    "--shrink-attempts: bad count '%s'",
				    optarg));
			xo.e.shrink_max = (int)j;
			break;
		default:
			return (cli_bad_option("explore", argv));
		}
	}
	if (optind != argc - 1)
		return (usage_error("expected one scenario FILE%s", ""));
	xo.path = argv[optind];
	if ((k = cli_read_file(xo.path, &xo.src, &xo.len)) != 0) {
		fprintf(stderr, "evsim: %s: %s\n", xo.path, strerror(k));
		return (EXIT_USAGE);
	}
	tmp = getenv("TMPDIR");
	snprintf(tmpdir, sizeof(tmpdir), "%s/evsim-explore.XXXXXX",
	    tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		fprintf(
		    stderr, "evsim explore: %s: %s\n", tmpdir, strerror(errno));
		free(xo.src);
		return (EXIT_USAGE);
	}
	nw = xo.jobs;
	shsize = sizeof(*sh) + (size_t)nw * sizeof(struct explore_result);
	sh = mmap(NULL, shsize, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		sim_oom();
	sh->min_fail = UINT64_MAX;
	pids = xrealloc(NULL, (size_t)nw * sizeof(*pids));
	fflush(stdout);
	fflush(stderr);
	xo.t0 = host_now();
	for (w = 0; w < nw; w++) {
		pids[w] = fork();
		if (pids[w] < 0) {
			fprintf(stderr, "evsim explore: fork: %s\n",
			    strerror(errno));
			nw = w;
			rc = EXIT_USAGE;
			break;
		}
		if (pids[w] == 0)
			_exit(worker(&xo, sh, w, xo.jobs, tmpdir));
	}
	last = xo.t0;
	running = nw;
	while (running > 0) {
		int status;
		pid_t p = waitpid(-1, &status, WNOHANG);
		double now;

		if (p > 0) {
			for (w = 0; w < nw; w++)
				if (pids[w] == p)
					break;
			running--;
			if (w < nw && !sh->w[w].finished) {
				if (tty)
					fputc('\n', stderr);
				if (sh->w[w].errmsg[0] != '\0')
					fprintf(stderr, "evsim: %s\n",
					    sh->w[w].errmsg);
				else
					fprintf(stderr,
					    "evsim explore: worker %d died "
					    "(status %d)\n",
					    w, status);
				rc = EXIT_USAGE;
				/* The others would only waste time. */
				for (k = 0; k < nw; k++)
					if (k != w && !sh->w[k].finished)
						kill(pids[k], SIGTERM);
			}
			continue;
		}
		usleep(20000);
		now = host_now();
		if (tty && now - last >= 0.2) {
			progress(&xo, sh, nw, tty, now);
			last = now;
		}
	}
	if (tty && last > xo.t0)
		fprintf(stderr, "\r%*s\r", 78, "");
	if (rc == 0)
		rc = summarize(&xo, sh, xo.jobs, tmpdir, host_now() - xo.t0);
	remove_tmp(tmpdir, xo.jobs);
	munmap(sh, shsize);
	free(pids);
	free(xo.src);
	return (rc);
}
