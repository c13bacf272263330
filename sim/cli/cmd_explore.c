/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * evsim explore FILE: searches schedules for failures.
 *
 * Strategies.  'random' and 'pct:D' run schedule i (0, 1, ...) with seed
 * BASE + i.  'dfs:B' is a stateless exhaustive search over the scheduling
 * decisions and sim.choose values with at most B preemptions (a preemption
 * is a decision that picks another thread while the running one could go
 * on), by iterative preemption bounding: every schedule with 0 preemptions
 * first, then 1, ... B, so that the first failure found has the fewest
 * preemptions.  Each dfs run follows a forced prefix of choices (indices into
 * the tid-sorted candidates, the SCHED_DFS strategy of engine/sched.c) and
 * takes the non-preempting default afterwards; the run reports every
 * decision's candidates and the explorer backtracks: a non-preempting
 * alternative (a choice at a point where the running thread blocked or
 * exited, or another sim.choose value) is explored in the same bound, a
 * preempting one is queued for the next bound (as CHESS's iterative context
 * bounding does), so no schedule runs twice.
 *
 * Reduction (dfs; --no-reduction turns it off): sleep sets (Godefroid
 * 1996).  A step is what a thread does between two decisions; its footprint
 * is the set of kernel objects (the object column, "file#3", "knote#12") of
 * the transitions emitted in it, collected from the canonical trace lines.
 * Two steps are dependent when their footprints intersect, or when both
 * threads are in the same process and either footprint is empty (a step
 * that emits no transition can still touch what the trace cannot see: locks
 * taken and released inside it, or Lua variables).  At a node, after the
 * subtree of thread t's step is explored, t is put to sleep for the later
 * siblings' subtrees and stays asleep below them as long as every step
 * executed is independent of t's step; a sleeping thread is not branched
 * to (the branch counts as pruned), and when the default continuation runs
 * a sleeping thread, the rest of that path is not branched on (its branches
 * count as pruned).  The footprint of a sleeping thread's step is the one it
 * had where it was explored; it is the same step as long as only independent
 * steps intervened.
 * Soundness limits, documented rather than hidden:
 *   - The dependency relation is approximated.  Locks are not traced; they
 *     are covered only when the data they protect is (the model changes a
 *     locked field through SIM_SET).  Lua variables are shared by every
 *     thread and process (the one Lua state, see README) and are invisible:
 *     a race on a Lua variable between two steps that both also emit
 *     transitions on different objects can be pruned.  Use --no-reduction
 *     for such scenarios.
 *   - Events fired at a scheduling point (timers, callouts) are counted in
 *     the footprint of the step before it, which can only add dependencies.
 *   - Sleep sets are sound for the unbounded search; with a preemption
 *     bound, the schedule that stands for a pruned one may need more
 *     preemptions than the bound allows (Musuvathi and Qadeer, PLDI 2007),
 *     so a bug reachable only with exactly B preemptions can be missed under
 *     the reduction.  Preempting branches queued for the next bound carry
 *     the sleep set of their node; siblings that were themselves deferred do
 *     not enter sleep sets.
 *
 * Failures are grouped by signature: status, kernel function and message
 * without its "(at vtime ...)" suffix.  The first failure of each signature
 * is shrunk: its decision log (observed through the run's sched_dfs log) is
 * replayed leniently (SCHED_DFS with tids) while non-default choices
 * (preemptions, other choices, sim.choose values other than 1) are replaced by
 * the default, the log is cut after a deviation, and each change is kept if the
 * run still fails with the same signature and is smaller, ordered by
 * (preemptions, choose deviations, other deviations, decisions,
 * transitions), up to a fixpoint or --shrink-attempts runs.  The minimal run
 * is recorded under the 'replay' strategy with its decision log, so that
 * `evsim replay` reproduces it, and replayed once here to check.
 *
 * Parallelism: --jobs J forks J workers.  Schedule i (random, pct) or
 * slice i (dfs) belongs to the worker w with i % N == I (--shard I/N) and
 * (i / N) % J == w.  A dfs slice is one entry of the bound-1 queue (a
 * single preemption after the bound-0 schedules) with everything explored
 * below it; the bound-0 schedules, which produce that queue, are explored
 * by every worker and counted by the owner of slice 0.  Workers record into
 * temporary databases that are merged into --db at the end.  Without
 * --keep-going a worker stops once its next schedule comes after the
 * earliest failure any worker found (schedule number; dfs: bound, slice),
 * so the first failure, the signatures and their counts, the dfs schedule
 * and pruned counts are the same for every J.  Budgets (--runs for dfs,
 * split evenly; --time) can cut the search at a different point.
 *
 * The host clock is read only for the time budget and the progress line,
 * never inside a run.
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
#include "kernel.h"
#include "simrun.h"
#include "strmap.h"
#include "trace.h"
#include "tracedb.h"

#define MAXSIG 64
#define MAXSEEDS 16
#define MAXBOUND CLI_MAX_DFS_BOUND

enum xkind { X_RANDOM, X_PCT, X_DFS };

/* The size of a schedule, for shrinking. */
struct xsize {
	uint64_t preemptions;
	uint64_t choose_devs; /* sim.choose values other than 1 */
	uint64_t other_devs; /* non-default choices that do not preempt */
	uint64_t decisions;
	uint64_t transitions;
};

/* One failure signature as a worker found it (in shared memory). */
struct wsig {
	char status[16];
	char func[64];
	char msg[512];
	uint64_t count;
	uint64_t first_key; /* schedule number, or bound << 32 | rank0 */
	uint64_t first_seed;
	int first_preempt;
	int64_t run_id; /* in the worker's database, 0: not recorded */
	struct xsize orig, min;
	int attempts;
	bool replay_ok;
	int nseeds;
	uint64_t seeds[MAXSEEDS]; /* failing schedule numbers, smallest */
};

/* A worker's results (in shared memory). */
struct wres {
	uint64_t done; /* schedules explored (atomic) */
	uint64_t pruned; /* dfs: branches pruned by the reduction (atomic) */
	uint64_t beyond; /* dfs: preempting branches beyond the bound */
	uint64_t nfail;
	uint64_t steps_total;
	uint64_t per_bound[MAXBOUND + 1];
	bool exhausted;
	bool finished;
	int error; /* exit code on a scenario error */
	char errmsg[1300];
	int nsigs;
	struct wsig sigs[MAXSIG];
};

struct xshared {
	uint64_t min_fail; /* earliest failure key of any worker (atomic) */
	struct wres w[];
};

/* Options. */
struct xopts {
	const char *path, *db, *strategy, *kernel;
	char *src;
	size_t len;
	enum xkind kind;
	int depth; /* pct */
	int bound; /* dfs */
	uint64_t runs, base;
	bool runs_given;
	double budget, t0;
	bool keep_going, reduction, check;
	int jobs, shard_i, shard_n;
	int shrink_max;
};

/* A sleeping thread: its step's footprint (an interned object set). */
struct sleeper {
	int tid, pid;
	uint32_t os;
};

struct sleepv {
	struct sleeper *v;
	uint32_t n, cap;
};

/* A decision of the current dfs path. */
struct frame {
	bool is_choose;
	int n, def, cur, chosen, tid, pid;
	int *tids; /* the candidates (sched) */
	int next_rank; /* the next alternative to consider */
	struct sleepv sleep; /* asleep at this node */
	struct sleepv expl; /* siblings explored from here, with footprints */
};

/* A preempting branch queued for the next bound. */
struct qent {
	int64_t *prefix;
	uint32_t len;
	int rank0; /* the slice: index of the bound-1 entry it descends from */
	struct sleepv sl; /* to filter by the step of prefix[len - 1] */
};

struct qvec {
	struct qent *v;
	size_t n, cap;
};

/* A worker's state. */
struct xctx {
	const struct xopts *xo;
	struct xshared *sh;
	struct wres *res;
	int w, nw; /* this worker and the worker count */
	struct sim_run_opts o;
	enum sched_strategy strategy; /* random, pct or dfs */
	struct trace *t; /* not recording */
	struct trace *rec; /* the worker's database, opened on demand */
	char dbpath[4096];
	struct sched_dfs dfs;
	bool stop;
	uint64_t share; /* dfs --runs share */
	/* Footprints: interned object names and object sets. */
	bool collect;
	struct strmap *names; /* object name -> id */
	uint64_t *lastseen; /* per name: run << 32 | segment + 1 */
	uint32_t nlastseen, lastseencap;
	uint64_t rungen;
	uint64_t *segpairs; /* segment << 32 | name id, this run */
	size_t nseg, segcap;
	uint32_t *segos; /* per segment: interned set */
	size_t segoscap, nsegos;
	struct strmap *sets; /* sorted name ids -> set id - 1 */
	/* dfs */
	struct frame *fr;
	size_t nfr, frcap;
	struct qvec q[MAXBOUND + 2];
	int64_t *pbuf;
	size_t pcap;
};

static double
host_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n ? n : 1)) == NULL)
		sim_oom();
	return (p);
}

