/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kqueue filters of the simulated FreeBSD kernel.  Models the filterops
 * of sys/kern/kern_event.c (file, kqueue-in-kqueue, EVFILT_PROC,
 * EVFILT_TIMER, EVFILT_USER, the null filter of EVFILT_AIO/LIO/SENDFILE),
 * sig_filtops of sys/kern/kern_sig.c, the pipe filters of
 * sys/kern/sys_pipe.c, the socket filters of sys/kern/uipc_socket.c and the
 * vnode filters of sys/kern/vfs_subr.c, with the fo_kqfilter methods that
 * attach them.
 *
 * Deviations: time is virtual nanoseconds instead of sbintime (XXX: no
 * rounding to sbintime fractions); EVFILT_FS never fires (no mounts, see
 * filt_fsattach()); EVFILT_JAIL is a null filter (no jails).
 */
#include <limits.h>
#include <stdlib.h>

#include "event.h"
#include "eventvar.h"
#include "fd.h"
#include "kernel.h"
#include "pipe.h"
#include "proc.h"
#include "sim.h"
#include "socket.h"
#include "sync.h"
#include "vfs.h"

#undef PIPE_BUF
#define PIPE_BUF 512 /* <limits.h> of FreeBSD */

/*
 * Descriptors: file_filtops dispatches to the file's fo_kqfilter
 */

/* Models filt_fileattach(): fo_kqfilter of the descriptor's file. */
static int
filt_fileattach(struct knote *kn)
{
	struct file *fp = kn->kn_fp;

	if (fp->f_ops->fo_kqfilter != NULL)
		return (fp->f_ops->fo_kqfilter(fp, kn));
	/*
	 * XXX: pipeops, socketops and vnops leave fo_kqfilter to this model,
	 * so that the shared file layer calls nothing FreeBSD-specific.
	 */
	switch (fp->f_type) {
	case DTYPE_PIPE:
	case DTYPE_FIFO: /* pipeops' fo_kqfilter */
		return (pipe_kqfilter(fp, kn));
	case DTYPE_SOCKET:
		return (soo_kqfilter(fp, kn));
	case DTYPE_VNODE:
		return (vn_kqfilter(fp, kn));
	default:
		return (EINVAL);
	}
}

const struct filterops file_filtops = {
	.f_isfd = 1,
	.f_attach = filt_fileattach,
	.f_copy = knote_triv_copy,
};

/* Models filt_nullattach(): filters whose module is not loaded. */
static int
filt_nullattach(struct knote *kn)
{
	return (ENXIO);
}

const struct filterops null_filtops = {
	.f_isfd = 0,
	.f_attach = filt_nullattach,
	.f_copy = knote_triv_copy,
};

/*
 * kqueue-in-kqueue
 */

static void filt_kqdetach(struct knote *kn);
static int filt_kqueue(struct knote *kn, long hint);

static const struct filterops kqread_filtops = {
	.f_isfd = 1,
	.f_detach = filt_kqdetach,
	.f_event = filt_kqueue,
	.f_copy = knote_triv_copy,
};

/* Models kqueue_kqfilter(): EVFILT_READ only, on the watched 'kq_sel'. */
int
kqueue_kqfilter(struct file *fp, struct knote *kn)
{
	struct kqueue *kq = kn->kn_fp->f_data;

	if (kn->kn_filter != EVFILT_READ)
		return (EINVAL);

	KN_SET_STATUS(kn, kn->kn_status | KN_KQUEUE);
	kn->kn_fop = &kqread_filtops;
	knlist_add(&kq->kq_sel.si_note, kn, 0);

	return (0);
}

/* Models filt_kqdetach() in sys/kern/kern_event.c. */
static void
filt_kqdetach(struct knote *kn)
{
	struct kqueue *kq = kn->kn_fp->f_data;

	knlist_remove(&kq->kq_sel.si_note, kn, 0);
}

/* Models filt_kqueue(): data is the watched kqueue's 'kq_count'. */
static int
filt_kqueue(struct knote *kn, long hint)
{
	struct kqueue *kq = kn->kn_fp->f_data;

	KN_SET_DATA(kn, kq->kq_count);
	return (kn->kn_data > 0);
}

/*
 * EVFILT_PROC
 */

static int filt_procattach(struct knote *kn);
static void filt_procdetach(struct knote *kn);
static int filt_proc(struct knote *kn, long hint);

const struct filterops proc_filtops = {
	.f_isfd = 0,
	.f_attach = filt_procattach,
	.f_detach = filt_procdetach,
	.f_event = filt_proc,
	.f_copy = knote_triv_copy,
};

/*
 * Models filt_procattach(): NOTE_EXIT or NOTE_REAP finds zombies too; a
 * process already exiting reports its exit at once.  EV_FLAG2 marks the
 * kernel's NOTE_CHILD registration of knote_fork(), EV_FLAG1 the tracking
 * one.  ESRCH when there is no such process or p_cansee() refuses.
 */
