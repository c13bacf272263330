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
 *
 * Interruption: SIGINT or SIGTERM asks the workers (through the shared
 * mapping) to stop searching; they still shrink and record what they
 * found; a second one stops shrinking (the best schedule so far is
 * recorded); a third kills them.  Workers die with the parent
 * (PR_SET_PDEATHSIG, whose handler removes the worker's temporary files).
 * A worker that dies on a schedule (a bug in evsim) has that schedule
 * recorded into --db with status 'crashed' and is started again after it.
 * The search's 'explore' row in --db says how far it got (for --resume).
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
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "explore.h"
#include "explore_server.h"
#include "kernel.h"
#include "shard.h"
#include "simrun.h"
#include "strmap.h"
#include "trace.h"
#include "tracedb.h"
#include "xxhash.h"

#define MAXBOUND EXPLORE_MAXBOUND

#define CUR_PREFIX 64

/*
 * Whether a worker makes its runs through the fork server or from the
 * saved Lua image (sim_run_opts.image: the sandbox, the sys and sim tables
 * and the compiled scenario restored in place, then the chunk run and the
 * kernel booted as from scratch): it tries XTRIAL runs each way first, in
 * turns, and keeps the one that cost less CPU time (forking costs a page fault
 * per page a run writes, more than a short scenario's boot from the image; the
 * server wins when a long deterministic prefix precedes the first decision).
 * Every way gives the same runs.  XMODE_SCRATCH names the runs from the image.
 */
enum { XMODE_TRY_SERVER, XMODE_TRY_SCRATCH, XMODE_SERVER, XMODE_SCRATCH };
#define XTRIAL 16

/* The run a worker is making (to record it if the worker dies). */
struct xcur {
	uint64_t key, seed;
	bool in_run, shrinking;
	uint32_t plen; /* dfs: the prefix (CUR_PREFIX at most) */
	int64_t prefix[CUR_PREFIX];
};

/* What the workers share (in shared memory). */
struct xshared {
	uint64_t min_fail; /* earliest failure key of any worker (atomic) */
	/* random, pct: the next schedule of the shard no worker took */
	uint64_t next_claim;
	/* dfs: per bound, the slices of the shard taken (explore_opts) */
	uint64_t dfs_claims[MAXBOUND + 2];
	/* dfs: the count, then the slices evsim died on */
	uint64_t dfs_poison[1 + EXPLORE_MAXPOISON];
	/* 0: search; 1: stop searching (still shrink); 2: stop shrinking */
	int stop;
	struct xcur *cur; /* per worker, in the same mapping */
	struct explore_result w[];
};

/* Options. */
struct xopts {
	const char *path, *db, *strategy, *kernel;
	char *src;
	size_t len;
	struct explore_opts e;
	double budget, t0;
	bool check, resume;
	bool scratch; /* every run from scratch, no fork server, no image */
	bool image; /* every run from the image, no fork server */
	bool server; /* every run the fork server can make through it */
	bool hashes; /* each run's trace hash on standard error (tests) */
	int progress; /* -1: on a terminal, 0: never, 1: always */
	int jobs;
	const char *fps[64]; /* --failpoint NAME=SPEC, for every run */
	int nfps;
	char *fprec; /* --resume: the recorded fail points (fps point in) */
	uint64_t fp_budget; /* --fp-budget, 0: the default */
	unsigned cpu_limit; /* --cpu-limit, 0: the default */
	struct trace *dbt; /* --db, for what the search found */
	int64_t explore_id; /* its 'explore' row */
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
	struct xserver *srv; /* the fork server (explore_server.c) */
	int mode; /* XMODE_* */
	int ntrial;
	uint64_t trial_ns[2]; /* CPU of the trial runs: server, image */
	struct xshared *sh;
	int w;
};

/*
 * A worker's view for its signal handlers: the parent's pid, the shared
 * mapping and the temporary files to remove when the parent is gone.
 */
static struct {
	pid_t parent;
	struct xshared *sh;
	char tmpdir[1024];
	char files[4][1100];
	volatile sig_atomic_t interrupts; /* the parent's count */
} xsig;

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

	if (__atomic_load_n(&xw->sh->stop, __ATOMIC_RELAXED) > 0)
		return (true);
	return (
	    xw->xo->budget > 0 && host_now() - xw->xo->t0 >= xw->xo->budget);
}

static bool
worker_hurry(void *arg)
{
	const struct xworker *xw = arg;

	return (__atomic_load_n(&xw->sh->stop, __ATOMIC_RELAXED) > 1);
}

/*
 * A worker's SIGINT/SIGTERM (SIGTERM is also what it gets when its parent
 * dies): without a parent, it removes its temporary files and the folder
 * (the last worker succeeds) and exits.  Otherwise the parent, which got
 * the same signal from a terminal's process group or alone, decides: a
 * signal sent to one worker only does not stop the whole search behind
 * the parent's back.  Async-signal-safe.
 */
static void
worker_signal(int sig)
{
	int k;

	(void)sig;
	if (getppid() == xsig.parent)
		return;
	for (k = 0; k < 4; k++)
		unlink(xsig.files[k]);
	rmdir(xsig.tmpdir);
	_exit(EXIT_USAGE);
}

/* The parent's SIGINT/SIGTERM: the first stops the search, the second
 * its shrinking, the third the workers. */
static void
parent_signal(int sig)
{
	(void)sig;
	xsig.interrupts++;
	if (xsig.sh != NULL)
		__atomic_store_n(&xsig.sh->stop, xsig.interrupts >= 2 ? 2 : 1,
		    __ATOMIC_RELAXED);
}