/* The message without the "(at vtime ...)" suffix that varies by run. */
static void
signature_msg(char *dst, size_t len, const char *msg)
{
	const char *at = strstr(msg, " (at vtime ");

	snprintf(
	    dst, len, "%.*s", at != NULL ? (int)(at - msg) : (int)len, msg);
}

static bool
same_signature(const struct sim_run_result *a, const struct sim_run_result *b)
{
	char ma[512], mb[512];

	if (a->status != b->status || strcmp(a->fail_func, b->fail_func) != 0)
		return (false);
	signature_msg(ma, sizeof(ma), a->message);
	signature_msg(mb, sizeof(mb), b->message);
	return (strcmp(ma, mb) == 0);
}

static void
atomic_min(uint64_t *p, uint64_t v)
{
	uint64_t old = __atomic_load_n(p, __ATOMIC_SEQ_CST);

	while (v < old
	    && !__atomic_compare_exchange_n(
		p, &old, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
}

/* Whether schedule (or first-decision rank) i is this worker's. */
static bool
owns(const struct xctx *x, uint64_t i)
{
	const struct xopts *xo = x->xo;

	return (i % (uint64_t)xo->shard_n == (uint64_t)xo->shard_i
	    && (i / (uint64_t)xo->shard_n) % (uint64_t)x->nw == (uint64_t)x->w);
}

/* ---- Footprints ---------------------------------------------------- */

static uint32_t
intern_name(struct xctx *x, const char *s, size_t len)
{
	uint32_t id = strmap_intern(x->names, s, len);

	if (id == x->nlastseen) {
		if (x->nlastseen == x->lastseencap) {
			x->lastseencap
			    = x->lastseencap ? x->lastseencap * 2 : 1024;
			x->lastseen = xrealloc(
			    x->lastseen, x->lastseencap * sizeof(*x->lastseen));
		}
		x->lastseen[x->nlastseen++] = 0;
	}
	return (id);
}

/* The trace callback: notes the object of each transition in its step. */
static void
collect_line(void *arg, uint64_t seq, const char *line)
{
	struct xctx *x = arg;
	const char *p = line, *e;
	uint64_t seg = sched_steps(), key;
	uint32_t id;
	int f;

	for (f = 0; f < 5; f++) {
		if ((p = strchr(p, '\t')) == NULL)
			return;
		p++;
	}
	if ((e = strchr(p, '\t')) == NULL)
		return;
	id = intern_name(x, p, (size_t)(e - p));
	key = x->rungen << 32 | (seg + 1);
	if (x->lastseen[id] == key)
		return;
	x->lastseen[id] = key;
	if (x->nseg == x->segcap) {
		x->segcap = x->segcap ? x->segcap * 2 : 4096;
		x->segpairs
		    = xrealloc(x->segpairs, x->segcap * sizeof(*x->segpairs));
	}
	x->segpairs[x->nseg++] = seg << 32 | id;
}

/* The ids of interned set os (0: the empty set) and their count in *n. */
static const uint32_t *
os_get(const struct xctx *x, uint32_t os, uint32_t *n)
{
	size_t len;
	const uint32_t *p;

	if (os == 0) {
		*n = 0;
		return (NULL);
	}
	p = strmap_key(x->sets, os - 1, &len);
	*n = (uint32_t)(len / sizeof(*p));
	return (p);
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x < y ? -1 : x > y);
}

/* Interns a sorted set of name ids; the empty set is 0. */
static uint32_t
intern_set(struct xctx *x, const uint32_t *ids, uint32_t n)
{
	if (n == 0)
		return (0);
	return (strmap_intern(x->sets, ids, n * sizeof(*ids)) + 1);
}

/* Turns the collected (segment, object) pairs into segos[0 .. nsteps]. */
static void
build_segments(struct xctx *x, uint64_t nsteps)
{
	uint32_t *ids = NULL;
	size_t k = 0, cap = 0;
	uint64_t s;

	if (nsteps + 1 > x->segoscap) {
		x->segoscap = (nsteps + 1) * 2;
		x->segos = xrealloc(x->segos, x->segoscap * sizeof(*x->segos));
	}
	for (s = 0; s <= nsteps; s++) {
		uint32_t n = 0;

		while (k < x->nseg && (x->segpairs[k] >> 32) < s)
			k++;
		while (k < x->nseg && (x->segpairs[k] >> 32) == s) {
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				ids = xrealloc(ids, cap * sizeof(*ids));
			}
			ids[n++] = (uint32_t)x->segpairs[k++];
		}
		qsort(ids, n, sizeof(*ids), cmp_u32);
		x->segos[s] = intern_set(x, ids, n);
	}
	x->nsegos = nsteps + 1;
	free(ids);
}