static int
filt_procattach(struct knote *kn)
{
	struct proc *p;
	int error;
	bool exiting, immediate;

	exiting = immediate = false;
	if (kn->kn_sfflags & (NOTE_EXIT | NOTE_REAP))
		p = pfind_any((int)kn->kn_id);
	else
		p = pfind((int)kn->kn_id);
	if (p == NULL || kn->kn_id > INT_MAX)
		return (ESRCH);
	PROC_LOCK(p);
	if (p->p_flag & P_WEXIT || p->p_state == PRS_ZOMBIE)
		exiting = true;

	/*
	 * The registering thread must see p.  In knote_fork() that is the
	 * forking thread, whose credentials the child shares: its NOTE_TRACK
	 * registrations are never refused here, only by allocation failures.
	 */
	if ((error = p_cansee(curthread, p)) != 0) {
		PROC_UNLOCK(p);
		return (error);
	}

	kn->kn_ptr.p_proc = p;
	KN_SET_FLAGS(kn, kn->kn_flags | EV_CLEAR); /* automatically set */

	/* The kernel's NOTE_CHILD registration. */
	if (kn->kn_flags & EV_FLAG2) {
		KN_SET_FLAGS(kn, kn->kn_flags & ~EV_FLAG2);
		KN_SET_DATA(kn, kn->kn_sdata); /* ppid */
		KN_SET_FFLAGS(kn, NOTE_CHILD);
		KN_SET_SFFLAGS(kn, kn->kn_sfflags & ~NOTE_PCTRLMASK);
		immediate = true; /* force immediate activation */
	}
	/*
	 * The kernel's tracking registration.  Before r295012
	 * (rev_note_child_merged) it was also the child note: NOTE_CHILD with
	 * the parent pid in 'data', activated by the f_event of
	 * kqueue_register(), and a later NOTE_EXIT overwrites 'data' (PR
	 * 180385).
	 */
	if (kn->kn_flags & EV_FLAG1) {
		KN_SET_FLAGS(kn, kn->kn_flags & ~EV_FLAG1);
		if (KQ_REV(rev_note_child_merged)) {
			KN_SET_DATA(kn, kn->kn_sdata); /* ppid */
			KN_SET_FFLAGS(kn, NOTE_CHILD);
		}
	}

	knlist_add(&p->p_klist, kn, 1);

	/*
	 * Activate the child note at once, and the exit note of a process
	 * that is already dying (a child that exited before the registration).
	 */
	if (immediate || (exiting && filt_proc(kn, (long)NOTE_EXIT)))
		KNOTE_ACTIVATE(kn, 0);

	PROC_UNLOCK(p);
	return (0);
}

/*
 * Models filt_procdetach(): the process may be gone already, in which case
 * the knote is DETACHED and this is not called.
 */
static void
filt_procdetach(struct knote *kn)
{
	knlist_remove(kn->kn_knlist, kn, 0);
	kn->kn_ptr.p_proc = NULL;
}

/*
 * Models filt_proc(): records the requested events of the hint; the exit
 * (or, with NOTE_REAP, the reap) finishes the knote: EV_EOF|EV_ONESHOT, and
 * EV_DROP when nothing was requested.
 */
static int
filt_proc(struct knote *kn, long hint)
{
	struct proc *p;
	unsigned int event;

	p = kn->kn_ptr.p_proc;
	if (p == NULL) /* already activated, from attach filter */
		return (0);

	/* Mask off extra data. */
	event = (unsigned int)hint & NOTE_PCTRLMASK;

	/* If the user is interested in this event, record it. */
	if ((kn->kn_sfflags & event) != 0)
		KN_SET_FFLAGS(kn, kn->kn_fflags | (kn->kn_sfflags & event));

	/* Report the exit status. */
	if ((kn->kn_fflags & NOTE_EXIT) != 0)
		KN_SET_DATA(kn, KW_EXITCODE(p->p_xexit, p->p_xsig));

	/* The process is gone: the event is finished. */
	if ((event & NOTE_REAP) != 0
	    || ((event & NOTE_EXIT) != 0
		&& ((unsigned int)kn->kn_sfflags & NOTE_REAP) == 0)) {
		KN_SET_FLAGS(kn, kn->kn_flags | EV_EOF | EV_ONESHOT);
		kn->kn_ptr.p_proc = NULL;
		if (kn->kn_fflags == 0)
			KN_SET_FLAGS(kn, kn->kn_flags | EV_DROP);
		return (1);
	}

	return (kn->kn_fflags != 0);
}

/*
 * EVFILT_SIGNAL (sys/kern/kern_sig.c)
 */

/* Models filt_sigattach(): the calling process's own signals. */
static int
filt_sigattach(struct knote *kn)
{
	struct proc *p = curproc;

	kn->kn_ptr.p_proc = p;
	KN_SET_FLAGS(kn, kn->kn_flags | EV_CLEAR); /* automatically set */

	knlist_add(&p->p_klist, kn, 0);

	return (0);
}

/* Models filt_sigdetach() in sys/kern/kern_sig.c. */
static void
filt_sigdetach(struct knote *kn)
{
	knlist_remove(kn->kn_knlist, kn, 0);
}

/*
 * Models filt_signal(): counts every send of the signal (blocked and
 * ignored ones too); other hints of 'p_klist' only re-evaluate.
 */
static int
filt_signal(struct knote *kn, long hint)
{
	if ((unsigned long)hint & NOTE_SIGNAL) {
		hint
		    = (long)((unsigned long)hint & ~(unsigned long)NOTE_SIGNAL);

		if (kn->kn_id == (uint64_t)hint)
			KN_SET_DATA(kn, kn->kn_data + 1);
	}
	return (kn->kn_data != 0);
}

const struct filterops sig_filtops = {
	.f_isfd = 0,
	.f_attach = filt_sigattach,
	.f_detach = filt_sigdetach,
	.f_event = filt_signal,
	.f_copy = knote_triv_copy,
};

/*
 * EVFILT_TIMER
 */

#define NOTE_TIMER_PRECMASK                                                    \
	(NOTE_SECONDS | NOTE_MSECONDS | NOTE_USECONDS | NOTE_NSECONDS)
#define SBT_MAX_NS INT64_MAX

/*
 * Models timer2sbintime(): the period in ns, -1 for two unit bits.
 * Overflow saturates as SBT_MAX does.
 */
static int64_t
timer2ns(int64_t data, unsigned int flags)
{
	int64_t mul;

	switch (flags & NOTE_TIMER_PRECMASK) {
	case NOTE_SECONDS:
		mul = 1000000000;
		break;
	case NOTE_MSECONDS: /* FALLTHROUGH */
	case 0:
		mul = 1000000;
		break;
	case NOTE_USECONDS:
		mul = 1000;
		break;
	case NOTE_NSECONDS:
		mul = 1;
		break;
	default:
		return (-1);
	}
	if (data > SBT_MAX_NS / mul)
		return (SBT_MAX_NS);
	return (data * mul);
}

/* Models 'struct kq_timer_cb_data'. */
struct kq_timer_cb_data {
	struct callout c;
	struct proc *p; /* the owner: its stops park the timer */
	struct knote *kn;
	int flags;
	TAILQ_ENTRY(kq_timer_cb_data) link; /* on 'p_kqtim_stop' */
	int64_t next; /* next timer event fires at (monotonic ns) */
	int64_t to; /* precalculated timer period, 0 for abs */
};

