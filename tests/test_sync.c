/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tests for engine/sync.c: mutual exclusion and the turnstile, recursion and
 * WITNESS lock-order reversals, msleep/wakeup/wakeup_one and their order,
 * timeouts at exact virtual times, condition variables, sleepq_abort on
 * interruptible and uninterruptible sleeps, callouts on the softclock thread
 * (deadline, stop, reset, mutex-protected callouts, drain) and the taskqueue
 * (coalesced enqueues, drain).  Threads record what they see; assertions run
 * after sched_run() on the host stack.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../engine/sched.h"
#include "../engine/sync.h"
#include "../engine/trace.h"

#define MS 1000000LL

struct engine {
	struct trace *t;
	struct sched *s;
};

static void
engine_start(struct engine *e, enum sched_strategy strategy, uint64_t seed)
{
	struct sched_config cfg = { .seed = seed, .strategy = strategy };
	char err[256];

	cr_assert_eq(trace_open(&e->t, NULL, err, sizeof(err)), 0);
	cfg.trace = e->t;
	cr_assert_eq(sched_new(&e->s, &cfg), 0);
}

static void
engine_stop(struct engine *e)
{
	sched_free(e->s);
	trace_close(e->t);
}

static struct sched_thread *
spawn(int tid, void (*fn)(void *), void *arg)
{
	struct sched_thread *td;
	char name[16];

	snprintf(name, sizeof(name), "t%d", tid);
	cr_assert_eq(sched_thread_new(&td, 1, tid, name, false, fn, arg), 0);
	return (td);
}

/* Sleeps for ns of virtual time on a private channel. */
static void
pause_ns(int64_t ns)
{
	int chan = 0;

	cr_assert_eq(msleep(&chan, NULL, 0, "pause", ns), EWOULDBLOCK);
}

#define LOGMAX 64

struct log {
	int v[LOGMAX];
	int64_t at[LOGMAX];
	int n;
};

static void
log_add(struct log *l, int v)
{
	if (l->n < LOGMAX) {
		l->at[l->n] = sched_now();
		l->v[l->n++] = v;
	}
}

/* Mutexes */

struct mtxcase {
	struct mtx m;
	struct log log;
	struct sched_thread *b;
	bool b_blocked_on_m;
};

static void
mtx_owner_main(void *arg)
{
	struct mtxcase *c = arg;

	mtx_lock(&c->m);
	log_add(&c->log, 1);
	pause_ns(MS); /* B runs now and must block on the mutex */
	c->b_blocked_on_m = sched_thread_blocked(c->b)
	    && strcmp(sched_thread_wmesg(c->b), "the_mtx") == 0;
	log_add(&c->log, 2);
	mtx_unlock(&c->m);
}

static void
mtx_contender_main(void *arg)
{
	struct mtxcase *c = arg;

	log_add(&c->log, 10);
	mtx_lock(&c->m);
	log_add(&c->log, mtx_owned(&c->m) ? 11 : -11);
	mtx_unlock(&c->m);
}

Test(mtx_lock, blocks_a_second_thread_until_the_owner_unlocks)
{
	struct engine e;
	struct mtxcase c;
	static const int want[] = { 1, 10, 2, 11 };
	int i;

	memset(&c, 0, sizeof(c));
	engine_start(&e, SCHED_FIFO, 1);
	mtx_init(&c.m, "the_mtx", NULL, MTX_DEF);
	spawn(101, mtx_owner_main, &c);
	c.b = spawn(102, mtx_contender_main, &c);
	cr_assert_eq(sched_run(e.s), SCHED_PASSED, "%s", sched_message(e.s));
	cr_assert_eq(c.log.n, 4);
	for (i = 0; i < 4; i++)
		cr_assert_eq(
		    c.log.v[i], want[i], "entry %d is %d", i, c.log.v[i]);
	cr_assert(c.b_blocked_on_m);
	/* B got the lock at A's unlock, not earlier. */
	cr_assert_eq(c.log.at[3], MS);
	engine_stop(&e);
}

struct excl {
	struct mtx m;
	int inside;
	int max_inside;
	int entries;
};