/* Whether two steps are dependent (see the comment at the top). */
static bool
dependent(const struct xctx *x, const struct sleeper *a, uint32_t os, int pid)
{
	const uint32_t *p, *q;
	uint32_t n, m, i = 0, j = 0;

	if (a->os == 0 || os == 0)
		return (a->pid == pid);
	p = os_get(x, a->os, &n);
	q = os_get(x, os, &m);
	while (i < n && j < m) {
		if (p[i] == q[j])
			return (true);
		if (p[i] < q[j])
			i++;
		else
			j++;
	}
	return (false);
}

static void
sleep_add(struct sleepv *v, int tid, int pid, uint32_t os)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 8;
		v->v = xrealloc(v->v, v->cap * sizeof(*v->v));
	}
	v->v[v->n].tid = tid;
	v->v[v->n].pid = pid;
	v->v[v->n].os = os;
	v->n++;
}

static bool
sleep_has(const struct sleepv *v, int tid)
{
	uint32_t i;

	for (i = 0; i < v->n; i++)
		if (v->v[i].tid == tid)
			return (true);
	return (false);
}

/* ---- Runs ---------------------------------------------------------- */

/*
 * Runs the scenario once, unrecorded unless into is set.  With prefix (or
 * observe) the dfs log is attached.  Returns 0, or ends the worker on a
 * scenario error.
 */
static void
run_once(struct xctx *x, enum sched_strategy st, uint64_t seed,
    const int64_t *prefix, uint64_t plen, bool by_tid, bool observe,
    const struct sched_decision *replay, uint64_t rlen, struct trace *into,
    const char *args, struct sim_run_result *r)
{
	char err[1200];
	bool attach = observe || st == SCHED_DFS;

	x->o.strategy = st;
	x->o.pct_depth = x->xo->depth;
	x->o.seed = seed;
	x->o.trace = into != NULL ? into : x->t;
	x->o.replay = replay;
	x->o.replay_len = rlen;
	x->o.args = args;
	x->dfs.prefix = prefix;
	x->dfs.prefix_len = plen;
	x->dfs.by_tid = by_tid;
	if (x->collect && into == NULL) {
		x->rungen++;
		x->nseg = 0;
		trace_set_expect(x->t, collect_line, x);
	}
	x->o.dfs = attach ? &x->dfs : NULL;
	if (sim_run(&x->o, r, err, sizeof(err)) != 0) {
		snprintf(x->res->errmsg, sizeof(x->res->errmsg), "%s", err);
		x->res->error = EXIT_USAGE;
		_exit(EXIT_USAGE);
	}
	x->o.dfs = NULL;
	trace_set_expect(x->t, NULL, NULL);
	if (x->collect && into == NULL)
		build_segments(x, attach ? x->dfs.npts : 0);
}

static void
size_of(
    const struct sched_dfs *d, const struct sim_run_result *r, struct xsize *sz)
{
	uint64_t k;

	memset(sz, 0, sizeof(*sz));
	for (k = 0; k < d->npts; k++) {
		const struct sched_dfs_point *p = &d->pts[k];

		if (p->is_choose)
			sz->choose_devs += p->chosen != 0;
		else if (p->cur >= 0 && p->chosen != p->cur)
			sz->preemptions++;
		else if (p->chosen != p->def)
			sz->other_devs++;
	}
	sz->decisions = d->npts;
	sz->transitions = r->transitions;
}

static int
size_cmp(const struct xsize *a, const struct xsize *b)
{
	const uint64_t va[] = { a->preemptions, a->choose_devs, a->other_devs,
		a->decisions, a->transitions };
	const uint64_t vb[] = { b->preemptions, b->choose_devs, b->other_devs,
		b->decisions, b->transitions };
	int i;

	for (i = 0; i < 5; i++)
		if (va[i] != vb[i])
			return (va[i] < vb[i] ? -1 : 1);
	return (0);
}