#define KQ_TIMER_CB_ENQUEUED 0x01

static void filt_timerexpire(void *knx);

/* Models kqtimer_sched_callout() in sys/kern/kern_event.c. */
static void
kqtimer_sched_callout(struct kq_timer_cb_data *kc)
{
	(void)callout_reset_sbt(
	    &kc->c, kc->next, 0, filt_timerexpire, kc->kn, C_ABSOLUTE);
}

static void filt_timerexpire_l(struct knote *kn, bool proc_locked);

/*
 * Models kqtimer_proc_continue(): the timers parked while p was stopped
 * fire now if overdue, else are re-armed.  Called with the process locked.
 */
static void
kqtimer_proc_continue(struct proc *p)
{
	struct kq_timer_cb_data *kc, *kc1;
	int64_t now;

	PROC_LOCK_ASSERT(p, MA_OWNED);

	now = sched_now();
	TAILQ_FOREACH_SAFE(kc, &p->p_kqtim_stop, link, kc1) {
		TAILQ_REMOVE(&p->p_kqtim_stop, kc, link);
		kc->flags &= ~KQ_TIMER_CB_ENQUEUED;
		sim_trace_int(__func__, &kc->kn->kn_obj, "kc_flags",
		    KQ_TIMER_CB_ENQUEUED, kc->flags);
		if (kc->next <= now)
			filt_timerexpire_l(kc->kn, true);
		else
			kqtimer_sched_callout(kc);
	}
}

/*
 * The process-layer hook of tdsendsignal() (runfast/out_cont).  XXX:
 * tdsendsignal() runs without the process lock in this model: the list is
 * looked at unlocked and the lock taken only when a timer is parked.
 */
void
freebsd_proc_continue(struct proc *p)
{
	if (TAILQ_EMPTY(&p->p_kqtim_stop))
		return;
	PROC_LOCK(p);
	kqtimer_proc_continue(p);
	PROC_UNLOCK(p);
}

/*
 * Models filt_timerexpire_l(): a one-shot or absolute timer counts one
 * expiry; a periodic one counts the periods that elapsed (overruns) and is
 * re-armed, unless its process is stopped or killed: then the callout is
 * parked on 'p_kqtim_stop' until kqtimer_proc_continue().  Runs on the
 * softclock thread, or in kqtimer_proc_continue() with the process locked.
 */
static void
filt_timerexpire_l(struct knote *kn, bool proc_locked)
{
	struct kq_timer_cb_data *kc;
	struct proc *p;
	int64_t delta, now;

	kc = kn->kn_ptr.p_v;

	if ((kn->kn_flags & EV_ONESHOT) != 0 || kc->to == 0) {
		KN_SET_DATA(kn, kn->kn_data + 1);
		KNOTE_ACTIVATE(kn, 0);
		return;
	}

	now = sched_now();
	if (now >= kc->next) {
		delta = (now - kc->next) / kc->to;
		if (delta == 0)
			delta = 1;
		KN_SET_DATA(kn, kn->kn_data + delta);
		kc->next += delta * kc->to;
		if (now >= kc->next) /* overflow */
			kc->next = sched_add_ns(now, kc->to);
		KNOTE_ACTIVATE(
		    kn, 0); /* the kernel's own comment: handle locking */
	}

	/*
	 * The unlocked first look at the stop flags may miss a stop (one more
	 * callout, harmless) but never a continue: rechecked locked.
	 */
	p = kc->p;
	if (P_SHOULDSTOP(p) || P_KILLED(p)) {
		if (!proc_locked)
			PROC_LOCK(p);
		if (P_SHOULDSTOP(p) || P_KILLED(p)) {
			if ((kc->flags & KQ_TIMER_CB_ENQUEUED) == 0) {
				/* At the head: the continue loop skips it. */
				kc->flags |= KQ_TIMER_CB_ENQUEUED;
				sim_trace_int(__func__, &kn->kn_obj, "kc_flags",
				    0, kc->flags);
				TAILQ_INSERT_HEAD(&p->p_kqtim_stop, kc, link);
			}
			if (!proc_locked)
				PROC_UNLOCK(p);
			return;
		}
		if (!proc_locked)
			PROC_UNLOCK(p);
	}
	kqtimer_sched_callout(kc);
}

/* Models filt_timerexpire() in sys/kern/kern_event.c. */
static void
filt_timerexpire(void *knx)
{
	filt_timerexpire_l(knx, false);
}

/*
 * Models filt_timervalidate(): EINVAL for a negative period or unknown
 * fflags; an absolute time is converted to uptime with the current boot
 * time (realtime minus monotonic), so a later clock step does not move it.
 */
static int
filt_timervalidate(struct knote *kn, int64_t *to)
{
	int64_t boottime;

	if (kn->kn_sdata < 0)
		return (EINVAL);
	if (kn->kn_sdata == 0 && (kn->kn_flags & EV_ONESHOT) == 0)
		KN_SET_SDATA(kn, 1);
	/* Only a unit (precision) and the absolute indicator are allowed. */
	if (((unsigned int)kn->kn_sfflags
		& ~(NOTE_TIMER_PRECMASK | NOTE_ABSTIME))
	    != 0)
		return (EINVAL);

	*to = timer2ns(kn->kn_sdata, (unsigned int)kn->kn_sfflags);
	if (*to < 0)
		return (EINVAL);
	if ((kn->kn_sfflags & NOTE_ABSTIME) != 0) {
		boottime = sched_realtime() - sched_now();
		/* XXX: saturates where the kernel's sbintime difference wraps.
		 */
		*to = sched_add_ns(*to, -boottime) > 0
		    ? sched_add_ns(*to, -boottime)
		    : 0;
	}
	return (0);
}

/* Models filt_timerstart() in sys/kern/kern_event.c. */
static void
filt_timerstart(struct knote *kn, int64_t to)
{
	struct kq_timer_cb_data *kc;

	kc = kn->kn_ptr.p_v;
	if ((kn->kn_sfflags & NOTE_ABSTIME) != 0) {
		kc->next = to;
		kc->to = 0;
	} else {
		/* XXX: saturates where the kernel's sbintime sum wraps. */
		kc->next = sched_add_ns(to, sched_now());
		kc->to = to;
	}
	kqtimer_sched_callout(kc);
}