static void
excl_main(void *arg)
{
	struct excl *x = arg;
	int i;

	for (i = 0; i < 5; i++) {
		mtx_lock(&x->m);
		x->inside++;
		if (x->inside > x->max_inside)
			x->max_inside = x->inside;
		x->entries++;
		sched_point();
		sched_point();
		x->inside--;
		mtx_unlock(&x->m);
		sched_point();
	}
}

Test(mtx_lock, excludes_under_random_schedules)
{
	struct engine e;
	struct excl x;
	uint64_t seed;

	for (seed = 1; seed <= 10; seed++) {
		memset(&x, 0, sizeof(x));
		engine_start(&e, SCHED_RANDOM, seed);
		mtx_init(&x.m, "excl", NULL, MTX_DEF);
		spawn(101, excl_main, &x);
		spawn(102, excl_main, &x);
		spawn(103, excl_main, &x);
		cr_assert_eq(sched_run(e.s), SCHED_PASSED, "seed %llu: %s",
		    (unsigned long long)seed, sched_message(e.s));
		cr_assert_eq(
		    x.max_inside, 1, "seed %llu", (unsigned long long)seed);
		cr_assert_eq(x.entries, 15);
		engine_stop(&e);
	}
}

struct recurse {
	struct mtx m;
	bool after;
	bool other_got_it;
};

static void
recurse_main(void *arg)
{
	struct recurse *r = arg;

	mtx_lock(&r->m);
	mtx_lock(&r->m);
	r->after = true;
	mtx_unlock(&r->m);
	/* Still held once: the other thread must not get it yet. */
	pause_ns(MS);
	mtx_unlock(&r->m);
}

static void
recurse_other_main(void *arg)
{
	struct recurse *r = arg;

	mtx_lock(&r->m);
	r->other_got_it = sched_now() == MS;
	mtx_unlock(&r->m);
}

Test(mtx_lock, recursion_on_a_non_recursive_mutex_panics)
{
	struct engine e;
	struct recurse r;

	memset(&r, 0, sizeof(r));
	engine_start(&e, SCHED_FIFO, 1);
	mtx_init(&r.m, "norec", NULL, MTX_DEF);
	spawn(101, recurse_main, &r);
	cr_assert_eq(sched_run(e.s), SCHED_PANIC);
	cr_assert(strstr(sched_message(e.s), "recursed") != NULL, "%s",
	    sched_message(e.s));
	cr_assert(strstr(sched_message(e.s), "norec") != NULL, "%s",
	    sched_message(e.s));
	cr_assert_not(r.after);
	engine_stop(&e);

	/* With MTX_RECURSE it nests, and is released by the last unlock. */
	memset(&r, 0, sizeof(r));
	engine_start(&e, SCHED_FIFO, 1);
	mtx_init(&r.m, "rec", NULL, MTX_RECURSE);
	spawn(101, recurse_main, &r);
	spawn(102, recurse_other_main, &r);
	cr_assert_eq(sched_run(e.s), SCHED_PASSED, "%s", sched_message(e.s));
	cr_assert(r.after);
	cr_assert(r.other_got_it);
	engine_stop(&e);
}

struct lor {
	struct mtx a, b;
	int reached;
};

static void
lor_ab_main(void *arg)
{
	struct lor *l = arg;

	mtx_lock(&l->a);
	mtx_lock(&l->b);
	mtx_unlock(&l->b);
	mtx_unlock(&l->a);
	l->reached = 1;
}

static void
lor_ba_main(void *arg)
{
	struct lor *l = arg;

	pause_ns(MS);
	mtx_lock(&l->b);
	mtx_lock(&l->a);
	l->reached = 2;
	mtx_unlock(&l->a);
	mtx_unlock(&l->b);
}

Test(mtx_lock, lock_order_reversal_fails_the_run)
{
	struct engine e;
	struct lor l;

	memset(&l, 0, sizeof(l));
	engine_start(&e, SCHED_FIFO, 1);
	mtx_init(&l.a, "lock_A", NULL, MTX_DEF);
	mtx_init(&l.b, "lock_B", NULL, MTX_DEF);
	spawn(101, lor_ab_main, &l);
	spawn(102, lor_ba_main, &l);
	cr_assert_eq(sched_run(e.s), SCHED_FAILED);
	cr_assert(strstr(sched_message(e.s), "lock order reversal") != NULL,
	    "%s", sched_message(e.s));
	cr_assert(strstr(sched_message(e.s), "lock_A") != NULL);
	cr_assert(strstr(sched_message(e.s), "lock_B") != NULL);
	cr_assert_str_eq(sched_fail_func(e.s), "witness_checkorder");
	/* The reversal was caught even though no deadlock happened. */
	cr_assert_eq(l.reached, 1);
	engine_stop(&e);
}

