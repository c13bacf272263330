/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The schedule search (see explore.h): the algorithm.
 *
 * Strategies.  'random' and 'pct:D' run schedule i (0, 1, ...) with seed
 * BASE + i.  'dfs:B' is a stateless exhaustive search over the scheduling
 * decisions and sim.choose values with at most B preemptions (a preemption
 * is a decision that picks another thread while the running one could go
 * on), by iterative preemption bounding: every schedule with 0 preemptions
 * first, then 1, ... B, so that the first failure found has the fewest
 * preemptions.  Each dfs run follows a forced prefix of choices (indices into
 * the tid-sorted candidates, the SCHED_DFS strategy of sched.c) and
 * takes the non-preempting default afterwards; the run reports every
 * decision's candidates and the explorer backtracks: a non-preempting
 * alternative (a choice at a point where the running thread blocked or
 * exited, or another sim.choose value) is explored in the same bound, a
 * preempting one is queued for the next bound (as CHESS's iterative context
 * bounding does), so no schedule runs twice.  The failing branch of an
 * 'explore' fail point counts as a preemption: it is queued for the next
 * bound, and a schedule has at most B preemptions and failing fail points
 * together (dfs:0 never makes one fail).
 *
 * Reduction (dfs; --no-reduction turns it off): sleep sets (Godefroid
 * 1996).  A step is what a thread does between two decisions; its footprint
 * is the set of kernel objects (the object column, "file#3", "knote#12") of
 * the transitions emitted in it, which the run callback reports with
 * explore_touch.
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
 * without its "(at vtime ...)" suffix, every "seq N" in it read as "seq #"
 * (the use-after-free panic's "freed at seq 91" differs from schedule to
 * schedule for the same bug).  The first failure of each signature
 * is shrunk: its decision log (observed through the run's sched_dfs log) is
 * replayed leniently (SCHED_DFS with tids) while non-default choices
 * (preemptions, other choices, sim.choose values other than 1, fail points
 * that failed) are replaced by the default, the log is cut after a
 * deviation, and each change is kept if the run still fails with the same
 * signature and is smaller, ordered by (preemptions, fail points that
 * failed, choose deviations, other deviations, decisions, transitions), up to a
 * fixpoint or --shrink-attempts runs.  The minimal run is recorded under the
 * 'replay' strategy with its decision log, so that `evsim replay` reproduces
 * it, and replayed once here to check.
 *
 * Parallelism: the caller runs J workers (evsim explore forks them).
 * Schedule i (random, pct) or slice i (dfs) is of the shard I of N
 * (--shard I/N) with i % N == I; within it the workers take the next
 * schedule, or in each bound the next slice, nobody took (counters the
 * caller shares between them; without, the worker w with (i / N) % J == w
 * has it).  A dfs slice is one entry of the bound-1 queue (a single
 * preemption after the bound-0 schedules) with everything explored below
 * it; the bound-0 schedules, which produce that queue, are explored by
 * every worker and counted by the worker 0 of shard 0 (see explore_dfs).
 * Workers record into temporary databases (the run callback's business) that
 * are merged into --db at the end.  Without --keep-going a worker stops
 * once its next schedule comes after the earliest failure any worker found
 * (schedule number; dfs: bound, slice), and a failure after it is moot, so
 * the first failure and the signatures are the same for every J; the
 * schedules counted can be more (a dfs slice a worker took before the
 * earliest failure was known is explored to its end: four_threads dfs:2
 * counts 137 schedules with -j1, 138 with -j2).  Budgets (--runs for dfs,
 * split evenly; --time) can cut the search at a different point.
 *
 * Interruption and resumption: out_of_time ends the search before its next
 * schedule, hurry ends a shrink at once (its best schedule so far is
 * recorded); a random or pct search restarts from any schedule with
 * 'start' (a resumed search, or a worker restarted after the simulator died
 * on a schedule), and res->next says how far each worker got.  A dfs search
 * restarts at a part (bound << 32 | slice) with 'resume_key': the parts
 * below the key are skipped, and a slice's lower bounds are explored again
 * without being counted (or recording failures) where a later bound needs
 * the entries they queue (the queues are not stored).
 *
 * The host clock is the caller's (out_of_time), never read inside a run.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore.h"
#include "strmap.h"

#define MAXBOUND EXPLORE_MAXBOUND

static _Noreturn void
oom(void)
{
	fprintf(stderr, "evsim: fatal: out of memory\n");
	exit(2);
}

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
	bool is_failpoint; /* its failing branch counts as a preemption */
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

/* A worker's search state. */
struct explore {
	const struct explore_opts *o;
	const struct explore_ops *ops;
	struct explore_result *res;
	uint64_t *min_fail; /* o->min_fail, or local_min */
	uint64_t local_min;
	enum sched_strategy strategy; /* random, pct or dfs */
	struct sched_dfs dfs;
	bool stop;
	uint64_t share; /* dfs --runs share */
	uint64_t cur_key; /* the schedule being run or shrunk */
	bool shrinking;
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
	bool regen; /* making a slice's next bound again: nothing counted */
	uint64_t claimed[MAXBOUND + 2]; /* without dfs_claims: per bound */
	int64_t *pbuf;
	size_t pcap;
};

/*
 * A slice as this worker holds it: its entries of bound 'front' (the
 * bound-1 entry itself, or the branches its exploration of front - 1
 * queued), x->q[front].v[lo..hi).
 */
struct slice {
	int front;
	size_t lo, hi;
};

static void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n ? n : 1)) == NULL)
		oom();
	return (p);
}