/*
 * Models filt_timerattach(): ENOMEM beyond kern.kq_calloutmax callouts;
 * relative timers get EV_CLEAR.
 */
static int
filt_timerattach(struct knote *kn)
{
	struct kq_timer_cb_data *kc;
	int64_t to;
	int error;

	to = -1;
	error = filt_timervalidate(kn, &to);
	if (error != 0)
		return (error);
	KASSERT(to > 0 || (kn->kn_flags & EV_ONESHOT) != 0
		|| (kn->kn_sfflags & NOTE_ABSTIME) != 0,
	    ("%s: periodic timer has a calculated zero timeout", __func__));
	KASSERT(
	    to >= 0, ("%s: timer has a calculated negative timeout", __func__));

	if ((int64_t)kq_ncallouts + 1 > sim_tunable("kern.kq_calloutmax")
	    || SIM_FAIL_POINT(SIM_FP_FILT_TIMERATTACH_KQ_CALLOUTMAX))
		return (ENOMEM);
	kq_ncallouts++;

	if ((kn->kn_sfflags & NOTE_ABSTIME) == 0)
		KN_SET_FLAGS(kn, kn->kn_flags | EV_CLEAR); /* automatically */
	/* In flux and not yet visible: the kernel writes it unlocked. */
	KN_SET_STATUS(kn, kn->kn_status & ~KN_DETACHED); /* no knlist_add */
	kn->kn_ptr.p_v = kc = sim_calloc(1, sizeof(*kc));
	if (kc == NULL)
		abort();
	kc->kn = kn;
	kc->p = curproc;
	kc->flags = 0;
	callout_init(&kc->c, 1);
	kc->c.c_owner = kn->kn_obj.so_name; /* for snapshots */
	filt_timerstart(kn, to);

	return (0);
}

/*
 * Models filt_timercopy(): the child's copy gets its own callout with the
 * parent's deadline and period, armed at once.  ENOMEM beyond
 * kern.kq_calloutmax (the knote is then not copied).
 */
static int
filt_timercopy(struct knote *kn, struct proc *p1)
{
	struct kq_timer_cb_data *kc_src, *kc;

	if ((int64_t)kq_ncallouts + 1 > sim_tunable("kern.kq_calloutmax")
	    || SIM_FAIL_POINT(SIM_FP_FILT_TIMERCOPY_KQ_CALLOUTMAX))
		return (ENOMEM);
	kq_ncallouts++;

	/* kn is the copy, not yet visible: the kernel writes it unlocked. */
	KN_SET_STATUS(kn, kn->kn_status & ~KN_DETACHED);
	kc_src = kn->kn_ptr.p_v;
	kn->kn_ptr.p_v = kc = sim_calloc(1, sizeof(*kc));
	if (kc == NULL)
		abort();
	kc->kn = kn;
	/* XXX: f_copy gets no process here; the child being forked. */
	kc->p = p1 != NULL ? p1 : proc_fork_child();
	kc->flags = kc_src->flags & ~KQ_TIMER_CB_ENQUEUED;
	kc->next = kc_src->next;
	kc->to = kc_src->to;
	callout_init(&kc->c, 1);
	kc->c.c_owner = kn->kn_obj.so_name; /* for snapshots */
	kqtimer_sched_callout(kc);
	return (0);
}

/*
 * Models filt_timerdetach(): drains the callout, takes the timer off its
 * process's stop list, and drains again while kqtimer_proc_continue() may
 * have re-armed it meanwhile (the process lock is the interlock); frees
 * the state.
 */
static void
filt_timerdetach(struct knote *kn)
{
	struct kq_timer_cb_data *kc;
	unsigned int old;
	bool pending;

	kc = kn->kn_ptr.p_v;
	do {
		(void)callout_drain(&kc->c);

		PROC_LOCK(kc->p);
		if ((kc->flags & KQ_TIMER_CB_ENQUEUED) != 0) {
			kc->flags &= ~KQ_TIMER_CB_ENQUEUED;
			sim_trace_int(__func__, &kn->kn_obj, "kc_flags",
			    KQ_TIMER_CB_ENQUEUED, kc->flags);
			TAILQ_REMOVE(&kc->p->p_kqtim_stop, kc, link);
		}
		pending = callout_pending(&kc->c);
		PROC_UNLOCK(kc->p);
	} while (pending);
	sim_quarantine(kc, NULL, __func__);
	kn->kn_ptr.p_v = NULL;
	old = kq_ncallouts--;
	KASSERT(old > 0, ("Number of callouts cannot become negative"));
	KN_SET_STATUS(kn, kn->kn_status | KN_DETACHED); /* no knlist_remove */
}

/*
 * Models filt_timertouch(): a re-add drains the callout, discards the
 * undelivered expiries and restarts with the new parameters (invalid ones
 * leave EV_ERROR and the errno in the knote); a scan reports the count and,
 * with EV_CLEAR, resets it.
 */
static void
filt_timertouch(struct knote *kn, struct kevent *kev, unsigned long type)
{
	struct kq_timer_cb_data *kc;
	struct kqueue *kq;
	int64_t to;
	int error;

	switch (type) {
	case EVENT_REGISTER:
		/* Re-added timers take the new data/fflags. */
		if (kev->flags & EV_ADD) {
			kc = kn->kn_ptr.p_v;

			/* Drain any existing callout. */
			(void)callout_drain(&kc->c);

			/*
			 * Throw away undelivered expirations of the old
			 * parameters, with the kqueue locked.
			 */
			kq = kn->kn_kq;
			KQ_LOCK(kq);
			if (kn->kn_status & KN_QUEUED)
				knote_dequeue(kn);

			KN_SET_STATUS(kn, kn->kn_status & ~KN_ACTIVE);
			KN_SET_DATA(kn, 0);
			KQ_UNLOCK(kq);

			/* Reschedule the timer with the new data/fflags. */
			KN_SET_SFFLAGS(kn, kev->fflags);
			KN_SET_SDATA(kn, kev->data);
			error = filt_timervalidate(kn, &to);
			if (error != 0) {
				KN_SET_FLAGS(kn, kn->kn_flags | EV_ERROR);
				KN_SET_DATA(kn, sim_errno_number(error));
			} else
				filt_timerstart(kn, to);
		}
		break;

	case EVENT_PROCESS:
		*kev = kn->kn_kevent;
		if (kn->kn_flags & EV_CLEAR) {
			KN_SET_DATA(kn, 0);
			KN_SET_FFLAGS(kn, 0);
		}
		break;

	default:
		sim_panic(
		    __func__, "filt_timertouch() - invalid type (%lu)", type);
		break;
	}
}