/* The observed run as a lenient log: tids, choose values. */
static int64_t *
log_of(const struct sched_dfs *d, uint64_t *n)
{
	int64_t *log = xrealloc(NULL, (d->npts + 1) * sizeof(*log));
	uint64_t k;

	for (k = 0; k < d->npts; k++)
		log[k] = d->pts[k].is_choose ? d->pts[k].chosen + 1
					     : d->pts[k].tid;
	*n = d->npts;
	return (log);
}

/* The default of decision k in log form. */
static int64_t
default_of(const struct sched_dfs *d, uint64_t k)
{
	const struct sched_dfs_point *p = &d->pts[k];

	return (p->is_choose ? 1 : d->tids[p->cand + (uint64_t)p->def]);
}

static bool
deviates(const struct sched_dfs_point *p)
{
	return (p->chosen != (p->is_choose ? 0 : p->def));
}

/*
 * Shrinks the failing run observed in x->dfs (result first) and records the
 * minimal one into the worker's database.  Fills sig's sizes, run id and
 * replay check.
 */
static void
shrink_and_record(struct xctx *x, uint64_t seed,
    const struct sim_run_result *first, struct wsig *sig)
{
	struct sim_run_result r;
	struct sched_decision *rlog;
	struct sched_dfs orig;
	struct xsize best, sz;
	int64_t *log, *trial;
	uint64_t n, k, tn;
	int attempts = 0;
	bool progress = true, collect = x->collect;
	char err[1200], hash[17];

	x->collect = false;
	size_of(&x->dfs, first, &best);
	sig->orig = best;
	log = log_of(&x->dfs, &n);
	trial = xrealloc(NULL, (n + 1) * sizeof(*trial));
	/* The lenient replay of the full log must fail the same way. */
	orig = x->dfs;
	x->dfs.pts = NULL;
	x->dfs.ptscap = 0;
	x->dfs.tids = NULL;
	x->dfs.tidscap = 0;
	run_once(
	    x, SCHED_DFS, seed, log, n, true, true, NULL, 0, NULL, NULL, &r);
	attempts++;
	if (!same_signature(&r, first) || x->dfs.fallbacks != 0) {
		/* XXX: not reproducible by tids: record the original. */
		progress = false;
		free(x->dfs.pts);
		free(x->dfs.tids);
		x->dfs = orig;
	} else {
		size_of(&x->dfs, &r, &best);
		free(orig.pts);
		free(orig.tids);
	}
	while (progress && attempts < x->xo->shrink_max) {
		/* The deviations of the current best, as positions. */
		struct sched_dfs cur = x->dfs;
		uint64_t *dev = xrealloc(NULL, (cur.npts + 1) * sizeof(*dev));
		uint64_t ndev = 0, j;
		int pass;

		x->dfs.pts = NULL;
		x->dfs.ptscap = 0;
		x->dfs.tids = NULL;
		x->dfs.tidscap = 0;
		free(log);
		log = log_of(&cur, &n);
		trial = xrealloc(trial, (n + 1) * sizeof(*trial));
		for (k = 0; k < cur.npts; k++)
			if (deviates(&cur.pts[k]))
				dev[ndev++] = k;
		progress = false;
		/*
		 * Pass 0: cut the log after each deviation, first to last
		 * (the defaults take the rest).  Pass 1: replace one
		 * deviation by the default, last to first, and follow the
		 * rest of the log where it still applies.
		 */
		for (pass = 0; pass < 2 && !progress; pass++) {
			for (j = 0; j < ndev && !progress; j++) {
				uint64_t at
				    = pass == 0 ? dev[j] : dev[ndev - 1 - j];

				if (attempts >= x->xo->shrink_max)
					break;
				memcpy(trial, log, n * sizeof(*trial));
				if (pass == 0) {
					if (j + 1 == ndev)
						break; /* the log itself */
					tn = at + 1;
				} else {
					trial[at] = default_of(&cur, at);
					tn = n;
				}
				run_once(x, SCHED_DFS, seed, trial, tn, true,
				    true, NULL, 0, NULL, NULL, &r);
				attempts++;
				size_of(&x->dfs, &r, &sz);
				if (same_signature(&r, first)
				    && size_cmp(&sz, &best) < 0) {
					best = sz;
					progress = true;
				}
			}
		}
		if (!progress) {
			/* Keep the best run's log in x->dfs. */
			free(x->dfs.pts);
			free(x->dfs.tids);
			x->dfs.pts = cur.pts;
			x->dfs.ptscap = cur.ptscap;
			x->dfs.npts = cur.npts;
			x->dfs.tids = cur.tids;
			x->dfs.tidscap = cur.tidscap;
			x->dfs.ntids = cur.ntids;
		} else {
			free(cur.pts);
			free(cur.tids);
		}
		free(dev);
	}
	/* x->dfs holds the minimal run: record it under 'replay'. */
	free(log);
	log = log_of(&x->dfs, &n);
	rlog = xrealloc(NULL, (n + 1) * sizeof(*rlog));
	for (k = 0; k < n; k++) {
		rlog[k].is_choose = x->dfs.pts[k].is_choose;
		rlog[k].chosen = log[k];
		rlog[k].runnable = NULL;
		rlog[k].seq = -1;
	}
	sig->min = best;
	sig->attempts = attempts;
	if (x->rec == NULL
	    && trace_open(&x->rec, x->dbpath, err, sizeof(err)) != 0) {
		snprintf(x->res->errmsg, sizeof(x->res->errmsg), "%s", err);
		x->res->error = EXIT_USAGE;
		_exit(EXIT_USAGE);
	}
	run_once(x, SCHED_REPLAY, seed, NULL, 0, false, false, rlog, n, x->rec,
	    "explore (shrunk schedule)", &r);
	sig->run_id = r.run_id;
	snprintf(hash, sizeof(hash), "%s", r.trace_hash);
	/* The check: the same log replays to the same trace. */
	run_once(x, SCHED_REPLAY, seed, NULL, 0, false, false, rlog, n, NULL,
	    NULL, &r);
	sig->replay_ok = strcmp(hash, r.trace_hash) == 0;
	free(rlog);
	free(log);
	free(trial);
	x->collect = collect;
}