/*
 * The message without what varies by run for the same failure: the "(at
 * vtime ...)" suffix, and the number of every "seq N" (a transition's
 * sequence number, as in "freed at seq 91"), written "seq #".
 */
void
explore_signature_msg(char *dst, size_t len, const char *msg)
{
	const char *at = strstr(msg, " (at vtime ");
	const char *end = at != NULL ? at : msg + strlen(msg);
	size_t o = 0;

	if (len == 0)
		return;
	while (msg < end && o + 1 < len) {
		if (strncmp(msg, "seq ", 4) == 0 && msg + 4 < end
		    && isdigit((unsigned char)msg[4])
		    && (o == 0 || !isalnum((unsigned char)dst[o - 1]))) {
			msg += 4;
			while (msg < end && isdigit((unsigned char)*msg))
				msg++;
			o += (size_t)snprintf(dst + o, len - o, "seq #");
			if (o >= len)
				o = len - 1;
			continue;
		}
		dst[o++] = *msg++;
	}
	dst[o] = '\0';
}

static bool
same_signature(const struct explore_run_res *a, const struct explore_run_res *b)
{
	char ma[512], mb[512];

	if (a->status != b->status || strcmp(a->fail_func, b->fail_func) != 0)
		return (false);
	explore_signature_msg(ma, sizeof(ma), a->message);
	explore_signature_msg(mb, sizeof(mb), b->message);
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
owns(const struct explore *x, uint64_t i)
{
	const struct explore_opts *xo = x->o;

	return (i % (uint64_t)xo->shard_n == (uint64_t)xo->shard_i
	    && (i / (uint64_t)xo->shard_n) % (uint64_t)x->o->nworkers
		== (uint64_t)x->o->worker);
}

/* ---- Footprints ---------------------------------------------------- */

static uint32_t
intern_name(struct explore *x, const char *s, size_t len)
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

void
explore_touch(struct explore *x, uint64_t seg, const char *name, size_t len)
{
	uint64_t key;
	uint32_t id;

	if (!x->collect)
		return;
	id = intern_name(x, name, len);
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
os_get(const struct explore *x, uint32_t os, uint32_t *n)
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
intern_set(struct explore *x, const uint32_t *ids, uint32_t n)
{
	if (n == 0)
		return (0);
	return (strmap_intern(x->sets, ids, n * sizeof(*ids)) + 1);
}

/* Turns the collected (segment, object) pairs into segos[0 .. nsteps]. */
static void
build_segments(struct explore *x, uint64_t nsteps)
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
		if (n > 0) /* qsort(NULL, 0, ...) is undefined */
			qsort(ids, n, sizeof(*ids), cmp_u32);
		x->segos[s] = intern_set(x, ids, n);
	}
	x->nsegos = nsteps + 1;
	free(ids);
}

/* Whether two steps are dependent (see the comment at the top). */
static bool
dependent(
    const struct explore *x, const struct sleeper *a, uint32_t os, int pid)
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
 * Makes one run through the callback, recorded with label record when
 * given.  With prefix (or observe) the dfs log is attached.
 */