/* Models filt_timer(): pending expiries. */
static int
filt_timer(struct knote *kn, long hint)
{
	return (kn->kn_data != 0);
}

const struct filterops timer_filtops = {
	.f_isfd = 0,
	.f_attach = filt_timerattach,
	.f_detach = filt_timerdetach,
	.f_event = filt_timer,
	.f_touch = filt_timertouch,
	.f_copy = filt_timercopy,
};

/*
 * EVFILT_USER
 */

/*
 * Models filt_userattach(): the trigger state is 'kn_hookid'.  'kn_fflags'
 * was zeroed by kqueue_register(), so EV_ADD|NOTE_TRIGGER does not trigger
 * (code-derived).
 */
static int
filt_userattach(struct knote *kn)
{
	kn->kn_hook = NULL;
	if (kn->kn_fflags & NOTE_TRIGGER)
		kn->kn_hookid = 1;
	else
		kn->kn_hookid = 0;
	/*
	 * The knote stays KN_DETACHED (nothing clears it, unlike kqueue(9)
	 * asks): knote_drop() never calls f_detach, and the CPONFORK copy
	 * skips it (code-derived).
	 */
	return (0);
}

/* Models filt_userdetach(): nothing is attached. */
static void
filt_userdetach(struct knote *kn)
{
}

/* Models filt_user(): triggered or not. */
static int
filt_user(struct knote *kn, long hint)
{
	return (kn->kn_hookid);
}

/*
 * Models filt_usertouch(): NOTE_TRIGGER and the FFNOP/FFAND/FFOR/FFCOPY
 * update of the saved flags on register; the saved fflags/data are what a
 * scan reports.  EV_CLEAR resets the trigger.
 */
static void
filt_usertouch(struct knote *kn, struct kevent *kev, unsigned long type)
{
	unsigned int ffctrl;

	switch (type) {
	case EVENT_REGISTER:
		if (kev->fflags & NOTE_TRIGGER)
			kn->kn_hookid = 1;

		ffctrl = kev->fflags & NOTE_FFCTRLMASK;
		kev->fflags &= NOTE_FFLAGSMASK;
		switch (ffctrl) {
		case NOTE_FFNOP:
			break;

		case NOTE_FFAND:
			KN_SET_SFFLAGS(
			    kn, (unsigned int)kn->kn_sfflags & kev->fflags);
			break;

		case NOTE_FFOR:
			KN_SET_SFFLAGS(
			    kn, (unsigned int)kn->kn_sfflags | kev->fflags);
			break;

		case NOTE_FFCOPY:
			KN_SET_SFFLAGS(kn, kev->fflags);
			break;

		default:
			/* The kernel's own comment: return an error? */
			break;
		}
		KN_SET_SDATA(kn, kev->data);
		if (kev->flags & EV_CLEAR) {
			kn->kn_hookid = 0;
			KN_SET_DATA(kn, 0);
			KN_SET_FFLAGS(kn, 0);
		}
		break;

	case EVENT_PROCESS:
		*kev = kn->kn_kevent;
		kev->fflags = (uint32_t)kn->kn_sfflags;
		kev->data = kn->kn_sdata;
		if (kn->kn_flags & EV_CLEAR) {
			kn->kn_hookid = 0;
			KN_SET_DATA(kn, 0);
			KN_SET_FFLAGS(kn, 0);
		}
		break;

	default:
		sim_panic(
		    __func__, "filt_usertouch() - invalid type (%lu)", type);
		break;
	}
}

const struct filterops user_filtops = {
	.f_attach = filt_userattach,
	.f_detach = filt_userdetach,
	.f_event = filt_user,
	.f_touch = filt_usertouch,
	.f_copy = knote_triv_copy,
};

/*
 * EVFILT_FS: the knotes hang on 'fs_knlist', which vfs_event_signal()
 * notifies.  Its callers in FreeBSD are mount and unmount
 * (vfs_domount_first(): VQ_MOUNT, dounmount(): VQ_UNMOUNT), the NFS
 * client's server timeouts (VQ_NOTRESP) and file systems reporting
 * VQ_LOWDISK/VQ_DEAD; the modelled system has one in-memory file system,
 * no mount(2), no NFS and no disks, so nothing reachable from a scenario
 * calls it and the knote never fires (attach and delete work as in the
 * kernel).
 */

/* Models filt_fsattach() in sys/kern/vfs_subr.c. */
static int
filt_fsattach(struct knote *kn)
{
	KN_SET_FLAGS(kn, kn->kn_flags | EV_CLEAR);
	/* XXX: no fs_knlist; the knote is in flux, owned by us. */
	KN_SET_STATUS(kn, kn->kn_status & ~KN_DETACHED);
	return (0);
}

static void
filt_fsdetach(struct knote *kn)
{
	KN_SET_STATUS(kn, kn->kn_status | KN_DETACHED);
}

/* Models filt_fsevent(): the fflags seen so far. */
static int
filt_fsevent(struct knote *kn, long hint)
{
	return (kn->kn_fflags != 0);
}

const struct filterops fs_filtops = {
	.f_isfd = 0,
	.f_attach = filt_fsattach,
	.f_detach = filt_fsdetach,
	.f_event = filt_fsevent,
	.f_copy = knote_triv_copy,
};

/*
 * Pipes (sys/kern/sys_pipe.c)
 */

static void filt_pipedetach(struct knote *kn);
static void filt_pipedetach_notsup(struct knote *kn);
static int filt_pipenotsup(struct knote *kn, long hint);
static int filt_piperead(struct knote *kn, long hint);
static int filt_pipewrite(struct knote *kn, long hint);

