/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tests for engine/explore.c with a synthetic program and no Lua: threads
 * of the engine's scheduler that take steps (a scheduling point, then a
 * transition on a named object) and report each step's object to the
 * search.  The planted bug is a lost update: two threads read a shared
 * counter in one step and write it back incremented in the next; a
 * preemption between the two loses an increment and the run fails.
 * Checked: dfs:0 explores the six non-preempting schedules and finds
 * nothing, the failure needs exactly one preemption and the bounded search
 * finds it at bound 1 whatever the bound; the sleep sets prune branches
 * of independent threads without losing the failure; shrinking reaches a
 * fixpoint of one preemption and the shrunk log replays to the same trace;
 * and two workers, or two shards, explore together what one does alone.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/explore.h"
#include "../engine/sched.h"
#include "../engine/trace.h"

/* The program: the counter threads and the independent threads. */
struct prog {
	int ncounter; /* threads incrementing the shared counter */
	int nindep; /* threads with steps on their own objects */
	int indep_steps;
};

static struct prog prog;
static int counter, nexited;
static bool checker_waits;
static struct sched_thread *checker_td;
static struct explore *cur_ex;

/* A thread is done: the last one wakes the checker. */
static void
exited(void)
{
	if (++nexited == prog.ncounter + prog.nindep && checker_waits) {
		checker_waits = false;
		sched_wakeup(checker_td);
	}
}

/* One step: a scheduling point, then a transition on obj. */
static void
step(const char *obj, const char *val)
{
	sched_point();
	sched_trace("step", obj, "v", "", val);
	if (cur_ex != NULL)
		explore_touch(cur_ex, sched_steps(), obj, strlen(obj));
}

static void
counter_main(void *arg)
{
	char v[16];
	int seen;

	(void)arg;
	seen = counter;
	snprintf(v, sizeof(v), "%d", seen);
	step("counter", v); /* read */
	counter = seen + 1;
	snprintf(v, sizeof(v), "%d", seen + 1);
	step("counter", v); /* write */
	exited();
}

static void
indep_main(void *arg)
{
	char obj[16];
	int i, id = (int)(intptr_t)arg;

	snprintf(obj, sizeof(obj), "own#%d", id);
	for (i = 0; i < prog.indep_steps; i++)
		step(obj, "x");
	exited();
}

static void
checker_main(void *arg)
{
	(void)arg;
	/* Checks once every other thread is done. */
	while (nexited < prog.ncounter + prog.nindep) {
		checker_waits = true;
		sched_block(&nexited, "join");
	}
	if (counter != prog.ncounter)
		sched_fail(SCHED_FAILED, "checker", "lost update: %d of %d",
		    counter, prog.ncounter);
}

struct harness {
	uint64_t runs;
	uint64_t recorded;
};

static void
run_cb(void *arg, struct explore *ex, const struct explore_run_req *q,
    struct explore_run_res *res)
{
	struct harness *h = arg;
	struct sched_config cfg;
	struct sched_thread *td;
	struct trace *t;
	struct sched *s;
	char err[256];
	int i, tid = 101;

	h->runs++;
	h->recorded += q->record != NULL;
	cr_assert_eq(trace_open(&t, NULL, err, sizeof(err)), 0);
	memset(&cfg, 0, sizeof(cfg));
	cfg.seed = q->seed;
	cfg.strategy = q->strategy;
	cfg.pct_depth = q->pct_depth;
	cfg.pct_steps = 16;
	cfg.trace = t;
	cfg.replay = q->replay;
	cfg.replay_len = q->replay_len;
	cfg.dfs = q->dfs;
	cr_assert_eq(sched_new(&s, &cfg), 0);
	counter = 0;
	nexited = 0;
	checker_waits = false;
	cur_ex = q->footprints ? ex : NULL;
	for (i = 0; i < prog.ncounter; i++, tid++)
		cr_assert_eq(sched_thread_new(&td, 1, tid, "counter", false,
				 counter_main, NULL),
		    0);
	for (i = 0; i < prog.nindep; i++, tid++)
		cr_assert_eq(sched_thread_new(&td, 2 + i, tid, "indep", false,
				 indep_main, (void *)(intptr_t)i),
		    0);
	cr_assert_eq(sched_thread_new(&checker_td, 1, tid, "checker", false,
			 checker_main, NULL),
	    0);
	res->status = sched_run(s);
	cur_ex = NULL;
	snprintf(res->message, sizeof(res->message), "%s", sched_message(s));
	snprintf(res->fail_func, sizeof(res->fail_func), "%s",
	    sched_fail_func(s) != NULL ? sched_fail_func(s) : "");
	res->transitions = trace_seq(t);
	res->decisions = trace_ndecisions(t);
	trace_hash_hex(t, res->trace_hash);
	sched_free(s);
	trace_close(t);
}