/*
 * Notes a failing run (its result r; for dfs, x->dfs holds its log) with
 * key (the schedule number, or bound << 32 | rank0).
 */
static void
note_failure(struct xctx *x, uint64_t key, uint64_t seed, int preempt,
    const struct sim_run_result *r)
{
	struct wres *res = x->res;
	struct wsig *sg;
	char msg[512];
	int s;

	res->nfail++;
	if (!x->xo->keep_going
	    && key > __atomic_load_n(&x->sh->min_fail, __ATOMIC_SEQ_CST)) {
		/* Another worker found an earlier one: this one is moot. */
		x->stop = true;
		return;
	}
	signature_msg(msg, sizeof(msg), r->message);
	for (s = 0; s < res->nsigs; s++)
		if (strcmp(res->sigs[s].status, sched_status_name(r->status))
			== 0
		    && strcmp(res->sigs[s].func, r->fail_func) == 0
		    && strcmp(res->sigs[s].msg, msg) == 0)
			break;
	if (s < res->nsigs) {
		sg = &res->sigs[s];
		sg->count++;
	} else if (s < MAXSIG) {
		sg = &res->sigs[s];
		memset(sg, 0, sizeof(*sg));
		snprintf(sg->status, sizeof(sg->status), "%s",
		    sched_status_name(r->status));
		snprintf(sg->func, sizeof(sg->func), "%s", r->fail_func);
		snprintf(sg->msg, sizeof(sg->msg), "%s", msg);
		sg->count = 1;
		sg->first_key = key;
		sg->first_seed = seed;
		sg->first_preempt = preempt;
		if (x->xo->kind != X_DFS) {
			struct sim_run_result rr;

			/* Observe the schedule: the same seed, the same run. */
			run_once(x, x->strategy, seed, NULL, 0, false, true,
			    NULL, 0, NULL, NULL, &rr);
		}
		shrink_and_record(x, seed, r, sg);
		res->nsigs++;
	} else {
		sg = NULL;
	}
	if (sg != NULL && sg->nseeds < MAXSEEDS && x->xo->kind != X_DFS)
		sg->seeds[sg->nseeds++] = key;
	if (!x->xo->keep_going) {
		atomic_min(&x->sh->min_fail, key);
		x->stop = true;
	}
}

/* Whether the budget or an earlier failure ends the search before key. */
static bool
must_stop(struct xctx *x, uint64_t key)
{
	const struct xopts *xo = x->xo;

	if (x->stop)
		return (true);
	if (!xo->keep_going
	    && key > __atomic_load_n(&x->sh->min_fail, __ATOMIC_SEQ_CST))
		return (x->stop = true);
	if (xo->budget > 0 && host_now() - xo->t0 >= xo->budget)
		return (x->stop = true);
	return (false);
}

/* ---- random and pct ------------------------------------------------ */

static void
explore_seeds(struct xctx *x)
{
	const struct xopts *xo = x->xo;
	struct sim_run_result r;
	uint64_t i, stride = (uint64_t)xo->shard_n * (uint64_t)x->nw;

	for (i = (uint64_t)xo->shard_i + (uint64_t)xo->shard_n * (uint64_t)x->w;
	     i < xo->runs; i += stride) {
		if (must_stop(x, i))
			return;
		run_once(x, x->strategy, xo->base + i, NULL, 0, false, false,
		    NULL, 0, NULL, NULL, &r);
		x->res->steps_total += r.decisions;
		__atomic_add_fetch(&x->res->done, 1, __ATOMIC_RELAXED);
		if (r.status != SCHED_PASSED)
			note_failure(x, i, xo->base + i, -1, &r);
	}
	x->res->exhausted = !x->stop;
}

/* ---- dfs ----------------------------------------------------------- */

static int
rank_to_index(int r, int def)
{
	return (r == 0 ? def : r - 1 < def ? r - 1 : r);
}

static void
frame_clear(struct frame *f)
{
	free(f->tids);
	free(f->sleep.v);
	free(f->expl.v);
	memset(f, 0, sizeof(*f));
}

static void
frames_truncate(struct xctx *x, size_t n)
{
	while (x->nfr > n)
		frame_clear(&x->fr[--x->nfr]);
}

/* The prefix of the current path up to decision k (exclusive) plus a. */
static int64_t *
path_prefix(struct xctx *x, size_t k, int a)
{
	size_t i;

	if (k + 1 > x->pcap) {
		x->pcap = (k + 1) * 2;
		x->pbuf = xrealloc(x->pbuf, x->pcap * sizeof(*x->pbuf));
	}
	for (i = 0; i < k; i++)
		x->pbuf[i] = x->fr[i].chosen;
	x->pbuf[k] = a;
	return (x->pbuf);
}

/*
 * Takes the decisions from..npts of the run just made as frames (frame
 * from - 1, if any, takes the new choice), and computes their sleep sets:
 * base is the sleep set to carry into frame m (the queue entry's), where
 * m is the entry's prefix length.  Returns the first frame whose chosen
 * thread is asleep (the rest of the path is redundant), or SIZE_MAX.
 */