/* Sleep and wakeup */

struct sleepers {
	int chan;
	struct log woke;
	int woken_after_one; /* how many had woken before wakeup() */
	int err[3];
};

struct sleeper {
	struct sleepers *s;
	int id;
	int64_t delay_ns;
};

static void
sleeper_main(void *arg)
{
	struct sleeper *sl = arg;

	pause_ns(sl->delay_ns);
	sl->s->err[sl->id] = msleep(&sl->s->chan, NULL, 0, "slp", 0);
	log_add(&sl->s->woke, sl->id);
}

static void
waker_main(void *arg)
{
	struct sleepers *s = arg;

	pause_ns(10 * MS);
	wakeup_one(&s->chan);
	pause_ns(MS);
	s->woken_after_one = s->woke.n;
	wakeup(&s->chan);
}

Test(wakeup_one, wakes_the_longest_sleeper_only_and_wakeup_the_rest_in_order)
{
	struct engine e;
	struct sleepers s;
	/* Sleep order 2, 0, 1: neither creation nor tid order. */
	struct sleeper sl[3]
	    = { { &s, 0, 2 * MS }, { &s, 1, 3 * MS }, { &s, 2, 1 * MS } };
	int i;

	memset(&s, 0, sizeof(s));
	for (i = 0; i < 3; i++)
		s.err[i] = -1;
	engine_start(&e, SCHED_FIFO, 1);
	for (i = 0; i < 3; i++)
		spawn(101 + i, sleeper_main, &sl[i]);
	spawn(104, waker_main, &s);
	cr_assert_eq(sched_run(e.s), SCHED_PASSED, "%s", sched_message(e.s));
	cr_assert_eq(s.woken_after_one, 1);
	cr_assert_eq(s.woke.n, 3);
	cr_assert_eq(s.woke.v[0], 2);
	cr_assert_eq(s.woke.at[0], 10 * MS);
	cr_assert_eq(s.woke.v[1], 0);
	cr_assert_eq(s.woke.v[2], 1);
	cr_assert_eq(s.woke.at[1], 11 * MS);
	for (i = 0; i < 3; i++)
		cr_assert_eq(s.err[i], 0);
	engine_stop(&e);
}

struct timo {
	int chan, chan2;
	int err1;
	int64_t t1;
	int err2;
};

static void
timo_main(void *arg)
{
	struct timo *t = arg;

	t->err1 = msleep(&t->chan, NULL, 0, "timo", 7000123);
	t->t1 = sched_now();
}

static void
timo_woken_main(void *arg)
{
	struct timo *t = arg;

	t->err1 = msleep(&t->chan, NULL, 0, "timo", 10 * MS);
	t->t1 = sched_now();
	/* Sleeps forever: a stale 10 ms timer would end this sleep. */
	t->err2 = msleep(&t->chan2, NULL, 0, "forever", 0);
}

static void
timo_waker_main(void *arg)
{
	struct timo *t = arg;

	pause_ns(2 * MS);
	wakeup(&t->chan);
}

Test(msleep, timeout_returns_ewouldblock_at_the_exact_time)
{
	struct engine e;
	struct timo t;

	memset(&t, 0, sizeof(t));
	engine_start(&e, SCHED_FIFO, 1);
	spawn(101, timo_main, &t);
	cr_assert_eq(sched_run(e.s), SCHED_PASSED);
	cr_assert_eq(t.err1, EWOULDBLOCK);
	cr_assert_eq(t.t1, 7000123);
	engine_stop(&e);
}

Test(msleep, wakeup_before_the_timeout_cancels_it)
{
	struct engine e;
	struct timo t;

	memset(&t, 0, sizeof(t));
	t.err2 = -1;
	engine_start(&e, SCHED_FIFO, 1);
	spawn(101, timo_woken_main, &t);
	spawn(102, timo_waker_main, &t);
	cr_assert_eq(sched_run(e.s), SCHED_DEADLOCK, "%s", sched_message(e.s));
	cr_assert(strstr(sched_message(e.s), "forever") != NULL);
	cr_assert_eq(t.err1, 0);
	cr_assert_eq(t.t1, 2 * MS);
	cr_assert_eq(t.err2, -1);
	cr_assert_eq(sched_now(), 2 * MS);
	engine_stop(&e);
}