static void
fatal_cb(void *arg, const char *msg)
{
	(void)arg;
	cr_assert_fail("explore: %s", msg);
	abort();
}

static struct explore_opts
dfs_opts(int bound, bool keep_going, bool reduction)
{
	struct explore_opts o;

	memset(&o, 0, sizeof(o));
	o.kind = EXPLORE_DFS;
	o.bound = bound;
	o.pct_depth = 3;
	o.base = 1;
	o.keep_going = keep_going;
	o.reduction = reduction;
	o.shrink_max = 500;
	o.shard_n = 1;
	o.nworkers = 1;
	return (o);
}

static void
search(
    const struct explore_opts *o, struct explore_result *res, struct harness *h)
{
	struct explore_ops ops;

	memset(&ops, 0, sizeof(ops));
	memset(h, 0, sizeof(*h));
	memset(res, 0, sizeof(*res));
	ops.run = run_cb;
	ops.fatal = fatal_cb;
	ops.arg = h;
	explore_run(o, &ops, res);
}

Test(explore, dfs0_is_the_one_schedule_without_preemption)
{
	struct explore_opts o = dfs_opts(0, true, true);
	struct explore_result res;
	struct harness h;

	/*
	 * Without preemption a thread runs until it exits or blocks; the
	 * choices are who starts (101, 102 or the checker, which blocks at
	 * once) and who follows an exit: 101 or 102 first, then the other
	 * counter or the checker (2 each), or the checker first, then 101 or
	 * 102 (2): 6 schedules, none of which loses an update.
	 */
	prog = (struct prog) { 2, 0, 0 };
	search(&o, &res, &h);
	cr_assert_eq(res.done, 6);
	cr_assert_eq(res.per_bound[0], 6);
	cr_assert_eq(res.nfail, 0);
	cr_assert_gt(res.beyond, 0, "preempting branches were left out");
	cr_assert(res.exhausted);
}

Test(explore, the_lost_update_needs_one_preemption_at_any_bound)
{
	struct explore_result r1, r3;
	struct harness h;
	struct explore_opts o1 = dfs_opts(1, false, true);
	struct explore_opts o3 = dfs_opts(3, false, true);

	prog = (struct prog) { 2, 0, 0 };
	search(&o1, &r1, &h);
	cr_assert_eq(r1.nsigs, 1);
	cr_assert_str_eq(r1.sigs[0].func, "checker");
	cr_assert_str_eq(r1.sigs[0].msg, "lost update: 1 of 2");
	cr_assert_eq(r1.sigs[0].first_preempt, 1);
	cr_assert_eq(r1.per_bound[0], 6, "bound 0 first, in full");
	cr_assert_gt(r1.per_bound[1], 0);
	search(&o3, &r3, &h);
	cr_assert_eq(r3.sigs[0].first_preempt, 1,
	    "fewest preemptions first, whatever the bound");
	cr_assert_eq(r3.sigs[0].first_key, r1.sigs[0].first_key);
	cr_assert_eq(r3.per_bound[2], 0, "stopped at the first failure");
}

Test(explore, shrinking_reaches_a_fixpoint_that_replays)
{
	struct explore_opts o = dfs_opts(2, true, false);
	struct explore_result res;
	struct harness h;
	const struct explore_sig *g;

	prog = (struct prog) { 2, 1, 3 };
	o.kind = EXPLORE_RANDOM;
	o.runs = 200;
	search(&o, &res, &h);
	cr_assert_geq(res.nsigs, 1, "random finds the lost update");
	g = &res.sigs[0];
	cr_assert_str_eq(g->msg, "lost update: 1 of 2");
	cr_assert_gt(
	    g->orig.preemptions, 1, "random preempts more than needed");
	cr_assert_eq(g->min.preemptions, 1, "shrunk to one preemption");
	cr_assert_leq(g->min.transitions, g->orig.transitions);
	cr_assert_lt(g->attempts, o.shrink_max, "a fixpoint, not the budget");
	cr_assert(g->replay_ok, "the shrunk log replays to the same trace");
	cr_assert_eq(h.recorded, (uint64_t)res.nsigs, "one record per sig");
}