static size_t
adopt_run(struct xctx *x, size_t from, size_t m, const struct sleepv *base)
{
	const struct sched_dfs *d = &x->dfs;
	size_t k, red = SIZE_MAX;

	frames_truncate(x, from);
	if (d->npts > x->frcap) {
		x->frcap = d->npts * 2;
		x->fr = xrealloc(x->fr, x->frcap * sizeof(*x->fr));
	}
	if (from > 0) {
		/* The frame of the new choice: the same node, a new child. */
		struct frame *f = &x->fr[from - 1];

		f->chosen = d->pts[from - 1].chosen;
		f->tid = d->pts[from - 1].tid;
		f->pid = d->pts[from - 1].pid;
	}
	for (k = from; k < d->npts; k++) {
		const struct sched_dfs_point *p = &d->pts[k];
		struct frame *f = &x->fr[k];

		memset(f, 0, sizeof(*f));
		f->is_choose = p->is_choose;
		f->n = p->n;
		f->def = p->def;
		f->cur = p->cur;
		f->chosen = p->chosen;
		f->tid = p->tid;
		f->pid = p->pid;
		f->next_rank = k < m ? f->n : 1;
		if (!p->is_choose) {
			f->tids = xrealloc(NULL, (size_t)p->n * sizeof(int));
			memcpy(f->tids, d->tids + p->cand,
			    (size_t)p->n * sizeof(int));
		}
		x->nfr = k + 1;
	}
	if (!x->xo->reduction)
		return (SIZE_MAX);
	/* Sleep sets of frames max(from, m) ..: see the top comment. */
	for (k = from > m ? from : m; k < x->nfr; k++) {
		struct frame *f = &x->fr[k];
		const struct frame *pf = k > 0 ? &x->fr[k - 1] : NULL;
		uint32_t os = x->segos[k]; /* the step after decision k - 1 */
		uint32_t i;

		f->sleep.n = 0;
		if (pf == NULL)
			continue;
		if (k == m) {
			for (i = 0; base != NULL && i < base->n; i++)
				if (base->v[i].tid != pf->tid
				    && !dependent(x, &base->v[i], os, pf->pid))
					sleep_add(&f->sleep, base->v[i].tid,
					    base->v[i].pid, base->v[i].os);
		} else {
			for (i = 0; i < pf->sleep.n; i++)
				if (pf->sleep.v[i].tid != pf->tid
				    && !dependent(
					x, &pf->sleep.v[i], os, pf->pid))
					sleep_add(&f->sleep, pf->sleep.v[i].tid,
					    pf->sleep.v[i].pid,
					    pf->sleep.v[i].os);
			for (i = 0; i < pf->expl.n; i++)
				if (pf->expl.v[i].tid != pf->tid
				    && !dependent(
					x, &pf->expl.v[i], os, pf->pid))
					sleep_add(&f->sleep, pf->expl.v[i].tid,
					    pf->expl.v[i].pid,
					    pf->expl.v[i].os);
		}
		if (!f->is_choose && red == SIZE_MAX
		    && sleep_has(&f->sleep, f->tid))
			red = k;
	}
	return (red);
}

static void
queue_push(
    struct xctx *x, int b, size_t k, int a, int rank0, const struct frame *f)
{
	struct qvec *q = &x->q[b];
	struct qent *e;
	int64_t *p = path_prefix(x, k, a);
	uint32_t i;

	if (q->n == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 64;
		q->v = xrealloc(q->v, q->cap * sizeof(*q->v));
	}
	e = &q->v[q->n++];
	memset(e, 0, sizeof(*e));
	e->len = (uint32_t)(k + 1);
	e->prefix = xrealloc(NULL, e->len * sizeof(*e->prefix));
	memcpy(e->prefix, p, e->len * sizeof(*e->prefix));
	e->rank0 = rank0;
	if (x->xo->reduction) {
		for (i = 0; i < f->sleep.n; i++)
			sleep_add(&e->sl, f->sleep.v[i].tid, f->sleep.v[i].pid,
			    f->sleep.v[i].os);
		for (i = 0; i < f->expl.n; i++)
			sleep_add(&e->sl, f->expl.v[i].tid, f->expl.v[i].pid,
			    f->expl.v[i].os);
	}
}

static int
path_preemptions(const struct xctx *x)
{
	size_t k;
	int n = 0;

	for (k = 0; k < x->nfr; k++)
		n += !x->fr[k].is_choose && x->fr[k].cur >= 0
		    && x->fr[k].chosen != x->fr[k].cur;
	return (n);
}

/*
 * Explores the subtree of one queue entry at bound b.  The entry's slice is
 * its index in the bound-1 queue (its own, or its ancestor's); bound 0 is
 * explored by every worker (it builds the bound-1 queue alike everywhere)
 * and counted by the owner of slice 0.
 */
static void
dfs_entry(struct xctx *x, int b, struct qent *e)
{
	const struct xopts *xo = x->xo;
	struct sim_run_result r;
	size_t m = e->len, red, k;
	uint64_t key = (uint64_t)b << 32 | (uint64_t)e->rank0;
	bool counted = b > 0 || owns(x, 0), found;

	frames_truncate(x, 0);
	if (must_stop(x, key))
		return;
	run_once(x, SCHED_DFS, xo->base, e->prefix, e->len, false, true, NULL,
	    0, NULL, NULL, &r);
	red = adopt_run(x, 0, m, &e->sl);
	for (;;) {
		if (r.status == SCHED_DIVERGED) {
			snprintf(x->res->errmsg, sizeof(x->res->errmsg),
			    "internal error: %s", r.message);
			x->res->error = EXIT_USAGE;
			_exit(EXIT_USAGE);
		}
		if (counted) {
			x->res->steps_total += r.decisions;
			x->res->per_bound[b]++;
			__atomic_add_fetch(&x->res->done, 1, __ATOMIC_RELAXED);
			if (r.status != SCHED_PASSED)
				note_failure(
				    x, key, xo->base, path_preemptions(x), &r);
		}
		/* Backtrack to the deepest frame with a branch to take. */
		found = false;
		for (k = x->nfr; k-- > m;) {
			struct frame *f = &x->fr[k];
			int a = -1;

			if (!f->is_choose && xo->reduction)
				sleep_add(
				    &f->expl, f->tid, f->pid, x->segos[k + 1]);
			while (f->next_rank < f->n) {
				int i = rank_to_index(f->next_rank++, f->def);
				bool pre = !f->is_choose && f->cur >= 0
				    && i != f->cur;

				if (pre && b >= xo->bound) {
					x->res->beyond += counted;
					continue;
				}
				if ((red != SIZE_MAX && k > red)
				    || (!f->is_choose && xo->reduction
					&& sleep_has(&f->sleep, f->tids[i]))) {
					if (counted)
						__atomic_add_fetch(
						    &x->res->pruned, 1,
						    __ATOMIC_RELAXED);
					continue;
				}
				if (pre) {
					queue_push(x, b + 1, k, i,
					    b == 0 ? (int)x->q[1].n : e->rank0,
					    f);
					continue;
				}
				a = i;
				break;
			}
			if (a < 0)
				continue;
			/* Run the new branch. */
			if (must_stop(x, key)
			    || (x->share > 0 && x->res->done >= x->share)) {
				x->stop = true;
				return;
			}
			run_once(x, SCHED_DFS, xo->base, path_prefix(x, k, a),
			    k + 1, false, true, NULL, 0, NULL, NULL, &r);
			red = adopt_run(x, k + 1, m, &e->sl);
			found = true;
			break;
		}
		if (!found)
			break;
	}
}