static void
run_once(struct explore *x, enum sched_strategy st, uint64_t seed,
    const int64_t *prefix, uint64_t plen, bool by_tid, bool observe,
    const struct sched_decision *replay, uint64_t rlen, const char *record,
    struct explore_run_res *r)
{
	struct explore_run_req q;
	bool attach = observe || st == SCHED_DFS;
	bool collect = x->collect && record == NULL;

	memset(&q, 0, sizeof(q));
	q.strategy = st;
	q.pct_depth = x->o->pct_depth;
	q.seed = seed;
	q.replay = replay;
	q.replay_len = rlen;
	q.record = record;
	q.footprints = collect;
	q.key = x->cur_key;
	q.shrinking = x->shrinking;
	q.prefix = prefix;
	q.prefix_len = plen;
	x->dfs.prefix = prefix;
	x->dfs.prefix_len = plen;
	x->dfs.by_tid = by_tid;
	q.dfs = attach ? &x->dfs : NULL;
	if (collect) {
		x->rungen++;
		x->nseg = 0;
	}
	memset(r, 0, sizeof(*r));
	x->ops->run(x->ops->arg, x, &q, r);
	if (collect)
		build_segments(x, attach ? x->dfs.npts : 0);
}

static void
size_of(const struct sched_dfs *d, const struct explore_run_res *r,
    struct explore_size *sz)
{
	uint64_t k;