static const struct filterops pipe_nfiltops = {
	.f_isfd = 1,
	.f_detach = filt_pipedetach_notsup,
	.f_event = filt_pipenotsup,
	.f_copy = knote_triv_copy,
};
static const struct filterops pipe_rfiltops = {
	.f_isfd = 1,
	.f_detach = filt_pipedetach,
	.f_event = filt_piperead,
	.f_copy = knote_triv_copy,
};
static const struct filterops pipe_wfiltops = {
	.f_isfd = 1,
	.f_detach = filt_pipedetach,
	.f_event = filt_pipewrite,
	.f_copy = knote_triv_copy,
};

/*
 * Models pipe_kqfilter(): EVFILT_READ watches this end's buffer, EVFILT_WRITE
 * the peer's (where writes go; a FIFO's own, PIPE_PEER()).  A filter the
 * descriptor's access mode does not allow attaches a knote that never
 * fires.  EPIPE for EVFILT_WRITE when the reader is gone; any other filter
 * is EINVAL, or on a FIFO the vnode's (vfs_kqfilter(): EVFILT_VNODE).
 */
int
pipe_kqfilter(struct file *fp, struct knote *kn)
{
	struct pipe *cpipe;

	if ((kn->kn_filter == EVFILT_READ) && !(fp->f_flag & FREAD)) {
		kn->kn_fop = &pipe_nfiltops; /* stays KN_DETACHED */
		return (0);
	}
	if ((kn->kn_filter == EVFILT_WRITE) && !(fp->f_flag & FWRITE)) {
		kn->kn_fop = &pipe_nfiltops; /* stays KN_DETACHED */
		return (0);
	}
	cpipe = fp->f_data;
	PIPE_LOCK(cpipe);
	switch (kn->kn_filter) {
	case EVFILT_READ:
		kn->kn_fop = &pipe_rfiltops;
		break;
	case EVFILT_WRITE:
		kn->kn_fop = &pipe_wfiltops;
		if (!cpipe->pipe_peer->pipe_present) {
			/* The other end of the pipe has been closed. */
			PIPE_UNLOCK(cpipe);
			return (EPIPE);
		}
		cpipe = PIPE_PEER(cpipe);
		break;
	default:
		if ((cpipe->pipe_type & PIPE_TYPE_NAMED) != 0) {
			PIPE_UNLOCK(cpipe);
			return (vn_kqfilter(fp, kn));
		}
		PIPE_UNLOCK(cpipe);
		return (EINVAL);
	}

	kn->kn_hook = cpipe;
	knlist_add(&cpipe->pipe_sel.si_note, kn, 1);
	PIPE_UNLOCK(cpipe);
	return (0);
}

/* Models filt_pipedetach() in sys/kern/sys_pipe.c. */
static void
filt_pipedetach(struct knote *kn)
{
	struct pipe *cpipe = kn->kn_hook;

	PIPE_LOCK(cpipe);
	knlist_remove(&cpipe->pipe_sel.si_note, kn, 1);
	PIPE_UNLOCK(cpipe);
}

static void
filt_pipedetach_notsup(struct knote *kn)
{
}

/* Models filt_pipenotsup(): never an event. */
static int
filt_pipenotsup(struct knote *kn, long hint)
{
	return (0);
}

/*
 * Models filt_piperead(): bytes readable; EV_EOF once the writer is gone.
 * On a FIFO only once a writer this reader could have seen has gone
 * ('f_pipegen' of its open differs from 'pipe_wgen'): a reader with no
 * writer yet waits, without EOF.
 */
static int
filt_piperead(struct knote *kn, long hint)
{
	struct pipe *rpipe = kn->kn_hook;

	mtx_assert(PIPE_MTX(rpipe), MA_OWNED);
	KN_SET_DATA(kn, (int64_t)rpipe->pipe_buffer.cnt);

	if ((rpipe->pipe_state & PIPE_EOF) != 0
	    && ((rpipe->pipe_type & PIPE_TYPE_NAMED) == 0
		|| kn->kn_fp->f_pipegen != rpipe->pipe_wgen)) {
		KN_SET_FLAGS(kn, kn->kn_flags | EV_EOF);
		return (1);
	}
	KN_SET_FLAGS(kn, kn->kn_flags & ~EV_EOF);
	return (kn->kn_data > 0);
}

/*
 * Models filt_pipewrite(): free space in the reader's buffer, true from
 * PIPE_BUF bytes; EV_EOF once the reader is gone.
 */
static int
filt_pipewrite(struct knote *kn, long hint)
{
	struct pipe *wpipe = kn->kn_hook;

	/*
	 * If the reader's end is closed, the knote was removed from its
	 * knlist and the list lock is not held.
	 */
	if (wpipe->pipe_present || (wpipe->pipe_type & PIPE_TYPE_NAMED) != 0) {
		mtx_assert(PIPE_MTX(wpipe), MA_OWNED);
		KN_SET_DATA(kn,
		    (int64_t)(wpipe->pipe_buffer.size
			- wpipe->pipe_buffer.cnt));
	}

	if (!wpipe->pipe_present || (wpipe->pipe_state & PIPE_EOF)) {
		KN_SET_FLAGS(kn, kn->kn_flags | EV_EOF);
		return (1);
	}
	KN_SET_FLAGS(kn, kn->kn_flags & ~EV_EOF);
	return (kn->kn_data >= PIPE_BUF);
}

/*
 * Sockets (sys/kern/uipc_socket.c)
 */

static void filt_sordetach(struct knote *kn);
static int filt_soread(struct knote *kn, long hint);
static void filt_sowdetach(struct knote *kn);
static int filt_sowrite(struct knote *kn, long hint);
static int filt_soempty(struct knote *kn, long hint);

static const struct filterops soread_filtops = {
	.f_isfd = 1,
	.f_detach = filt_sordetach,
	.f_event = filt_soread,
	.f_copy = knote_triv_copy,
};
static const struct filterops sowrite_filtops = {
	.f_isfd = 1,
	.f_detach = filt_sowdetach,
	.f_event = filt_sowrite,
	.f_copy = knote_triv_copy,
};
static const struct filterops soempty_filtops = {
	.f_isfd = 1,
	.f_detach = filt_sowdetach,
	.f_event = filt_soempty,
	.f_copy = knote_triv_copy,
};

