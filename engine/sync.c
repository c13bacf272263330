/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Kernel synchronisation primitives (see sync.h).  The sleep queue is one
 * list of sleeping threads in the order they went to sleep; wakeup() scans it
 * for the channel.  Channels are compared for equality only, never ordered,
 * so addresses cannot leak into the schedule.  Per-run state (the sleep
 * queue, WITNESS's order graph, the softclock and taskqueue threads) is reset
 * whenever a new scheduler starts.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched_var.h"
#include "sync.h"

#define WITNESS_MAXCLASS 128

struct sync_state {
	uint64_t gen;
	TAILQ_HEAD(, sched_thread) slpq;
	int nwclass; /* WITNESS classes, below */
	/* softclock */
	struct sched_thread *softclock;
	TAILQ_HEAD(, callout) expq;
	TAILQ_HEAD(, callout) armedq; /* for callout_foreach() */
	struct callout *cc_curr;
	bool cc_cancel;
	bool cc_drain; /* someone drains cc_curr: it may not re-arm */
	int softclock_chan;
	/* taskqueue_swi */
	struct sched_thread *tq_thread;
	STAILQ_HEAD(, task) tq_queue;
	struct task *tq_running;
	int tq_chan;
	/*
	 * WITNESS: classes by name and the "a before b" relation, last: only
	 * the first 'nwclass' entries and rows are ever read, and only they
	 * are cleared for a new run (not 16 KiB per run).
	 */
	const char *wclass[WITNESS_MAXCLASS];
	unsigned char worder[WITNESS_MAXCLASS][WITNESS_MAXCLASS];
};

static struct sync_state st;

static struct sync_state *
state(void)
{
	if (st.gen != sched_generation()) {
		int i;

		for (i = 0; i < st.nwclass; i++)
			memset(st.worder[i], 0, (size_t)st.nwclass);
		memset(&st, 0, offsetof(struct sync_state, wclass));
		st.gen = sched_generation();
		TAILQ_INIT(&st.slpq);
		TAILQ_INIT(&st.expq);
		TAILQ_INIT(&st.armedq);
		STAILQ_INIT(&st.tq_queue);
	}
	return (&st);
}

/* WITNESS */

static int
witness_class(const char *name)
{
	struct sync_state *ss = state();
	int i;

	for (i = 0; i < ss->nwclass; i++)
		if (strcmp(ss->wclass[i], name) == 0)
			return (i);
	if (ss->nwclass == WITNESS_MAXCLASS)
		return (-1);
	ss->wclass[ss->nwclass] = name;
	return (ss->nwclass++);
}

static int
lock_class(const char *name, int *cls, uint64_t *gen)
{
	if (*gen != sched_generation()) {
		*cls = witness_class(name);
		*gen = sched_generation();
	}
	return (*cls);
}

/*
 * Models witness_checkorder(): taking a lock of class 'c' while holding the
 * thread's locks.  Same-class nesting is allowed (MTX_DUPOK in the kernel).
 */
static void
witness_checkorder(struct sched_thread *td, int c, const char *name)
{
	struct sync_state *ss = state();
	int i;

	if (c < 0)
		return;
	for (i = 0; i < td->td_nlocks; i++) {
		int h = td->td_locks[i]->mtx_class;

		if (h < 0 || h == c)
			continue;
		if (ss->worder[c][h])
			sched_fail(SCHED_FAILED, "witness_checkorder",
			    "lock order reversal: 1st \"%s\" then 2nd \"%s\", "
			    "but \"%s\" was taken before \"%s\" earlier",
			    ss->wclass[h], name, name, ss->wclass[h]);
		ss->worder[h][c] = 1;
	}
}

/* Mutexes */

void
mtx_init(struct mtx *m, const char *name, const char *type, int opts)
{
	memset(m, 0, sizeof(*m));
	m->mtx_name = name;
	m->mtx_opts = opts;
	m->mtx_class = -1;
	TAILQ_INIT(&m->mtx_waiters);
}

void
mtx_destroy(struct mtx *m)
{
	if (m->mtx_owner != NULL && sched_self() != NULL
	    && sched_curthread() != NULL)
		sched_fail(SCHED_PANIC, "mtx_destroy",
		    "panic: mtx_destroy: lock \"%s\" is held", m->mtx_name);
}

static void
held_push(struct sched_thread *td, struct mtx *m)
{
	if (td->td_nlocks == SCHED_MAXLOCKS)
		sched_fail(SCHED_PANIC, "mtx_lock",
		    "panic: thread %d holds more than %d locks", td->td_tid,
		    SCHED_MAXLOCKS);
	td->td_locks[td->td_nlocks++] = m;
}

static void
held_pop(struct sched_thread *td, struct mtx *m)
{
	int i;

	for (i = td->td_nlocks - 1; i >= 0; i--)
		if (td->td_locks[i] == m) {
			memmove(&td->td_locks[i], &td->td_locks[i + 1],
			    sizeof(m) * (size_t)(td->td_nlocks - i - 1));
			td->td_nlocks--;
			return;
		}
}

void
mtx_lock(struct mtx *m)
{
	struct sched_thread *td = sched_curthread();

	if (m->mtx_owner == td) {
		if ((m->mtx_opts & MTX_RECURSE) == 0)
			sched_fail(SCHED_PANIC, "mtx_lock",
			    "panic: _mtx_lock_sleep: recursed on "
			    "non-recursive mutex %s",
			    m->mtx_name);
		m->mtx_recurse++;
		return;
	}
	lock_class(m->mtx_name, &m->mtx_class, &m->mtx_witgen);
	witness_checkorder(td, m->mtx_class, m->mtx_name);
	while (m->mtx_owner != NULL) {
		/* turnstile_wait() */
		TAILQ_INSERT_TAIL(&m->mtx_waiters, td, td_lockq);
		sched_block(m, m->mtx_name);
	}
	m->mtx_owner = td;
	held_push(td, m);
}

/*
 * Models mtx_trylock() (_mtx_trylock_flags_() in sys/kern/kern_mutex.c):
 * takes m when it is free, or recurses on a recursable mutex the thread
 * owns; never waits, so WITNESS checks no order (it only records the
 * lock as held).
 */
bool
mtx_trylock(struct mtx *m)
{
	struct sched_thread *td = sched_curthread();

	if (m->mtx_owner == td && (m->mtx_opts & MTX_RECURSE) != 0) {
		m->mtx_recurse++;
		return (true);
	}
	if (m->mtx_owner != NULL)
		return (false);
	lock_class(m->mtx_name, &m->mtx_class, &m->mtx_witgen);
	m->mtx_owner = td;
	held_push(td, m);
	return (true);
}

/* Releases m without a scheduling point (for msleep's atomic release). */
static void
mtx_release(struct mtx *m)
{
	struct sched_thread *td = sched_curthread(), *w;

	if (m->mtx_owner != td)
		sched_fail(SCHED_PANIC, "mtx_unlock",
		    "panic: mutex %s not owned", m->mtx_name);
	if (m->mtx_recurse > 0) {
		m->mtx_recurse--;
		return;
	}
	m->mtx_owner = NULL;
	held_pop(td, m);
	/* turnstile_broadcast(): every waiter retries. */
	while ((w = TAILQ_FIRST(&m->mtx_waiters)) != NULL) {
		TAILQ_REMOVE(&m->mtx_waiters, w, td_lockq);
		sched_wakeup(w);
	}
}

void
mtx_unlock(struct mtx *m)
{
	mtx_release(m);
	sched_point();
}

bool
mtx_owned(const struct mtx *m)
{
	return (m->mtx_owner != NULL && m->mtx_owner == sched_curthread());
}

void
mtx_assert(const struct mtx *m, int what)
{
	if (what == MA_OWNED && !mtx_owned(m))
		sched_fail(SCHED_PANIC, "mtx_assert",
		    "panic: mutex %s not owned", m->mtx_name);
	if (what == MA_NOTOWNED && mtx_owned(m))
		sched_fail(SCHED_PANIC, "mtx_assert", "panic: mutex %s owned",
		    m->mtx_name);
}

static int wakeup_common(const void *chan, bool one);
static void sleepq_add(struct sched_thread *td, const void *chan, bool catch);

/* Sleeps uninterruptibly on the sx itself until it is released. */
static void
sx_wait(struct sx *sx)
{
	struct sched_thread *td = sched_curthread();

	sx->sx_nwaiters++;
	sleepq_add(td, sx, false);
	sched_block(sx, sx->sx_name);
	sx->sx_nwaiters--;
}

static void
sx_wakeall(struct sx *sx)
{
	if (sx->sx_nwaiters > 0)
		wakeup_common(sx, false);
}

/* Shared/exclusive locks */

void
sx_init(struct sx *sx, const char *name)
{
	memset(sx, 0, sizeof(*sx));
	sx->sx_name = name;
	sx->sx_class = -1;
}

void
sx_destroy(struct sx *sx)
{
	(void)sx;
}

void
sx_xlock(struct sx *sx)
{
	struct sched_thread *td = sched_curthread();

	if (sx->sx_xowner == td)
		sched_fail(SCHED_PANIC, "sx_xlock",
		    "panic: _sx_xlock_hard: recursed on non-recursive sx %s",
		    sx->sx_name);
	while (sx->sx_xowner != NULL || sx->sx_sharers > 0)
		sx_wait(sx);
	sx->sx_xowner = td;
}

void
sx_xunlock(struct sx *sx)
{
	if (sx->sx_xowner != sched_curthread())
		sched_fail(SCHED_PANIC, "sx_xunlock",
		    "panic: sx %s not exclusively locked", sx->sx_name);
	sx->sx_xowner = NULL;
	sx_wakeall(sx);
	sched_point();
}

void
sx_slock(struct sx *sx)
{
	while (sx->sx_xowner != NULL)
		sx_wait(sx);
	sx->sx_sharers++;
}

void
sx_sunlock(struct sx *sx)
{
	if (sx->sx_sharers <= 0)
		sched_fail(SCHED_PANIC, "sx_sunlock",
		    "panic: sx %s not share locked", sx->sx_name);
	sx->sx_sharers--;
	if (sx->sx_sharers == 0)
		sx_wakeall(sx);
	sched_point();
}

bool
sx_xlocked(const struct sx *sx)
{
	return (sx->sx_xowner == sched_curthread());
}

/* Sleep queues */

static void
sleepq_add(struct sched_thread *td, const void *chan, bool catch)
{
	struct sync_state *ss = state();

	td->td_wchan = chan;
	td->td_sleeping = true;
	td->td_catch = catch;
	td->td_slperr = 0;
	TAILQ_INSERT_TAIL(&ss->slpq, td, td_slpq);
}

static void
sleepq_remove(struct sched_thread *td, int err)
{
	struct sync_state *ss = state();

	TAILQ_REMOVE(&ss->slpq, td, td_slpq);
	td->td_sleeping = false;
	td->td_slperr = err;
	sched_timer_cancel(&td->td_slptimo);
	sched_wakeup(td);
}

static void
sleepq_timeout(void *arg)
{
	struct sched_thread *td = arg;

	if (td->td_sleeping)
		sleepq_remove(td, EWOULDBLOCK);
}

int
msleep(const void *chan, struct mtx *m, int pri, const char *wmesg,
    int64_t timo_ns)
{
	struct sched_thread *td = sched_curthread();
	int error;

	if (pri & PCATCH) {
		error = sched_sigcheck(td);
		if (error != 0)
			return (error);
	}
	sleepq_add(td, chan, (pri & PCATCH) != 0);
	if (timo_ns > 0) {
		evq_event_init(&td->td_slptimo, sleepq_timeout, td);
		sched_timer(
		    &td->td_slptimo, sched_add_ns(sched_now(), timo_ns));
	}
	if (m != NULL)
		mtx_release(m);
	sched_block(chan, wmesg);
	error = td->td_slperr;
	td->td_catch = false;
	sched_suspcheck(td);
	if (m != NULL && (pri & PDROP) == 0)
		mtx_lock(m);
	return (error);
}

static int
wakeup_common(const void *chan, bool one)
{
	struct sync_state *ss = state();
	struct sched_thread *td, *tmp;
	int n = 0;

	TAILQ_FOREACH_SAFE(td, &ss->slpq, td_slpq, tmp) {
		if (td->td_wchan != chan)
			continue;
		sleepq_remove(td, 0);
		n++;
		if (one)
			break;
	}
	return (n);
}

void
wakeup(const void *chan)
{
	if (wakeup_common(chan, false) > 0 && sched_curthread() != NULL)
		sched_point();
}

void
wakeup_one(const void *chan)
{
	if (wakeup_common(chan, true) > 0 && sched_curthread() != NULL)
		sched_point();
}

bool
sleepq_abort(struct sched_thread *td, int intrval)
{
	if (!td->td_sleeping || !td->td_catch)
		return (false);
	sleepq_remove(td, intrval);
	return (true);
}

/* Condition variables */

void
cv_init(struct cv *cv, const char *desc)
{
	cv->cv_description = desc;
	cv->cv_waiters = 0;
}

void
cv_destroy(struct cv *cv)
{
	(void)cv;
}

static int
cv_sleep(struct cv *cv, struct mtx *m, int pri, int64_t timo_ns)
{
	int error;

	cv->cv_waiters++;
	error = msleep(cv, m, pri, cv->cv_description, timo_ns);
	cv->cv_waiters--;
	return (error);
}

void
cv_wait(struct cv *cv, struct mtx *m)
{
	(void)cv_sleep(cv, m, 0, 0);
}

int
cv_wait_sig(struct cv *cv, struct mtx *m)
{
	return (cv_sleep(cv, m, PCATCH, 0));
}

int
cv_timedwait_sig(struct cv *cv, struct mtx *m, int64_t timo_ns)
{
	return (cv_sleep(cv, m, PCATCH, timo_ns));
}

void
cv_signal(struct cv *cv)
{
	if (cv->cv_waiters > 0)
		wakeup_one(cv);
}

void
cv_broadcast(struct cv *cv)
{
	if (cv->cv_waiters > 0)
		wakeup(cv);
}

/*
 * cv_broadcast() without the scheduling point after it, for a caller that
 * wakes many sleepers as one step and takes the point itself after the
 * last: illumos's callout_hrestime() expires every CALLOUT_FLAG_HRESTIME
 * callout under the callout table's lock, so no woken thread runs (and
 * frees what the caller walks) before all are woken.  Returns how many
 * threads it woke.
 */
int
cv_broadcast_nopoint(struct cv *cv)
{
	return (cv->cv_waiters > 0 ? wakeup_common(cv, false) : 0);
}

/* Callouts and the softclock thread */

static void
armed_add(struct sync_state *ss, struct callout *c)
{
	if (!c->c_onarmed) {
		TAILQ_INSERT_TAIL(&ss->armedq, c, c_armed);
		c->c_onarmed = true;
	}
}

static void
armed_remove(struct sync_state *ss, struct callout *c)
{
	if (c->c_onarmed) {
		TAILQ_REMOVE(&ss->armedq, c, c_armed);
		c->c_onarmed = false;
	}
}

/*
 * Models softclock() / softclock_call_cc() in sys/kern/kern_timeout.c: the
 * thread runs expired callouts one at a time, each with its lock held if it
 * has one.  A callout stopped while softclock waited for that lock is not
 * run (cc_exec_cancel).
 */
static void
softclock(void *arg)
{
	struct sync_state *ss;
	struct callout *c;

	(void)arg;
	for (;;) {
		ss = state();
		while ((c = TAILQ_FIRST(&ss->expq)) != NULL) {
			TAILQ_REMOVE(&ss->expq, c, c_links);
			c->c_onexpq = false;
			armed_remove(ss, c);
			c->c_flags &= ~CALLOUT_PENDING;
			ss->cc_curr = c;
			ss->cc_cancel = false;
			ss->cc_drain = false;
			if (c->c_lock != NULL) {
				mtx_lock(c->c_lock);
				if (ss->cc_cancel) {
					mtx_unlock(c->c_lock);
					ss->cc_curr = NULL;
					wakeup(&ss->cc_curr);
					continue;
				}
			}
			c->c_func(c->c_arg);
			if (c->c_lock != NULL
			    && (c->c_flags & CALLOUT_RETURNUNLOCKED) == 0)
				mtx_unlock(c->c_lock);
			ss->cc_curr = NULL;
			wakeup(&ss->cc_curr);
		}
		msleep(&ss->softclock_chan, NULL, 0, "-", 0);
	}
}

void
callout_foreach(
    void (*fn)(const struct callout *c, const char *state, void *arg),
    void *arg)
{
	struct sync_state *ss = state();
	struct callout *c;

	TAILQ_FOREACH(c, &ss->armedq, c_armed)
		fn(c, c->c_onexpq ? "expired" : "armed", arg);
	if (ss->cc_curr != NULL && !ss->cc_curr->c_onarmed)
		fn(ss->cc_curr, "running", arg);
}

/* The callout's deadline has come: hand it to softclock (host stack). */
static void
callout_expire(void *arg)
{
	struct sync_state *ss = state();
	struct callout *c = arg;

	TAILQ_INSERT_TAIL(&ss->expq, c, c_links);
	c->c_onexpq = true;
	wakeup_common(&ss->softclock_chan, false);
}

void
callout_init(struct callout *c, int mpsafe)
{
	memset(c, 0, sizeof(*c));
	if (mpsafe)
		c->c_flags = CALLOUT_MPSAFE;
	evq_event_init(&c->c_ev, callout_expire, c);
}

void
callout_init_mtx(struct callout *c, struct mtx *m, int flags)
{
	callout_init(c, 1);
	c->c_lock = m;
	c->c_flags |= flags & CALLOUT_RETURNUNLOCKED;
}

/* Removes c from the event queue or from softclock's expired queue. */
static int
callout_unqueue(struct callout *c)
{
	struct sync_state *ss = state();

	if (sched_timer_cancel(&c->c_ev)) {
		armed_remove(ss, c);
		return (1);
	}
	if (c->c_onexpq) {
		TAILQ_REMOVE(&ss->expq, c, c_links);
		c->c_onexpq = false;
		armed_remove(ss, c);
		return (1);
	}
	return (0);
}

int
callout_reset_sbt(struct callout *c, int64_t sbt_ns, int64_t prec_ns,
    void (*func)(void *), void *arg, int flags)
{
	struct sync_state *ss = state();
	int pending;

	(void)prec_ns;
	if (ss->softclock == NULL
	    && sched_thread_new(&ss->softclock, 0, SYNC_SOFTCLOCK_TID,
		   "softclock", true, softclock, NULL)
		!= 0) {
		fprintf(stderr, "evsim: fatal: out of memory\n");
		exit(2);
	}
	/*
	 * As callout_reset_sbt_on(): a running callout that someone is
	 * draining is not rescheduled (a periodic timer re-arming itself from
	 * its own function while filt_timerdetach drains it).
	 */
	if (ss->cc_curr == c && ss->cc_drain)
		return (0);
	pending = callout_unqueue(c);
	if (ss->cc_curr == c)
		ss->cc_cancel = true;
	c->c_func = func;
	c->c_arg = arg;
	c->c_time_ns
	    = (flags & C_ABSOLUTE) ? sbt_ns : sched_add_ns(sched_now(), sbt_ns);
	c->c_flags |= CALLOUT_PENDING | CALLOUT_ACTIVE;
	sched_timer(&c->c_ev, c->c_time_ns);
	armed_add(ss, c);
	return (pending);
}

int
callout_reset(
    struct callout *c, int64_t delta_ns, void (*func)(void *), void *arg)
{
	return (callout_reset_sbt(c, delta_ns, 0, func, arg, 0));
}

int
callout_stop(struct callout *c)
{
	struct sync_state *ss = state();
	int pending;

	pending = callout_unqueue(c);
	c->c_flags &= ~(CALLOUT_PENDING | CALLOUT_ACTIVE);
	/*
	 * With the callout's own lock held, a softclock that already picked
	 * it is waiting for that lock: cancel that invocation too.
	 */
	if (ss->cc_curr == c && c->c_lock != NULL && mtx_owned(c->c_lock))
		ss->cc_cancel = true;
	return (pending);
}

int
callout_drain(struct callout *c)
{
	struct sync_state *ss = state();
	int pending;

	pending = callout_stop(c);
	while (ss->cc_curr == c) {
		ss->cc_drain = true;
		msleep(&ss->cc_curr, NULL, 0, "codrain", 0);
	}
	return (pending);
}

bool
callout_pending(const struct callout *c)
{
	return ((c->c_flags & CALLOUT_PENDING) != 0);
}

bool
callout_active(const struct callout *c)
{
	return ((c->c_flags & CALLOUT_ACTIVE) != 0);
}

void
callout_deactivate(struct callout *c)
{
	c->c_flags &= ~CALLOUT_ACTIVE;
}

/* The taskqueue */

/* Models taskqueue_run_locked() on the taskqueue's own thread. */
static void
taskqueue_thread_loop(void *arg)
{
	struct sync_state *ss;
	struct task *task;
	int pending;

	(void)arg;
	for (;;) {
		ss = state();
		while ((task = STAILQ_FIRST(&ss->tq_queue)) != NULL) {
			STAILQ_REMOVE_HEAD(&ss->tq_queue, ta_link);
			pending = task->ta_pending;
			task->ta_pending = 0;
			ss->tq_running = task;
			task->ta_func(task->ta_context, pending);
			ss->tq_running = NULL;
			wakeup(&ss->tq_running);
		}
		wakeup(&ss->tq_queue);
		msleep(&ss->tq_chan, NULL, 0, "-", 0);
	}
}

int
taskqueue_enqueue(struct task *task)
{
	struct sync_state *ss = state();

	if (ss->tq_thread == NULL
	    && sched_thread_new(&ss->tq_thread, 0, SYNC_TASKQUEUE_TID,
		   "taskqueue", true, taskqueue_thread_loop, NULL)
		!= 0) {
		fprintf(stderr, "evsim: fatal: out of memory\n");
		exit(2);
	}
	if (task->ta_pending > 0) {
		task->ta_pending++;
		return (0);
	}
	STAILQ_INSERT_TAIL(&ss->tq_queue, task, ta_link);
	task->ta_pending = 1;
	wakeup(&ss->tq_chan);
	return (0);
}

void
taskqueue_drain(struct task *task)
{
	struct sync_state *ss = state();

	while (task->ta_pending != 0 || ss->tq_running == task)
		msleep(&ss->tq_running, NULL, 0, "tq_drain", 0);
}

void
taskqueue_quiesce(void)
{
	struct sync_state *ss = state();

	while (!STAILQ_EMPTY(&ss->tq_queue) || ss->tq_running != NULL)
		msleep(&ss->tq_queue, NULL, 0, "tq_quiesce", 0);
}