Test(explore, sleep_sets_prune_independent_steps_only)
{
	struct explore_opts off = dfs_opts(2, true, false);
	struct explore_opts on = dfs_opts(2, true, true);
	struct explore_result a, b;
	struct harness h;

	/*
	 * Two independent threads in their own processes, two steps each,
	 * next to the counters.  The exact counts pin the search: a change
	 * of the dependency relation or of the sleep sets changes them.
	 */
	prog = (struct prog) { 2, 2, 2 };
	search(&off, &a, &h);
	search(&on, &b, &h);
	cr_assert_eq(a.pruned, 0);
	cr_assert_eq(a.done, 18840);
	cr_assert_eq(a.per_bound[0] + a.per_bound[1] + a.per_bound[2], a.done);
	cr_assert_eq(b.pruned, 2727);
	cr_assert_eq(b.done, 2033);
	cr_assert_lt(b.per_bound[0], a.per_bound[0],
	    "non-preempting branches are pruned too");
	cr_assert_eq(a.nsigs, 1);
	cr_assert_eq(b.nsigs, 1, "the failure survives the reduction");
	cr_assert_str_eq(a.sigs[0].msg, b.sigs[0].msg);
	cr_assert_eq(b.sigs[0].first_preempt, 1);
}

/* Sums what the workers (or shards) explored. */
static void
split(struct explore_opts o, int nw, int nshard, struct explore_result *sum)
{
	struct explore_result res;
	struct harness h;
	uint64_t min_fail = UINT64_MAX;
	int w, b, sh;

	memset(sum, 0, sizeof(*sum));
	for (sh = 0; sh < nshard; sh++)
		for (w = 0; w < nw; w++) {
			o.worker = w;
			o.nworkers = nw;
			o.shard_i = sh;
			o.shard_n = nshard;
			o.min_fail = &min_fail;
			search(&o, &res, &h);
			sum->done += res.done;
			sum->pruned += res.pruned;
			sum->nfail += res.nfail;
			for (b = 0; b <= EXPLORE_MAXBOUND; b++)
				sum->per_bound[b] += res.per_bound[b];
		}
}

Test(explore, jobs_and_shards_explore_what_one_worker_does)
{
	struct explore_opts o = dfs_opts(2, true, true);
	struct explore_result one, two, shards, r;
	int b;

	prog = (struct prog) { 2, 1, 2 };
	split(o, 1, 1, &one);
	split(o, 2, 1, &two);
	split(o, 1, 2, &shards);
	cr_assert_gt(one.done, 3);
	for (b = 0; b <= 2; b++) {
		cr_assert_eq(two.per_bound[b], one.per_bound[b], "bound %d", b);
		cr_assert_eq(
		    shards.per_bound[b], one.per_bound[b], "bound %d", b);
	}
	cr_assert_eq(two.done, one.done);
	cr_assert_eq(two.pruned, one.pruned);
	cr_assert_eq(two.nfail, one.nfail);
	cr_assert_eq(shards.nfail, one.nfail);
	/* random: schedule i belongs to exactly one worker. */
	o.kind = EXPLORE_RANDOM;
	o.runs = 30;
	split(o, 3, 1, &r);
	cr_assert_eq(r.done, 30);
}

/* out_of_time after the harness made 'stop_after' runs. */
static uint64_t stop_after;
static struct harness *stop_h;

static bool
stop_cb(void *arg)
{
	(void)arg;
	return (stop_h->runs >= stop_after);
}