/* Condition variables */

struct cvcase {
	struct mtx m;
	struct cv cv;
	int woke;
	int woke_after_signal;
	bool owned_after_wait;
	bool lost_mutex; /* a waiter returned without the mutex */
	int timed_err;
	int64_t timed_at;
	struct log order;
};

struct cvwaiter {
	struct cvcase *c;
	int id;
};

static void
cv_waiter_main(void *arg)
{
	struct cvwaiter *w = arg;
	struct cvcase *c = w->c;

	mtx_lock(&c->m);
	cv_wait(&c->cv, &c->m);
	if (!mtx_owned(&c->m))
		c->lost_mutex = true;
	c->woke++;
	log_add(&c->order, w->id);
	mtx_unlock(&c->m);
}

static void
cv_signaller_main(void *arg)
{
	struct cvcase *c = arg;

	mtx_lock(&c->m);
	cv_signal(&c->cv);
	mtx_unlock(&c->m);
	pause_ns(MS);
	c->woke_after_signal = c->woke;
	mtx_lock(&c->m);
	cv_broadcast(&c->cv);
	mtx_unlock(&c->m);
}

Test(cv_signal, wakes_one_waiter_and_cv_broadcast_the_rest)
{
	struct engine e;
	struct cvcase c;
	struct cvwaiter w[3] = { { &c, 0 }, { &c, 1 }, { &c, 2 } };
	int i;

	memset(&c, 0, sizeof(c));
	engine_start(&e, SCHED_FIFO, 1);
	mtx_init(&c.m, "cvmtx", NULL, MTX_DEF);
	cv_init(&c.cv, "cvwait");
	for (i = 0; i < 3; i++)
		spawn(101 + i, cv_waiter_main, &w[i]);
	spawn(104, cv_signaller_main, &c);
	cr_assert_eq(sched_run(e.s), SCHED_PASSED, "%s", sched_message(e.s));
	cr_assert_eq(c.woke_after_signal, 1);
	cr_assert_eq(c.woke, 3);
	cr_assert_not(c.lost_mutex);
	for (i = 0; i < 3; i++)
		cr_assert_eq(c.order.v[i], i);
	engine_stop(&e);
}

static void
cv_early_signal_main(void *arg)
{
	struct cvcase *c = arg;

	/* Nobody waits yet: the signal is lost, as in the kernel. */
	mtx_lock(&c->m);
	cv_signal(&c->cv);
	cv_broadcast(&c->cv);
	c->timed_err = cv_timedwait_sig(&c->cv, &c->m, 4 * MS);
	c->timed_at = sched_now();
	c->owned_after_wait = mtx_owned(&c->m);
	mtx_unlock(&c->m);
}

Test(cv_signal, is_not_remembered_without_waiters)
{
	struct engine e;
	struct cvcase c;

	memset(&c, 0, sizeof(c));
	engine_start(&e, SCHED_FIFO, 1);
	mtx_init(&c.m, "cvmtx", NULL, MTX_DEF);
	cv_init(&c.cv, "cvwait");
	spawn(101, cv_early_signal_main, &c);
	cr_assert_eq(sched_run(e.s), SCHED_PASSED, "%s", sched_message(e.s));
	cr_assert_eq(c.timed_err, EWOULDBLOCK);
	cr_assert_eq(c.timed_at, 4 * MS);
	cr_assert(c.owned_after_wait);
	engine_stop(&e);
}

/* sleepq_abort */

struct abortcase {
	int chan;
	struct sched_thread *catcher, *plain;
	int catch_err, plain_err;
	int64_t catch_at, plain_at;
	bool aborted_catch, aborted_plain;
};

static void
catcher_main(void *arg)
{
	struct abortcase *a = arg;

	a->catch_err = msleep(&a->chan, NULL, PCATCH, "catch", 0);
	a->catch_at = sched_now();
}

static void
plain_main(void *arg)
{
	struct abortcase *a = arg;

	a->plain_err = msleep(&a->chan, NULL, 0, "plain", 5 * MS);
	a->plain_at = sched_now();
}

