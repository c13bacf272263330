/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Kernel synchronisation primitives for the simulated kernels, with the
 * FreeBSD names and meanings so that a model reads like the kernel: mutexes
 * (mtx_*), shared/exclusive locks (sx_*), sleep and wakeup on a wait channel
 * (msleep, wakeup, wakeup_one, sleepq_abort), condition variables (cv_*),
 * callouts run by a simulated softclock thread (callout_*), and a taskqueue
 * with its own thread (taskqueue_*).  These names are a deliberate exception
 * to the module-prefix rule of STYLE.md: the kernel's names are the point.
 *
 * Every release of a lock, every wakeup and every sleep is a scheduling
 * point.  A contended mutex blocks the thread (its wait channel is the lock
 * name).  Lock order is checked as WITNESS does, by lock name: taking A
 * while holding B after B was once taken while holding A fails the run with
 * a lock-order reversal.  Units are nanoseconds, where the kernel uses ticks
 * or sbintime (XXX).
 */
#ifndef ENGINE_SYNC_H
#define ENGINE_SYNC_H

#include <stdbool.h>
#include <stdint.h>

#include "evq.h"
#include "queue.h"

struct sched_thread;

/* msleep() priority flags. */
#define PCATCH 0x100 /* signals interrupt the sleep */
#define PDROP 0x200 /* do not reacquire the interlock */

/* Mutex options. */
#define MTX_DEF 0x0
#define MTX_RECURSE 0x4
#define MTX_DUPOK 0x10

/* mtx_assert() what. */
#define MA_OWNED 0x1
#define MA_NOTOWNED 0x0

struct mtx {
	const char *mtx_name;
	struct sched_thread *mtx_owner;
	int mtx_recurse;
	int mtx_opts;
	int mtx_class; /* WITNESS lock class, by name */
	uint64_t mtx_witgen; /* run the class belongs to */
	TAILQ_HEAD(, sched_thread) mtx_waiters; /* the turnstile */
};

void mtx_init(struct mtx *m, const char *name, const char *type, int opts);
void mtx_destroy(struct mtx *m);
void mtx_lock(struct mtx *m);
void mtx_unlock(struct mtx *m);
/* Takes m if it is free (or recursable and ours), without waiting. */
bool mtx_trylock(struct mtx *m);
bool mtx_owned(const struct mtx *m);
/* Fails the run with a panic when the assertion does not hold. */
void mtx_assert(const struct mtx *m, int what);

struct sx {
	const char *sx_name;
	struct sched_thread *sx_xowner;
	int sx_sharers;
	int sx_class;
	uint64_t sx_witgen;
	int sx_nwaiters;
};

void sx_init(struct sx *sx, const char *name);
void sx_destroy(struct sx *sx);
void sx_xlock(struct sx *sx);
void sx_xunlock(struct sx *sx);
void sx_slock(struct sx *sx);
void sx_sunlock(struct sx *sx);
bool sx_xlocked(const struct sx *sx);

/*
 * Sleeps on chan, releasing the interlock m (if not NULL) atomically with
 * going to sleep and retaking it on return unless PDROP.  timo_ns 0 means
 * no timeout.  Returns 0 when woken, EWOULDBLOCK on timeout, and with PCATCH
 * EINTR or ERESTART when a signal interrupts (also before sleeping).
 */
int msleep(const void *chan, struct mtx *m, int pri, const char *wmesg,
    int64_t timo_ns);

/* Wakes every thread sleeping on chan, in the order they went to sleep. */
void wakeup(const void *chan);

/* Wakes the thread that has slept longest on chan. */
void wakeup_one(const void *chan);

/*
 * Ends an interruptible sleep of td with intrval (EINTR or ERESTART); a
 * thread not in such a sleep is left alone.  Returns whether it was woken.
 */
bool sleepq_abort(struct sched_thread *td, int intrval);

struct cv {
	const char *cv_description;
	int cv_waiters;
};

void cv_init(struct cv *cv, const char *desc);
void cv_destroy(struct cv *cv);
void cv_wait(struct cv *cv, struct mtx *m);
/* Returns 0, or EINTR/ERESTART when interrupted by a signal. */
int cv_wait_sig(struct cv *cv, struct mtx *m);
/* As cv_wait_sig, or EWOULDBLOCK after timo_ns (0 = forever). */
int cv_timedwait_sig(struct cv *cv, struct mtx *m, int64_t timo_ns);
void cv_signal(struct cv *cv);
void cv_broadcast(struct cv *cv);
int cv_broadcast_nopoint(struct cv *cv);

/* callout flags (c_flags). */
#define CALLOUT_PENDING 0x0004
#define CALLOUT_ACTIVE 0x0002
#define CALLOUT_MPSAFE 0x0008
#define CALLOUT_RETURNUNLOCKED 0x0010

/* callout_reset_sbt() flags. */
#define C_ABSOLUTE 0x0200

struct callout {
	struct evq_event c_ev;
	TAILQ_ENTRY(callout) c_links; /* softclock's expired queue */
	TAILQ_ENTRY(callout) c_armed; /* every armed callout, arming order */
	const char *c_owner; /* name of the owning object, or NULL */
	bool c_onarmed;
	void (*c_func)(void *);
	void *c_arg;
	struct mtx *c_lock;
	int64_t c_time_ns;
	int c_flags;
	bool c_onexpq;
};

void callout_init(struct callout *c, int mpsafe);
/* The callout runs with m held, and callout_stop() under m is final. */
void callout_init_mtx(struct callout *c, struct mtx *m, int flags);
/*
 * Arms c to run func(arg) on the softclock thread after sbt_ns (or at
 * sbt_ns with C_ABSOLUTE).  Returns 1 if it was pending before, else 0.
 */
int callout_reset_sbt(struct callout *c, int64_t sbt_ns, int64_t prec_ns,
    void (*func)(void *), void *arg, int flags);
int callout_reset(
    struct callout *c, int64_t delta_ns, void (*func)(void *), void *arg);
/* Cancels a pending callout; returns 1 if it was pending, else 0. */
int callout_stop(struct callout *c);
/* As callout_stop, then waits until a running invocation has finished. */
int callout_drain(struct callout *c);
bool callout_pending(const struct callout *c);

/*
 * Visits every armed callout in the order it was armed, with its state:
 * "armed" (waiting for its deadline), "expired" (waiting for softclock) or
 * "running".  For snapshots; fn must not arm or stop callouts.
 */
void callout_foreach(
    void (*fn)(const struct callout *c, const char *state, void *arg),
    void *arg);
bool callout_active(const struct callout *c);
void callout_deactivate(struct callout *c);

struct task {
	STAILQ_ENTRY(task) ta_link;
	int ta_pending;
	void (*ta_func)(void *context, int pending);
	void *ta_context;
};

#define TASK_INIT(task, prio, func, context)                                   \
	do {                                                                   \
		(task)->ta_pending = 0;                                        \
		(task)->ta_func = (func);                                      \
		(task)->ta_context = (context);                                \
	} while (0)

/*
 * The one simulated taskqueue (taskqueue_swi); its thread is created on first
 * use.  Enqueuing a pending task only counts it (ta_pending), as the kernel.
 */
int taskqueue_enqueue(struct task *task);
/* Waits until task is neither pending nor running. */
void taskqueue_drain(struct task *task);
/* Waits until the queue is empty and idle. */
void taskqueue_quiesce(void);

/* Thread ids of the kernel threads (pid 0). */
#define SYNC_SOFTCLOCK_TID 100001
#define SYNC_TASKQUEUE_TID 100002

#endif /* ENGINE_SYNC_H */
