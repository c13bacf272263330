/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kqueue of FreeBSD 5.x under Giant (revision freebsd@7773002).  Models
 * sys/kern/kern_event.c at revision 7773002178c8 (2003-04, Jonathan
 * Lemon's code before the 2004 rewrite), the file of
 * seeds/000_18ff6dd3fccf25ff.txt, function by function under the same
 * names; with the pieces of that era's other files the kqueue depends on:
 * the pipe filters of sys/kern/sys_pipe.c, the socket filters of
 * sys/kern/uipc_socket.c, the ufs filters of sys/ufs/ufs/ufs_vnops.c, the
 * signal filter of sys/kern/kern_sig.c, tvtohz() of sys/kern/kern_clock.c,
 * itimerfix() of sys/kern/kern_time.c, and where close(), fork() and
 * exit() take Giant (kern_descrip.c, kern_fork.c, kern_exit.c).  Today's
 * model (kern_event.c) is a different file; the two share nothing but the
 * process, descriptor, pipe, socket and file-system layer.
 *
 * Theory of operation, as the seed has it.  A knote is (kqueue, ident,
 * filter).  Knotes live in the descriptor table of the process that owns
 * the kqueue, not in the kqueue: fd filters in 'fd_knlist[fd]', the others
 * in the hash 'fd_knhash'; every kqueue of the table shares those lists
 * and tells its own knotes by 'kn_kq'.  A knote also hangs on the 'si_note'
 * list of its event source through 'kn_selnext'.  'kn_status' has four
 * bits: ACTIVE (the filter reported an event), QUEUED (on 'kq_head',
 * counted in 'kq_count'), DISABLED and DETACHED (the watched process is
 * gone).  There is no flux: nothing but Giant (and spl, a no-op on one
 * simulated CPU) protects a knote, so a thread that sleeps while it holds
 * a knote by pointer (an M_WAITOK allocation, the 'tsleep' of the scan)
 * lets another thread change or free it.  kqueue_scan() puts a marker at
 * the tail of 'kq_head' and takes knotes from the head: a disabled one is
 * unqueued, a non-oneshot one is re-evaluated and dropped from the queue
 * if false, the rest are copied into the kqueue's own buffer 'kq_kev'
 * (shared with change processing) and then either dropped (EV_ONESHOT),
 * reset (EV_CLEAR) or requeued at the tail.
 *
 * Giant.  kevent(), kqueue(), close(), fork() and exit() run under the
 * Giant sleep mutex, and so does the callout that expires timers.  Giant is
 * dropped where those paths sleep: the 'tsleep' of kqueue_scan() and, as
 * modelled here, at every allocation that may sleep (M_WAITOK), at the
 * scan's copyout() (a page fault may sleep) and in a close that blocks
 * (vn_close(), soclose(): see fdrop() in sim/fd.c), each of which releases
 * Giant and is a scheduling point (XXX: the kernel only sleeps there when
 * memory is short or a page is out; this is the worst case, which is what
 * makes the races of that design reachable by 'evsim explore').  kevent()
 * drops its file reference after releasing Giant, so the last close of a
 * kqueue may run kqueue_close() without it.  Reads, writes and signals do
 * not take Giant and call knote() on the source's list.  Freed knotes are
 * kept until the next run ('kn_freed'), so that a race the seed allowed
 * ends in a panic rather than in a use of freed host memory.
 *
 * Time is counted in ticks of 'kern.hz' (default 100): timeouts become
 * ticks through tvtohz(), which rounds up and adds one tick, and the scan
 * reads the uptime of the last tick (getmicrouptime()).
 *
 * Deviations are marked XXX.  A knote's memory is calloc'd; copyin and
 * copyout never fault; the softclock takes Giant before it dequeues a
 * timer callout (XXX: 5.x dequeued first, so a callout_stop() racing a
 * callout blocked on Giant could free the knote under it; that window is
 * closed here because the simulator would really touch freed memory).
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_7773002.h"
#include "fd.h"
#include "kernel.h"
#include "pipe.h"
#include "proc.h"
#include "sim.h"
#include "simrun.h"
#include "socket.h"
#include "sync.h"
#include "vfs.h"

const struct sim_flagname kn_status_names_7773002[] = {
	{ KN_ACTIVE, "ACTIVE" },
	{ KN_QUEUED, "QUEUED" },
	{ KN_DISABLED, "DISABLED" },
	{ KN_DETACHED, "DETACHED" },
	{ 0, NULL },
};

static const struct sim_flagname ev_flag_names_7773002[] = {
	{ EV_ADD, "ADD" },
	{ EV_DELETE, "DELETE" },
	{ EV_ENABLE, "ENABLE" },
	{ EV_DISABLE, "DISABLE" },
	{ EV_ONESHOT, "ONESHOT" },
	{ EV_CLEAR, "CLEAR" },
	{ EV_FLAG1, "FLAG1" },
	{ EV_ERROR, "ERROR" },
	{ EV_EOF, "EOF" },
	{ 0, NULL },
};

const struct sim_flagname kq_state_names_7773002[] = {
	{ KQ_SEL, "SEL" },
	{ KQ_SLEEP, "SLEEP" },
	{ 0, NULL },
};

#define KN_SET_STATUS(kn, v)                                                   \
	SIM_SET_FLAGS(&(kn)->kn_obj, "kn_status", kn_status_names_7773002,     \
	    (kn)->kn_status, (v))
#define KN_SET_FLAGS(kn, v)                                                    \
	SIM_SET_FLAGS(&(kn)->kn_obj, "kn_flags", ev_flag_names_7773002,        \
	    (kn)->kn_flags, (v))
#define KN_SET_FFLAGS(kn, v)                                                   \
	SIM_SET(&(kn)->kn_obj, "kn_fflags", (kn)->kn_fflags, (uint32_t)(v))
#define KN_SET_DATA(kn, v) SIM_SET(&(kn)->kn_obj, "kn_data", (kn)->kn_data, (v))
#define KN_SET_SFFLAGS(kn, v)                                                  \
	SIM_SET(&(kn)->kn_obj, "kn_sfflags", (kn)->kn_sfflags, (int)(v))
#define KN_SET_SDATA(kn, v)                                                    \
	SIM_SET(&(kn)->kn_obj, "kn_sdata", (kn)->kn_sdata, (v))
#define KQ_SET_COUNT(kq, v)                                                    \
	SIM_SET(&(kq)->kq_obj, "kq_count", (kq)->kq_count, (v))
#define KQ_SET_STATE(kq, v)                                                    \
	SIM_SET_FLAGS(&(kq)->kq_obj, "kq_state", kq_state_names_7773002,       \
	    (kq)->kq_state, (v))

/* FILEDESC_LOCK of 5.x was a mutex; the shared table has an sx. */
#define FILEDESC_LOCK(fdp) FILEDESC_XLOCK(fdp)
#define FILEDESC_UNLOCK(fdp) FILEDESC_XUNLOCK(fdp)

/* The knote lists of a table, with a klist view of a selinfo's list. */
#define SI_KLIST(sip) (&(sip)->si_note.kl_list)

/*
 * Per-run state: the kernel's globals live as long as the system; here they
 * are reset whenever a new run (a new scheduler generation) begins.
 */
static struct {
	uint64_t gen;
	struct mtx Giant;
	int hz; /* kern.hz */
	int tick; /* microseconds per tick */
	int64_t tick_ns;
} seed;

static int kq_ncallouts;

/*
 * Freed knotes, kept until the next run: a thread of that kernel that
 * slept with a knote pointer in hand (kqueue_close()'s 'kn0') may come
 * back to a knote another thread freed, and the model must then panic on
 * 'kn_freed', not touch freed host memory.
 */
static struct knote *kn_quarantine;

/*
 * SLIST_REMOVE() of sys/sys/queue.h for a knote: in the kernel, removing a
 * knote that is no longer on the list (another thread detached it while
 * this one slept, as knote_fdclose() racing kqueue_close() can) walks off
 * the list's end, a NULL dereference and a panic.  XXX: the model checks
 * first and panics with the knote's name instead of faulting itself.
 */
#define KN_SLIST_REMOVE(head, kn, type, field)                                 \
	do {                                                                   \
		struct knote *kn_it_;                                          \
                                                                               \
		SLIST_FOREACH(kn_it_, (head), field)                           \
			if (kn_it_ == (kn))                                    \
				break;                                         \
		KASSERT(kn_it_ != NULL,                                        \
		    ("%s is not on the list it is removed from (%s)",          \
			(kn)->kn_obj.so_name,                                  \
			(kn)->kn_freed ? "freed" : "detached"));               \
		SLIST_REMOVE((head), (kn), type, field);                       \
	} while (0)

#define Giant (seed.Giant)

/*
 * mtx_lock(&Giant) at a syscall's start: taking Giant is a scheduling
 * point of that kernel (another CPU may take it first).
 */
#define GIANT_LOCK()                                                           \
	do {                                                                   \
		sched_point();                                                 \
		mtx_lock(&Giant);                                              \
	} while (0)

/* Resets the model's globals when a new run begins. */
static void
seed_runinit(void)
{
	if (seed.gen == sched_generation())
		return;
	memset(&seed, 0, sizeof(seed));
	seed.gen = sched_generation();
	/* The quarantined knotes went with the last run's heap. */
	kn_quarantine = NULL;
	mtx_init(&Giant, "Giant", NULL, MTX_DEF | MTX_RECURSE);
	seed.hz = (int)sim_tunable("kern.hz");
	seed.tick = 1000000 / seed.hz;
	seed.tick_ns = 1000000000LL / seed.hz;
	kq_ncallouts = 0;
}

/*
 * The tick clock
 */

/* The current value of 'ticks'. */
static int64_t
ticks_now(void)
{
	return (sched_now() / seed.tick_ns);
}

/* Models getmicrouptime(): the uptime as of the last tick. */
static void
getmicrouptime(struct timeval *tv)
{
	int64_t t = ticks_now() * seed.tick_ns;

	tv->tv_sec = t / 1000000000;
	tv->tv_usec = (t % 1000000000) / 1000;
}

/*
 * Models tvtohz() in sys/kern/kern_clock.c: ticks for a timeval, rounded up
 * plus one for the tick in progress; at least 1, at most INT_MAX.
 */
static int
tvtohz(const struct timeval *tv)
{
	unsigned long ticks;
	long sec, usec;

	sec = (long)tv->tv_sec;
	usec = (long)tv->tv_usec;
	if (usec < 0) {
		sec--;
		usec += 1000000;
	}
	if (sec < 0)
		ticks = 1;
	else if (sec <= LONG_MAX / 1000000)
		ticks = ((unsigned long)sec * 1000000 + (unsigned long)usec
			    + (unsigned long)(seed.tick - 1))
			/ (unsigned long)seed.tick
		    + 1;
	else if (sec <= LONG_MAX / seed.hz)
		ticks = (unsigned long)sec * (unsigned long)seed.hz
		    + ((unsigned long)usec + (unsigned long)(seed.tick - 1))
			/ (unsigned long)seed.tick
		    + 1;
	else
		ticks = LONG_MAX;
	if (ticks > INT_MAX)
		ticks = INT_MAX;
	return ((int)ticks);
}

/*
 * Models itimerfix() in sys/kern/kern_time.c: EINVAL out of range, and a
 * nonzero time below one tick becomes one tick.
 */
static int
itimerfix(struct timeval *tv)
{
	if (tv->tv_sec < 0 || tv->tv_sec > 100000000 || tv->tv_usec < 0
	    || tv->tv_usec >= 1000000)
		return (EINVAL);
	if (tv->tv_sec == 0 && tv->tv_usec != 0 && tv->tv_usec < seed.tick)
		tv->tv_usec = seed.tick;
	return (0);
}

/* ns from now to the tick 'ticks' after the current one. */
static int64_t
ticks_to_ns(int ticks)
{
	return ((ticks_now() + ticks) * seed.tick_ns - sched_now());
}

/* Models callout_reset() with a timeout in ticks (at least one). */
static void
callout_reset_ticks(
    struct callout *c, int ticks, void (*func)(void *), void *arg)
{
	if (ticks <= 0)
		ticks = 1;
	(void)callout_reset(c, ticks_to_ns(ticks), func, arg);
}

/* Models tsleep(): msleep() that releases Giant while asleep. */
static int
tsleep(const void *chan, int pri, const char *wmesg, int timo)
{
	return (msleep(chan, mtx_owned(&Giant) ? &Giant : NULL, pri, wmesg,
	    timo > 0 ? ticks_to_ns(timo) : 0));
}

/*
 * An allocation with M_WAITOK: it may sleep, and sleeping releases Giant
 * (DROP_GIANT/PICKUP_GIANT in msleep()).  XXX: modelled as always
 * releasing Giant for a scheduling point, the worst case.
 */
static void
malloc_waitok(void)
{
	int recurse;

	if (!mtx_owned(&Giant)) {
		sched_point();
		return;
	}
	recurse = Giant.mtx_recurse;
	Giant.mtx_recurse = 0;
	mtx_unlock(&Giant);
	mtx_lock(&Giant);
	Giant.mtx_recurse = recurse;
}

/*
 * copyout() to user memory may take a page fault that sleeps, which
 * releases Giant like any sleep.  XXX: modelled as always sleeping, as
 * malloc_waitok().
 */
static void
copyout_fault(void)
{
	malloc_waitok();
}

/*
 * Declarations, as the seed has them
 */

static int kqueue_scan(struct file *fp, int maxevents,
    struct kevent_copyops *k_ops, const struct timeval *tsp, bool tv_zero,
    bool tv_invalid, struct thread *td, int *ret_n);
static void kqueue_wakeup(struct kqueue *kq);
static int kqueue_register(
    struct kqueue *kq, struct kevent *kev, struct thread *td);
static int kqueue_kqfilter(struct file *fp, struct knote *kn);
static int kqueue_close(struct file *fp, struct thread *td);

static void knote(struct klist *list, long hint);
static void knote_remove(struct thread *td, struct klist *list);
static void knote_fdclose(struct thread *td, int fd);
static void knote_attach(struct knote *kn, struct filedesc *fdp);
static void knote_drop(struct knote *kn, struct thread *td);
static void knote_enqueue(struct knote *kn);
static void knote_dequeue(struct knote *kn);
static struct knote *knote_alloc(bool waitok);
static void knote_free(struct knote *kn);

static void filt_kqdetach(struct knote *kn);
static int filt_kqueue(struct knote *kn, long hint);
static int filt_procattach(struct knote *kn);
static void filt_procdetach(struct knote *kn);
static int filt_proc(struct knote *kn, long hint);
static int filt_fileattach(struct knote *kn);
static void filt_timerexpire(void *knx);
static int filt_timerattach(struct knote *kn);
static void filt_timerdetach(struct knote *kn);
static int filt_timer(struct knote *kn, long hint);
static int filt_sigattach(struct knote *kn);
static void filt_sigdetach(struct knote *kn);
static int filt_signal(struct knote *kn, long hint);

static const struct filterops file_filtops = { 1, filt_fileattach, NULL, NULL };
static const struct filterops kqread_filtops
    = { 1, NULL, filt_kqdetach, filt_kqueue };
static const struct filterops proc_filtops
    = { 0, filt_procattach, filt_procdetach, filt_proc };
static const struct filterops timer_filtops
    = { 0, filt_timerattach, filt_timerdetach, filt_timer };
/* Models sig_filtops of sys/kern/kern_sig.c. */
static const struct filterops sig_filtops
    = { 0, filt_sigattach, filt_sigdetach, filt_signal };

/*
 * Models the KNOTE_ACTIVATE() macro: a macro so that the trace names the
 * function where the seed expands it.
 */
#define KNOTE_ACTIVATE(kn)                                                     \
	do {                                                                   \
		KN_SET_STATUS((kn), (kn)->kn_status | KN_ACTIVE);              \
		if (((kn)->kn_status & (KN_QUEUED | KN_DISABLED)) == 0)        \
			knote_enqueue(kn);                                     \
	} while (0)

#define KN_HASHSIZE 64 /* XXX should be tunable */
#define KN_HASH(val, mask) (((val) ^ ((val) >> 8)) & (mask))

/* Models filt_nullattach(): EVFILT_AIO without the aio module. */
static int
filt_nullattach(struct knote *kn)
{
	return (ENXIO);
}

static const struct filterops null_filtops = { 0, filt_nullattach, NULL, NULL };

/* Models sysfilt_ops[], the table of all system-defined filters. */
static const struct filterops *sysfilt_ops[] = {
	&file_filtops, /* EVFILT_READ */
	&file_filtops, /* EVFILT_WRITE */
	&null_filtops, /* EVFILT_AIO */
	&file_filtops, /* EVFILT_VNODE */
	&proc_filtops, /* EVFILT_PROC */
	&sig_filtops, /* EVFILT_SIGNAL */
	&timer_filtops, /* EVFILT_TIMER */
	&file_filtops, /* EVFILT_NETDEV */
};

static int pipe_kqfilter(struct file *fp, struct knote *kn);
static int soo_kqfilter(struct file *fp, struct knote *kn);
static int ufs_kqfilter(struct file *fp, struct knote *kn);

/*
 * Models fo_kqfilter() of that era's fileops.  XXX: the shared fileops
 * vectors point at today's filters, so the era's are chosen by 'f_type'.
 */
static int
fo_kqfilter(struct file *fp, struct knote *kn)
{
	switch (fp->f_type) {
	case DTYPE_PIPE:
		return (pipe_kqfilter(fp, kn));
	case DTYPE_SOCKET:
		return (soo_kqfilter(fp, kn));
	case DTYPE_VNODE:
		return (ufs_kqfilter(fp, kn));
	case DTYPE_KQUEUE:
		return (kqueue_kqfilter(fp, kn));
	default:
		/*
		 * XXX: no other file type is modelled, FIFOs included (2003's
		 * fifo_kqfilter() attached to the FIFO's sockets).
		 */
		return (1);
	}
}

/* Models filt_fileattach() in sys/kern/kern_event.c. */
static int
filt_fileattach(struct knote *kn)
{
	return (fo_kqfilter(kn->kn_fp, kn));
}

/*
 * Models kqueue_kqfilter(): EVFILT_READ only, any kqueue (itself included);
 * any other filter returns 1, which kqueue_register() passes on as an
 * errno (EPERM).
 */
static int
kqueue_kqfilter(struct file *fp, struct knote *kn)
{
	struct kqueue *kq = kn->kn_fp->f_data;

	if (kn->kn_filter != EVFILT_READ)
		return (1);

	kn->kn_fop = &kqread_filtops;
	SLIST_INSERT_HEAD(SI_KLIST(&kq->kq_sel), kn, kn_selnext);
	return (0);
}

/* Models filt_kqdetach() in sys/kern/kern_event.c. */
static void
filt_kqdetach(struct knote *kn)
{
	struct kqueue *kq = kn->kn_fp->f_data;

	KN_SLIST_REMOVE(SI_KLIST(&kq->kq_sel), kn, knote, kn_selnext);
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
 * Models filt_procattach(): the process, or with NOTE_EXIT a zombie (which
 * fires at once); EV_CLEAR set; the EV_FLAG1 registration of NOTE_TRACK
 * reports NOTE_CHILD with the parent's pid.
 */
static int
filt_procattach(struct knote *kn)
{
	struct proc *p;
	int immediate;

	immediate = 0;
	p = pfind((int)kn->kn_id);
	if (p == NULL && (kn->kn_sfflags & NOTE_EXIT)) {
		p = kn->kn_id <= INT32_MAX ? pfind_any((int)kn->kn_id) : NULL;
		immediate = 1;
	}
	if (p == NULL || kn->kn_id > INT32_MAX)
		return (ESRCH);
	/* p_cansee(): every process sees every other here. */
	PROC_LOCK(p);

	kn->kn_ptr.p_proc = p;
	KN_SET_FLAGS(kn, kn->kn_flags | EV_CLEAR); /* automatically set */

	/* Internal flag indicating registration done by kernel. */
	if (kn->kn_flags & EV_FLAG1) {
		KN_SET_DATA(kn, kn->kn_sdata); /* ppid */
		KN_SET_FFLAGS(kn, NOTE_CHILD);
		KN_SET_FLAGS(kn, kn->kn_flags & ~EV_FLAG1);
	}

	SLIST_INSERT_HEAD(SI_KLIST(&p->p_sel), kn, kn_selnext);

	/*
	 * Immediately activate any exit notes if the target process is a
	 * zombie.
	 */
	if (immediate && filt_proc(kn, (long)NOTE_EXIT))
		KNOTE_ACTIVATE(kn);

	PROC_UNLOCK(p);

	return (0);
}

/*
 * Models filt_procdetach(): a DETACHED knote's process is gone, so there is
 * no list to leave.
 */
static void
filt_procdetach(struct knote *kn)
{
	struct proc *p = kn->kn_ptr.p_proc;

	if (kn->kn_status & KN_DETACHED)
		return;

	PROC_LOCK(p);
	KN_SLIST_REMOVE(SI_KLIST(&p->p_sel), kn, knote, kn_selnext);
	PROC_UNLOCK(p);
}

/*
 * Models filt_proc(): records the events asked for; NOTE_EXIT always fires
 * (DETACHED, EV_EOF|EV_ONESHOT, no exit status); NOTE_TRACK registers the
 * child in the same kqueue.
 */
static int
filt_proc(struct knote *kn, long hint)
{
	unsigned int event;

	/* Mask off extra data. */
	event = (unsigned int)hint & NOTE_PCTRLMASK;

	/* If the user is interested in this event, record it. */
	if (kn->kn_sfflags & event)
		KN_SET_FFLAGS(kn, kn->kn_fflags | event);

	/* Process is gone, so flag the event as finished. */
	if (event == NOTE_EXIT) {
		KN_SET_STATUS(kn, kn->kn_status | KN_DETACHED);
		KN_SET_FLAGS(kn, kn->kn_flags | EV_EOF | EV_ONESHOT);
		return (1);
	}

	/* Process will already be reported as gone: report nothing else. */
	if (kn->kn_status & KN_DETACHED)
		return (0);

	/*
	 * Process forked, and user wants to track the new process, so attach
	 * a new knote to it, and immediately report an event with the
	 * parent's pid.
	 */
	if ((event == NOTE_FORK) && (kn->kn_sfflags & NOTE_TRACK)) {
		struct kevent kev;
		int error;

		memset(&kev, 0, sizeof(kev));
		kev.ident = (uint64_t)(hint & NOTE_PDATAMASK); /* pid */
		kev.filter = kn->kn_filter;
		kev.flags = kn->kn_flags | EV_ADD | EV_ENABLE | EV_FLAG1;
		kev.fflags = (uint32_t)kn->kn_sfflags;
		kev.data = (int64_t)kn->kn_id; /* parent */
		kev.udata = kn->kn_kevent.udata; /* preserve udata */
		error = kqueue_register(kn->kn_kq, &kev, NULL);
		if (error)
			KN_SET_FFLAGS(kn, kn->kn_fflags | NOTE_TRACKERR);
	}

	return (kn->kn_fflags != 0);
}

/*
 * Models filt_timerexpire(): counts an expiry and re-arms a periodic timer
 * with its period in ticks.  Runs on the softclock thread under Giant.
 */
static void
filt_timerexpire(void *knx)
{
	struct knote *kn = knx;
	struct callout *calloutp;
	struct timeval tv;
	int tticks;

	KN_SET_DATA(kn, kn->kn_data + 1);
	KNOTE_ACTIVATE(kn);

	if ((kn->kn_flags & EV_ONESHOT) == 0) {
		tv.tv_sec = kn->kn_sdata / 1000;
		tv.tv_usec = (kn->kn_sdata % 1000) * 1000;
		tticks = tvtohz(&tv);
		calloutp = (struct callout *)kn->kn_hook;
		callout_reset_ticks(calloutp, tticks, filt_timerexpire, kn);
	}
}

/*
 * Models filt_timerattach(): data is the period in milliseconds; ENOMEM
 * beyond kern.kq_calloutmax.
 */
static int
filt_timerattach(struct knote *kn)
{
	struct callout *calloutp;
	struct timeval tv;
	int tticks;

	if (kq_ncallouts >= sim_tunable("kern.kq_calloutmax")
	    || SIM_FAIL_POINT(SIM_FP_FILT_TIMERATTACH_KQ_CALLOUTMAX))
		return (ENOMEM);
	kq_ncallouts++;

	tv.tv_sec = kn->kn_sdata / 1000;
	tv.tv_usec = (kn->kn_sdata % 1000) * 1000;
	tticks = tvtohz(&tv);

	KN_SET_FLAGS(kn, kn->kn_flags | EV_CLEAR); /* automatically set */
	malloc_waitok(); /* MALLOC(calloutp, ..., M_WAITOK) */
	calloutp = sim_calloc(1, sizeof(*calloutp));
	if (calloutp == NULL)
		sim_oom();
	/* XXX: callout_init(calloutp, 0): softclock takes Giant, see top. */
	callout_init_mtx(calloutp, &Giant, 0);
	callout_reset_ticks(calloutp, tticks, filt_timerexpire, kn);
	kn->kn_hook = calloutp;

	return (0);
}

/* Models filt_timerdetach(): stops and frees the callout. */
static void
filt_timerdetach(struct knote *kn)
{
	struct callout *calloutp;

	calloutp = (struct callout *)kn->kn_hook;
	callout_stop(calloutp);
	sim_free(calloutp);
	kn->kn_hook = NULL;
	kq_ncallouts--;
}

/* Models filt_timer(): true while expiries are counted. */
static int
filt_timer(struct knote *kn, long hint)
{
	return (kn->kn_data != 0);
}

/* Models filt_sigattach() in sys/kern/kern_sig.c: the caller's process. */
static int
filt_sigattach(struct knote *kn)
{
	struct proc *p = curproc;

	kn->kn_ptr.p_proc = p;
	KN_SET_FLAGS(kn, kn->kn_flags | EV_CLEAR); /* automatically set */

	PROC_LOCK(p);
	SLIST_INSERT_HEAD(SI_KLIST(&p->p_sel), kn, kn_selnext);
	PROC_UNLOCK(p);

	return (0);
}

/* Models filt_sigdetach() in sys/kern/kern_sig.c. */
static void
filt_sigdetach(struct knote *kn)
{
	struct proc *p = kn->kn_ptr.p_proc;

	PROC_LOCK(p);
	KN_SLIST_REMOVE(SI_KLIST(&p->p_sel), kn, knote, kn_selnext);
	PROC_UNLOCK(p);
}

/*
 * Models filt_signal() in sys/kern/kern_sig.c: counts deliveries of the
 * knote's signal (the hint carries NOTE_SIGNAL; process hints do not).
 */
static int
filt_signal(struct knote *kn, long hint)
{
	if (hint & NOTE_SIGNAL) {
		hint &= ~(long)NOTE_SIGNAL;

		if (kn->kn_id == (uint64_t)hint)
			KN_SET_DATA(kn, kn->kn_data + 1);
	}
	return (kn->kn_data != 0);
}

/*
 * The file filters of that era
 */

static void filt_pipedetach(struct knote *kn);
static int filt_piperead(struct knote *kn, long hint);
static int filt_pipewrite(struct knote *kn, long hint);

static const struct filterops pipe_rfiltops
    = { 1, NULL, filt_pipedetach, filt_piperead };
static const struct filterops pipe_wfiltops
    = { 1, NULL, filt_pipedetach, filt_pipewrite };

#undef PIPE_BUF
#define PIPE_BUF 512 /* FreeBSD's <sys/syslimits.h> */

/* The pipe's lock, unless the caller (a selwakeup()) holds it already. */
static bool
pipe_lock_maybe(struct pipe *p)
{
	if (mtx_owned(PIPE_MTX(p)))
		return (false);
	PIPE_LOCK(p);
	return (true);
}

/*
 * Models pipe_kqfilter() in sys/kern/sys_pipe.c of 2003: EVFILT_READ on
 * this end, EVFILT_WRITE on the peer (EBADF when it is gone), 1 (EPERM
 * once returned) for any other filter; the list's pipe is kept in
 * 'kn_hook'.  No check of the access mode.
 */
static int
pipe_kqfilter(struct file *fp, struct knote *kn)
{
	struct pipe *cpipe;
	bool locked;

	cpipe = kn->kn_fp->f_data;
	switch (kn->kn_filter) {
	case EVFILT_READ:
		kn->kn_fop = &pipe_rfiltops;
		break;
	case EVFILT_WRITE:
		kn->kn_fop = &pipe_wfiltops;
		if (!cpipe->pipe_peer->pipe_present)
			/* other end of pipe has been closed */
			return (EBADF);
		cpipe = cpipe->pipe_peer;
		break;
	default:
		return (1);
	}
	kn->kn_hook = cpipe;

	locked = pipe_lock_maybe(cpipe);
	SLIST_INSERT_HEAD(SI_KLIST(&cpipe->pipe_sel), kn, kn_selnext);
	if (locked)
		PIPE_UNLOCK(cpipe);
	return (0);
}

/*
 * Models filt_pipedetach(): leaves the list of the pipe in 'kn_hook', even
 * when that end is closed (XXX: 2003 freed it then; here a pipe pair lives
 * until both ends are closed, and a write knote holds the other end).
 */
static void
filt_pipedetach(struct knote *kn)
{
	struct pipe *cpipe = kn->kn_hook;
	bool locked;

	locked = pipe_lock_maybe(cpipe);
	KN_SLIST_REMOVE(SI_KLIST(&cpipe->pipe_sel), kn, knote, kn_selnext);
	if (locked)
		PIPE_UNLOCK(cpipe);
}

/* Models filt_piperead(): bytes buffered; EV_EOF once either end closed. */
static int
filt_piperead(struct knote *kn, long hint)
{
	struct pipe *rpipe = kn->kn_fp->f_data;
	struct pipe *wpipe = rpipe->pipe_peer;
	bool locked;

	locked = pipe_lock_maybe(rpipe);
	KN_SET_DATA(kn, (int64_t)rpipe->pipe_buffer.cnt);

	if ((rpipe->pipe_state & PIPE_EOF) || !wpipe->pipe_present
	    || (wpipe->pipe_state & PIPE_EOF)) {
		KN_SET_FLAGS(kn, kn->kn_flags | EV_EOF);
		if (locked)
			PIPE_UNLOCK(rpipe);
		return (1);
	}
	if (locked)
		PIPE_UNLOCK(rpipe);
	return (kn->kn_data > 0);
}

/* Models filt_pipewrite(): space in the peer's buffer, true from PIPE_BUF. */
static int
filt_pipewrite(struct knote *kn, long hint)
{
	struct pipe *rpipe = kn->kn_fp->f_data;
	struct pipe *wpipe = rpipe->pipe_peer;
	bool locked;

	locked = pipe_lock_maybe(rpipe);
	if (!wpipe->pipe_present || (wpipe->pipe_state & PIPE_EOF)) {
		KN_SET_DATA(kn, 0);
		KN_SET_FLAGS(kn, kn->kn_flags | EV_EOF);
		if (locked)
			PIPE_UNLOCK(rpipe);
		return (1);
	}
	KN_SET_DATA(kn,
	    (int64_t)wpipe->pipe_buffer.size - (int64_t)wpipe->pipe_buffer.cnt);

	if (locked)
		PIPE_UNLOCK(rpipe);
	return (kn->kn_data >= PIPE_BUF);
}

static void filt_sordetach(struct knote *kn);
static int filt_soread(struct knote *kn, long hint);
static void filt_sowdetach(struct knote *kn);
static int filt_sowrite(struct knote *kn, long hint);

static const struct filterops soread_filtops
    = { 1, NULL, filt_sordetach, filt_soread };
static const struct filterops sowrite_filtops
    = { 1, NULL, filt_sowdetach, filt_sowrite };

#define SO_LOWAT_SND 2048 /* 'sb_lowat' of a unix stream send buffer */

/* The socket pair's lock, unless the caller (a selwakeup()) holds it. */
static bool
sock_lock_maybe(struct socket *so)
{
	if (mtx_owned(SOCK_MTX(so)))
		return (false);
	SOCK_LOCK(so);
	return (true);
}

/*
 * Models sokqfilter() in sys/kern/uipc_socket.c of 2003: EVFILT_READ on
 * the receive buffer, EVFILT_WRITE on the send buffer, 1 otherwise.
 */
static int
soo_kqfilter(struct file *fp, struct knote *kn)
{
	struct socket *so = kn->kn_fp->f_data;
	struct sockbuf *sb;
	bool locked;

	switch (kn->kn_filter) {
	case EVFILT_READ:
		kn->kn_fop = &soread_filtops;
		sb = &so->so_rcv;
		break;
	case EVFILT_WRITE:
		kn->kn_fop = &sowrite_filtops;
		sb = &so->so_snd;
		break;
	default:
		return (1);
	}

	locked = sock_lock_maybe(so);
	SLIST_INSERT_HEAD(SI_KLIST(&sb->sb_sel), kn, kn_selnext);
	if (locked)
		SOCK_UNLOCK(so);
	return (0);
}

/* Models filt_sordetach() in sys/kern/uipc_socket.c. */
static void
filt_sordetach(struct knote *kn)
{
	struct socket *so = kn->kn_fp->f_data;
	bool locked = sock_lock_maybe(so);

	KN_SLIST_REMOVE(SI_KLIST(&so->so_rcv.sb_sel), kn, knote, kn_selnext);
	if (locked)
		SOCK_UNLOCK(so);
}

/* Models filt_soread(): bytes buffered; EV_EOF once nothing can arrive. */
static int
filt_soread(struct knote *kn, long hint)
{
	struct socket *so = kn->kn_fp->f_data;

	KN_SET_DATA(kn, (int64_t)so->so_rcv.sb_cc);
	if (so->so_rcv.sb_state & SBS_CANTRCVMORE) {
		KN_SET_FLAGS(kn, kn->kn_flags | EV_EOF);
		KN_SET_FFLAGS(kn, 0); /* so_error */
		return (1);
	}
	if (kn->kn_sfflags & NOTE_LOWAT)
		return (kn->kn_data >= kn->kn_sdata);
	return (kn->kn_data >= 1); /* 'sb_lowat' of a receive buffer */
}

/* Models filt_sowdetach() in sys/kern/uipc_socket.c. */
static void
filt_sowdetach(struct knote *kn)
{
	struct socket *so = kn->kn_fp->f_data;
	bool locked = sock_lock_maybe(so);

	KN_SLIST_REMOVE(SI_KLIST(&so->so_snd.sb_sel), kn, knote, kn_selnext);
	if (locked)
		SOCK_UNLOCK(so);
}

/*
 * Models filt_sowrite(): send space (the peer's receive space here); EV_EOF
 * once nothing can be sent.
 */
static int
filt_sowrite(struct knote *kn, long hint)
{
	struct socket *so = kn->kn_fp->f_data, *so2 = so->so_peer;
	int64_t space;

	space = 0;
	if (so2 != NULL && so2->so_present)
		space = (int64_t)so2->so_rcv.sb_hiwat
		    - (int64_t)so2->so_rcv.sb_cc;
	KN_SET_DATA(kn, space);
	if ((so->so_snd.sb_state & SBS_CANTSENDMORE) || so2 == NULL
	    || !so2->so_present || (so2->so_rcv.sb_state & SBS_CANTRCVMORE)) {
		KN_SET_FLAGS(kn, kn->kn_flags | EV_EOF);
		KN_SET_FFLAGS(kn, 0); /* so_error */
		return (1);
	}
	if (kn->kn_sfflags & NOTE_LOWAT)
		return (kn->kn_data >= kn->kn_sdata);
	return (kn->kn_data >= SO_LOWAT_SND);
}

static void filt_ufsdetach(struct knote *kn);
static int filt_ufsread(struct knote *kn, long hint);
static int filt_ufswrite(struct knote *kn, long hint);
static int filt_ufsvnode(struct knote *kn, long hint);

static const struct filterops ufsread_filtops
    = { 1, NULL, filt_ufsdetach, filt_ufsread };
static const struct filterops ufswrite_filtops
    = { 1, NULL, filt_ufsdetach, filt_ufswrite };
static const struct filterops ufsvnode_filtops
    = { 1, NULL, filt_ufsdetach, filt_ufsvnode };

/*
 * Models ufs_kqfilter() in sys/ufs/ufs/ufs_vnops.c of 2003: READ, WRITE and
 * VNODE on the vnode's 'v_pollinfo', 1 for any other filter.
 */
static int
ufs_kqfilter(struct file *fp, struct knote *kn)
{
	struct vnode *vp = fp->f_vnode;

	switch (kn->kn_filter) {
	case EVFILT_READ:
		kn->kn_fop = &ufsread_filtops;
		break;
	case EVFILT_WRITE:
		kn->kn_fop = &ufswrite_filtops;
		break;
	case EVFILT_VNODE:
		kn->kn_fop = &ufsvnode_filtops;
		break;
	default:
		return (1);
	}

	kn->kn_hook = vp;
	mtx_lock(&vp->v_interlock);
	SLIST_INSERT_HEAD(SI_KLIST(&vp->v_pollinfo), kn, kn_selnext);
	mtx_unlock(&vp->v_interlock);

	return (0);
}

/* Models filt_ufsdetach() in sys/ufs/ufs/ufs_vnops.c. */
static void
filt_ufsdetach(struct knote *kn)
{
	struct vnode *vp = kn->kn_hook;

	mtx_lock(&vp->v_interlock);
	KN_SLIST_REMOVE(SI_KLIST(&vp->v_pollinfo), kn, knote, kn_selnext);
	mtx_unlock(&vp->v_interlock);
}

/* Models filt_ufsread(): bytes past the file offset. */
static int
filt_ufsread(struct knote *kn, long hint)
{
	struct vnode *vp = kn->kn_hook;

	if (hint == NOTE_REVOKE) {
		KN_SET_FLAGS(kn, kn->kn_flags | EV_EOF | EV_ONESHOT);
		return (1);
	}
	KN_SET_DATA(kn, vp->v_size - kn->kn_fp->f_offset);
	return (kn->kn_data != 0);
}

/* Models filt_ufswrite(): always writable. */
static int
filt_ufswrite(struct knote *kn, long hint)
{
	if (hint == NOTE_REVOKE)
		KN_SET_FLAGS(kn, kn->kn_flags | EV_EOF | EV_ONESHOT);
	KN_SET_DATA(kn, 0);
	return (1);
}

/* Models filt_ufsvnode(): records the vnode events asked for. */
static int
filt_ufsvnode(struct knote *kn, long hint)
{
	if (kn->kn_sfflags & hint)
		KN_SET_FFLAGS(kn, kn->kn_fflags | (uint32_t)hint);
	if (hint == NOTE_REVOKE) {
		KN_SET_FLAGS(kn, kn->kn_flags | EV_EOF);
		return (1);
	}
	return (kn->kn_fflags != 0);
}

/*
 * kqueue(2) and kevent(2)
 */

/* Models kqueue_read(): ENXIO. */
static int
kqueue_rdwr(
    struct file *fp, char *buf, size_t len, size_t *ret_n, struct thread *td)
{
	return (ENXIO); /* kqueue_read() */
}

/* Models kqueue_write(): ENXIO. */
static int
kqueue_wrrd(struct file *fp, const char *buf, size_t len, size_t *ret_n,
    struct thread *td)
{
	return (ENXIO); /* kqueue_write() */
}

/* Models kqueueops: not passable, so fork leaves the child's slot empty. */
static const struct fileops kqueueops = {
	.fo_name = "kqueue",
	.fo_read = kqueue_rdwr,
	.fo_write = kqueue_wrrd,
	.fo_close = kqueue_close,
	.fo_flags = 0,
};

struct kqueue *
kqueue_of_file_7773002(struct file *fp)
{
	if (fp == NULL || fp->f_ops != &kqueueops)
		return (NULL);
	return (fp->f_data);
}

/* Models kqueue() in sys/kern/kern_event.c: a new kqueue under Giant. */
static int
kqueue(struct thread *td, int *ret_fd)
{
	struct filedesc *fdp;
	struct kqueue *kq;
	struct file *fp;
	int fd, error;

	seed_runinit();
	GIANT_LOCK();
	fdp = td->td_proc->p_fd;
	malloc_waitok(); /* falloc() */
	error = falloc(td, &fp, &fd, 0);
	if (error)
		goto done2;
	/* An extra reference on 'fp' has been held for us by falloc(). */
	malloc_waitok(); /* malloc(M_KQUEUE, M_WAITOK | M_ZERO) */
	kq = sim_calloc(1, sizeof(*kq));
	if (kq == NULL)
		sim_oom();
	TAILQ_INIT(&kq->kq_head);
	sim_obj_init(&kq->kq_obj, "kqueue");
	sim_trace_created(__func__, &kq->kq_obj);
	finit(fp, FREAD | FWRITE, DTYPE_KQUEUE, kq, &kqueueops);
	(void)fdrop(fp, td);
	FILEDESC_LOCK(fdp);
	*ret_fd = fd;
	if (fdp->fd_knlistsize < 0)
		fdp->fd_knlistsize = 0; /* this process has a kq */
	FILEDESC_UNLOCK(fdp);
	kq->kq_fdp = fdp;
	sim_obj_label(
	    &kq->kq_obj, "kqueue of pid %d (fd %d)", td->td_proc->p_pid, fd);
done2:
	mtx_unlock(&Giant);
	return (error);
}

/*
 * Models kevent() in sys/kern/kern_event.c: EBADF for a descriptor that is
 * not a kqueue; changes in chunks of KQ_NEVENTS through the kqueue's own
 * buffer; an error becomes an EV_ERROR entry while 'nevents' is nonzero
 * (negative counts too: there is no check), else the call's error; then the
 * scan.
 */
static int
kevent(struct thread *td, int fd, int nchanges, int nevents,
    struct kevent_copyops *k_ops, int64_t timeout_ns, bool tv_invalid,
    int *ret_n)
{
	struct kevent *kevp;
	struct kqueue *kq;
	struct file *fp;
	struct timeval ts;
	int i, n, nerrors, error;
	bool tv_zero = false;

	seed_runinit();
	*ret_n = 0;
	if ((error = fget(td, fd, &fp)) != 0)
		return (error);
	if (fp->f_type != DTYPE_KQUEUE || fp->f_ops != &kqueueops) {
		(void)fdrop(fp, td);
		return (EBADF);
	}
	/* copyin of the timespec, kept as a timeval (usec truncated). */
	memset(&ts, 0, sizeof(ts));
	if (timeout_ns >= 0 && !tv_invalid) {
		ts.tv_sec = timeout_ns / 1000000000;
		ts.tv_usec = (timeout_ns % 1000000000) / 1000;
		tv_zero = timeout_ns == 0;
	}
	GIANT_LOCK();

	kq = fp->f_data;
	nerrors = 0;

	while (nchanges > 0) {
		n = nchanges > KQ_NEVENTS ? KQ_NEVENTS : nchanges;
		error = k_ops->k_copyin(k_ops->arg, kq->kq_kev, n);
		if (error)
			goto done;
		for (i = 0; i < n; i++) {
			kevp = &kq->kq_kev[i];
			/*
			 * The i386 kevent: 'ident' is a 32-bit uintptr_t and
			 * 'data' a 32-bit intptr_t (XXX: the binding's copy is
			 * 64-bit; this is copyin's view on that kernel).
			 */
			kevp->ident = (uint32_t)kevp->ident;
			kevp->data = (int32_t)kevp->data;
			kevp->flags &= ~EV_SYSFLAGS;
			error = kqueue_register(kq, kevp, td);
			if (error) {
				if (nevents != 0) {
					kevp->flags = EV_ERROR;
					kevp->data = sim_errno_number(error);
					(void)k_ops->k_copyout(
					    k_ops->arg, kevp, 1);
					nevents--;
					nerrors++;
				} else {
					goto done;
				}
			}
		}
		nchanges -= n;
	}
	if (nerrors) {
		*ret_n = nerrors;
		error = 0;
		goto done;
	}

	error = kqueue_scan(fp, nevents, k_ops,
	    timeout_ns < 0 && !tv_invalid ? NULL : &ts, tv_zero, tv_invalid, td,
	    ret_n);
done:
	mtx_unlock(&Giant);
	if (fp != NULL)
		(void)fdrop(fp, td);
	return (error);
}

static const char *const evfilt_label_7773002[]
    = { "", "EVFILT_READ", "EVFILT_WRITE", "EVFILT_AIO", "EVFILT_VNODE",
	      "EVFILT_PROC", "EVFILT_SIGNAL", "EVFILT_TIMER", "EVFILT_NETDEV" };

/*
 * Labels a knote in the 'objects' table as the main model does: its
 * kqueue and the descriptor for it in the kqueue's descriptor table,
 * ident, filter name and udata.
 */
static void
knote_label(const struct knote *kn)
{
	struct filedesc *fdp = kn->kn_kq->kq_fdp;
	char udata[96], fd[24], filt[24];
	int i;

	if (!sim_labels_on())
		return;
	fd[0] = '\0';
	for (i = 0; fdp != NULL && i < fdp->fd_nfiles; i++) {
		struct file *fp = fdp->fd_ofiles[i].fde_file;

		if (fp != NULL && kqueue_of_file_7773002(fp) == kn->kn_kq) {
			snprintf(fd, sizeof(fd), " (fd %d)", i);
			break;
		}
	}
	if (kn->kn_filter < 0
	    && -kn->kn_filter < (int)(sizeof(evfilt_label_7773002)
		   / sizeof(evfilt_label_7773002[0])))
		snprintf(filt, sizeof(filt), "%s",
		    evfilt_label_7773002[-kn->kn_filter]);
	else
		snprintf(filt, sizeof(filt), "filter %d", kn->kn_filter);
	if (kn->kn_kevent.udata == NULL)
		snprintf(udata, sizeof(udata), "nil");
	else if (sim_udata_describe != NULL)
		sim_udata_describe(kn->kn_kevent.udata, udata, sizeof(udata));
	else
		snprintf(udata, sizeof(udata), "#%" PRIdPTR,
		    (intptr_t)kn->kn_kevent.udata);
	sim_obj_label(&kn->kn_obj, "%s%s ident %" PRIu64 " %s udata %s",
	    kn->kn_kq->kq_obj.so_name, fd, (uint64_t)kn->kn_id, filt, udata);
}

/*
 * Models kqueue_register(): EINVAL for a filter that revision does not
 * have (0 and positive ones included), EBADF for a bad descriptor, ENOENT
 * without EV_ADD, the f_attach error (1 is EPERM) otherwise.  A re-add
 * changes only 'kn_sfflags', 'kn_sdata' and 'udata'.  td is NULL for the
 * kernel's own registration (NOTE_TRACK), which does not sleep.
 */
static int
kqueue_register(struct kqueue *kq, struct kevent *kev, struct thread *td)
{
	struct filedesc *fdp = kq->kq_fdp;
	const struct filterops *fops;
	struct file *fp = NULL;
	struct knote *kn = NULL;
	int error = 0;

	if (kev->filter < 0) {
		if (kev->filter + EVFILT_SYSCOUNT < 0)
			return (EINVAL);
		fops = sysfilt_ops[~kev->filter]; /* to 0-base index */
	} else {
		/*
		 * XXX filter attach routine is responsible for insuring that
		 * the identifier can be attached to it.
		 */
		return (EINVAL);
	}

	FILEDESC_LOCK(fdp);
	if (fops->f_isfd) {
		/* validate descriptor */
		if (kev->ident >= (uint64_t)fdp->fd_nfiles
		    || (fp = fdp->fd_ofiles[kev->ident].fde_file) == NULL) {
			FILEDESC_UNLOCK(fdp);
			return (EBADF);
		}
		fhold(fp);

		if (kev->ident < (uint64_t)fdp->fd_knlistsize) {
			SLIST_FOREACH(kn, &fdp->fd_knlist[kev->ident], kn_link)
				if (kq == kn->kn_kq
				    && kev->filter == kn->kn_filter)
					break;
		}
	} else {
		if (fdp->fd_knhashmask != 0) {
			struct klist *list;

			list = &fdp->fd_knhash[KN_HASH(
			    (unsigned long)kev->ident, fdp->fd_knhashmask)];
			SLIST_FOREACH(kn, list, kn_link)
				if (kev->ident == kn->kn_id && kq == kn->kn_kq
				    && kev->filter == kn->kn_filter)
					break;
		}
	}
	FILEDESC_UNLOCK(fdp);

	if (kn == NULL && ((kev->flags & EV_ADD) == 0)) {
		error = ENOENT;
		goto done;
	}

	/* kn now contains the matching knote, or NULL if no match. */
	if (kev->flags & EV_ADD) {
		if (kn == NULL) {
			kn = knote_alloc(td != NULL);
			kn->kn_fp = fp;
			kn->kn_kq = kq;
			kn->kn_fop = fops;

			/*
			 * Apply reference count to knote structure, and do
			 * not release it at the end of this routine.
			 */
			fp = NULL;

			kn->kn_kevent = *kev;
			kn->kn_kevent.fflags = 0;
			kn->kn_kevent.data = 0;
			sim_obj_init(&kn->kn_obj, "knote");
			sim_trace_created(__func__, &kn->kn_obj);
			knote_label(kn);
			{
				/* The fields set so far, for the trace. */
				uint16_t flags = kn->kn_flags;

				kn->kn_flags = 0;
				KN_SET_FLAGS(kn, flags);
			}
			KN_SET_SFFLAGS(kn, kev->fflags);
			KN_SET_SDATA(kn, kev->data);
			kev->fflags = 0;
			kev->data = 0;

			knote_attach(kn, fdp);
			if ((error = kn->kn_fop->f_attach(kn)) != 0) {
				knote_drop(kn, td);
				goto done;
			}
		} else {
			/*
			 * The user may change some filter values after the
			 * initial EV_ADD, but doing so will not reset any
			 * filter which has already been triggered.
			 */
			KN_SET_SFFLAGS(kn, kev->fflags);
			KN_SET_SDATA(kn, kev->data);
			kn->kn_kevent.udata = kev->udata;
			knote_label(kn);
		}

		if (kn->kn_fop->f_event(kn, 0))
			KNOTE_ACTIVATE(kn);

	} else if (kev->flags & EV_DELETE) {
		kn->kn_fop->f_detach(kn);
		knote_drop(kn, td);
		goto done;
	}

	if ((kev->flags & EV_DISABLE) && ((kn->kn_status & KN_DISABLED) == 0)) {
		KN_SET_STATUS(kn, kn->kn_status | KN_DISABLED);
	}

	if ((kev->flags & EV_ENABLE) && (kn->kn_status & KN_DISABLED)) {
		KN_SET_STATUS(kn, kn->kn_status & ~KN_DISABLED);
		if ((kn->kn_status & KN_ACTIVE)
		    && ((kn->kn_status & KN_QUEUED) == 0))
			knote_enqueue(kn);
	}

done:
	if (fp != NULL)
		(void)fdrop(fp, td);
	return (error);
}

/*
 * Models kqueue_scan(): waits (in ticks, Giant released) while the queue is
 * empty, then moves up to maxevents events out through 'kq_kev'.  A wakeup
 * at or after the deadline (as the last tick saw it) returns no events even
 * when some are queued.  Returns 0 with *ret_n, EINVAL (itimerfix), EINTR.
 */
static int
kqueue_scan(struct file *fp, int maxevents, struct kevent_copyops *k_ops,
    const struct timeval *tsp, bool tv_zero, bool tv_invalid, struct thread *td,
    int *ret_n)
{
	struct kqueue *kq;
	struct kevent *kevp;
	struct timeval atv, rtv, ttv;
	struct knote *kn, marker;
	int count, timeout, nkev = 0, error = 0;

	kq = fp->f_data;
	count = maxevents;
	if (count == 0)
		goto done;

	if (tsp != NULL) {
		atv = *tsp; /* TIMESPEC_TO_TIMEVAL */
		if (tv_invalid || itimerfix(&atv)) {
			error = EINVAL;
			goto done;
		}
		if (tv_zero)
			timeout = -1;
		else
			timeout = atv.tv_sec > 24 * 60 * 60
			    ? 24 * 60 * 60 * seed.hz
			    : tvtohz(&atv);
		getmicrouptime(&rtv);
		atv.tv_sec += rtv.tv_sec; /* timevaladd */
		atv.tv_usec += rtv.tv_usec;
		if (atv.tv_usec >= 1000000) {
			atv.tv_sec++;
			atv.tv_usec -= 1000000;
		}
	} else {
		atv.tv_sec = 0;
		atv.tv_usec = 0;
		timeout = 0;
	}
	goto start;

retry:
	if (atv.tv_sec || atv.tv_usec) {
		getmicrouptime(&rtv);
		if (rtv.tv_sec > atv.tv_sec
		    || (rtv.tv_sec == atv.tv_sec && rtv.tv_usec >= atv.tv_usec))
			goto done;
		ttv = atv; /* timevalsub */
		ttv.tv_sec -= rtv.tv_sec;
		ttv.tv_usec -= rtv.tv_usec;
		if (ttv.tv_usec < 0) {
			ttv.tv_sec--;
			ttv.tv_usec += 1000000;
		}
		timeout = ttv.tv_sec > 24 * 60 * 60 ? 24 * 60 * 60 * seed.hz
						    : tvtohz(&ttv);
	}

start:
	kevp = kq->kq_kev;
	if (kq->kq_count == 0) {
		if (timeout < 0) {
			error = EWOULDBLOCK;
		} else {
			KQ_SET_STATE(kq, kq->kq_state | KQ_SLEEP);
			error = tsleep(kq, PCATCH, "kqread", timeout);
		}
		if (error == 0)
			goto retry;
		/* don't restart after signals... */
		if (error == ERESTART)
			error = EINTR;
		else if (error == EWOULDBLOCK)
			error = 0;
		goto done;
	}

	memset(&marker, 0, sizeof(marker));
	marker.kn_marker = true;
	TAILQ_INSERT_TAIL(&kq->kq_head, &marker, kn_tqe);
	while (count) {
		kn = TAILQ_FIRST(&kq->kq_head);
		TAILQ_REMOVE(&kq->kq_head, kn, kn_tqe);
		/*
		 * XXX: the seed cannot tell another scan's marker (a scan
		 * asleep in copyout()) from a knote and calls through its
		 * uninitialised 'kn_fop'; here that is a panic.
		 */
		KASSERT(kn == &marker || !kn->kn_marker,
		    ("kqueue_scan: %s: another scan's marker taken as a knote",
			kq->kq_obj.so_name));
		if (kn == &marker) {
			if (count == maxevents)
				goto retry;
			goto done;
		}
		if (kn->kn_status & KN_DISABLED) {
			KN_SET_STATUS(kn, kn->kn_status & ~KN_QUEUED);
			KQ_SET_COUNT(kq, kq->kq_count - 1);
			continue;
		}
		if ((kn->kn_flags & EV_ONESHOT) == 0
		    && kn->kn_fop->f_event(kn, 0) == 0) {
			KN_SET_STATUS(
			    kn, kn->kn_status & ~(KN_QUEUED | KN_ACTIVE));
			KQ_SET_COUNT(kq, kq->kq_count - 1);
			continue;
		}
		*kevp = kn->kn_kevent;
		kevp++;
		nkev++;
		if (kn->kn_flags & EV_ONESHOT) {
			KN_SET_STATUS(kn, kn->kn_status & ~KN_QUEUED);
			KQ_SET_COUNT(kq, kq->kq_count - 1);
			kn->kn_fop->f_detach(kn);
			knote_drop(kn, td);
		} else if (kn->kn_flags & EV_CLEAR) {
			KN_SET_DATA(kn, 0);
			KN_SET_FFLAGS(kn, 0);
			KN_SET_STATUS(
			    kn, kn->kn_status & ~(KN_QUEUED | KN_ACTIVE));
			KQ_SET_COUNT(kq, kq->kq_count - 1);
		} else {
			TAILQ_INSERT_TAIL(&kq->kq_head, kn, kn_tqe);
		}
		count--;
		if (nkev == KQ_NEVENTS) {
			copyout_fault(); /* the marker stays queued */
			error = k_ops->k_copyout(k_ops->arg, kq->kq_kev, nkev);
			nkev = 0;
			kevp = kq->kq_kev;
			if (error)
				break;
		}
	}
	TAILQ_REMOVE(&kq->kq_head, &marker, kn_tqe);
done:
	if (nkev != 0) {
		copyout_fault();
		error = k_ops->k_copyout(k_ops->arg, kq->kq_kev, nkev);
	}
	*ret_n = maxevents - count;
	return (error);
}

/*
 * Models kqueue_close(): frees every knote of kq found in the table's
 * lists, releasing the table lock around each free.
 */
static int
kqueue_close(struct file *fp, struct thread *td)
{
	struct kqueue *kq = fp->f_data;
	struct filedesc *fdp = kq->kq_fdp;
	struct knote **knp, *kn, *kn0;
	int i;

	/*
	 * kqueue() installs the descriptor (falloc()) and sleeps in
	 * malloc(M_WAITOK) before it sets kq_fdp; a close(2) of that
	 * descriptor meanwhile leaves kqueue()'s own fdrop() the last
	 * reference, and this runs with kq_fdp NULL.  XXX: the kernel faults
	 * in FILEDESC_LOCK(NULL); the model panics with that instead.
	 */
	KASSERT(fdp != NULL,
	    ("kqueue_close: page fault: %s has no kq_fdp (closed while "
	     "kqueue() slept)",
		kq->kq_obj.so_name));
	FILEDESC_LOCK(fdp);
	for (i = 0; i < fdp->fd_knlistsize; i++) {
		knp = &SLIST_FIRST(&fdp->fd_knlist[i]);
		kn = *knp;
		while (kn != NULL) {
			/* XXX: the kernel would use the freed knote. */
			KASSERT(!kn->kn_freed,
			    ("kqueue_close: %s was freed while the table was "
			     "unlocked",
				kn->kn_obj.so_name));
			kn0 = SLIST_NEXT(kn, kn_link);
			if (kq == kn->kn_kq) {
				kn->kn_fop->f_detach(kn);
				*knp = kn0;
				FILEDESC_UNLOCK(fdp);
				(void)fdrop(kn->kn_fp, td);
				knote_free(kn);
				FILEDESC_LOCK(fdp);
			} else {
				knp = &SLIST_NEXT(kn, kn_link);
			}
			kn = kn0;
		}
	}
	if (fdp->fd_knhashmask != 0) {
		for (i = 0; i < (int)fdp->fd_knhashmask + 1; i++) {
			knp = &SLIST_FIRST(&fdp->fd_knhash[i]);
			kn = *knp;
			while (kn != NULL) {
				KASSERT(!kn->kn_freed,
				    ("kqueue_close: %s was freed while the "
				     "table was unlocked",
					kn->kn_obj.so_name));
				kn0 = SLIST_NEXT(kn, kn_link);
				if (kq == kn->kn_kq) {
					kn->kn_fop->f_detach(kn);
					*knp = kn0;
					/* XXX non-fd release of kn->kn_ptr */
					FILEDESC_UNLOCK(fdp);
					knote_free(kn);
					FILEDESC_LOCK(fdp);
				} else {
					knp = &SLIST_NEXT(kn, kn_link);
				}
				kn = kn0;
			}
		}
	}
	FILEDESC_UNLOCK(fdp);
	sim_trace_freed(__func__, &kq->kq_obj);
	sim_free(kq);
	fp->f_data = NULL;

	return (0);
}

/*
 * Models kqueue_wakeup(): wakes a sleeping scan and, synchronously, every
 * kqueue watching this one.
 */
static void
kqueue_wakeup(struct kqueue *kq)
{
	if (kq->kq_state & KQ_SLEEP) {
		KQ_SET_STATE(kq, kq->kq_state & ~KQ_SLEEP);
		wakeup(kq);
	}
	if (kq->kq_state & KQ_SEL) {
		KQ_SET_STATE(kq, kq->kq_state & ~KQ_SEL);
		/* selwakeup(&kq->kq_sel): no select() waiters here */
	}
	knote(SI_KLIST(&kq->kq_sel), 0);
}

/* Models knote(): activates the knotes of list whose event triggered. */
static void
knote(struct klist *list, long hint)
{
	struct knote *kn;

	SLIST_FOREACH(kn, list, kn_selnext)
		if (kn->kn_fop->f_event(kn, hint))
			KNOTE_ACTIVATE(kn);
}

/* Models knote_remove(): removes all knotes from a specified klist. */
static void
knote_remove(struct thread *td, struct klist *list)
{
	struct knote *kn;

	while ((kn = SLIST_FIRST(list)) != NULL) {
		kn->kn_fop->f_detach(kn);
		knote_drop(kn, td);
	}
}

/* Models knote_fdclose(): removes all knotes referencing a specified fd. */
static void
knote_fdclose(struct thread *td, int fd)
{
	struct filedesc *fdp = td->td_proc->p_fd;
	struct klist *list;

	FILEDESC_LOCK(fdp);
	list = &fdp->fd_knlist[fd];
	FILEDESC_UNLOCK(fdp);
	knote_remove(td, list);
}

/*
 * Models knote_attach(): links kn into the table's lists, growing
 * 'fd_knlist' by KQEXTENT (M_WAITOK, the table unlocked) or creating the
 * hash (hashinit(), M_WAITOK) first; 'kn_status' starts at 0.
 */
static void
knote_attach(struct knote *kn, struct filedesc *fdp)
{
	struct klist *list, *tmp_knhash;
	unsigned long tmp_knhashmask;
	int size;

	FILEDESC_LOCK(fdp);

	if (!kn->kn_fop->f_isfd) {
		if (fdp->fd_knhashmask == 0) {
			FILEDESC_UNLOCK(fdp);
			malloc_waitok(); /* hashinit(M_WAITOK) */
			tmp_knhash
			    = sim_calloc(KN_HASHSIZE, sizeof(*tmp_knhash));
			if (tmp_knhash == NULL)
				sim_oom();
			tmp_knhashmask = KN_HASHSIZE - 1;
			FILEDESC_LOCK(fdp);
			if (fdp->fd_knhashmask == 0) {
				fdp->fd_knhash = tmp_knhash;
				fdp->fd_knhashmask = tmp_knhashmask;
			} else {
				sim_free(tmp_knhash);
			}
		}
		list = &fdp->fd_knhash[KN_HASH(kn->kn_id, fdp->fd_knhashmask)];
		goto done;
	}

	if ((uint64_t)fdp->fd_knlistsize <= kn->kn_id) {
		size = fdp->fd_knlistsize;
		while ((uint64_t)size <= kn->kn_id)
			size += KQEXTENT;
		FILEDESC_UNLOCK(fdp);
		malloc_waitok(); /* MALLOC(list, ..., M_WAITOK) */
		list = sim_calloc((size_t)size, sizeof(*list));
		if (list == NULL)
			sim_oom();
		FILEDESC_LOCK(fdp);
		if ((uint64_t)fdp->fd_knlistsize > kn->kn_id) {
			sim_free(list);
			goto bigenough;
		}
		if (fdp->fd_knlist != NULL) {
			memcpy(list, fdp->fd_knlist,
			    (size_t)fdp->fd_knlistsize * sizeof(*list));
			sim_free(fdp->fd_knlist);
		}
		fdp->fd_knlistsize = size;
		fdp->fd_knlist = list;
	}
bigenough:
	list = &fdp->fd_knlist[kn->kn_id];
done:
	FILEDESC_UNLOCK(fdp);
	SLIST_INSERT_HEAD(list, kn, kn_link);
	KN_SET_STATUS(kn, 0);
}

/*
 * Models knote_drop(): unlinks kn from the lists of td's table (not the
 * kqueue's: the seed assumes they are the same), dequeues it, releases its
 * file and frees it.  td must not be NULL (XXX: the kernel would fault).
 */
static void
knote_drop(struct knote *kn, struct thread *td)
{
	struct filedesc *fdp;
	struct klist *list;

	KASSERT(td != NULL, ("knote_drop: no thread (NULL dereference)"));
	fdp = td->td_proc->p_fd;
	FILEDESC_LOCK(fdp);
	if (kn->kn_fop->f_isfd)
		list = &fdp->fd_knlist[kn->kn_id];
	else
		list = &fdp->fd_knhash[KN_HASH(kn->kn_id, fdp->fd_knhashmask)];
	FILEDESC_UNLOCK(fdp);

	KN_SLIST_REMOVE(list, kn, knote, kn_link);
	if (kn->kn_status & KN_QUEUED)
		knote_dequeue(kn);
	if (kn->kn_fop->f_isfd)
		(void)fdrop(kn->kn_fp, td);
	knote_free(kn);
}

/* Models knote_enqueue(): appends kn to 'kq_head' and wakes the kqueue. */
static void
knote_enqueue(struct knote *kn)
{
	struct kqueue *kq = kn->kn_kq;

	KASSERT((kn->kn_status & KN_QUEUED) == 0, ("knote already queued"));

	TAILQ_INSERT_TAIL(&kq->kq_head, kn, kn_tqe);
	KN_SET_STATUS(kn, kn->kn_status | KN_QUEUED);
	KQ_SET_COUNT(kq, kq->kq_count + 1);
	kqueue_wakeup(kq);
}

/* Models knote_dequeue() in sys/kern/kern_event.c. */
static void
knote_dequeue(struct knote *kn)
{
	struct kqueue *kq = kn->kn_kq;

	KASSERT(kn->kn_status & KN_QUEUED, ("knote not queued"));

	TAILQ_REMOVE(&kq->kq_head, kn, kn_tqe);
	KN_SET_STATUS(kn, kn->kn_status & ~KN_QUEUED);
	KQ_SET_COUNT(kq, kq->kq_count - 1);
}

/*
 * Models knote_alloc(): uma_zalloc(knote_zone, M_WAITOK), which may sleep
 * (and release Giant) when waitok.
 */
static struct knote *
knote_alloc(bool waitok)
{
	struct knote *kn;

	if (waitok)
		malloc_waitok();
	kn = sim_calloc(1, sizeof(*kn));
	if (kn == NULL)
		sim_oom();
	return (kn);
}

/* Models knote_free(). */
static void
knote_free(struct knote *kn)
{
	KASSERT(
	    !kn->kn_freed, ("knote_free: %s freed twice", kn->kn_obj.so_name));
	sim_trace_freed(__func__, &kn->kn_obj);
	kn->kn_freed = true;
	kn->kn_quarantine = kn_quarantine;
	kn_quarantine = kn;
}

/*
 * The hooks of the shared process, descriptor and file layer (kernel.h)
 */

/* kqueue(2): the seed has no flags (kqueuex(2) is ENOSYS, see below). */
static int
seed_kqueue(struct thread *td, int flags, bool cponfork, int *ret_fd)
{
	return (kqueue(td, ret_fd));
}

/* The KNOTE() of pipeselwakeup(), sowakeup() and friends. */
static void
seed_selwakeup(struct selinfo *sip, long hint, int pollev)
{
	if (hint == SEL_NOKNOTE || SLIST_EMPTY(&sip->si_note.kl_list))
		return;
	seed_runinit();
	knote(SI_KLIST(sip), hint);
}

/*
 * The object behind sip goes away.  That era had no knlist_clear(): the
 * knotes left (a writer's EVFILT_WRITE on a closed reader) stay on a list
 * nobody walks again, and their detach skips it.
 */
static void
seed_seldrain(struct selinfo *sip)
{
}

/*
 * Models the knote_fdclose() call of close() and dup2() in
 * sys/kern/kern_descrip.c of 5.x, made with the table unlocked.
 */
static void
seed_fdclose(struct thread *td, int fd, struct file *fp)
{
	struct filedesc *fdp = td->td_proc->p_fd;

	seed_runinit();
	if (fd >= fdp->fd_knlistsize)
		return;
	FILEDESC_XUNLOCK(fdp);
	knote_fdclose(td, fd);
	FILEDESC_XLOCK(fdp);
}

/*
 * Models KNOTE(&p1->p_klist, NOTE_FORK | p2->p_pid) of fork1() in
 * sys/kern/kern_fork.c of 5.x: after the child was made runnable, under
 * Giant and PROC_LOCK(p1), which the NOTE_TRACK registration holds across
 * the descriptor-table lock (the knote is allocated without sleeping here:
 * XXX the kernel's M_WAITOK under the process mutex is not modelled).
 */
static void
seed_fork(struct thread *td, struct proc *p1, struct proc *p2)
{
	seed_runinit();
	PROC_LOCK(p1);
	knote(SI_KLIST(&p1->p_sel), (long)(NOTE_FORK | (unsigned)p2->p_pid));
	PROC_UNLOCK(p1);
}

/* Models KNOTE(&p->p_klist, NOTE_EXIT) of exit1() in kern_exit.c. */
static void
seed_exit(struct thread *td, struct proc *p)
{
	seed_runinit();
	PROC_LOCK(p);
	knote(SI_KLIST(&p->p_sel), (long)NOTE_EXIT);
	PROC_UNLOCK(p);
}

/* Models KNOTE(&p->p_klist, NOTE_SIGNAL | sig) of psignal(). */
static void
seed_signal(struct proc *p, int sig)
{
	seed_runinit();
	knote(SI_KLIST(&p->p_sel), (long)(NOTE_SIGNAL | (unsigned)sig));
}

/*
 * Models the VN_KNOTE() calls of ufs_vnops.c of 2003.  XXX: ufs_write()
 * and ufs_mkdir() post NOTE_WRITE|NOTE_EXTEND and NOTE_WRITE|NOTE_LINK as
 * one VN_KNOTE(); the shared file system hands this revision the events
 * one at a time (no ko_vnode_post), so they are two knote() calls here.
 */
static void
seed_vnode(struct vnode *vp, enum sim_vnev ev)
{
	long hint;

	switch (ev) {
	case VNEV_WRITE:
		hint = NOTE_WRITE;
		break;
	case VNEV_EXTEND:
		hint = NOTE_WRITE | NOTE_EXTEND;
		break;
	case VNEV_TRUNC:
	case VNEV_ATTRIB:
		hint = NOTE_ATTRIB;
		break;
	case VNEV_LINK:
		hint = NOTE_LINK;
		break;
	case VNEV_DELETE:
	case VNEV_RENAME_TO:
		hint = NOTE_DELETE;
		break;
	case VNEV_RENAME_FROM:
		hint = NOTE_RENAME;
		break;
	default:
		return; /* no NOTE_READ, NOTE_OPEN, NOTE_CLOSE in 2003 */
	}
	if (SLIST_EMPTY(&vp->v_pollinfo.si_note.kl_list))
		return;
	seed_runinit();
	knote(SI_KLIST(&vp->v_pollinfo), hint);
}

/* Giant, for the shared layer's sim_giant_lock(). */
static struct mtx *
seed_giant(void)
{
	seed_runinit();
	return (&Giant);
}

const struct sim_kops freebsd7773002_kops = {
	.ko_selwakeup = seed_selwakeup,
	.ko_seldrain = seed_seldrain,
	.ko_fdclose = seed_fdclose,
	.ko_fork = seed_fork,
	.ko_exit = seed_exit,
	.ko_signal = seed_signal,
	.ko_vnode = seed_vnode,
	.ko_kqueue = seed_kqueue,
	.ko_kqueuex = NULL, /* no kqueuex(2) in 2003: ENOSYS */
	.ko_kevent = kevent,
	.ko_giant = seed_giant,
};