static void
aborter_main(void *arg)
{
	struct abortcase *a = arg;

	pause_ns(MS);
	a->aborted_plain = sleepq_abort(a->plain, EINTR);
	a->aborted_catch = sleepq_abort(a->catcher, EINTR);
}

Test(sleepq_abort, interrupts_pcatch_sleeps_only)
{
	struct engine e;
	struct abortcase a;

	memset(&a, 0, sizeof(a));
	a.catch_err = a.plain_err = -1;
	engine_start(&e, SCHED_FIFO, 1);
	a.catcher = spawn(101, catcher_main, &a);
	a.plain = spawn(102, plain_main, &a);
	spawn(103, aborter_main, &a);
	cr_assert_eq(sched_run(e.s), SCHED_PASSED, "%s", sched_message(e.s));
	cr_assert(a.aborted_catch);
	cr_assert_eq(a.catch_err, EINTR);
	cr_assert_eq(a.catch_at, MS);
	cr_assert_not(a.aborted_plain);
	cr_assert_eq(a.plain_err, EWOULDBLOCK);
	cr_assert_eq(a.plain_at, 5 * MS);
	engine_stop(&e);
}

static int
always_interrupt(void *owner)
{
	return (owner != NULL ? ERESTART : 0);
}

static void
pending_signal_main(void *arg)
{
	struct abortcase *a = arg;
	int chan = 0;

	sched_thread_set_owner(sched_curthread(), a);
	a->catch_err = msleep(&chan, NULL, PCATCH, "sig", 3 * MS);
	a->catch_at = sched_now();
	/* Without PCATCH the pending signal does not matter. */
	a->plain_err = msleep(&chan, NULL, 0, "nosig", 3 * MS);
	a->plain_at = sched_now();
}

Test(msleep, pcatch_with_a_pending_signal_returns_before_sleeping)
{
	struct sched_config cfg = {
		.seed = 1, .strategy = SCHED_FIFO, .sigcheck = always_interrupt
	};
	struct engine e;
	struct abortcase a;
	char err[256];

	memset(&a, 0, sizeof(a));
	cr_assert_eq(trace_open(&e.t, NULL, err, sizeof(err)), 0);
	cfg.trace = e.t;
	cr_assert_eq(sched_new(&e.s, &cfg), 0);
	spawn(101, pending_signal_main, &a);
	cr_assert_eq(sched_run(e.s), SCHED_PASSED, "%s", sched_message(e.s));
	cr_assert_eq(a.catch_err, ERESTART);
	cr_assert_eq(a.catch_at, 0);
	cr_assert_eq(a.plain_err, EWOULDBLOCK);
	cr_assert_eq(a.plain_at, 3 * MS);
	engine_stop(&e);
}

/* Callouts */

struct co {
	struct callout c;
	struct mtx m;
	int runs;
	int64_t ran_at;
	int ran_tid;
	bool owned;
	int ret[4];
	bool pending[4];
	int64_t drained_at;
	bool done_at_drain;
	bool done;
};

static void
co_fn(void *arg)
{
	struct co *c = arg;

	c->runs++;
	c->ran_at = sched_now();
	c->ran_tid = sched_thread_tid(sched_curthread());
	c->owned = c->c.c_lock != NULL && mtx_owned(c->c.c_lock);
}

static void
co_fire_main(void *arg)
{
	struct co *c = arg;

	callout_init(&c->c, 1);
	c->ret[0] = callout_reset(&c->c, 3 * MS, co_fn, c);
	c->pending[0] = callout_pending(&c->c);
	pause_ns(10 * MS);
	c->pending[1] = callout_pending(&c->c);
}

Test(callout_reset, fires_at_the_deadline_on_softclock)
{
	struct engine e;
	struct co c;

	memset(&c, 0, sizeof(c));
	engine_start(&e, SCHED_FIFO, 1);
	spawn(101, co_fire_main, &c);
	cr_assert_eq(sched_run(e.s), SCHED_PASSED, "%s", sched_message(e.s));
	cr_assert_eq(c.ret[0], 0);
	cr_assert(c.pending[0]);
	cr_assert_not(c.pending[1]);
	cr_assert_eq(c.runs, 1);
	cr_assert_eq(c.ran_at, 3 * MS);
	cr_assert_eq(c.ran_tid, SYNC_SOFTCLOCK_TID);
	engine_stop(&e);
}