/*
 * Models soo_kqfilter()/sokqfilter(): EVFILT_READ on the receive buffer,
 * EVFILT_WRITE and EVFILT_EMPTY on the send buffer, EINVAL otherwise.
 */
int
soo_kqfilter(struct file *fp, struct knote *kn)
{
	struct socket *so = kn->kn_fp->f_data;
	struct knlist *knl;

	switch (kn->kn_filter) {
	case EVFILT_READ:
		kn->kn_fop = &soread_filtops;
		knl = &so->so_rcv.sb_sel.si_note;
		break;
	case EVFILT_WRITE:
		kn->kn_fop = &sowrite_filtops;
		knl = &so->so_snd.sb_sel.si_note;
		break;
	case EVFILT_EMPTY:
		kn->kn_fop = &soempty_filtops;
		knl = &so->so_snd.sb_sel.si_note;
		break;
	default:
		return (EINVAL);
	}

	SOCK_LOCK(so);
	knlist_add(knl, kn, 1);
	SOCK_UNLOCK(so);
	return (0);
}

/* Models filt_sordetach() in sys/kern/uipc_socket.c. */
static void
filt_sordetach(struct knote *kn)
{
	struct socket *so = kn->kn_fp->f_data;

	SOCK_LOCK(so);
	knlist_remove(&so->so_rcv.sb_sel.si_note, kn, 1);
	SOCK_UNLOCK(so);
}

/* Models filt_sowdetach() in sys/kern/uipc_socket.c. */
static void
filt_sowdetach(struct knote *kn)
{
	struct socket *so = kn->kn_fp->f_data;

	SOCK_LOCK(so);
	knlist_remove(&so->so_snd.sb_sel.si_note, kn, 1);
	SOCK_UNLOCK(so);
}

/*
 * Models filt_soread() in sys/kern/uipc_socket.c: the bytes buffered; at
 * EOF (SBS_CANTRCVMORE) EV_EOF with the socket's error in fflags; a
 * pending error is an event; else from the NOTE_LOWAT threshold in
 * 'data', or from the receive buffer's 'sb_lowat' (SO_RCVLOWAT, 1 by
 * default).
 */
static int
filt_soread(struct knote *kn, long hint)
{
	struct socket *so = kn->kn_fp->f_data;

	mtx_assert(SOCK_MTX(so), MA_OWNED);
	KN_SET_DATA(kn, (int64_t)so->so_rcv.sb_cc);
	if (so->so_rcv.sb_state & SBS_CANTRCVMORE) {
		KN_SET_FLAGS(kn, kn->kn_flags | EV_EOF);
		KN_SET_FFLAGS(kn, (uint32_t)so->so_error);
		return (1);
	} else if (so->so_error != 0)
		return (1);

	if (kn->kn_sfflags & NOTE_LOWAT) {
		if (kn->kn_data >= kn->kn_sdata)
			return (1);
	} else if (so->so_rcv.sb_cc >= so->so_rcv.sb_lowat)
		return (1);
	return (0);
}

/*
 * Models uipc_filt_sowrite() in sys/kern/uipc_usrreq.c (the EVFILT_WRITE
 * of a unix stream socket since the 2025 rewrite of uipc_usrreq.c; sbspace()
 * of filt_sowrite() is not used): 'data' is the room in the peer's receive
 * buffer (uipc_stream_sbspace()); an event from the NOTE_LOWAT threshold,
 * else from the peer's 'sb_lowat' (its SO_RCVLOWAT; this socket's
 * SO_SNDLOWAT plays no part).  EV_EOF once the peer cannot receive; a
 * disconnected socket (peer closed) reports EV_EOF with 'so_error' in
 * fflags and leaves 'data' as it was.  XXX: the freebsd@pre-* revisions
 * (2016-2018) had uipc_send() appending to the peer and SB_STOP on the
 * send buffer (data = sbspace(&so->so_snd)); they get this filter too.
 */
static int
filt_sowrite(struct knote *kn, long hint)
{
	struct socket *so = kn->kn_fp->f_data, *so2 = so->so_peer;

	mtx_assert(SOCK_MTX(so), MA_OWNED);
	if (so2 == NULL || !so2->so_present) {
		/* unp2 == NULL, SS_ISDISCONNECTED */
		KN_SET_FLAGS(kn, kn->kn_flags | EV_EOF);
		KN_SET_FFLAGS(kn, (uint32_t)so->so_error);
		return (1);
	}
	KN_SET_DATA(kn, (int64_t)uipc_stream_sbspace(&so2->so_rcv));

	if (so2->so_rcv.sb_state & SBS_CANTRCVMORE) {
		KN_SET_FLAGS(kn, kn->kn_flags | EV_EOF);
		return (1);
	} else if (kn->kn_sfflags & NOTE_LOWAT)
		return (kn->kn_data >= kn->kn_sdata);
	else
		return (kn->kn_data >= (int64_t)so2->so_rcv.sb_lowat);
}

/*
 * Models uipc_filt_soempty() in sys/kern/uipc_usrreq.c: always an event
 * once disconnected; else 'data' is the room in the peer's receive buffer
 * and the event holds when that room is 0.  Code-derived: this is the
 * reverse of filt_soempty()'s "nothing left in the send buffer"
 * (sbused() == 0): the kernel reports a unix stream socket "empty" when
 * the peer's buffer is full.
 */
static int
filt_soempty(struct knote *kn, long hint)
{
	struct socket *so = kn->kn_fp->f_data, *so2 = so->so_peer;

	mtx_assert(SOCK_MTX(so), MA_OWNED);
	if (so2 == NULL || !so2->so_present)
		return (1);
	KN_SET_DATA(kn, (int64_t)uipc_stream_sbspace(&so2->so_rcv));
	return (kn->kn_data == 0 ? 1 : 0);
}

/*
 * Vnodes (sys/kern/vfs_subr.c)
 */