static void
explore_dfs(struct xctx *x)
{
	const struct xopts *xo = x->xo;
	struct qent root;
	int b;
	size_t i;

	memset(&root, 0, sizeof(root));
	x->collect = xo->reduction;
	dfs_entry(x, 0, &root);
	for (b = 1; b <= xo->bound && !x->stop; b++) {
		for (i = 0; i < x->q[b].n && !x->stop; i++) {
			struct qent *e = &x->q[b].v[i];

			if (x->share > 0 && x->res->done >= x->share) {
				x->stop = true;
				break;
			}
			if (owns(x, (uint64_t)e->rank0))
				dfs_entry(x, b, e);
			free(e->prefix);
			free(e->sl.v);
			e->prefix = NULL;
			e->sl.v = NULL;
		}
	}
	for (b = 0; b <= MAXBOUND + 1; b++) {
		for (i = 0; i < x->q[b].n; i++) {
			free(x->q[b].v[i].prefix);
			free(x->q[b].v[i].sl.v);
		}
		free(x->q[b].v);
	}
	x->res->exhausted = !x->stop;
	frames_truncate(x, 0);
}

/* ---- workers ------------------------------------------------------- */

static int
worker(const struct xopts *xo, struct xshared *sh, int w, int nw,
    const char *tmpdir)
{
	struct xctx x;
	char err[1200];

	memset(&x, 0, sizeof(x));
	x.xo = xo;
	x.sh = sh;
	x.res = &sh->w[w];
	x.w = w;
	x.nw = nw;
	snprintf(x.dbpath, sizeof(x.dbpath), "%.1000s/worker%d.db", tmpdir, w);
	x.o.path = xo->path;
	x.o.source = xo->src;
	x.o.source_len = xo->len;
	x.o.kernel = xo->kernel;
	x.o.have_seed = true;
	x.o.quiet = true;
	x.o.check = xo->check;
	x.strategy = xo->kind == X_RANDOM ? SCHED_RANDOM
	    : xo->kind == X_PCT		  ? SCHED_PCT
					  : SCHED_DFS;
	if (xo->kind == X_DFS && xo->runs_given)
		x.share = xo->runs / (uint64_t)nw
		    + ((uint64_t)w < xo->runs % (uint64_t)nw);
	x.names = strmap_new();
	x.sets = strmap_new();
	if (trace_open(&x.t, NULL, err, sizeof(err)) != 0)
		sim_oom();
	if (xo->kind == X_DFS)
		explore_dfs(&x);
	else
		explore_seeds(&x);
	strmap_free(x.names);
	strmap_free(x.sets);
	trace_close(x.t);
	trace_close(x.rec);
	x.res->finished = true;
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

/* Prints the aggregated progress of the workers. */
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
	if (xo->kind == X_DFS)
		snprintf(pr, sizeof(pr), ", %" PRIu64 " pruned", pruned);
	printf("%s%" PRIu64 " schedules%s, %.0f/s, %d failures found%s%s",
	    tty ? "\r" : "", done, pr,
	    now > xo->t0 ? (double)done / (now - xo->t0) : 0.0, nsigs, left,
	    tty ? "   " : "\n");
	fflush(stdout);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x < y ? -1 : x > y);
}

/* A merged signature: the totals and the worker holding the first. */
struct msig {
	struct wsig s;
	int worker;
	int64_t run_id; /* in --db */
	uint64_t seeds[MAXSEEDS * 8];
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
print_size(const char *label, const struct xsize *z)
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
	struct msig *ms = xrealloc(NULL, MAXSIG * nw * sizeof(*ms));
	uint64_t done = 0, pruned = 0, beyond = 0, nfail = 0, steps = 0;
	uint64_t per_bound[MAXBOUND + 1] = { 0 };
	uint64_t minkey = __atomic_load_n(&sh->min_fail, __ATOMIC_SEQ_CST);
	bool exhausted = true;
	int nms = 0, w, s, i, b;
	char err[1200];