static void
on_signals(void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
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

/*
 * The run the fork server could not make, and this worker: one sim_run of
 * the scenario from the image (from scratch with --no-snapshot).
 */
static void
run_scratch(struct xworker *xw, struct explore *ex,
    const struct explore_run_req *q, struct explore_run_res *res)
{
	struct sim_run_result r;
	char err[1200];

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

/*
 * The process that made this worker's run died (wait status ws): the
 * worker dies the same way, so that the parent records the schedule as
 * crashed.
 */
static _Noreturn void
worker_die(int ws)
{
	if (WIFSIGNALED(ws)) {
		signal(WTERMSIG(ws), SIG_DFL);
		raise(WTERMSIG(ws));
	}
	_exit(WIFEXITED(ws) && WEXITSTATUS(ws) != 0 ? WEXITSTATUS(ws)
						    : EXIT_USAGE);
}

/*
 * This process's CPU time so far.  The thread's clock, which is the
 * process's (one thread): while the CPU-time watchdog (ITIMER_PROF) is
 * armed, Linux reads the process clock from the group timer, which
 * advances only at the scheduler's ticks, too coarse for a run.
 */
static uint64_t
cpu_self(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
}

/*
 * Counts a run's CPU time ns for the trials (see XMODE_*): the two ways
 * take turns, so that a burst of load on the host weighs on both alike.
 */
static void
choose_mode(struct xworker *xw, bool by_server, uint64_t ns)
{
	if (xw->mode == XMODE_TRY_SERVER && by_server) {
		xw->trial_ns[0] += ns;
		xw->mode = XMODE_TRY_SCRATCH;
	} else if (xw->mode == XMODE_TRY_SCRATCH) {
		xw->trial_ns[1] += ns;
		if (++xw->ntrial < XTRIAL) {
			xw->mode = XMODE_TRY_SERVER;
			return;
		}
		xw->mode = xw->trial_ns[0] < xw->trial_ns[1] ? XMODE_SERVER
							     : XMODE_SCRATCH;
		if (xw->mode == XMODE_SCRATCH) {
			xserver_free(xw->srv);
			xw->srv = NULL;
		}
	}
}

/* The run callback of the search: one run of the scenario. */
static void
worker_run(void *arg, struct explore *ex, const struct explore_run_req *q,
    struct explore_run_res *res)
{
	struct xworker *xw = arg;
	struct xcur *cur = &xw->sh->cur[xw->w];
	char err[1200];
	const char *how;
	uint64_t c0, cpu = 0;
	int e = ENOTSUP, ws = 0;
	bool trial;

	cur->key = q->key;
	cur->seed = q->seed;
	cur->shrinking = q->shrinking;
	cur->plen
	    = q->prefix_len < CUR_PREFIX ? (uint32_t)q->prefix_len : CUR_PREFIX;
	if (q->prefix != NULL)
		memcpy(cur->prefix, q->prefix, cur->plen * sizeof(int64_t));
	__atomic_store_n(&cur->in_run, true, __ATOMIC_SEQ_CST);
	xw->o.strategy = q->strategy;
	xw->o.pct_depth = q->pct_depth;
	xw->o.seed = q->seed;
	xw->o.replay = q->replay;
	xw->o.replay_len = q->replay_len;
	xw->o.args = q->record;
	xw->o.dfs = q->dfs;
	/* The CPU time of the trial runs only (a system call each). */
	trial = q->record == NULL
	    && (xw->mode == XMODE_TRY_SERVER || xw->mode == XMODE_TRY_SCRATCH);
	c0 = trial ? cpu_self() : 0;
	if (!xw->xo->scratch && !xw->xo->image
	    && (xw->xo->server
		|| (xw->mode != XMODE_SCRATCH
		    && xw->mode != XMODE_TRY_SCRATCH)))
		e = xserver_run(
		    &xw->srv, &xw->o, ex, q, res, &cpu, &ws, err, sizeof(err));
	if (e == EINVAL)
		worker_fail(xw, err);
	if (e == ECHILD)
		worker_die(ws);
	if (e != 0)
		run_scratch(xw, ex, q, res);
	how = e == 0 && xserver_in_place(xw->srv) ? "inplace"
	    : e == 0				  ? "server"
	    : xw->o.image			  ? "image"
						  : "scratch";
	if (trial)
		choose_mode(xw, e == 0, cpu + (cpu_self() - c0));
	if (xw->xo->hashes)
		fprintf(stderr, "run %s %" PRIu64 " %s seed %" PRIu64 " %s%s\n",
		    how, q->key, sched_strategy_name(q->strategy), q->seed,
		    res->trace_hash, q->record != NULL ? " recorded" : "");
	__atomic_store_n(&cur->in_run, false, __ATOMIC_SEQ_CST);
	xw->o.dfs = NULL;
	/*
	 * A script error (or a host limit) is no race: the search stops at
	 * once with its message, as evsim run would exit 2.
	 */
	if (res->status == SCHED_ERROR) {
		snprintf(err, sizeof(err),
		    "%.200s: error under %s seed %" PRIu64 ": %.900s",
		    xw->o.path, sched_strategy_name(q->strategy), q->seed,
		    res->message);
		worker_fail(xw, err);
	}
}

/* ---- workers ------------------------------------------------------- */

static int
worker(const struct xopts *xo, struct xshared *sh, int w, int nw,
    const char *tmpdir, uint64_t start)
{
	struct explore_opts eo = xo->e;
	struct explore_ops ops;
	struct xworker xw;
	char err[1200];
	static const char *const sfx[4] = { "", "-journal", "-wal", "-shm" };
	int k;

	memset(&xw, 0, sizeof(xw));
	xw.xo = xo;
	xw.sh = sh;
	xw.w = w;
	xw.res = &sh->w[w];
	snprintf(
	    xw.dbpath, sizeof(xw.dbpath), "%.1000s/worker%d.db", tmpdir, w);
	/* Die with the parent, removing what is ours (worker_signal). */
	xsig.sh = sh;
	snprintf(xsig.tmpdir, sizeof(xsig.tmpdir), "%s", tmpdir);
	for (k = 0; k < 4; k++)
		snprintf(xsig.files[k], sizeof(xsig.files[k]), "%.1050s%s",
		    xw.dbpath, sfx[k]);
	on_signals(worker_signal);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != xsig.parent)
		worker_signal(SIGTERM);
	xw.o.path = xo->path;
	xw.o.source = xo->src;
	xw.o.source_len = xo->len;
	xw.o.kernel = xo->kernel;
	xw.o.have_seed = true;
	xw.o.quiet = true;
	xw.o.check = xo->check;
	xw.o.failpoints = xo->fps;
	xw.o.nfailpoints = xo->nfps;
	xw.o.fp_budget = xo->fp_budget;
	xw.o.image = !xo->scratch;
	xw.o.cpu_limit_sec = xo->cpu_limit;
	xw.o.stuck_dies = true; /* recorded as crashed, see worker_die */
	eo.worker = w;
	eo.nworkers = nw;
	eo.min_fail = &sh->min_fail;
	if (eo.kind == EXPLORE_DFS) {
		eo.resume_key = start;
		eo.dfs_claims = sh->dfs_claims;
		eo.dfs_poison = sh->dfs_poison;
	} else {
		eo.start = start;
		eo.next_claim = &sh->next_claim;
	}
	memset(&ops, 0, sizeof(ops));
	ops.run = worker_run;
	ops.out_of_time = worker_out_of_time;
	ops.fatal = worker_fatal;
	ops.hurry = worker_hurry;
	ops.arg = &xw;
	if (trace_open(&xw.t, NULL, err, sizeof(err)) != 0)
		sim_oom();
	explore_run(&eo, &ops, xw.res);
	xserver_free(xw.srv);
	sim_run_image_drop();
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

static int
cmp_fp(const void *a, const void *b)
{
	return (strcmp(*(const char *const *)a, *(const char *const *)b));
}

/*
 * The fail points of fps as the search's row records them: the last
 * setting of each name, sorted by name, separated by spaces ("" for none).
 */
static char *
fp_canon(const char *const *fps, int n)
{
	const char *v[64];
	size_t len = 1;
	char *out;
	int i, j, m = 0;

	for (i = 0; i < n; i++) {
		size_t nl = strcspn(fps[i], "=");

		for (j = 0; j < m; j++)
			if (strncmp(v[j], fps[i], nl) == 0 && v[j][nl] == '=')
				break;
		v[j] = fps[i];
		if (j == m)
			m++;
	}
	if (m > 0)
		qsort(v, (size_t)m, sizeof(v[0]), cmp_fp);
	for (i = 0; i < m; i++)
		len += strlen(v[i]) + 1;
	out = xrealloc(NULL, len);
	out[0] = '\0';
	for (i = 0; i < m; i++) {
		if (i > 0)
			strcat(out, " ");
		strcat(out, v[i]);
	}
	return (out);
}

/*
 * --resume: takes the fail points and budget of the search it continues
 * (rec, rbudget) when none are given; refuses different ones.  Returns 0
 * or EXIT_USAGE.
 */
static int
fp_resume(struct xopts *xo, int64_t id, const char *rec, uint64_t rbudget)
{
	char *given = fp_canon(xo->fps, xo->nfps), *p;

	if (xo->nfps > 0 && strcmp(given, rec) != 0) {
		fprintf(stderr,
		    "evsim explore: --resume: search %" PRId64
		    " of %s ran with fail points '%s', not '%s'; give the "
		    "same --failpoint options (or none, to take the recorded "
		    "ones), or search anew without --resume or with another "
		    "--db\n",
		    id, xo->db, rec, given);
		free(given);
		return (EXIT_USAGE);
	}
	free(given);
	if (xo->fp_budget != 0 && xo->fp_budget != rbudget) {
		fprintf(stderr,
		    "evsim explore: --resume: search %" PRId64
		    " of %s ran with --fp-budget %" PRIu64 ", not %" PRIu64
		    "\n",
		    id, xo->db, rbudget, xo->fp_budget);
		return (EXIT_USAGE);
	}
	xo->fp_budget = rbudget;
	if (xo->nfps == 0 && rec[0] != '\0') {
		xo->fprec = xrealloc(NULL, strlen(rec) + 1);
		strcpy(xo->fprec, rec);
		for (p = strtok(xo->fprec, " "); p != NULL && xo->nfps < 64;
		     p = strtok(NULL, " "))
			xo->fps[xo->nfps++] = p;
		printf("resuming with the search's fail points: %s\n", rec);
	}
	return (0);
}

static void
print_help(void)
{
	printf(
	    "usage: evsim explore FILE [--strategy random|pct[:D]|dfs[:B]] "
	    "[--runs N]\n"
	    "         [--time SEC] [--seed BASE] [--db PATH] [--kernel K] "
	    "[--keep-going]\n"
	    "         [--jobs J] [--shard I/N|auto [--shards N]] "
	    "[--resume] [--progress]\n"
	    "         [--no-check] [--shrink-attempts N] "
	    "[--failpoint NAME=SPEC]...\n"
	    "         [--fp-budget N] [--cpu-limit SEC]\n\n"
	    "Runs the scenario under many schedules until one fails (or "
	    "all, with\n--keep-going).  random and pct:D (default D = 3) "
	    "run schedule i with seed\nBASE + i (--runs, default 1000); "
	    "dfs:B (default B = 2) explores every\nschedule with at most B "
	    "preemptions, fewest first (--runs bounds it).\nEach failure "
	    "is shrunk, recorded into the database under the replay\n"
	    "strategy, and printed with the commands that replay and "
	    "report it.\n--jobs J forks J workers (default: the number "
	    "of cores); --shard I/N\nexplores the slice i %% N == I only "
	    "(auto: I and N from SLURM_ARRAY_TASK_ID\nand "
	    "SLURM_ARRAY_TASK_COUNT or _MIN/_MAX, or JOB_COMPLETION_INDEX "
	    "and --shards N\nor EVSIM_SHARDS); evsim merge combines the "
	    "shards' databases.\nInvariants are checked (--no-check: not).\n"
	    "SIGINT or SIGTERM stops the search, records and shrinks what "
	    "was found\n(a second one: without shrinking) and exits 1 if "
	    "a failure was found,\nelse 130; --resume continues a search from "
	    "where --db says it stopped.\nA schedule on which evsim itself "
	    "dies is recorded with status crashed\nand the search goes on "
	    "(exit 2).  Progress goes to standard error on a\nterminal "
	    "(--progress: always).\n"
	    "--cpu-limit is each run's host CPU-time watchdog, as for evsim "
	    "run\n(default 300 s); a run stuck in evsim's own C code for "
	    "twice as long is\nrecorded as crashed (SIGXCPU).\n"
	    "--failpoint sets a fail point in every run, as for evsim run; "
	    "with SPEC\nexplore the search also tries its failing branch: "
	    "random and pct make at\nmost --fp-budget of them fail per "
	    "schedule (default 1); dfs:B counts a\nfailing one as a "
	    "preemption.  --resume takes the fail points of the search\n"
	    "it continues; different ones are an error.\n\n"
	    "examples:\n"
	    "  evsim explore scenarios/fork/cponfork_timer_race.lua "
	    "--kernel freebsd@b11289f\n"
	    "  evsim explore race.lua --strategy pct:3 --runs 10000 "
	    "--time 60 --jobs 4\n"
	    "  evsim explore race.lua --strategy dfs:2 --keep-going "
	    "--db found.db\n"
	    "  evsim explore race.lua --shard 0/2 --db a.db; evsim merge "
	    "all.db a.db b.db\n"
	    "  evsim explore race.lua --runs 100000 --keep-going --db r.db "
	    "--resume\n"
	    "  evsim explore scenarios/fork/classic_note_fork_track.lua "
	    "--strategy dfs:1 \\\n"
	    "      --failpoint knote_fork:kqueue_register=explore\n");
}

/* Schedules of the shard from its schedule start (random, pct). */
static uint64_t
shard_total(const struct xopts *xo, uint64_t start)
{
	uint64_t n, si = (uint64_t)xo->e.shard_i, sn = (uint64_t)xo->e.shard_n;

	n = xo->e.runs > si ? (xo->e.runs - si + sn - 1) / sn : 0;
	return (n > start ? n - start : 0);
}

/*
 * The first schedule of the shard (its own numbering) not yet run by every
 * worker: the search up to it is complete (random, pct); dfs: the first
 * part (bound << 32 | slice) not yet explored.
 */
static uint64_t
shard_next(const struct xopts *xo, struct xshared *sh, int nw)
{
	uint64_t m = UINT64_MAX, i;
	int w;

	for (w = 0; w < nw; w++) {
		i = __atomic_load_n(&sh->w[w].next, __ATOMIC_RELAXED);
		if (i < m)
			m = i;
	}
	if (xo->e.kind == EXPLORE_DFS)
		return (m); /* bound << 32 | slice */
	if (m < (uint64_t)xo->e.shard_i)
		return (0);
	return ((m - (uint64_t)xo->e.shard_i) / (uint64_t)xo->e.shard_n);
}

/*
 * Prints the aggregated progress of the workers on standard error: on a
 * terminal one updating line, else a line at a time.
 */
static void
progress(const struct xopts *xo, struct xshared *sh, int nw, bool tty,
    double now, uint64_t total)
{
	uint64_t done = 0, pruned = 0;
	int w, nsigs = 0;
	double rate;
	char tot[32] = "", eta[48] = "", pr[48] = "";

	for (w = 0; w < nw; w++) {
		done += __atomic_load_n(&sh->w[w].done, __ATOMIC_RELAXED);
		pruned += __atomic_load_n(&sh->w[w].pruned, __ATOMIC_RELAXED);
		nsigs += __atomic_load_n(&sh->w[w].nsigs, __ATOMIC_RELAXED);
	}
	rate = now > xo->t0 ? (double)done / (now - xo->t0) : 0.0;
	if (total > 0) {
		double left = rate > 0 && total > done
		    ? (double)(total - done) / rate
		    : 0.0;

		snprintf(tot, sizeof(tot), "/%" PRIu64, total);
		if (xo->budget > 0 && xo->budget - (now - xo->t0) < left)
			left = xo->budget - (now - xo->t0);
		if (rate > 0)
			snprintf(eta, sizeof(eta), ", ETA %.0f s",
			    left > 0 ? left : 0.0);
	} else if (xo->budget > 0) {
		snprintf(eta, sizeof(eta), ", %.0f s left",
		    xo->budget - (now - xo->t0) > 0
			? xo->budget - (now - xo->t0)
			: 0.0);
	}
	if (xo->e.kind == EXPLORE_DFS)
		snprintf(pr, sizeof(pr), ", %" PRIu64 " pruned", pruned);
	fprintf(stderr,
	    "%s%" PRIu64 "%s schedules%s, %.0f/s%s, %d distinct failure(s)%s",
	    tty ? "\r" : "", done, tot, pr, rate, eta, nsigs,
	    tty ? "\033[K" : "\n");
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
	printf(", %" PRIu64 " failing fail point(s)", z->failpoints);
}

/* The workers' results added up, their signatures merged. */
struct xsum {
	struct msig *ms;
	int nms;
	uint64_t done, pruned, beyond, nfail, steps;
	uint64_t per_bound[MAXBOUND + 1];
	bool exhausted;
};

/* Adds worker w's signature g to the merged ones. */
static void
merge_sig(
    const struct xopts *xo, struct xsum *z, const struct explore_sig *g, int w)
{
	struct msig *ms = z->ms;
	int i;

	for (i = 0; i < z->nms; i++)
		if (strcmp(ms[i].s.status, g->status) == 0
		    && strcmp(ms[i].s.func, g->func) == 0
		    && strcmp(ms[i].s.msg, g->msg) == 0)
			break;
	if (i == z->nms) {
		memset(&ms[i], 0, sizeof(ms[i]));
		ms[i].s = *g;
		ms[i].s.count = 0;
		ms[i].worker = w;
		z->nms++;
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

/* Adds up the results of the nw workers into *z. */
static void
merge_results(
    const struct xopts *xo, struct xshared *sh, int nw, struct xsum *z)
{
	uint64_t minkey = __atomic_load_n(&sh->min_fail, __ATOMIC_SEQ_CST);
	int w, s, i, b;

	z->exhausted = true;
	for (w = 0; w < nw; w++) {
		struct explore_result *r = &sh->w[w];

		z->done += r->done;
		z->pruned += r->pruned;
		z->beyond += r->beyond;
		z->steps += r->steps_total;
		z->exhausted = z->exhausted && r->exhausted;
		for (b = 0; b <= MAXBOUND; b++)
			z->per_bound[b] += r->per_bound[b];
		for (s = 0; s < r->nsigs; s++) {
			/* Without --keep-going: only the first failure. */
			if (!xo->e.keep_going && r->sigs[s].first_key != minkey)
				continue;
			merge_sig(xo, z, &r->sigs[s], w);
		}
	}
	for (i = 0; i < z->nms; i++) {
		if (z->ms[i].nseeds > 0)
			qsort(z->ms[i].seeds, (size_t)z->ms[i].nseeds,
			    sizeof(uint64_t), cmp_u64);
		if (z->ms[i].nseeds > EXPLORE_MAXSEEDS)
			z->ms[i].nseeds = EXPLORE_MAXSEEDS;
	}
	z->nfail = 0;
	for (w = 0; w < nw; w++)
		z->nfail += sh->w[w].nfail;
	if (!xo->e.keep_going && z->nms > 0) {
		/* As a sequential search: stops at the first failure. */
		z->nfail = 1;
		z->exhausted = false;
	}
	if (z->nms > 0) /* qsort(NULL, 0, ...) is undefined */
		qsort(z->ms, (size_t)z->nms, sizeof(*z->ms), cmp_msig);
}

/*
 * Gathers the recorded runs into --db, numbered in signature order: one
 * merge per worker's database (each opens and checks both databases, the
 * most of its cost), the runs of all numbered as one series.  Returns 0,
 * or EXIT_USAGE (message printed).
 */
static int
gather_runs(const struct xopts *xo, struct xsum *z, const char *tmpdir)
{
	char in[4200], err[1200];
	int64_t *runs, *ranks, base = -1, rank = 0;
	int i, w, nw = 0;
	size_t n;

	runs = xrealloc(NULL, ((size_t)z->nms + 1) * sizeof(*runs));
	ranks = xrealloc(NULL, ((size_t)z->nms + 1) * sizeof(*ranks));
	for (i = 0; i < z->nms; i++) {
		if (z->ms[i].s.run_id > 0)
			z->ms[i].run_id = ++rank; /* the rank, for now */
		if (z->ms[i].worker >= nw)
			nw = z->ms[i].worker + 1;
	}
	for (w = 0; w < nw; w++) {
		n = 0;
		for (i = 0; i < z->nms; i++) {
			if (z->ms[i].s.run_id <= 0 || z->ms[i].worker != w)
				continue;
			runs[n] = z->ms[i].s.run_id;
			ranks[n++] = z->ms[i].run_id;
		}
		if (n == 0)
			continue;
		snprintf(in, sizeof(in), "%s/worker%d.db", tmpdir, w);
		if (tracedb_merge_ranked(
			xo->db, in, runs, ranks, n, &base, err, sizeof(err))
		    != 0) {
			fprintf(stderr, "evsim explore: %s\n", err);
			free(runs);
			free(ranks);
			return (EXIT_USAGE);
		}
	}
	for (i = 0; i < z->nms; i++)
		if (z->ms[i].s.run_id > 0)
			z->ms[i].run_id += base;
	free(runs);
	free(ranks);
	return (0);
}

/* The summary's head: how many schedules, how fast, how many failed. */
static void
print_totals(const struct xopts *xo, const struct xsum *z, int nw, double el)
{
	int b;

	printf("explored %" PRIu64 " schedules of %s (%s", z->done, xo->path,
	    xo->strategy);
	if (xo->e.kind != EXPLORE_DFS)
		printf(", seeds %" PRIu64 "..", xo->e.base);
	else
		printf(", seed %" PRIu64, xo->e.base);
	if (xo->e.shard_n > 1)
		printf(", shard %d/%d", xo->e.shard_i, xo->e.shard_n);
	printf(") in %.1f s with %d job(s), %.0f schedules/s: %" PRIu64
	       " failed, %d distinct\n",
	    el, nw, el > 0 ? (double)z->done / el : 0.0, z->nfail, z->nms);
	if (xo->e.kind == EXPLORE_DFS) {
		printf("dfs:%d: %" PRIu64 " schedules by preemptions:",
		    xo->e.bound, z->done);
		for (b = 0; b <= xo->e.bound; b++)
			printf(" %d: %" PRIu64, b, z->per_bound[b]);
		printf("; %" PRIu64
		       " branches pruned by the reduction%s; %" PRIu64
		       " preempting branches beyond the bound\n",
		    z->pruned, xo->e.reduction ? "" : " (off)", z->beyond);
		printf("dfs:%d: space %s\n", xo->e.bound,
		    z->exhausted ? "exhausted (every schedule within the bound "
				   "explored)"
				 : "not exhausted");
	}
	if (xo->e.kind == EXPLORE_PCT && z->done > 0) {
		double n = 2, kest = (double)z->steps / (double)z->done;

		/*
		 * PCT finds a depth-d bug with probability at least
		 * 1 / (n * k^(d-1)) per run (n threads, k steps); n is taken
		 * as 2 here (an estimate, not measured).
		 */
		printf("pct:%d: k ~ %.0f steps per run; per-run detection "
		       "bound >= 1/(n k^(d-1)) = %.2g for n = 2\n",
		    xo->e.pct_depth, kest,
		    1.0 / (n * pow(kest > 1 ? kest : 1, xo->e.pct_depth - 1)));
	}
}

/* The i-th distinct failure, with the commands that replay it. */
static void
print_sig(const struct xopts *xo, const struct msig *m, int i)
{
	const struct explore_sig *g = &m->s;
	int s;

	printf("\n[%d] %s in %s, %" PRIu64 " time(s), ", i + 1, g->status,
	    g->func[0] ? g->func : "scenario", g->count);
	if (xo->e.kind == EXPLORE_DFS)
		printf("first found with %d preemption(s)\n", g->first_preempt);
	else
		printf("first at schedule %" PRIu64 " (seed %" PRIu64 ")\n",
		    g->first_key + 1, g->first_seed);
	printf("    %s\n", g->msg);
	if (xo->e.kind != EXPLORE_DFS && xo->e.keep_going) {
		printf("    failing seeds:");
		for (s = 0; s < m->nseeds; s++)
			printf(" %" PRIu64, xo->e.base + m->seeds[s]);
		printf("%s\n", g->count > (uint64_t)m->nseeds ? " ..." : "");
	}
	print_size("    original: ", &g->orig);
	printf("\n");
	print_size("    shrunk:   ", &g->min);
	printf(" (%d runs)%s\n", g->attempts,
	    g->replay_ok ? "" : "; WARNING: replay check failed");
	if (m->run_id > 0)
		printf("    evsim replay %s --run %" PRId64
		       "\n    evsim report %s --run %" PRId64
		       " -o report.html\n",
		    xo->db, m->run_id, xo->db, m->run_id);
	if (xo->e.kind != EXPLORE_DFS) {
		printf("    evsim run %s --strategy %s --seed %" PRIu64 "%s%s",
		    xo->path, xo->strategy, g->first_seed,
		    xo->kernel ? " --kernel " : "",
		    xo->kernel ? xo->kernel : "");
		for (s = 0; s < xo->nfps; s++)
			printf(" --failpoint %s", xo->fps[s]);
		if (xo->fp_budget != 0)
			printf(" --fp-budget %" PRIu64, xo->fp_budget);
		printf("   (the unshrunk schedule)\n");
	}
}

/*
 * Records what this invocation found (explore_stats, explore_sigs) for evsim
 * merge: the workers' sums and the signatures as printed.
 */
static void
save_found(const struct xopts *xo, const struct xshared *sh, int nw,
    const struct msig *ms, int nms)
{
	uint64_t pb[MAXBOUND + 1] = { 0 };
	struct trace_explore_stats st = { .exhausted = true,
		.per_bound = pb,
		.nbounds = xo->e.kind == EXPLORE_DFS ? xo->e.bound + 1 : 0 };
	char err[1200];
	int w, b, i;

	for (w = 0; w < nw; w++) {
		const struct explore_result *r = &sh->w[w];

		st.done += r->done;
		st.failures += r->nfail;
		st.pruned += r->pruned;
		st.beyond += r->beyond;
		st.steps += r->steps_total;
		st.exhausted = st.exhausted && r->exhausted;
		for (b = 0; b < st.nbounds; b++)
			pb[b] += r->per_bound[b];
	}
	if (trace_explore_stats_save(
		xo->dbt, xo->explore_id, &st, err, sizeof(err))
	    != 0)
		fprintf(stderr, "evsim explore: %s: %s\n", xo->db, err);
	for (i = 0; i < nms; i++) {
		const struct explore_sig *g = &ms[i].s;
		struct trace_explore_sig r = { .status = g->status,
			.func = g->func,
			.message = g->msg,
			.count = g->count,
			.first_key = g->first_key,
			.first_seed = g->first_seed,
			.first_preempt = g->first_preempt,
			.rec_run = ms[i].run_id,
			.orig = { g->orig.decisions, g->orig.preemptions,
			    g->orig.choose_devs, g->orig.other_devs,
			    g->orig.transitions, g->orig.failpoints },
			.min = { g->min.decisions, g->min.preemptions,
			    g->min.choose_devs, g->min.other_devs,
			    g->min.transitions, g->min.failpoints },
			.attempts = g->attempts,
			.replay_ok = g->replay_ok,
			.seeds = ms[i].seeds,
			.nseeds = ms[i].nseeds };

		if (trace_explore_sig_save(
			xo->dbt, xo->explore_id, &r, err, sizeof(err))
		    != 0)
			fprintf(stderr, "evsim explore: %s: %s\n", xo->db, err);
	}
}

/*
 * Merges the workers' results, gathers their recorded failures into --db
 * and prints the summary.  Returns 0, EXIT_FAILED (a failure found) or
 * EXIT_USAGE.
 */
static int
summarize(const struct xopts *xo, struct xshared *sh, int nw,
    const char *tmpdir, double el)
{
	struct xsum z;
	int i;

	memset(&z, 0, sizeof(z));
	z.ms = xrealloc(NULL, EXPLORE_MAXSIG * nw * sizeof(*z.ms));
	merge_results(xo, sh, nw, &z);
	if (gather_runs(xo, &z, tmpdir) != 0) {
		free(z.ms);
		return (EXIT_USAGE);
	}
	if (!xo->e.keep_going && z.nms > 0 && xo->e.kind != EXPLORE_DFS) {
		/* Schedules a sequential search would have run. */
		z.done = z.ms[0].s.first_key / (uint64_t)xo->e.shard_n + 1
		    - xo->e.start;
	}
	print_totals(xo, &z, nw, el);
	for (i = 0; i < z.nms; i++)
		print_sig(xo, &z.ms[i], i);
	save_found(xo, sh, nw, z.ms, z.nms);
	free(z.ms);
	return (z.nms > 0 ? EXIT_FAILED : 0);
}

static void
remove_tmp(const char *tmpdir, int nw)
{
	static const char *const sfx[4] = { "", "-journal", "-wal", "-shm" };
	char p[4200];
	int w, k;

	for (w = 0; w < nw; w++)
		for (k = 0; k < 4; k++) {
			snprintf(p, sizeof(p), "%s/worker%d.db%s", tmpdir, w,
			    sfx[k]);
			unlink(p);
		}
	rmdir(tmpdir);
}

#define MAXCRASH 64

/* The schedules on which a worker died, recorded into --db. */
struct xcrash {
	int64_t run_id;
	char how[64];
	char cmd[1400];
};

static const char *
signame(int sig)
{
	static const struct {
		int sig;
		const char *name;
	} names[] = {
		{ SIGSEGV, "SIGSEGV" },
		{ SIGBUS, "SIGBUS" },
		{ SIGABRT, "SIGABRT" },
		{ SIGFPE, "SIGFPE" },
		{ SIGILL, "SIGILL" },
		{ SIGKILL, "SIGKILL" },
		{ SIGTERM, "SIGTERM" },
		{ SIGINT, "SIGINT" },
		{ SIGPIPE, "SIGPIPE" },
		{ SIGXCPU, "SIGXCPU" },
		{ SIGTRAP, "SIGTRAP" },
		{ SIGSYS, "SIGSYS" },
		{ SIGHUP, "SIGHUP" },
		{ SIGQUIT, "SIGQUIT" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].sig == sig)
			return (names[i].name);
	return ("a signal");
}

/*
 * Records the schedule worker w was running when it died (status from
 * waitpid) as a run with status 'crashed' and the command that reproduces
 * it.  Returns 0, or EIO (message printed).
 */
static int
record_crash(const struct xopts *xo, struct trace *t, const struct xcur *c,
    int w, int status, struct xcrash *cr)
{
	struct trace_run_info info;
	char msg[2000], kern[1000] = "", err[1200], pre[600] = "";
	const char *base = strrchr(xo->path, '/');
	uint32_t k;
	size_t n = 0;

	if (WIFSIGNALED(status))
		snprintf(cr->how, sizeof(cr->how), "killed by %s",
		    signame(WTERMSIG(status)));
	else
		snprintf(cr->how, sizeof(cr->how), "exit status %d",
		    WEXITSTATUS(status));
	if (xo->kernel != NULL)
		snprintf(kern, sizeof(kern), " --kernel %s", xo->kernel);
	/* The fail points and budget the schedule ran with. */
	for (k = 0; k < (uint32_t)xo->nfps; k++)
		snprintf(kern + strlen(kern), sizeof(kern) - strlen(kern),
		    " --failpoint %s", xo->fps[k]);
	if (xo->fp_budget != 0)
		snprintf(kern + strlen(kern), sizeof(kern) - strlen(kern),
		    " --fp-budget %" PRIu64, xo->fp_budget);
	if (xo->cpu_limit != 0)
		snprintf(kern + strlen(kern), sizeof(kern) - strlen(kern),
		    " --cpu-limit %u", xo->cpu_limit);
	if (xo->e.kind == EXPLORE_DFS) {
		for (k = 0; k < c->plen && n < sizeof(pre) - 24; k++)
			n += (size_t)snprintf(pre + n, sizeof(pre) - n,
			    "%s%" PRId64, k ? "," : "", c->prefix[k]);
		snprintf(cr->cmd, sizeof(cr->cmd),
		    "evsim explore %s --strategy %s --seed %" PRIu64
		    "%s --jobs 1   (the dfs schedule with choice prefix "
		    "[%s]%s)",
		    xo->path, xo->strategy, xo->e.base, kern, pre,
		    c->plen == CUR_PREFIX ? "..." : "");
	} else {
		snprintf(cr->cmd, sizeof(cr->cmd),
		    "evsim run %s --strategy %s --seed %" PRIu64 "%s%s",
		    xo->path, xo->strategy, c->seed, kern,
		    c->shrinking ? "   (a schedule derived from this one "
				   "while shrinking its failure)"
				 : "");
	}
	snprintf(msg, sizeof(msg),
	    "evsim died on this schedule (worker %d, %s); reproduce: %s", w,
	    cr->how, cr->cmd);
	memset(&info, 0, sizeof(info));
	info.scenario = base != NULL ? base + 1 : xo->path;
	info.path = xo->path;
	info.source = xo->src;
	info.kernel = xo->kernel != NULL ? xo->kernel : "";
	info.strategy = xo->strategy;
	info.args = cr->cmd;
	info.seed = (int64_t)c->seed;
	if (trace_run_begin(t, &info, &cr->run_id, err, sizeof(err)) != 0
	    || trace_run_end(t, "crashed", msg, NULL, 0, err, sizeof(err))
		!= 0) {
		fprintf(stderr, "evsim explore: %s: %s\n", xo->db, err);
		return (EIO);
	}
	return (0);
}

/* --shard auto: I and N from a job array's environment (engine/shard.c). */
static int
shard_from_env(struct xopts *xo, int shards)
{
	char err[512];

	if (shard_auto(getenv, (uint64_t)shards, &xo->e.shard_i, &xo->e.shard_n,
		err, sizeof(err))
	    != 0)
		return (usage_error("%s", err));
	return (0);
}

/*
 * Starts worker w from schedule start of the shard (dfs: from the key
 * start, see explore_opts.resume_key); returns its pid.
 */
static pid_t
start_worker(const struct xopts *xo, struct xshared *sh, int w,
    const char *tmpdir, uint64_t start)
{
	pid_t p;

	sh->w[w].finished = false;
	/*
	 * random, pct: no schedule it takes comes before the next one; dfs:
	 * none before the part it takes next, after the one it died in.
	 */
	if (xo->e.kind != EXPLORE_DFS)
		__atomic_store_n(&sh->w[w].next,
		    (uint64_t)xo->e.shard_i
			+ (uint64_t)xo->e.shard_n
			    * __atomic_load_n(
				&sh->next_claim, __ATOMIC_SEQ_CST),
		    __ATOMIC_SEQ_CST);
	else if (__atomic_load_n(&sh->w[w].next, __ATOMIC_SEQ_CST) < start)
		__atomic_store_n(&sh->w[w].next, start, __ATOMIC_SEQ_CST);
	fflush(stdout);
	fflush(stderr);
	p = fork();
	if (p == 0)
		_exit(worker(xo, sh, w, xo->jobs, tmpdir, start));
	return (p);
}

/* The command's state while its workers run. */
struct xrun {
	struct xopts xo;
	struct xshared *sh;
	size_t shsize, cursize;
	struct trace *dbt; /* --db */
	struct trace_explore row; /* the search's row in --db */
	char *fpcanon; /* row.failpoints until the first save */
	char tmpdir[1024], hash[17], shard[48];
	pid_t *pids;
	bool *dead;
	uint64_t *wstart, *wdone; /* per worker: its start, done before it */
	struct xcrash *crashes;
	int ncrash, nw, running, rc;
	bool tty, killed, dfs_cut;
	uint64_t start, prev_done, prev_fail, prev_crash, total;
};

static const struct option explore_longopts[] = {
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
	{ "shards", required_argument, NULL, 'N' },
	{ "shrink-attempts", required_argument, NULL, 'a' },
	{ "resume", no_argument, NULL, 'z' },
	{ "progress", no_argument, NULL, 'P' },
	{ "no-progress", no_argument, NULL, 'Q' },
	{ "help", no_argument, NULL, 'h' },
	{ "failpoint", required_argument, NULL, 'F' },
	{ "fp-budget", required_argument, NULL, 'B' },
	{ "cpu-limit", required_argument, NULL, 'L' },
	{ "no-snapshot", no_argument, NULL, 'Z' },
	{ "snapshot", no_argument, NULL, 'Y' },
	{ "image", no_argument, NULL, 'I' },
	{ "run-hashes", no_argument, NULL, 'H' },
	{ NULL, 0, NULL, 0 },
};

/* --strategy S.  Returns 0 or EXIT_USAGE. */
static int
parse_strategy_opt(struct xopts *xo, const char *arg)
{
	struct cli_strategy strat;

	if (cli_parse_strategy(arg,
		CLI_STRATEGY(SCHED_RANDOM) | CLI_STRATEGY(SCHED_PCT)
		    | CLI_STRATEGY(SCHED_DFS),
		&strat)
	    != 0)
		return (usage_error("--strategy: '%s' is not random, pct[:D] "
				    "(1 <= D <= 16) or dfs[:B] (B <= 16)",
		    arg));
	xo->strategy = arg;
	xo->e.kind = strat.strategy == SCHED_RANDOM ? EXPLORE_RANDOM
	    : strat.strategy == SCHED_PCT	    ? EXPLORE_PCT
						    : EXPLORE_DFS;
	xo->e.pct_depth = strat.pct_depth;
	xo->e.bound = strat.dfs_bound;
	return (0);
}

/* A count option's value in 1..max.  Returns 0 or -1. */
static int
parse_count(const char *arg, long max, int *ret)
{
	char *end;
	long j = strtol(arg, &end, 10);

	if (*end != '\0' || j < 1 || j > max)
		return (-1);
	*ret = (int)j;
	return (0);
}

/* --shard I/N or auto.  Returns 0 or EXIT_USAGE. */
static int
parse_shard_opt(struct xopts *xo, const char *arg, bool *auto_shard)
{
	int si, sn, used = 0;

	if (strcmp(arg, "auto") == 0) {
		*auto_shard = true;
		return (0);
	}
	if (sscanf(arg, "%d/%d%n", &si, &sn, &used) != 2 || arg[used] != '\0'
	    || sn < 1 || si < 0 || si >= sn)
		return (usage_error(
		    "--shard: '%s' is not I/N with 0 <= I < N or auto", arg));
	xo->e.shard_i = si;
	xo->e.shard_n = sn;
	return (0);
}

/*
 * One option c of getopt_long with optarg arg.  Returns 0, -1 for --help
 * (printed), or EXIT_USAGE (message printed).
 */
static int
parse_opt(struct xopts *xo, int c, const char *arg, bool *auto_shard,
    int *shards, char **argv)
{
	uint64_t v;
	char *end;

	switch (c) {
	case 'h':
		print_help();
		return (-1);
	case 'F': /* checked by sim_run() in every worker */
		if (xo->nfps == (int)(sizeof(xo->fps) / sizeof(xo->fps[0])))
			return (usage_error("too many --failpoint%s", ""));
		xo->fps[xo->nfps++] = arg;
		return (0);
	case 'B':
		if (cli_parse_u64(arg, &xo->fp_budget) != 0
		    || xo->fp_budget == 0 || xo->fp_budget > 1000000)
			return (usage_error("--fp-budget: '%s' is not a number "
					    "from 1 to 1000000",
			    arg));
		return (0);
	case 'L':
		if (cli_parse_u64(arg, &v) != 0 || v == 0 || v > 1000000)
			return (usage_error("--cpu-limit: '%s' is not a number "
					    "of seconds from 1 to 1000000",
			    arg));
		xo->cpu_limit = (unsigned)v;
		return (0);
	case 'r':
		xo->e.runs = strtoull(arg, &end, 10);
		xo->e.runs_given = true;
		if (*end != '\0' || xo->e.runs == 0 || arg[0] == '-')
			return (usage_error("--runs: bad count", ""));
		return (0);
	case 't':
		xo->budget = strtod(arg, &end);
		if (*end != '\0' || xo->budget <= 0)
			return (usage_error("--time: bad seconds", ""));
		return (0);
	case 's':
		if (cli_parse_u64(arg, &xo->e.base) != 0)
			return (usage_error("--seed: bad seed", ""));
		return (0);
	case 'S':
		return (parse_strategy_opt(xo, arg));
	case 'd':
		xo->db = arg;
		return (0);
	case 'k':
		xo->kernel = arg;
		if (sim_revision_find(xo->kernel) == NULL)
			return (usage_error(
			    "--kernel: unknown kernel '%s'", xo->kernel));
		return (0);
	case 'g':
		xo->e.keep_going = true;
		return (0);
	case 'c':
	case 'C':
		xo->check = c == 'c';
		return (0);
	case 'R':
		xo->e.reduction = false; /* hidden: for benchmarks */
		return (0);
	case 'Z':
		xo->scratch = true; /* hidden: for tests and benchmarks */
		return (0);
	case 'Y':
		xo->server = true; /* hidden: for tests */
		return (0);
	case 'I':
		xo->image = true; /* hidden: for tests and benchmarks */
		return (0);
	case 'H':
		xo->hashes = true; /* hidden: for tests */
		return (0);
	case 'j':
		if (parse_count(arg, 1024, &xo->jobs) != 0)
			return (usage_error("--jobs: bad count '%s'", arg));
		return (0);
	case 'n':
		return (parse_shard_opt(xo, arg, auto_shard));
	case 'N':
		if (parse_count(arg, 1000000, shards) != 0)
			return (usage_error("--shards: bad count '%s'", arg));
		return (0);
	case 'a':
		if (parse_count(arg, 1000000, &xo->e.shrink_max) != 0)
			return (usage_error(
			    "--shrink-attempts: bad count '%s'", arg));
		return (0);
	case 'z':
		xo->resume = true;
		return (0);
	case 'P':
	case 'Q':
		xo->progress = c == 'P';
		return (0);
	default:
		return (cli_bad_option("explore", argv));
	}
}

/*
 * The defaults, then the command line, then the scenario read.  Returns
 * 0, -1 for --help, or EXIT_USAGE (message printed).
 */
static int
parse_args(struct xopts *xo, int argc, char **argv)
{
	bool auto_shard = false;
	int c, k, rc, shards = 0;
	long ncpu;

	memset(xo, 0, sizeof(*xo));
	xo->db = "evsim.db";
	xo->strategy = "random";
	xo->e.kind = EXPLORE_RANDOM;
	xo->e.runs = 1000;
	xo->e.base = 1;
	xo->e.pct_depth = 3;
	xo->e.bound = 2;
	xo->e.reduction = true;
	xo->check = true;
	xo->e.shard_n = 1;
	xo->e.shrink_max = 500;
	xo->progress = -1;
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	xo->jobs = ncpu > 0 ? (int)ncpu : 1;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", explore_longopts, NULL)) != -1)
		if ((rc = parse_opt(xo, c, optarg, &auto_shard, &shards, argv))
		    != 0)
			return (rc);
	if (optind != argc - 1)
		return (usage_error("expected one scenario FILE%s", ""));
	if (auto_shard && (rc = shard_from_env(xo, shards)) != 0)
		return (rc);
	xo->path = argv[optind];
	if ((k = cli_read_file(xo->path, &xo->src, &xo->len)) != 0) {
		fprintf(stderr, "evsim: %s: %s\n", xo->path, strerror(k));
		return (EXIT_USAGE);
	}
	return (0);
}

/*
 * --resume: finds the search to continue in --db and sets where it
 * starts.  Returns 0 or EXIT_USAGE (message printed).
 */
static int
find_resumed(struct xrun *xr)
{
	struct tracedb *rdb;
	char *st = NULL, *rec = NULL, err[1200];
	uint64_t rbudget = 0;

	if (tracedb_open(&rdb, xr->xo.db, err, sizeof(err)) != 0) {
		fprintf(stderr, "evsim explore: %s\n", err);
		return (EXIT_USAGE);
	}
	if (tracedb_explore_find(rdb, &xr->row, &st, &rec, &rbudget) == 0) {
		if (fp_resume(&xr->xo, xr->row.id, rec, rbudget) != 0) {
			free(st);
			free(rec);
			tracedb_close(rdb);
			return (EXIT_USAGE);
		}
		xr->start = xr->row.next;
		xr->prev_done = xr->row.done;
		xr->prev_fail = xr->row.failures;
		xr->prev_crash = xr->row.crashes;
		if (xr->xo.e.kind == EXPLORE_DFS)
			printf("resuming search %" PRId64 " of %s (%s) "
			       "at bound %" PRIu64 ", slice %" PRIu64
			       " (what came before is run again "
			       "uncounted where later bounds branch "
			       "from it)\n",
			    xr->row.id, xr->xo.db, st, xr->start >> 32,
			    xr->start & 0xffffffff);
		else
			printf("resuming search %" PRId64 " of %s (%s): "
			       "schedules 1..%" PRIu64
			       " of the shard explored before\n",
			    xr->row.id, xr->xo.db, st, xr->start);
	} else {
		printf("no search of %s with these options in %s: "
		       "starting from the first schedule\n",
		    xr->xo.path, xr->xo.db);
	}
	free(st);
	free(rec);
	tracedb_close(rdb);
	return (0);
}

/*
 * Opens --db (a database evsim refuses stops everything here), finds where
 * a resumed search starts and saves the search's row as running.  Returns
 * 0 or EXIT_USAGE (message printed; --db closed).
 */
static int
open_search(struct xrun *xr)
{
	struct xopts *xo = &xr->xo;
	struct trace_explore *row = &xr->row;
	char err[1200];
	int k;

	if (trace_open(&xr->dbt, xo->db, err, sizeof(err)) != 0) {
		fprintf(stderr, "evsim explore: %s\n", err);
		return (EXIT_USAGE);
	}
	snprintf(xr->hash, sizeof(xr->hash), "%016" PRIx64,
	    (uint64_t)XXH3_64bits(xo->src, xo->len));
	snprintf(xr->shard, sizeof(xr->shard), "%d/%d", xo->e.shard_i,
	    xo->e.shard_n);
	memset(row, 0, sizeof(*row));
	row->path = xo->path;
	row->source_hash = xr->hash;
	row->kernel = xo->kernel != NULL ? xo->kernel : "";
	row->strategy = xo->strategy;
	row->shard = xr->shard;
	row->seed_base = xo->e.base;
	row->keep_going = xo->e.keep_going;
	row->runs = xo->e.runs;
	xr->fpcanon = fp_canon(xo->fps, xo->nfps);
	row->failpoints = xr->fpcanon;
	row->fp_budget = xo->fp_budget;
	if (xo->resume && find_resumed(xr) != 0)
		goto fail;
	if (xo->e.kind == EXPLORE_DFS)
		xo->e.resume_key = xr->start; /* worker() sets it per worker */
	else
		xo->e.start = xr->start;
	row->status = "running";
	row->next = xo->e.kind == EXPLORE_DFS ? xo->e.resume_key : xr->start;
	row->done = xr->prev_done;
	k = trace_explore_save(xr->dbt, row, err, sizeof(err));
	free(xr->fpcanon); /* recorded by the first save only */
	xr->fpcanon = NULL;
	row->failpoints = NULL;
	if (k != 0) {
		fprintf(stderr, "evsim explore: %s: %s\n", xo->db, err);
		goto fail;
	}
	xo->dbt = xr->dbt;
	xo->explore_id = row->id;
	return (0);
fail:
	free(xr->fpcanon);
	xr->fpcanon = NULL;
	trace_close(xr->dbt);
	return (EXIT_USAGE);
}

/*
 * The temporary folder, the shared mapping and the per-worker arrays.
 * Returns 0 or EXIT_USAGE (message printed).
 */
static int
alloc_workers(struct xrun *xr)
{
	const char *tmp = getenv("TMPDIR");
	int nw = xr->xo.jobs;

	snprintf(xr->tmpdir, sizeof(xr->tmpdir), "%s/evsim-explore.XXXXXX",
	    tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	if (mkdtemp(xr->tmpdir) == NULL) {
		fprintf(stderr, "evsim explore: %s: %s\n", xr->tmpdir,
		    strerror(errno));
		return (EXIT_USAGE);
	}
	xr->nw = nw;
	xr->shsize
	    = sizeof(*xr->sh) + (size_t)nw * sizeof(struct explore_result);
	xr->cursize = (size_t)nw * sizeof(struct xcur);
	xr->sh = mmap(NULL, xr->shsize + xr->cursize, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (xr->sh == MAP_FAILED)
		sim_oom();
	xr->sh->min_fail = UINT64_MAX;
	xr->sh->cur = (struct xcur *)((char *)xr->sh + xr->shsize);
	xr->pids = xrealloc(NULL, (size_t)nw * sizeof(*xr->pids));
	xr->dead = xrealloc(NULL, (size_t)nw * sizeof(*xr->dead));
	xr->wstart = xrealloc(NULL, (size_t)nw * sizeof(*xr->wstart));
	xr->wdone = xrealloc(NULL, (size_t)nw * sizeof(*xr->wdone));
	xr->crashes = xrealloc(NULL, MAXCRASH * sizeof(*xr->crashes));
	return (0);
}

/* Starts the workers, each from the search's start. */
static void
start_workers(struct xrun *xr)
{
	int w, nw = xr->nw;

	xr->total = xr->xo.e.kind == EXPLORE_DFS
	    ? (xr->xo.e.runs_given ? xr->xo.e.runs : 0)
	    : shard_total(&xr->xo, xr->start);
	xsig.parent = getpid();
	xsig.sh = xr->sh;
	xsig.interrupts = 0;
	on_signals(parent_signal);
	xr->xo.t0 = host_now();
	xr->sh->next_claim = xr->start;
	for (w = 0; w < nw; w++) {
		xr->dead[w] = false;
		xr->wstart[w] = xr->start;
		xr->wdone[w] = 0;
		xr->pids[w]
		    = start_worker(&xr->xo, xr->sh, w, xr->tmpdir, xr->start);
		if (xr->pids[w] < 0) {
			fprintf(stderr, "evsim explore: fork: %s\n",
			    strerror(errno));
			xr->nw = w;
			xr->rc = EXIT_USAGE;
			xr->sh->stop = 2;
			break;
		}
	}
	xr->running = xr->nw;
}

/* Starts worker w again from its wstart after it crashed. */
static void
restart_worker(struct xrun *xr, int w)
{
	xr->pids[w]
	    = start_worker(&xr->xo, xr->sh, w, xr->tmpdir, xr->wstart[w]);
	if (xr->pids[w] > 0) {
		xr->dead[w] = false;
		xr->running++;
	}
}

/*
 * Worker w died on a schedule (recorded as crashed): its search goes on
 * after that schedule where it can.
 */
static void
continue_after_crash(struct xrun *xr, int w)
{
	const struct xopts *xo = &xr->xo;
	struct xshared *sh = xr->sh;

	if (xo->e.kind == EXPLORE_DFS) {
		uint64_t key = sh->cur[w].key, n;

		/*
		 * Its slice is cut short: no worker explores more of it (its
		 * next bounds would come from the crashing schedule), and the
		 * worker starts again on the next slice nobody took.  A crash
		 * in bound 0, which every worker explores, ends the search.
		 */
		xr->dfs_cut = true;
		n = sh->dfs_poison[0];
		if (sh->stop != 0 || xr->ncrash >= MAXCRASH || (key >> 32) == 0
		    || n >= EXPLORE_MAXPOISON) {
			fprintf(stderr,
			    "evsim explore: worker %d's part of the dfs "
			    "search is not finished\n",
			    w);
			return;
		}
		__atomic_store_n(&sh->dfs_poison[1 + n], key & 0xffffffffu,
		    __ATOMIC_SEQ_CST);
		__atomic_store_n(&sh->dfs_poison[0], n + 1, __ATOMIC_SEQ_CST);
		restart_worker(xr, w);
		return;
	}
	if (sh->stop == 0 && xr->ncrash < MAXCRASH) {
		/*
		 * The crashed schedule counts as explored; the worker is
		 * started again and takes the next schedule nobody took.
		 */
		if (!sh->cur[w].shrinking)
			sh->w[w].done++;
		restart_worker(xr, w);
	}
}

/* Worker w ended with status (from waitpid). */
static void
worker_ended(struct xrun *xr, int w, int status)
{
	struct xshared *sh = xr->sh;
	struct xcrash *cr = &xr->crashes[xr->ncrash];

	xr->running--;
	xr->dead[w] = true;
	if (sh->w[w].finished || xr->killed)
		return;
	if (xr->xo.progress && xr->tty)
		fprintf(stderr, "\r\033[K");
	if (sh->w[w].errmsg[0] != '\0') {
		fprintf(stderr, "evsim: %s\n", sh->w[w].errmsg);
		xr->rc = EXIT_USAGE;
		/* The others would only waste time. */
		sh->stop = 2;
		return;
	}
	/* The simulator died on a schedule: a bug in evsim. */
	if (xr->ncrash >= MAXCRASH
	    || record_crash(&xr->xo, xr->dbt, &sh->cur[w], w, status, cr)
		!= 0) {
		fprintf(stderr, "evsim explore: worker %d died (status %d)\n",
		    w, status);
		xr->rc = EXIT_USAGE;
		sh->stop = 2;
		return;
	}
	fprintf(stderr,
	    "evsim explore: worker %d died (%s); its schedule is run %" PRId64
	    " of %s (status crashed); reproduce: %s\n",
	    w, cr->how, cr->run_id, xr->xo.db, cr->cmd);
	xr->ncrash++;
	continue_after_crash(xr, w);
}

/* Saves how far the search got into its row of --db. */
static void
save_row(struct xrun *xr)
{
	char err[1200];
	int w;

	xr->row.next = shard_next(&xr->xo, xr->sh, xr->nw);
	xr->row.done = xr->prev_done;
	for (w = 0; w < xr->nw; w++)
		xr->row.done
		    += __atomic_load_n(&xr->sh->w[w].done, __ATOMIC_RELAXED);
	trace_explore_save(xr->dbt, &xr->row, err, sizeof(err));
}

/*
 * Waits for the workers, restarting those that crash, showing progress and
 * saving the search's row every 2 s.
 */
static void
supervise(struct xrun *xr)
{
	double last, last_save, now;
	int k, w, status;
	pid_t p;

	last = last_save = xr->xo.t0;
	while (xr->running > 0) {
		p = waitpid(-1, &status, WNOHANG);
		if (xsig.interrupts >= 3 && !xr->killed) {
			/* Interrupted three times: now. */
			for (k = 0; k < xr->nw; k++)
				if (!xr->dead[k])
					kill(xr->pids[k], SIGKILL);
			xr->killed = true;
		}
		if (p > 0) {
			for (w = 0; w < xr->nw; w++)
				if (xr->pids[w] == p)
					break;
			if (w < xr->nw)
				worker_ended(xr, w, status);
			continue;
		}
		usleep(20000);
		now = host_now();
		if (xr->xo.progress && now - last >= (xr->tty ? 0.2 : 5.0)) {
			progress(
			    &xr->xo, xr->sh, xr->nw, xr->tty, now, xr->total);
			last = now;
		}
		if (now - last_save >= 2.0) {
			save_row(xr);
			last_save = now;
		}
	}
	if (xr->xo.progress && xr->tty && last > xr->xo.t0)
		fprintf(stderr, "\r\033[K");
}

/* The crashes and the interruption, after the summary. */
static void
print_epilogue(const struct xrun *xr, uint64_t next)
{
	int k;

	for (k = 0; k < xr->ncrash; k++)
		printf("\ncrashed: evsim died on a schedule (%s): run %" PRId64
		       " of %s\n    %s\n",
		    xr->crashes[k].how, xr->crashes[k].run_id, xr->xo.db,
		    xr->crashes[k].cmd);
	if (xsig.interrupts > 0 && xr->xo.e.kind == EXPLORE_DFS)
		printf("\ninterrupted%s: every bound below %" PRIu64
		       " explored, and the slices of bound %" PRIu64
		       " below %" PRIu64 "; continue with --resume\n",
		    xsig.interrupts > 1 ? " twice (failures not shrunk)" : "",
		    next >> 32, next >> 32, next & 0xffffffff);
	else if (xsig.interrupts > 0)
		printf("\ninterrupted%s: the first %" PRIu64
		       " schedule(s) of the shard explored by every worker; "
		       "continue with --resume\n",
		    xsig.interrupts > 1 ? " twice (failures not shrunk)" : "",
		    next);
}

/* The search's final row: how far it got and how it ended. */
static void
final_row(struct xrun *xr, uint64_t next)
{
	const struct xopts *xo = &xr->xo;
	struct trace_explore *row = &xr->row;
	int w;

	row->next = next;
	row->done = xr->prev_done;
	row->failures = xr->prev_fail;
	row->crashes = xr->prev_crash + (uint64_t)xr->ncrash;
	for (w = 0; w < xo->jobs; w++) {
		row->done += xr->sh->w[w].done;
		row->failures += xr->sh->w[w].nfail;
	}
	if (xsig.interrupts > 0)
		row->status = "interrupted";
	else if (xr->rc == EXIT_USAGE)
		row->status = "error";
	else if (xr->rc == EXIT_FAILED && !xo->e.keep_going) {
		uint64_t mk = xr->sh->min_fail;

		/*
		 * Every schedule up to the first failure was explored: a
		 * resumed search looks for the next one after it (dfs: after
		 * its part).
		 */
		row->status = "stopped";
		if (xo->e.kind == EXPLORE_DFS)
			row->next = mk + 1;
		else if (mk >= (uint64_t)xo->e.shard_i)
			row->next = (mk - (uint64_t)xo->e.shard_i)
				/ (uint64_t)xo->e.shard_n
			    + 1;
	} else if (xo->e.kind != EXPLORE_DFS
		? next < shard_total(xo, 0)
		: (next >> 32) <= (uint64_t)xo->e.bound)
		row->status = "interrupted"; /* --time or --runs */
	else
		row->status = "complete";
}

/*
 * After the workers: the summary, the final row, the cleanup.  Returns the
 * command's exit status.
 */
static int
finish(struct xrun *xr)
{
	char err[1200];
	uint64_t next = shard_next(&xr->xo, xr->sh, xr->nw);
	int rc;

	if (xr->dfs_cut)
		xr->sh->w[0].exhausted = false; /* a crash cut a slice short */
	if (xr->killed) {
		printf("interrupted three times: the workers were killed and "
		       "nothing they found was recorded\n");
	} else if (xr->rc == 0) {
		xr->rc = summarize(&xr->xo, xr->sh, xr->xo.jobs, xr->tmpdir,
		    host_now() - xr->xo.t0);
	}
	print_epilogue(xr, next);
	final_row(xr, next);
	trace_explore_save(xr->dbt, &xr->row, err, sizeof(err));
	trace_close(xr->dbt);
	remove_tmp(xr->tmpdir, xr->xo.jobs);
	rc = xr->rc;
	if (xr->ncrash > 0)
		rc = EXIT_USAGE;
	else if (xsig.interrupts > 0 && rc != EXIT_USAGE)
		rc = rc == EXIT_FAILED ? EXIT_FAILED : 130;
	munmap(xr->sh, xr->shsize + xr->cursize);
	free(xr->pids);
	free(xr->dead);
	free(xr->wstart);
	free(xr->wdone);
	free(xr->crashes);
	return (rc);
}

int
cmd_explore(int argc, char **argv)
{
	struct xrun *xr;
	int rc;

	if ((xr = calloc(1, sizeof(*xr))) == NULL)
		sim_oom();
	if ((rc = parse_args(&xr->xo, argc, argv)) != 0) {
		free(xr->xo.src);
		free(xr->xo.fprec);
		free(xr);
		return (rc < 0 ? 0 : rc);
	}
	xr->tty = isatty(2);
	if (xr->xo.progress < 0)
		xr->xo.progress = xr->tty;
	if ((rc = open_search(xr)) == 0) {
		if ((rc = alloc_workers(xr)) != 0) {
			trace_close(xr->dbt);
		} else {
			start_workers(xr);
			supervise(xr);
			rc = finish(xr);
		}
	}
	free(xr->xo.src);
	free(xr->xo.fprec);
	free(xr);
	return (rc);
}