	memset(sz, 0, sizeof(*sz));
	for (k = 0; k < d->npts; k++) {
		const struct sched_dfs_point *p = &d->pts[k];

		if (p->is_choose && p->is_failpoint)
			sz->failpoints += p->chosen != 0;
		else if (p->is_choose)
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
size_cmp(const struct explore_size *a, const struct explore_size *b)
{
	const uint64_t va[] = { a->preemptions, a->failpoints, a->choose_devs,
		a->other_devs, a->decisions, a->transitions };
	const uint64_t vb[] = { b->preemptions, b->failpoints, b->choose_devs,
		b->other_devs, b->decisions, b->transitions };
	int i;

	for (i = 0; i < 6; i++)
		if (va[i] != vb[i])
			return (va[i] < vb[i] ? -1 : 1);
	return (0);
}

/* Whether shrinking must stop now. */
static bool
hurry(const struct explore *x)
{
	return (x->ops->hurry != NULL && x->ops->hurry(x->ops->arg));
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
shrink_and_record(struct explore *x, uint64_t seed,
    const struct explore_run_res *first, struct explore_sig *sig)
{
	struct explore_run_res r;
	struct sched_decision *rlog;
	struct sched_dfs orig;
	struct explore_size best, sz;
	int64_t *log, *trial;
	uint64_t n, k, tn;
	int attempts = 0;
	bool progress = true, collect = x->collect;
	char hash[17];

	x->collect = false;
	x->shrinking = true;
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
	run_once(x, SCHED_DFS, seed, log, n, true, true, NULL, 0, NULL, &r);
	attempts++;
	if (!same_signature(&r, first) || x->dfs.fallbacks != 0) {
		/* Not reproducible by tids: record the original. */
		progress = false;
		free(x->dfs.pts);
		free(x->dfs.tids);
		x->dfs = orig;
	} else {
		size_of(&x->dfs, &r, &best);
		free(orig.pts);
		free(orig.tids);
	}
	while (progress && attempts < x->o->shrink_max && !hurry(x)) {
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

				if (attempts >= x->o->shrink_max || hurry(x))
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
				    true, NULL, 0, NULL, &r);
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
	run_once(x, SCHED_REPLAY, seed, NULL, 0, false, false, rlog, n,
	    "explore (shrunk schedule)", &r);
	sig->run_id = r.run_id;
	snprintf(hash, sizeof(hash), "%s", r.trace_hash);
	/* The check: the same log replays to the same trace. */
	run_once(
	    x, SCHED_REPLAY, seed, NULL, 0, false, false, rlog, n, NULL, &r);
	sig->replay_ok = strcmp(hash, r.trace_hash) == 0;
	free(rlog);
	free(log);
	free(trial);
	x->collect = collect;
	x->shrinking = false;
}

/*
 * Notes a failing run (its result r; for dfs, x->dfs holds its log) with
 * key (the schedule number, or bound << 32 | rank0).
 */
static void
note_failure(struct explore *x, uint64_t key, uint64_t seed, int preempt,
    const struct explore_run_res *r)
{
	struct explore_result *res = x->res;
	struct explore_sig *sg;
	char msg[512];
	int s;

	res->nfail++;
	if (!x->o->keep_going
	    && key > __atomic_load_n(x->min_fail, __ATOMIC_SEQ_CST)) {
		/* Another worker found an earlier one: this one is moot. */
		x->stop = true;
		return;
	}
	explore_signature_msg(msg, sizeof(msg), r->message);
	for (s = 0; s < res->nsigs; s++)
		if (strcmp(res->sigs[s].status, sched_status_name(r->status))
			== 0
		    && strcmp(res->sigs[s].func, r->fail_func) == 0
		    && strcmp(res->sigs[s].msg, msg) == 0)
			break;
	if (s < res->nsigs) {
		sg = &res->sigs[s];
		sg->count++;
	} else if (s < EXPLORE_MAXSIG) {
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
		if (x->o->kind != EXPLORE_DFS) {
			struct explore_run_res rr;

			/* Observe the schedule: the same seed, the same run. */
			run_once(x, x->strategy, seed, NULL, 0, false, true,
			    NULL, 0, NULL, &rr);
		}
		shrink_and_record(x, seed, r, sg);
		res->nsigs++;
	} else {
		sg = NULL;
	}
	if (sg != NULL && sg->nseeds < EXPLORE_MAXSEEDS
	    && x->o->kind != EXPLORE_DFS)
		sg->seeds[sg->nseeds++] = key;
	if (!x->o->keep_going) {
		atomic_min(x->min_fail, key);
		x->stop = true;
	}
}

/* Whether the budget or an earlier failure ends the search before key. */
static bool
must_stop(struct explore *x, uint64_t key)
{
	const struct explore_opts *xo = x->o;

	if (x->stop)
		return (true);
	if (!xo->keep_going
	    && key > __atomic_load_n(x->min_fail, __ATOMIC_SEQ_CST))
		return (x->stop = true);
	if (x->ops->out_of_time != NULL && x->ops->out_of_time(x->ops->arg))
		return (x->stop = true);
	return (false);
}

/* ---- random and pct ------------------------------------------------ */

/* Runs schedule i (random, pct).  Returns false when the search stops. */
static bool
seed_one(struct explore *x, uint64_t i)
{
	const struct explore_opts *xo = x->o;
	struct explore_run_res r;

	__atomic_store_n(&x->res->next, i, __ATOMIC_RELAXED);
	if (must_stop(x, i))
		return (false);
	x->cur_key = i;
	run_once(x, x->strategy, xo->base + i, NULL, 0, false, false, NULL, 0,
	    NULL, &r);
	x->res->steps_total += r.decisions;
	__atomic_add_fetch(&x->res->done, 1, __ATOMIC_RELAXED);
	if (r.status != SCHED_PASSED)
		note_failure(x, i, xo->base + i, -1, &r);
	return (true);
}

static void
explore_seeds(struct explore *x)
{
	const struct explore_opts *xo = x->o;
	uint64_t i, j,
	    stride = (uint64_t)xo->shard_n * (uint64_t)x->o->nworkers;

	if (xo->next_claim != NULL) {
		/* Whichever worker is free takes the next schedule. */
		for (;;) {
			j = __atomic_fetch_add(
			    xo->next_claim, 1, __ATOMIC_SEQ_CST);
			i = (uint64_t)xo->shard_i + (uint64_t)xo->shard_n * j;
			if (i >= xo->runs || !seed_one(x, i))
				break;
		}
	} else {
		for (i = (uint64_t)xo->shard_i
			 + (uint64_t)xo->shard_n
			     * (xo->start + (uint64_t)x->o->worker);
		     i < xo->runs; i += stride)
			if (!seed_one(x, i))
				break;
	}
	if (x->stop)
		return;
	__atomic_store_n(&x->res->next, i, __ATOMIC_RELAXED);
	x->res->exhausted = true;
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
frames_truncate(struct explore *x, size_t n)
{
	while (x->nfr > n)
		frame_clear(&x->fr[--x->nfr]);
}

/* The prefix of the current path up to decision k (exclusive) plus a. */
static int64_t *
path_prefix(struct explore *x, size_t k, int a)
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
adopt_run(struct explore *x, size_t from, size_t m, const struct sleepv *base)
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
		f->is_failpoint = p->is_failpoint;
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
	if (!x->o->reduction)
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
    struct explore *x, int b, size_t k, int a, int rank0, const struct frame *f)
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
	if (x->o->reduction) {
		for (i = 0; i < f->sleep.n; i++)
			sleep_add(&e->sl, f->sleep.v[i].tid, f->sleep.v[i].pid,
			    f->sleep.v[i].os);
		for (i = 0; i < f->expl.n; i++)
			sleep_add(&e->sl, f->expl.v[i].tid, f->expl.v[i].pid,
			    f->expl.v[i].os);
	}
}

static int
path_preemptions(const struct explore *x)
{
	size_t k;
	int n = 0;

	for (k = 0; k < x->nfr; k++)
		n += x->fr[k].is_failpoint ? x->fr[k].chosen != 0
					   : !x->fr[k].is_choose
			&& x->fr[k].cur >= 0 && x->fr[k].chosen != x->fr[k].cur;
	return (n);
}

/*
 * Explores the subtree of one queue entry at bound b.  The entry's slice is
 * its index in the bound-1 queue (its own, or its ancestor's); bound 0 is
 * explored by every worker (it builds the bound-1 queue alike everywhere)
 * and counted by the owner of slice 0.
 */
static void
dfs_entry(struct explore *x, int b, struct qent *e)
{
	const struct explore_opts *xo = x->o;
	struct explore_run_res r;
	size_t m = e->len, red, k;
	uint64_t key = (uint64_t)b << 32 | (uint64_t)e->rank0;
	bool counted
	    = (b > 0 || owns(x, 0)) && key >= xo->resume_key && !x->regen,
	    found;

	frames_truncate(x, 0);
	if (must_stop(x, key))
		return;
	if (b > 0 && !x->regen)
		__atomic_store_n(&x->res->next, key, __ATOMIC_RELAXED);
	x->cur_key = key;
	run_once(x, SCHED_DFS, xo->base, e->prefix, e->len, false, true, NULL,
	    0, NULL, &r);
	red = adopt_run(x, 0, m, &e->sl);
	for (;;) {
		if (r.status == SCHED_DIVERGED) {
			char msg[1200];

			snprintf(
			    msg, sizeof(msg), "internal error: %s", r.message);
			x->ops->fatal(x->ops->arg, msg);
			abort(); /* fatal does not return */
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
				bool pre = f->is_failpoint ? i != 0
							   : !f->is_choose
					&& f->cur >= 0 && i != f->cur;

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
			    k + 1, false, true, NULL, 0, NULL, &r);
			red = adopt_run(x, k + 1, m, &e->sl);
			found = true;
			break;
		}
		if (!found)
			break;
	}
}

/*
 * Explores the entries of a slice at its front bound (nothing counted when
 * regen), which queues its entries of the next bound: the front moves up.
 */
static void
slice_step(struct explore *x, struct slice *sl, bool regen)
{
	int b = sl->front;
	size_t i, lo = x->q[b + 1].n;

	x->regen = regen;
	for (i = sl->lo; i < sl->hi && !x->stop; i++) {
		struct qent *e = &x->q[b].v[i];

		dfs_entry(x, b, e);
		free(e->prefix);
		free(e->sl.v);
		e->prefix = NULL;
		e->sl.v = NULL;
	}
	x->regen = false;
	sl->front = b + 1;
	sl->lo = lo;
	sl->hi = x->q[b + 1].n;
}

/* The next slice of the shard this worker takes in bound b, or nslices. */
static uint64_t
claim(struct explore *x, int b, uint64_t nslices)
{
	const struct explore_opts *xo = x->o;
	uint64_t j, s;

	if (xo->dfs_claims != NULL)
		j = __atomic_fetch_add(&xo->dfs_claims[b], 1, __ATOMIC_SEQ_CST);
	else
		j = (uint64_t)xo->worker
		    + (uint64_t)xo->nworkers * x->claimed[b]++;
	s = (uint64_t)xo->shard_i + (uint64_t)xo->shard_n * j;
	return (s < nslices ? s : nslices);
}

/* Whether slice s made evsim die in some worker (explore_opts). */
static bool
poisoned(const struct explore *x, uint64_t s)
{
	const uint64_t *p = x->o->dfs_poison;
	uint64_t i, n;

	if (p == NULL)
		return (false);
	n = __atomic_load_n(&p[0], __ATOMIC_SEQ_CST);
	for (i = 0; i < n && i < EXPLORE_MAXPOISON; i++)
		if (__atomic_load_n(&p[1 + i], __ATOMIC_SEQ_CST) == s)
			return (true);
	return (false);
}

/*
 * Iterative preemption bounding over slices.  Bound 0 is explored by
 * every worker and gives the same bound-1 queue everywhere; a slice is one
 * entry of it.  In each bound b the workers take the slices in order (a
 * shared counter), so that none idles while another has slices left, and
 * explore each slice's entries of bound b, counted.  A worker that did not
 * explore the slice's bound b - 1 itself first makes those entries again
 * by running the slice's lower bounds uncounted (each bound is many times
 * the one below, so this costs a fraction of the bound's work).  Keys
 * (bound << 32 | slice) come in increasing order in every worker, so the
 * least key any worker is at bounds what is done (res->next).
 */
static void
explore_dfs(struct explore *x)
{
	const struct explore_opts *xo = x->o;
	struct qent root;
	struct slice *sl;
	uint64_t nslices, s, key;
	int b;
	size_t i;

	memset(&root, 0, sizeof(root));
	x->collect = xo->reduction;
	dfs_entry(x, 0, &root);
	nslices = x->q[1].n;
	sl = xrealloc(NULL, (nslices + 1) * sizeof(*sl));
	for (s = 0; s < nslices; s++) {
		sl[s].front = 1;
		sl[s].lo = (size_t)s;
		sl[s].hi = (size_t)s + 1;
	}
	for (b = 1; b <= xo->bound && !x->stop; b++) {
		while (!x->stop) {
			if (x->share > 0 && x->res->done >= x->share) {
				x->stop = true;
				break;
			}
			if ((s = claim(x, b, nslices)) == nslices)
				break;
			key = (uint64_t)b << 32 | s;
			/* Explored before (resumed), or cut short. */
			if (key < xo->resume_key || poisoned(x, s))
				continue;
			if (must_stop(x, key))
				break;
			__atomic_store_n(&x->res->next, key, __ATOMIC_RELAXED);
			while (sl[s].front < b && !x->stop)
				slice_step(x, &sl[s], true);
			if (!x->stop)
				slice_step(x, &sl[s], false);
		}
	}
	free(sl);
	for (b = 0; b <= MAXBOUND + 1; b++) {
		for (i = 0; i < x->q[b].n; i++) {
			free(x->q[b].v[i].prefix);
			free(x->q[b].v[i].sl.v);
		}
		free(x->q[b].v);
	}
	x->res->exhausted = !x->stop;
	if (!x->stop)
		__atomic_store_n(&x->res->next, (uint64_t)(xo->bound + 1) << 32,
		    __ATOMIC_RELAXED);
	frames_truncate(x, 0);
}

void
explore_run(const struct explore_opts *o, const struct explore_ops *ops,
    struct explore_result *res)
{
	struct explore x;

	memset(&x, 0, sizeof(x));
	x.o = o;
	x.ops = ops;
	x.res = res;
	x.local_min = UINT64_MAX;
	x.min_fail = o->min_fail != NULL ? o->min_fail : &x.local_min;
	x.strategy = o->kind == EXPLORE_RANDOM ? SCHED_RANDOM
	    : o->kind == EXPLORE_PCT	       ? SCHED_PCT
					       : SCHED_DFS;
	if (o->kind == EXPLORE_DFS && o->runs_given)
		x.share = o->runs / (uint64_t)o->nworkers
		    + ((uint64_t)o->worker < o->runs % (uint64_t)o->nworkers);
	x.names = strmap_new();
	x.sets = strmap_new();
	if (o->kind == EXPLORE_DFS)
		explore_dfs(&x);
	else
		explore_seeds(&x);
	strmap_free(x.names);
	strmap_free(x.sets);
	free(x.lastseen);
	free(x.segpairs);
	free(x.segos);
	free(x.fr);
	free(x.pbuf);
	free(x.dfs.pts);
	free(x.dfs.tids);
}