static void filt_vfsdetach(struct knote *kn);
static int filt_vfsread(struct knote *kn, long hint);
static int filt_vfswrite(struct knote *kn, long hint);
static int filt_vfsvnode(struct knote *kn, long hint);

static const struct filterops vfsread_filtops = {
	.f_isfd = 1,
	.f_detach = filt_vfsdetach,
	.f_event = filt_vfsread,
	.f_copy = knote_triv_copy,
};
static const struct filterops vfswrite_filtops = {
	.f_isfd = 1,
	.f_detach = filt_vfsdetach,
	.f_event = filt_vfswrite,
	.f_copy = knote_triv_copy,
};
static const struct filterops vfsvnode_filtops = {
	.f_isfd = 1,
	.f_detach = filt_vfsdetach,
	.f_event = filt_vfsvnode,
	.f_copy = knote_triv_copy,
};

/*
 * Models vfs_kqfilter(): EVFILT_READ, EVFILT_WRITE and EVFILT_VNODE on the
 * vnode's knlist, EINVAL otherwise.
 */
int
vn_kqfilter(struct file *fp, struct knote *kn)
{
	struct vnode *vp = fp->f_vnode != NULL ? fp->f_vnode : fp->f_data;

	switch (kn->kn_filter) {
	case EVFILT_READ:
		kn->kn_fop = &vfsread_filtops;
		break;
	case EVFILT_WRITE:
		kn->kn_fop = &vfswrite_filtops;
		break;
	case EVFILT_VNODE:
		kn->kn_fop = &vfsvnode_filtops;
		break;
	default:
		return (EINVAL);
	}

	kn->kn_hook = vp;
	knlist_add(&vp->v_pollinfo.si_note, kn, 0);
	return (0);
}

/* Models filt_vfsdetach() in sys/kern/vfs_subr.c. */
static void
filt_vfsdetach(struct knote *kn)
{
	struct vnode *vp = kn->kn_hook;

	knlist_remove(&vp->v_pollinfo.si_note, kn, 0);
}

/*
 * Models filt_vfsread(): bytes from the file offset to the end; always an
 * event with NOTE_FILE_POLL.
 */
static int
filt_vfsread(struct knote *kn, long hint)
{
	struct vnode *vp = kn->kn_hook;

	if (hint == NOTE_REVOKE) {
		KN_SET_FLAGS(kn, kn->kn_flags | EV_EOF | EV_ONESHOT);
		return (1);
	}
	KN_SET_DATA(kn, vp->v_size - kn->kn_fp->f_offset);
	return ((kn->kn_sfflags & NOTE_FILE_POLL) != 0 || kn->kn_data != 0);
}

/* Models filt_vfswrite(): a vnode is always writable. */
static int
filt_vfswrite(struct knote *kn, long hint)
{
	if (hint == NOTE_REVOKE)
		KN_SET_FLAGS(kn, kn->kn_flags | EV_EOF | EV_ONESHOT);
	KN_SET_DATA(kn, 0);
	return (1);
}

/* Models filt_vfsvnode(): accumulates the requested NOTE_* hints. */
static int
filt_vfsvnode(struct knote *kn, long hint)
{
	if (kn->kn_sfflags & hint)
		KN_SET_FFLAGS(kn, kn->kn_fflags | (uint32_t)hint);
	if (hint == NOTE_REVOKE) {
		KN_SET_FLAGS(kn, kn->kn_flags | EV_EOF);
		return (1);
	}
	return (kn->kn_fflags != 0);
}

/* The NOTE_* hint of one shared file-system event. */
static long
vnev_hint(enum sim_vnev ev)
{
	switch (ev) {
	case VNEV_WRITE:
		return (NOTE_WRITE);
	case VNEV_EXTEND:
		return (NOTE_EXTEND);
	case VNEV_TRUNC:
		return (NOTE_ATTRIB); /* vop_setattr_post */
	case VNEV_ATTRIB:
		return (NOTE_ATTRIB);
	case VNEV_LINK:
		return (NOTE_LINK);
	case VNEV_DELETE:
		return (NOTE_DELETE);
	case VNEV_RENAME_FROM:
		return (NOTE_RENAME);
	case VNEV_RENAME_TO:
		return (NOTE_DELETE); /* the replaced target, vop_rename_post */
	case VNEV_ACCESS:
		return (NOTE_READ);
	case VNEV_OPEN:
		return (NOTE_OPEN);
	case VNEV_CLOSE:
		return (NOTE_CLOSE);
	case VNEV_CLOSE_WRITE:
		return (NOTE_CLOSE_WRITE);
	}
	return (0);
}

/*
 * Models VN_KNOTE() in sys/sys/vnode.h as the VOP post hooks of
 * sys/kern/vfs_subr.c (vop_write_post, vop_mkdir_post, vop_remove_post,
 * vop_rename_post, vop_setattr_post...) reach it through VFS_KNOTE_LOCKED()
 * and VFS_KNOTE_UNLOCKED(): one hint, the events of the operation combined,
 * posted with KNF_NOKQLOCK, so filt_vfsvnode() runs with the knote in flux
 * and its kqueue unlocked.  Called with the vnode interlock (the knlist
 * lock) held for VFS_KNOTE_LOCKED(), without it for VFS_KNOTE_UNLOCKED().
 */
void
freebsd_vnode_post(struct vnode *vp, unsigned int evs)
{
	long hint = 0;
	unsigned int ev;

	for (ev = 0; ev <= VNEV_CLOSE_WRITE; ev++)
		if ((evs & VNEV_BIT(ev)) != 0)
			hint |= vnev_hint((enum sim_vnev)ev);
	if (hint == 0)
		return;
	/* VN_KNLIST_EMPTY() */
	if (SLIST_EMPTY(&vp->v_pollinfo.si_note.kl_list))
		return;
	kqueue_runinit();
	knote(&vp->v_pollinfo.si_note, hint,
	    (mtx_owned(&vp->v_interlock) ? KNF_LISTLOCKED : 0) | KNF_NOKQLOCK);
}

/* One shared file-system event, as its own VFS_KNOTE_LOCKED() hint. */
void
freebsd_vnode_event(struct vnode *vp, enum sim_vnev ev)
{
	freebsd_vnode_post(vp, VNEV_BIT(ev));
}