	for (w = 0; w < nw; w++) {
		struct wres *r = &sh->w[w];

		done += r->done;
		pruned += r->pruned;
		beyond += r->beyond;
		steps += r->steps_total;
		exhausted = exhausted && r->exhausted;
		for (b = 0; b <= MAXBOUND; b++)
			per_bound[b] += r->per_bound[b];
		for (s = 0; s < r->nsigs; s++) {
			struct wsig *g = &r->sigs[s];

			/* Without --keep-going: only the first failure. */
			if (!xo->keep_going && g->first_key != minkey)
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
			ms[i].s.count += xo->keep_going ? g->count : 1;
			memcpy(ms[i].seeds + ms[i].nseeds, g->seeds,
			    (size_t)g->nseeds * sizeof(uint64_t));
			ms[i].nseeds += g->nseeds;
		}
	}
	for (i = 0; i < nms; i++) {
		qsort(ms[i].seeds, (size_t)ms[i].nseeds, sizeof(uint64_t),
		    cmp_u64);
		if (ms[i].nseeds > MAXSEEDS)
			ms[i].nseeds = MAXSEEDS;
	}
	nfail = 0;
	for (w = 0; w < nw; w++)
		nfail += sh->w[w].nfail;
	if (!xo->keep_going && nms > 0) {
		/* As a sequential search: stops at the first failure. */
		nfail = 1;
		exhausted = false;
	}
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
	if (!xo->keep_going && nms > 0 && xo->kind != X_DFS) {
		/* Schedules a sequential search would have run. */
		done = ms[0].s.first_key / (uint64_t)xo->shard_n + 1;
	}
	printf("explored %" PRIu64 " schedules of %s (%s", done, xo->path,
	    xo->strategy);
	if (xo->kind != X_DFS)
		printf(", seeds %" PRIu64 "..", xo->base);
	else
		printf(", seed %" PRIu64, xo->base);
	if (xo->shard_n > 1)
		printf(", shard %d/%d", xo->shard_i, xo->shard_n);
	printf(") in %.1f s with %d job(s), %.0f schedules/s: %" PRIu64
	       " failed, %d distinct\n",
	    el, nw, el > 0 ? (double)done / el : 0.0, nfail, nms);
	if (xo->kind == X_DFS) {
		printf("dfs:%d: %" PRIu64 " schedules by preemptions:",
		    xo->bound, done);
		for (b = 0; b <= xo->bound; b++)
			printf(" %d: %" PRIu64, b, per_bound[b]);
		printf("; %" PRIu64
		       " branches pruned by the reduction%s; %" PRIu64
		       " preempting branches beyond the bound\n",
		    pruned, xo->reduction ? "" : " (off)", beyond);
		printf("dfs:%d: space %s\n", xo->bound,
		    exhausted ? "exhausted (every schedule within the bound "
				"explored)"
			      : "not exhausted");
	}
	if (xo->kind == X_PCT && done > 0) {
		double n = 2, kest = (double)steps / (double)done;

		/*
		 * PCT finds a depth-d bug with probability at least
		 * 1 / (n * k^(d-1)) per run (n threads, k steps); n is taken
		 * as 2 here (XXX: not measured).
		 */
		printf("pct:%d: k ~ %.0f steps per run; per-run detection "
		       "bound >= 1/(n k^(d-1)) = %.2g for n = 2\n",
		    xo->depth, kest,
		    1.0 / (n * pow(kest > 1 ? kest : 1, xo->depth - 1)));
	}
	for (i = 0; i < nms; i++) {
		struct wsig *g = &ms[i].s;

		printf("\n[%d] %s in %s, %" PRIu64 " time(s), ", i + 1,
		    g->status, g->func[0] ? g->func : "scenario", g->count);
		if (xo->kind == X_DFS)
			printf("first found with %d preemption(s)\n",
			    g->first_preempt);
		else
			printf("first at schedule %" PRIu64 " (seed %" PRIu64
			       ")\n",
			    g->first_key + 1, g->first_seed);
		printf("    %s\n", g->msg);
		if (xo->kind != X_DFS && xo->keep_going) {
			printf("    failing seeds:");
			for (s = 0; s < ms[i].nseeds; s++)
				printf(" %" PRIu64, xo->base + ms[i].seeds[s]);
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
		if (xo->kind != X_DFS)
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
	bool tty = isatty(1);
	double last;
	int c, k, w, nw, running, rc = 0;
	long ncpu;

	memset(&xo, 0, sizeof(xo));
	xo.db = "evsim.db";
	xo.strategy = "random";
	xo.kind = X_RANDOM;
	xo.runs = 1000;
	xo.base = 1;
	xo.depth = 3;
	xo.bound = 2;
	xo.reduction = true;
	xo.check = true;
	xo.shard_n = 1;
	xo.shrink_max = 500;
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
			xo.runs = strtoull(optarg, &end, 10);
			xo.runs_given = true;
			if (*end != '\0' || xo.runs == 0 || optarg[0] == '-')
				return (usage_error("--runs: bad count", ""));
			break;
		case 't':
			xo.budget = strtod(optarg, &end);
			if (*end != '\0' || xo.budget <= 0)
				return (usage_error("--time: bad seconds", ""));
			break;
		case 's':
			if (cli_parse_u64(optarg, &xo.base) != 0)
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
			xo.kind = strat.strategy == SCHED_RANDOM ? X_RANDOM
			    : strat.strategy == SCHED_PCT	 ? X_PCT
								 : X_DFS;
			xo.depth = strat.pct_depth;
			xo.bound = strat.dfs_bound;
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
			xo.keep_going = true;
			break;
		case 'c':
			xo.check = true;
			break;
		case 'C':
			xo.check = false;
			break;
		case 'R':
			xo.reduction = false; /* hidden: for benchmarks */
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
			xo.shard_i = si;
			xo.shard_n = sn;
			break;
		case 'a':
			j = strtol(optarg, &end, 10);
			if (*end != '\0' || j < 1 || j > 1000000)
				return (usage_error(
				    "--shrink-attempts: bad count '%s'",
				    optarg));
			xo.shrink_max = (int)j;
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
	shsize = sizeof(*sh) + (size_t)nw * sizeof(struct wres);
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
					printf("\n");
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
		if (now - last >= (tty ? 0.2 : 5.0)) {
			progress(&xo, sh, nw, tty, now);
			last = now;
		}
	}
	if (tty && last > xo.t0)
		printf("\r%*s\r", 78, "");
	if (rc == 0)
		rc = summarize(&xo, sh, xo.jobs, tmpdir, host_now() - xo.t0);
	remove_tmp(tmpdir, xo.jobs);
	munmap(sh, shsize);
	free(pids);
	free(xo.src);
	return (rc);
}