Test(explore, workers_take_the_next_schedule_nobody_took)
{
	struct explore_opts o = dfs_opts(0, true, true);
	struct explore_result one, r0, r1;
	struct explore_ops ops;
	struct harness h;
	uint64_t claim = 0, min_fail = UINT64_MAX;
	uint64_t nfail_one;

	prog = (struct prog) { 2, 1, 2 };
	o.kind = EXPLORE_RANDOM;
	o.runs = 40;
	o.shrink_max = 3;
	search(&o, &one, &h);
	nfail_one = one.nfail;
	cr_assert_gt(nfail_one, 0);
	/*
	 * Worker 0 of 2 is stopped after 9 runs (its schedules and a
	 * shrink); worker 1 then takes every schedule left, not only its
	 * fixed half: together they make the 40, each once.
	 */
	o.nworkers = 2;
	o.next_claim = &claim;
	o.min_fail = &min_fail;
	memset(&ops, 0, sizeof(ops));
	memset(&h, 0, sizeof(h));
	memset(&r0, 0, sizeof(r0));
	ops.run = run_cb;
	ops.fatal = fatal_cb;
	ops.out_of_time = stop_cb;
	ops.arg = &h;
	stop_h = &h;
	stop_after = 9;
	o.worker = 0;
	explore_run(&o, &ops, &r0);
	cr_assert_lt(r0.done, 40);
	cr_assert_eq(r0.next, claim - 1, "the schedule it took and left");
	o.worker = 1;
	claim = r0.next; /* the one it took and left, as --resume would */
	search(&o, &r1, &h);
	cr_assert_eq(r0.done + r1.done, 40);
	cr_assert_eq(r0.nfail + r1.nfail, nfail_one);
	cr_assert_eq(r1.next, 40);
	cr_assert(r1.exhausted);
}

/*
 * dfs with the slices shared (dfs_claims): a worker that finds nobody else
 * took a slice explores it, so a worker alone does the whole search; and a
 * worker whose slices' lower bounds another explored makes their entries
 * again uncounted, so its last bound is the whole one.
 */
Test(explore, dfs_workers_take_the_next_slice_nobody_took)
{
	struct explore_opts o = dfs_opts(2, true, true);
	struct explore_result one, r0, r1;
	struct harness h;
	uint64_t claims[EXPLORE_MAXBOUND + 2], min_fail = UINT64_MAX;
	int b;

	prog = (struct prog) { 2, 1, 2 };
	search(&o, &one, &h);
	cr_assert_gt(one.per_bound[1], 1);
	cr_assert_gt(one.per_bound[2], one.per_bound[1]);
	memset(claims, 0, sizeof(claims));
	o.nworkers = 2;
	o.dfs_claims = claims;
	o.min_fail = &min_fail;
	o.worker = 0;
	search(&o, &r0, &h);
	o.worker = 1;
	search(&o, &r1, &h);
	for (b = 0; b <= 2; b++) {
		cr_assert_eq(r0.per_bound[b], one.per_bound[b], "bound %d", b);
		cr_assert_eq(r1.per_bound[b], 0, "bound %d", b);
	}
	cr_assert_eq(r0.done, one.done);
	cr_assert_eq(r0.nfail, one.nfail);
	cr_assert(r0.exhausted && r1.exhausted);
	/* Every bound-1 slice taken by another: bound 2 only, all of it. */
	memset(claims, 0, sizeof(claims));
	claims[1] = (uint64_t)1 << 40;
	o.worker = 1;
	search(&o, &r1, &h);
	cr_assert_eq(r1.per_bound[0], 0);
	cr_assert_eq(r1.per_bound[1], 0);
	cr_assert_eq(r1.per_bound[2], one.per_bound[2]);
	cr_assert_eq(r1.done, one.per_bound[2]);
}

Test(explore, signatures_ignore_vtime_and_transition_numbers)
{
	char a[256], b[256], c[256];

	explore_signature_msg(a, sizeof(a),
	    "panic: use after free of knote#1 (freed at seq 91 by knote_drop, "
	    "accessed by knote_fork) (at vtime 120 ns)");
	explore_signature_msg(b, sizeof(b),
	    "panic: use after free of knote#1 (freed at seq 89 by knote_drop, "
	    "accessed by knote_fork)");
	cr_assert_str_eq(a,
	    "panic: use after free of knote#1 (freed at seq # by knote_drop, "
	    "accessed by knote_fork)");
	cr_assert_str_eq(a, b);
	/* other numbers stay: a different object is a different failure */
	explore_signature_msg(c, sizeof(c),
	    "panic: use after free of knote#2 (freed at seq 91 by knote_drop, "
	    "accessed by knote_fork)");
	cr_assert_str_neq(a, c);
	/* only a word "seq" followed by a number */
	explore_signature_msg(c, sizeof(c), "subseq 3, seq x, seq 12");
	cr_assert_str_eq(c, "subseq 3, seq x, seq #");
	/* truncation keeps the string terminated */
	explore_signature_msg(c, 8, "at seq 12345");
	cr_assert_str_eq(c, "at seq ");
}