static void
co_stop_main(void *arg)
{
	struct co *c = arg;

	callout_init(&c->c, 1);
	callout_reset(&c->c, 3 * MS, co_fn, c);
	pause_ns(MS);
	c->ret[0] = callout_stop(&c->c);
	c->ret[1] = callout_stop(&c->c);
	c->pending[0] = callout_pending(&c->c);
	pause_ns(10 * MS);
}

Test(callout_stop, before_expiry_returns_one_and_the_function_never_runs)
{
	struct engine e;
	struct co c;

	memset(&c, 0, sizeof(c));
	engine_start(&e, SCHED_FIFO, 1);
	spawn(101, co_stop_main, &c);
	cr_assert_eq(sched_run(e.s), SCHED_PASSED, "%s", sched_message(e.s));
	cr_assert_eq(c.ret[0], 1);
	cr_assert_eq(c.ret[1], 0);
	cr_assert_not(c.pending[0]);
	cr_assert_eq(c.runs, 0);
	cr_assert_eq(sched_now(), 11 * MS);
	engine_stop(&e);
}

static void
co_reset_main(void *arg)
{
	struct co *c = arg;

	callout_init(&c->c, 1);
	c->ret[0] = callout_reset(&c->c, 3 * MS, co_fn, c);
	pause_ns(MS);
	c->ret[1] = callout_reset(&c->c, 5 * MS, co_fn, c);
	pause_ns(10 * MS);
}

Test(callout_reset, of_a_pending_callout_reschedules_it)
{
	struct engine e;
	struct co c;

	memset(&c, 0, sizeof(c));
	engine_start(&e, SCHED_FIFO, 1);
	spawn(101, co_reset_main, &c);
	cr_assert_eq(sched_run(e.s), SCHED_PASSED, "%s", sched_message(e.s));
	cr_assert_eq(c.ret[0], 0);
	cr_assert_eq(c.ret[1], 1);
	cr_assert_eq(c.runs, 1);
	cr_assert_eq(c.ran_at, 6 * MS);
	engine_stop(&e);
}

static void
co_mtx_main(void *arg)
{
	struct co *c = arg;

	callout_init_mtx(&c->c, &c->m, 0);
	callout_reset(&c->c, MS, co_fn, c);
	/* Hold the callout's mutex across its deadline. */
	mtx_lock(&c->m);
	pause_ns(2 * MS);
	mtx_unlock(&c->m);
	pause_ns(5 * MS);
	/* The callout released the mutex when it finished. */
	mtx_lock(&c->m);
	c->done = true;
	mtx_unlock(&c->m);
}

Test(callout_init_mtx, runs_the_callout_with_the_mutex_held)
{
	struct engine e;
	struct co c;

	memset(&c, 0, sizeof(c));
	engine_start(&e, SCHED_FIFO, 1);
	mtx_init(&c.m, "comtx", NULL, MTX_DEF);
	spawn(101, co_mtx_main, &c);
	cr_assert_eq(sched_run(e.s), SCHED_PASSED, "%s", sched_message(e.s));
	cr_assert_eq(c.runs, 1);
	cr_assert(c.owned);
	cr_assert_eq(c.ran_tid, SYNC_SOFTCLOCK_TID);
	/* Due at 1 ms, it waited for the holder to unlock at 2 ms. */
	cr_assert_eq(c.ran_at, 2 * MS);
	cr_assert(c.done);
	engine_stop(&e);
}

static void
co_mtx_stop_main(void *arg)
{
	struct co *c = arg;

	callout_init_mtx(&c->c, &c->m, 0);
	callout_reset(&c->c, MS, co_fn, c);
	mtx_lock(&c->m);
	pause_ns(2 * MS);
	/* softclock took the callout and waits for 'm': stopping is final. */
	callout_stop(&c->c);
	mtx_unlock(&c->m);
	pause_ns(5 * MS);
}

Test(callout_stop, under_the_callout_mutex_cancels_a_waiting_invocation)
{
	struct engine e;
	struct co c;

	memset(&c, 0, sizeof(c));
	engine_start(&e, SCHED_FIFO, 1);
	mtx_init(&c.m, "comtx", NULL, MTX_DEF);
	spawn(101, co_mtx_stop_main, &c);
	cr_assert_eq(sched_run(e.s), SCHED_PASSED, "%s", sched_message(e.s));
	cr_assert_eq(c.runs, 0);
	engine_stop(&e);
}

static void
co_slow_fn(void *arg)
{
	struct co *c = arg;

	c->runs++;
	c->ran_at = sched_now();
	pause_ns(2 * MS);
	c->done = true;
}

static void
co_drain_main(void *arg)
{
	struct co *c = arg;

	callout_init(&c->c, 1);
	callout_reset(&c->c, MS, co_slow_fn, c);
	pause_ns(MS + MS / 2);
	c->ret[0] = callout_drain(&c->c);
	c->drained_at = sched_now();
	c->done_at_drain = c->done;
}

Test(callout_drain, waits_for_a_running_callout)
{
	struct engine e;
	struct co c;

	memset(&c, 0, sizeof(c));
	engine_start(&e, SCHED_FIFO, 1);
	spawn(101, co_drain_main, &c);
	cr_assert_eq(sched_run(e.s), SCHED_PASSED, "%s", sched_message(e.s));
	cr_assert_eq(c.runs, 1);
	cr_assert_eq(c.ran_at, MS);
	cr_assert_eq(c.ret[0], 0);
	cr_assert(c.done_at_drain);
	cr_assert_eq(c.drained_at, 3 * MS);
	engine_stop(&e);
}

/* The taskqueue */

struct tq {
	struct task task;
	int runs;
	int pending[4];
	int tid;
	int64_t ran_at;
	int64_t drained_at;
	bool done;
	bool done_at_drain;
	int pending_after;
	int64_t sleep_ns;
};

static void
tq_fn(void *context, int pending)
{
	struct tq *q = context;

	if (q->runs < 4)
		q->pending[q->runs] = pending;
	q->runs++;
	q->tid = sched_thread_tid(sched_curthread());
	q->ran_at = sched_now();
	if (q->sleep_ns > 0)
		pause_ns(q->sleep_ns);
	q->done = true;
}

static void
tq_twice_main(void *arg)
{
	struct tq *q = arg;

	TASK_INIT(&q->task, 0, tq_fn, q);
	taskqueue_enqueue(&q->task);
	taskqueue_enqueue(&q->task);
	taskqueue_drain(&q->task);
	q->pending_after = q->task.ta_pending;
	/* Once it ran, a new enqueue is a new run. */
	taskqueue_enqueue(&q->task);
	taskqueue_drain(&q->task);
}

Test(taskqueue_enqueue, twice_before_it_runs_is_one_run_with_pending_two)
{
	struct engine e;
	struct tq q;

	memset(&q, 0, sizeof(q));
	engine_start(&e, SCHED_FIFO, 1);
	spawn(101, tq_twice_main, &q);
	cr_assert_eq(sched_run(e.s), SCHED_PASSED, "%s", sched_message(e.s));
	cr_assert_eq(q.runs, 2);
	cr_assert_eq(q.pending[0], 2);
	cr_assert_eq(q.pending[1], 1);
	cr_assert_eq(q.pending_after, 0);
	cr_assert_eq(q.tid, SYNC_TASKQUEUE_TID);
	engine_stop(&e);
}

static void
tq_drain_main(void *arg)
{
	struct tq *q = arg;

	TASK_INIT(&q->task, 0, tq_fn, q);
	pause_ns(MS);
	taskqueue_enqueue(&q->task);
	taskqueue_drain(&q->task);
	q->drained_at = sched_now();
	q->done_at_drain = q->done;
}

Test(taskqueue_drain, waits_for_the_task_to_finish)
{
	struct engine e;
	struct tq q;

	memset(&q, 0, sizeof(q));
	q.sleep_ns = 4 * MS;
	engine_start(&e, SCHED_FIFO, 1);
	spawn(101, tq_drain_main, &q);
	cr_assert_eq(sched_run(e.s), SCHED_PASSED, "%s", sched_message(e.s));
	cr_assert_eq(q.runs, 1);
	cr_assert_eq(q.ran_at, MS);
	cr_assert(q.done_at_drain);
	cr_assert_eq(q.drained_at, 5 * MS);
	engine_stop(&e);
}
