/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kqueue/knote state machine of FreeBSD.  Models sys/kern/kern_event.c
 * of current main ("M1" in reference/kqueue.md); the first version of the
 * KQUEUE_CPONFORK copy ("M0", freebsd@b11289f) is selected by the revision
 * switch 'rev_cponfork_m0' (kern_descrip_kq.c).  The filters live in
 * kern_event_filters.c, the Lua bindings in sim/sys/kqueue_lua.c.
 *
 * Theory of operation.
 *
 * A kqueue holds knotes, one per (ident, filter) registered on it: fd
 * filters in 'kq_knlist[fd]', the others in the hash 'kq_knhash'.  A knote
 * also hangs on the knlist of its event source (a pipe's selinfo, a
 * process's 'p_klist', another kqueue's 'kq_sel'), through 'kn_selnext', so
 * that the source can call knote() when its state changes.  The state of a
 * knote is 'kn_status':
 *
 *	DETACHED	not (or no longer) on its source's knlist
 *	ACTIVE		the filter reported an event
 *	QUEUED		on 'kq_head', counted in 'kq_count'
 *	DISABLED	EV_DISABLE or EV_DISPATCH: never reported, stays queued
 *			until a scan finds it
 *	SCAN		held in flux by kqueue_scan() or a modify in
 *			kqueue_register(); knote() still processes it
 *	KQUEUE		EVFILT_READ on a kqueue descriptor
 *
 * The usual life is: kqueue_register() creates the knote DETACHED and in
 * flux, knote_attach() links it into the kqueue, the filter's f_attach puts
 * it on the source's knlist (clears DETACHED), and f_event decides whether
 * it is ACTIVE, in which case knote_enqueue() appends it to 'kq_head'
 * (ACTIVE|QUEUED) and wakes kevent() sleepers.  kqueue_scan() inserts a
 * marker at the tail of 'kq_head' and takes knotes from the head until it
 * meets its marker: a disabled knote is just unqueued; an EV_ONESHOT one is
 * copied out as is and dropped; any other is re-evaluated with f_event under
 * its knlist lock and, if still true, copied out and either requeued at the
 * tail (level-triggered) or unqueued and made inactive (EV_CLEAR,
 * EV_DISPATCH, the latter also DISABLED).  knote_drop() detaches it from the
 * source (f_detach), unlinks and dequeues it, releases the file and frees.
 *
 * Locks.  The kqueue mutex 'kq_lock' protects 'kn_status', 'kn_influx',
 * 'kq_head', 'kq_count', 'kq_state' and the knote lists of the kqueue.  The
 * knlist lock of the event source (the pipe mutex, the process lock...)
 * protects the source's list and is held across f_event, so filters see a
 * stable object; it is always taken before a kq_lock.  The global
 * 'kq_global' orders two kqueue locks when one kqueue watches another.  The
 * descriptor table lock (FILEDESC_XLOCK) is held over knote_fdclose() and
 * over registering a kqueue descriptor.  Every release of a lock is a
 * scheduling point of the simulator, so another thread may run exactly where
 * another CPU could in the kernel.
 *
 * Flux.  Code that must drop 'kq_lock' while it works on a knote raises
 * 'kn_influx' first.  A knote in flux without KN_SCAN is owned exclusively
 * (being created, dropped, or copied at fork): knote() and knote_fork() skip
 * it entirely, so an event arriving then is lost (see knote()),
 * and everybody else sleeps on the kqueue with KQ_FLUXWAIT until
 * KQ_FLUX_WAKEUP.  With KN_SCAN the holder only reads the filter state under
 * the knlist lock, so knote() may still run f_event and activate it.  Only
 * the holder of the last flux reference may free a knote (knote_drop()
 * waits for 'kn_influx == 1').
 *
 * Close.  close(fd) runs knote_fdclose() with the table locked: every
 * kqueue of the table drops its knotes registered on that fd number (not on
 * the file: a dup keeps its own knotes).  The last close of a kqueue runs
 * kqueue_close(): KQ_CLOSING refuses new references and registrations,
 * kqueue_drain() waits for the references (a thread in kevent() holds one),
 * drops every knote (waiting for those in flux) and waits for the
 * kqueue-in-kqueue task, then the kqueue leaves 'fd_kqlist' and is freed.
 * When the object behind a knlist goes away (a pipe end closes) the source
 * calls knlist_clear(): its knotes become DETACHED with EV_EOF|EV_ONESHOT.
 *
 * Fork.  A kqueue is not passable: the child's slot stays empty and the
 * parent's knotes are untouched; knote_fork() fires NOTE_FORK and, for
 * NOTE_TRACK, registers two knotes on the child pid in the watching kqueue.
 * A KQUEUE_CPONFORK kqueue is copied by fdcopy() in two passes
 * (kern_descrip_kq.c): kqueue_fork_alloc() creates an empty kqueue at the
 * same index, and once the child table is complete kqueue_fork_copy() walks
 * the parent's lists with a marker, holding each knote in flux while it is
 * copied (its activations in the parent are lost meanwhile).  The copy
 * shares the parent's event source.
 *
 * Deviations from the kernel are marked XXX.  Allocations that may fail in
 * the kernel (M_NOWAIT: knote_fork's registrations) and the resource limits
 * fail here only through the fail points of sim/kernel.c; there are
 * no select/poll waiters on a kqueue (KQ_SEL is never set) and no SIGIO
 * (KQ_ASYNC, as in the kernel).
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "eventvar.h"
#include "fd.h"
#include "kernel.h"
#include "proc.h"
#include "procdesc.h"
#include "sim.h"
#include "sync.h"

const struct sim_flagname kn_status_names[] = {
	{ KN_ACTIVE, "ACTIVE" },
	{ KN_QUEUED, "QUEUED" },
	{ KN_DISABLED, "DISABLED" },
	{ KN_DETACHED, "DETACHED" },
	{ KN_MARKER, "MARKER" },
	{ KN_KQUEUE, "KQUEUE" },
	{ KN_SCAN, "SCAN" },
	{ 0, NULL },
};

const struct sim_flagname ev_flag_names[] = {
	{ EV_ADD, "ADD" },
	{ EV_DELETE, "DELETE" },
	{ EV_ENABLE, "ENABLE" },
	{ EV_DISABLE, "DISABLE" },
	{ EV_ONESHOT, "ONESHOT" },
	{ EV_CLEAR, "CLEAR" },
	{ EV_RECEIPT, "RECEIPT" },
	{ EV_DISPATCH, "DISPATCH" },
	{ EV_FORCEONESHOT, "FORCEONESHOT" },
	{ EV_KEEPUDATA, "KEEPUDATA" },
	{ EV_DROP, "DROP" },
	{ EV_FLAG1, "FLAG1" },
	{ EV_ERROR, "ERROR" },
	{ EV_EOF, "EOF" },
	{ 0, NULL },
};

const struct sim_flagname kq_state_names[] = {
	{ KQ_SEL, "SEL" },
	{ KQ_SLEEP, "SLEEP" },
	{ KQ_FLUXWAIT, "FLUXWAIT" },
	{ KQ_ASYNC, "ASYNC" },
	{ KQ_CLOSING, "CLOSING" },
	{ KQ_TASKSCHED, "TASKSCHED" },
	{ KQ_TASKDRAIN, "TASKDRAIN" },
	{ KQ_CPONFORK, "CPONFORK" },
	{ 0, NULL },
};

/*
 * Per-run state: the kernel's globals live as long as the system; here they
 * are reset whenever a new run (a new scheduler generation) begins.
 */
static struct {
	uint64_t gen;
	struct mtx kq_global; /* orders two kqueue locks */
	int *ast_tids; /* threads with a pending TDA_KQUEUE */
	int nast, astcap;
	TAILQ_HEAD(, kqueue) all; /* every live kqueue (invariants) */
} kqs;

unsigned int kq_ncallouts;

#define KQ_GLOBAL_LOCK(haslck)                                                 \
	do {                                                                   \
		if (!(haslck))                                                 \
			mtx_lock(&kqs.kq_global);                              \
		(haslck) = 1;                                                  \
	} while (0)
#define KQ_GLOBAL_UNLOCK(haslck)                                               \
	do {                                                                   \
		if ((haslck))                                                  \
			mtx_unlock(&kqs.kq_global);                            \
		(haslck) = 0;                                                  \
	} while (0)

#define KQ_FLUX_WAKEUP(kq)                                                     \
	do {                                                                   \
		if (((kq)->kq_state & KQ_FLUXWAIT) == KQ_FLUXWAIT) {           \
			KQ_SET_STATE((kq), (kq)->kq_state & ~KQ_FLUXWAIT);     \
			wakeup((kq));                                          \
		}                                                              \
	} while (0)
#define KQ_FLUX_SLEEP_WMESG(kq, kn, flags, wmesg)                              \
	do {                                                                   \
		KASSERT((kn)->kn_kq == (kq),                                   \
		    ("%s: knote %s not on kqueue %s", __func__,                \
			(kn)->kn_obj.so_name, (kq)->kq_obj.so_name));          \
		KQ_SET_STATE((kq), (kq)->kq_state | KQ_FLUXWAIT);              \
		(void)msleep((kq), &(kq)->kq_lock, (flags), (wmesg), 0);       \
	} while (0)
#define KQ_FLUX_SLEEP(kq, kn, flags)                                           \
	KQ_FLUX_SLEEP_WMESG(kq, kn, flags, "kqfluxwt")
#define KQ_UNLOCK_FLUX(kq)                                                     \
	do {                                                                   \
		KQ_FLUX_WAKEUP(kq);                                            \
		mtx_unlock(&(kq)->kq_lock);                                    \
	} while (0)

#define KN_HASH(val, mask) (((val) ^ ((val) >> 8)) & (mask))

static void kqueue_wakeup(struct kqueue *kq);
static void knote_drop(struct knote *kn, struct thread *td);
static void knote_drop_detached(struct knote *kn, struct thread *td);
static void kqueue_task(void *arg, int pending);
static int kqueue_close(struct file *fp, struct thread *td);

void
kqueue_runinit(void)
{
	if (kqs.gen == sched_generation())
		return;
	free(kqs.ast_tids);
	memset(&kqs, 0, sizeof(kqs));
	kqs.gen = sched_generation();
	mtx_init(&kqs.kq_global, "kqueue order", NULL, MTX_DEF);
	TAILQ_INIT(&kqs.all);
	kq_ncallouts = 0;
}

struct kqueue *
kqueue_registry_first(void)
{
	kqueue_runinit();
	return (TAILQ_FIRST(&kqs.all));
}

struct kqueue *
kqueue_registry_next(struct kqueue *kq)
{
	return (TAILQ_NEXT(kq, kq_all));
}

void
kqueue_cpu_window(void)
{
	sched_point();
}

/* Models ast_sched(td, TDA_KQUEUE) in kqueue_schedtask(). */
static void
kqueue_ast_sched(struct thread *td)
{
	int i;

	if (td == NULL)
		return; /* a kernel thread: nothing returns to user mode */
	for (i = 0; i < kqs.nast; i++)
		if (kqs.ast_tids[i] == td->td_tid)
			return;
	if (kqs.nast == kqs.astcap) {
		kqs.astcap = kqs.astcap ? kqs.astcap * 2 : 8;
		kqs.ast_tids = realloc(
		    kqs.ast_tids, sizeof(*kqs.ast_tids) * (size_t)kqs.astcap);
		if (kqs.ast_tids == NULL)
			abort();
	}
	kqs.ast_tids[kqs.nast++] = td->td_tid;
}

/*
 * Models ast_kqueue(): before td returns to user mode, the kqueue task it
 * scheduled has run (D31858), so a nested kqueue sees the event at once.
 */
void
kqueue_ast(struct thread *td)
{
	int i;

	kqueue_runinit();
	for (i = 0; i < kqs.nast; i++) {
		if (kqs.ast_tids[i] != td->td_tid)
			continue;
		kqs.ast_tids[i] = kqs.ast_tids[--kqs.nast];
		taskqueue_quiesce();
		return;
	}
}

/*
 * Flux
 */

/* Models kn_in_flux() in sys/kern/kern_event.c. */
bool
kn_in_flux(const struct knote *kn)
{
	return (kn->kn_influx > 0);
}

/*
 * Models kn_enter_flux() in sys/kern/kern_event.c.  Before D8898
 * (rev_influx_flag) in flux was the status bit KN_INFLUX: entering set it,
 * whoever held it already.
 */
void
kn_enter_flux(struct knote *kn)
{
	KQ_OWNED(kn->kn_kq);
	MPASS(kn->kn_influx < INT_MAX);
	if (KQ_REV(rev_influx_flag))
		KN_SET_INFLUX(kn, 1); /* kn_status |= KN_INFLUX */
	else
		KN_SET_INFLUX(kn, kn->kn_influx + 1);
}

/*
 * Models kn_leave_flux() in sys/kern/kern_event.c.  Before D8898 leaving
 * cleared KN_INFLUX for every holder at once: the second holder to leave
 * finds the knote no longer in flux, its ownership stolen by the first
 * (reference/kqueue.md section 5.2 item 1).  The MPASS of the counter
 * version catches it there.  XXX: the 2016 kernel cleared the bit again
 * silently and failed later, on a knote freed meanwhile.
 */
bool
kn_leave_flux(struct knote *kn)
{
	KQ_OWNED(kn->kn_kq);
	KASSERT(kn->kn_influx > 0,
	    ("kn_leave_flux: knote %s is not in flux: %s", kn->kn_obj.so_name,
		KQ_REV(rev_influx_flag)
		    ? "another holder cleared KN_INFLUX (pre-D8898)"
		    : "unbalanced"));
	if (KQ_REV(rev_influx_flag))
		KN_SET_INFLUX(kn, 0); /* kn_status &= ~KN_INFLUX */
	else
		KN_SET_INFLUX(kn, kn->kn_influx - 1);
	return (kn->kn_influx == 0);
}

/* Models kn_list_lock() in sys/kern/kern_event.c. */
struct knlist *
kn_list_lock(struct knote *kn)
{
	struct knlist *knl;

	knl = kn->kn_knlist;
	if (knl != NULL && knl->kl_lock != NULL)
		mtx_lock(knl->kl_lock);
	return (knl);
}

/*
 * Models kn_list_unlock().  XXX: knlists are embedded in their objects, so
 * there is no autodestroy to honour (see freebsd_reap()).
 */
void
kn_list_unlock(struct knlist *knl)
{
	if (knl != NULL && knl->kl_lock != NULL)
		mtx_unlock(knl->kl_lock);
}

static void
knl_lock(struct knlist *knl)
{
	if (knl->kl_lock != NULL)
		mtx_lock(knl->kl_lock);
}

static void
knl_unlock(struct knlist *knl)
{
	if (knl->kl_lock != NULL)
		mtx_unlock(knl->kl_lock);
}

static void
knl_assert_lock(struct knlist *knl, int islocked)
{
	if (knl->kl_lock != NULL)
		mtx_assert(knl->kl_lock, islocked ? MA_OWNED : MA_NOTOWNED);
}

/*
 * The filter table: index ~filter.
 */
static const struct filterops *const sysfilt_ops[EVFILT_SYSCOUNT] = {
	[~EVFILT_READ] = &file_filtops,
	[~EVFILT_WRITE] = &file_filtops,
	[~EVFILT_AIO] = &null_filtops,
	[~EVFILT_VNODE] = &file_filtops,
	[~EVFILT_PROC] = &proc_filtops,
	[~EVFILT_SIGNAL] = &sig_filtops,
	[~EVFILT_TIMER] = &timer_filtops,
	[~EVFILT_PROCDESC] = &file_filtops,
	[~EVFILT_FS] = &fs_filtops,
	[~EVFILT_LIO] = &null_filtops,
	[~EVFILT_USER] = &user_filtops,
	[~EVFILT_SENDFILE] = &null_filtops,
	[~EVFILT_EMPTY] = &file_filtops,
	[~EVFILT_JAIL] = &null_filtops, /* XXX: jails are not modelled */
	[~EVFILT_JAILDESC] = &file_filtops,
};

/* Models kqueue_fo_find() in sys/kern/kern_event.c. */
static const struct filterops *
kqueue_fo_find(int filt)
{
	if (filt > 0 || filt + EVFILT_SYSCOUNT < 0)
		return (NULL);
	return (sysfilt_ops[~filt]);
}

/*
 * Knote allocation and the trace
 */

/* Models knote_alloc(): a zeroed knote, not yet named. */
struct knote *
knote_alloc(void)
{
	struct knote *kn = sim_calloc(1, sizeof(*kn));

	if (kn == NULL)
		abort();
	return (kn);
}

/* Models knote_free(); NULL is a no-op. */
void
knote_free(struct knote *kn)
{
	if (kn == NULL)
		return;
	if (kn->kn_obj.so_name[0] != '\0' && kn->kn_obj.so_freed_by == NULL)
		sim_trace_freed("knote_free", &kn->kn_obj);
	sim_quarantine(kn, &kn->kn_obj, "knote_free");
}

void
knote_trace_new(struct knote *kn, const char *func)
{
	sim_obj_init(&kn->kn_obj, "knote");
	sim_trace_created(func, &kn->kn_obj);
}

void (*sim_udata_describe)(const void *udata, char *buf, size_t len);

static const char *const evfilt_label[]
    = { "", "EVFILT_READ", "EVFILT_WRITE", "EVFILT_AIO", "EVFILT_VNODE",
	      "EVFILT_PROC", "EVFILT_SIGNAL", "EVFILT_TIMER", "EVFILT_PROCDESC",
	      "EVFILT_FS", "EVFILT_LIO", "EVFILT_USER", "EVFILT_SENDFILE",
	      "EVFILT_EMPTY", "EVFILT_JAIL", "EVFILT_JAILDESC" };

void
sim_knote_label(const struct knote *kn)
{
	struct filedesc *fdp;
	char udata[96], fd[24], filt[24];
	int i;

	if (!sim_labels_on() || kn->kn_kq == NULL)
		return;
	fd[0] = '\0';
	/* The kqueue's own table (a fork's copy is in the child's). */
	fdp = kn->kn_kq->kq_fdp;
	if (fdp == NULL)
		fdp = curthread != NULL && curproc != NULL ? curproc->p_fd
							   : NULL;
	for (i = 0; fdp != NULL && i < fdp->fd_nfiles; i++) {
		struct file *fp = fdp->fd_ofiles[i].fde_file;

		if (fp != NULL && fp->f_type == DTYPE_KQUEUE
		    && fp->f_data == kn->kn_kq) {
			snprintf(fd, sizeof(fd), " (fd %d)", i);
			break;
		}
	}
	if (kn->kn_filter < 0
	    && -kn->kn_filter
		< (int)(sizeof(evfilt_label) / sizeof(evfilt_label[0])))
		snprintf(
		    filt, sizeof(filt), "%s", evfilt_label[-kn->kn_filter]);
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
 * kqueue(2)
 */

static int
kqueue_rdwr(
    struct file *fp, char *buf, size_t len, size_t *ret_n, struct thread *td)
{
	return (EOPNOTSUPP); /* invfo_rdwr */
}

static int
kqueue_wrrd(struct file *fp, const char *buf, size_t len, size_t *ret_n,
    struct thread *td)
{
	return (EOPNOTSUPP);
}

const struct fileops kqueueops = {
	.fo_name = "kqueue",
	.fo_read = kqueue_rdwr,
	.fo_write = kqueue_wrrd,
	.fo_close = kqueue_close,
	.fo_kqfilter = kqueue_kqfilter,
	.fo_fork = kqueue_fork,
	.fo_flags = DFLAG_FORK,
};

struct kqueue *
kqueue_of_file(struct file *fp)
{
	if (fp == NULL || fp->f_ops != &kqueueops)
		return (NULL);
	return (fp->f_data);
}

/* Models kqueue_init() in sys/kern/kern_event.c. */
static void
kqueue_init(struct kqueue *kq, bool cponfork)
{
	mtx_init(&kq->kq_lock, "kqueue", NULL, MTX_DEF | MTX_DUPOK);
	TAILQ_INIT(&kq->kq_head);
	selinfo_init(&kq->kq_sel, &kq->kq_lock);
	TASK_INIT(&kq->kq_task, 0, kqueue_task, kq);
	sim_obj_init(&kq->kq_obj, "kqueue");
	sim_trace_created("kqueue_init", &kq->kq_obj);
	if (curthread != NULL)
		sim_obj_label(&kq->kq_obj, "kqueue of pid %d%s", curproc->p_pid,
		    cponfork ? ", KQUEUE_CPONFORK" : "");
	TAILQ_INSERT_TAIL(&kqs.all, kq, kq_all);
	if (cponfork)
		KQ_SET_STATE(kq, kq->kq_state | KQ_CPONFORK);
}

/*
 * Models kern_kqueue_alloc(): with fdip, a new descriptor of td's table;
 * without, a file not installed anywhere (the fork copy installs it).
 */
int
kern_kqueue_alloc(struct thread *td, struct filedesc *fdp, int *fdip,
    struct file **fpp, int flags, bool cponfork, struct kqueue **kqp)
{
	struct kqueue *kq;
	int error;

	kqueue_runinit();
	/* chgkqcnt(): RLIMIT_KQUEUES of the credential's user. */
	if (SIM_FAIL_POINT(SIM_FP_KERN_KQUEUE_ALLOC_CHGKQCNT))
		return (ENOMEM);
	if (fdip != NULL) {
		error = falloc(td, fpp, fdip, flags);
		if (error != 0)
			return (error);
	} else
		*fpp = falloc_noinstall("kqueue");

	kq = sim_calloc(1, sizeof(*kq));
	if (kq == NULL)
		abort();
	kqueue_init(kq, cponfork);
	kq->kq_fdp = fdp;

	if (fdip != NULL)
		FILEDESC_XLOCK(fdp);
	TAILQ_INSERT_HEAD(&fdp->fd_kqlist, kq, kq_list);
	if (fdip != NULL)
		FILEDESC_XUNLOCK(fdp);

	finit(*fpp, FREAD | FWRITE, DTYPE_KQUEUE, kq, &kqueueops);
	*kqp = kq;
	return (0);
}

/* Models kern_kqueue() in sys/kern/kern_event.c. */
int
kern_kqueue(struct thread *td, int flags, bool cponfork, int *ret_fd)
{
	struct kqueue *kq;
	struct file *fp;
	int fd, error;

	error = kern_kqueue_alloc(
	    td, td->td_proc->p_fd, &fd, &fp, flags, cponfork, &kq);
	if (error != 0)
		return (error);
	(void)fdrop(fp, td);
	*ret_fd = fd;
	return (0);
}

/*
 * kevent(2)
 */

static int kqueue_scan(struct kqueue *kq, int maxevents,
    struct kevent_copyops *k_ops, int64_t timeout_ns, bool tv_invalid,
    struct kevent *keva, struct thread *td, int *ret_n);

/* Models kqueue_acquire_ref() in sys/kern/kern_event.c. */
int
kqueue_acquire_ref(struct kqueue *kq)
{
	KQ_LOCK(kq);
	if ((kq->kq_state & KQ_CLOSING) == KQ_CLOSING) {
		KQ_UNLOCK(kq);
		return (EBADF);
	}
	KQ_SET_REFCNT(kq, kq->kq_refcnt + 1);
	KQ_UNLOCK(kq);
	return (0);
}

/* Models kqueue_acquire(): EINVAL for a descriptor that is no kqueue. */
static int
kqueue_acquire(struct file *fp, struct kqueue **kqp)
{
	struct kqueue *kq;
	int error;

	kq = fp->f_data;
	if (fp->f_type != DTYPE_KQUEUE || kq == NULL)
		return (EINVAL);
	error = kqueue_acquire_ref(kq);
	if (error == 0)
		*kqp = kq;
	return (error);
}

/* Models kqueue_release() in sys/kern/kern_event.c. */
void
kqueue_release(struct kqueue *kq, int locked)
{
	if (locked)
		KQ_OWNED(kq);
	else
		KQ_LOCK(kq);
	KQ_SET_REFCNT(kq, kq->kq_refcnt - 1);
	KASSERT(kq->kq_refcnt >= 0,
	    ("kqueue_release: negative refcnt on %s", kq->kq_obj.so_name));
	if (kq->kq_refcnt == 1)
		wakeup(&kq->kq_refcnt);
	if (!locked)
		KQ_UNLOCK(kq);
}

/* Models kqueue_kevent() in sys/kern/kern_event.c. */
static int
kqueue_kevent(struct kqueue *kq, struct thread *td, int nchanges, int nevents,
    struct kevent_copyops *k_ops, int64_t timeout_ns, bool tv_invalid,
    int *ret_n)
{
	struct kevent keva[KQ_NEVENTS];
	struct kevent *kevp, *changes;
	int i, n, nerrors, error;

	if (nchanges < 0)
		return (EINVAL);

	nerrors = 0;
	while (nchanges > 0) {
		n = nchanges > KQ_NEVENTS ? KQ_NEVENTS : nchanges;
		error = k_ops->k_copyin(k_ops->arg, keva, n);
		if (error)
			return (error);
		changes = keva;
		for (i = 0; i < n; i++) {
			kevp = &changes[i];
			if (!kevp->filter)
				continue;
			kevp->flags &= ~EV_SYSFLAGS;
			error = kqueue_register(kq, kevp, td, 1);
			if (error || (kevp->flags & EV_RECEIPT)) {
				if (nevents == 0)
					return (error);
				kevp->flags = EV_ERROR;
				kevp->data = sim_errno_number(error);
				(void)k_ops->k_copyout(k_ops->arg, kevp, 1);
				nevents--;
				nerrors++;
			}
		}
		nchanges -= n;
	}
	if (nerrors) {
		*ret_n = nerrors;
		return (0);
	}
	return (kqueue_scan(
	    kq, nevents, k_ops, timeout_ns, tv_invalid, keva, td, ret_n));
}

/* Models kern_kevent() and kern_kevent_fp() in sys/kern/kern_event.c. */
int
kern_kevent(struct thread *td, int fd, int nchanges, int nevents,
    struct kevent_copyops *k_ops, int64_t timeout_ns, bool tv_invalid,
    int *ret_n)
{
	struct kqueue *kq;
	struct file *fp;
	int error;

	kqueue_runinit();
	*ret_n = 0;
	error = fget(td, fd, &fp);
	if (error != 0)
		return (error);
	error = kqueue_acquire(fp, &kq);
	if (error == 0) {
		error = kqueue_kevent(kq, td, nchanges, nevents, k_ops,
		    timeout_ns, tv_invalid, ret_n);
		kqueue_release(kq, 0);
	}
	(void)fdrop(fp, td);
	return (error);
}

/*
 * Models kqueue_register(): applies one change.  A reference on kq must be
 * held.  td is NULL for the kernel's own registrations (knote_fork).
 */
int
kqueue_register(
    struct kqueue *kq, struct kevent *kev, struct thread *td, int waitok)
{
	const struct filterops *fops;
	struct file *fp;
	struct knote *kn, *tkn;
	struct knlist *knl;
	int error, filt, event;
	int haskqglobal, filedesc_unlock;

	if ((kev->flags & (EV_ENABLE | EV_DISABLE)) == (EV_ENABLE | EV_DISABLE))
		return (EINVAL);

	fp = NULL;
	kn = NULL;
	knl = NULL;
	error = 0;
	haskqglobal = 0;
	filedesc_unlock = 0;

	filt = kev->filter;
	fops = kqueue_fo_find(filt);
	if (fops == NULL)
		return (EINVAL);

	if (kev->flags & EV_ADD) {
		/* Reject an invalid flag pair early. */
		if (kev->flags & EV_KEEPUDATA) {
			tkn = NULL;
			error = EINVAL;
			goto done;
		}
		/*
		 * knote_alloc(mflag): only the kernel's own registrations
		 * (knote_fork) use M_NOWAIT, and only those may fail; the
		 * failure shows below, where the spare knote is needed.
		 */
		if (!waitok
		    && SIM_FAIL_POINT(SIM_FP_KQUEUE_REGISTER_KNOTE_ALLOC))
			tkn = NULL;
		else
			tkn = knote_alloc();
	} else {
		tkn = NULL;
	}

findkn:
	if (fops->f_isfd) {
		KASSERT(td != NULL, ("td is NULL"));
		if (kev->ident > INT_MAX)
			error = EBADF;
		else
			error = fget(td, (int)kev->ident, &fp);
		if (error)
			goto done;

		if ((kev->flags & EV_ADD) == EV_ADD) {
			error = kqueue_expand(kq, fops, kev->ident, waitok);
			if (error)
				goto done;
		}

		if (fp->f_type == DTYPE_KQUEUE) {
			/*
			 * A kqueue watching itself would need its own lock
			 * as knlist lock and kqueue lock at once.
			 */
			if (fp->f_data == kq) {
				error = EINVAL;
				goto done;
			}
			/* The table lock before the global one, as close. */
			FILEDESC_XLOCK(td->td_proc->p_fd);
			filedesc_unlock = 1;
			KQ_GLOBAL_LOCK(haskqglobal);
		}

		KQ_LOCK(kq);
		if (kev->ident < (uint64_t)kq->kq_knlistsize) {
			SLIST_FOREACH(kn, &kq->kq_knlist[kev->ident], kn_link) {
				MPASS(kn->kn_kq == kq);
				if (kev->filter == kn->kn_filter)
					break;
			}
		}
	} else {
		if ((kev->flags & EV_ADD) == EV_ADD) {
			error = kqueue_expand(kq, fops, kev->ident, waitok);
			if (error != 0)
				goto done;
		}

		KQ_LOCK(kq);

		if (kev->filter == EVFILT_PROC
		    && (kev->flags & (EV_FLAG1 | EV_FLAG2)) != 0) {
			/*
			 * An internal creation of a process tracking note:
			 * never coalesced with an existing one.
			 */
			;
		} else if (kq->kq_knhashmask != 0) {
			struct klist *list;

			list = &kq->kq_knhash[KN_HASH(
			    kev->ident, kq->kq_knhashmask)];
			SLIST_FOREACH(kn, list, kn_link) {
				MPASS(kn->kn_kq == kq);
				if (kev->ident == kn->kn_id
				    && kev->filter == kn->kn_filter)
					break;
			}
		}
	}

	/* The knote is changing: wait for it to stabilize. */
	if (kn != NULL && kn_in_flux(kn)) {
		KQ_GLOBAL_UNLOCK(haskqglobal);
		if (filedesc_unlock) {
			FILEDESC_XUNLOCK(td->td_proc->p_fd);
			filedesc_unlock = 0;
		}
		KQ_FLUX_SLEEP(kq, kn, PDROP);
		if (fp != NULL) {
			(void)fdrop(fp, td);
			fp = NULL;
		}
		goto findkn;
	}

	if (kn == NULL) {
		if (kev->flags & EV_ADD) {
			kn = tkn;
			tkn = NULL;
			if (kn == NULL) {
				KQ_UNLOCK(kq);
				error = ENOMEM;
				goto done;
			}

			/* With the kqueue locked, the fd must be unchanged. */
			if (fops->f_isfd
			    && fget_noref(td->td_proc->p_fd, (int)kev->ident)
				!= fp) {
				KQ_UNLOCK(kq);
				tkn = kn;
				error = EBADF;
				goto done;
			}
			knote_trace_new(kn, __func__);
			kn->kn_fp = fp;
			kn->kn_kq = kq;
			kn->kn_fop = fops;

			KN_SET_SFFLAGS(kn, kev->fflags);
			KN_SET_SDATA(kn, kev->data);
			kev->fflags = 0;
			kev->data = 0;
			kn->kn_kevent.ident = kev->ident;
			kn->kn_kevent.filter = kev->filter;
			kn->kn_kevent.udata = kev->udata;
			memcpy(kn->kn_kevent.ext, kev->ext, sizeof(kev->ext));
			sim_knote_label(kn);
			KN_SET_FLAGS(kn,
			    kev->flags
				& ~(EV_ADD | EV_DELETE | EV_ENABLE | EV_DISABLE
				    | EV_FORCEONESHOT));
			KN_SET_STATUS(kn,
			    KN_DETACHED
				| ((kev->flags & EV_DISABLE) ? KN_DISABLED
							     : 0));
			kn_enter_flux(kn);

			error = knote_attach(kn, kq);
			KQ_UNLOCK(kq);
			if (error != 0) {
				tkn = kn;
				goto done;
			}

			/*
			 * The knote owns fops/fp now: every later exit path
			 * releases them through knote_drop().
			 */
			fops = NULL;
			fp = NULL;

			if ((error = kn->kn_fop->f_attach(kn)) != 0) {
				knote_drop_detached(kn, td);
				goto done;
			}
			knl = kn_list_lock(kn);
			goto done_ev_add;
		} else {
			/* No matching knote and the EV_ADD flag is not set. */
			KQ_UNLOCK(kq);
			error = ENOENT;
			goto done;
		}
	}

	if (kev->flags & EV_DELETE) {
		kn_enter_flux(kn);
		KQ_UNLOCK(kq);
		knote_drop(kn, td);
		goto done;
	}

	if (kev->flags & EV_FORCEONESHOT) {
		KN_SET_FLAGS(kn, kn->kn_flags | EV_ONESHOT);
		KNOTE_ACTIVATE(kn, 1);
	}

	if ((kev->flags & EV_ENABLE) != 0)
		KN_SET_STATUS(kn, kn->kn_status & ~KN_DISABLED);
	else if ((kev->flags & EV_DISABLE) != 0)
		KN_SET_STATUS(kn, kn->kn_status | KN_DISABLED);

	/*
	 * The user may change some filter values after the initial EV_ADD,
	 * but doing so will not reset any filter which has already been
	 * triggered.
	 */
	KN_SET_STATUS(kn, kn->kn_status | KN_SCAN);
	kn_enter_flux(kn);
	KQ_UNLOCK(kq);
	knl = kn_list_lock(kn);
	if ((kev->flags & EV_KEEPUDATA) == 0)
		kn->kn_kevent.udata = kev->udata;
	if (!fops->f_isfd && fops->f_touch != NULL) {
		fops->f_touch(kn, kev, EVENT_REGISTER);
	} else {
		KN_SET_SFFLAGS(kn, kev->fflags);
		KN_SET_SDATA(kn, kev->data);
	}

done_ev_add:
	sim_knote_label(kn);
	/*
	 * 'kn_knlist' may be NULL here: an attach can complete the event at
	 * once (a zombie's NOTE_EXIT).  KN_DISABLED is stable while the knote
	 * is in flux, so the unlocked read is safe.
	 */
	if ((kn->kn_status & KN_DISABLED) == 0)
		event = kn->kn_fop->f_event(kn, 0);
	else
		event = 0;

	KQ_LOCK(kq);
	if (event)
		KN_SET_STATUS(kn, kn->kn_status | KN_ACTIVE);
	if ((kn->kn_status & (KN_ACTIVE | KN_DISABLED | KN_QUEUED))
	    == KN_ACTIVE)
		knote_enqueue(kn);
	KN_SET_STATUS(kn, kn->kn_status & ~KN_SCAN);
	kn_leave_flux(kn);
	kn_list_unlock(knl);
	KQ_UNLOCK_FLUX(kq);

done:
	KQ_GLOBAL_UNLOCK(haskqglobal);
	if (filedesc_unlock)
		FILEDESC_XUNLOCK(td->td_proc->p_fd);
	if (fp != NULL)
		(void)fdrop(fp, td);
	knote_free(tkn);
	return (error);
}

/* Models kqueue_schedtask() in sys/kern/kern_event.c. */
static void
kqueue_schedtask(struct kqueue *kq)
{
	KQ_OWNED(kq);
	KASSERT(((kq->kq_state & KQ_TASKDRAIN) != KQ_TASKDRAIN),
	    ("scheduling kqueue task while draining"));

	if ((kq->kq_state & KQ_TASKSCHED) != KQ_TASKSCHED) {
		KQ_SET_STATE(kq, kq->kq_state | KQ_TASKSCHED);
		kqueue_ast_sched(curthread);
		(void)taskqueue_enqueue(&kq->kq_task);
	}
}

/*
 * Models kqueue_expand(): room for the (fops, ident) pair.  EBADF when the
 * kqueue is closing (D18316; not before it: rev_fork_close_race).
 */
int
kqueue_expand(struct kqueue *kq, const struct filterops *fops, uintptr_t ident,
    int waitok)
{
	struct klist *list, *tmp_knhash, *to_free;
	int error, fd, size, i;

	KQ_NOTOWNED(kq);

	error = 0;
	to_free = NULL;
	if (fops->f_isfd) {
		fd = (int)ident;
		size = kq->kq_knlistsize;
		if (size <= fd) {
			do {
				size += KQEXTENT;
			} while (size <= fd);
			/* malloc(9) with M_NOWAIT may fail: ENOMEM. */
			if (!waitok
			    && SIM_FAIL_POINT(SIM_FP_KQUEUE_EXPAND_MALLOC))
				return (ENOMEM);
			/*
			 * XXX: the kernel allocates the new array before
			 * taking the lock, copies the old one into it and
			 * frees the old one, touching every slot on each
			 * growth by KQEXTENT; here the array is realloc()ed
			 * under the lock and only the new slots are zeroed.
			 * The sizes are the kernel's, and no simulated thread
			 * can run in between, since allocating is not a
			 * scheduling point here.
			 */
			KQ_LOCK(kq);
			if ((kq->kq_state & KQ_CLOSING) != 0
			    && !KQ_REV(rev_fork_close_race)) {
				error = EBADF;
			} else if (kq->kq_knlistsize < size) {
				list = sim_realloc(kq->kq_knlist,
				    (size_t)size * sizeof(*list));
				if (list == NULL)
					abort();
				memset(list + kq->kq_knlistsize, 0,
				    (size_t)(size - kq->kq_knlistsize)
					* sizeof(*list));
				kq->kq_knlistsize = size;
				kq->kq_knlist = list;
			}
			MPASS(error != 0 || kq->kq_knlistsize > fd);
			KQ_UNLOCK(kq);
		}
	} else {
		if (kq->kq_knhashmask == 0) {
			/* hashinit_flags(HASH_NOWAIT) may fail: ENOMEM. */
			if (!waitok
			    && SIM_FAIL_POINT(SIM_FP_KQUEUE_EXPAND_MALLOC))
				return (ENOMEM);
			tmp_knhash
			    = sim_calloc(KN_HASHSIZE, sizeof(*tmp_knhash));
			if (tmp_knhash == NULL)
				abort();
			for (i = 0; i < KN_HASHSIZE; i++)
				SLIST_INIT(&tmp_knhash[i]);
			KQ_LOCK(kq);
			if ((kq->kq_state & KQ_CLOSING) != 0
			    && !KQ_REV(rev_fork_close_race)) {
				to_free = tmp_knhash;
				error = EBADF;
			} else if (kq->kq_knhashmask == 0) {
				kq->kq_knhash = tmp_knhash;
				kq->kq_knhashmask = KN_HASHSIZE - 1;
			} else {
				to_free = tmp_knhash;
			}
			KQ_UNLOCK(kq);
		}
	}
	sim_free(to_free);

	KQ_NOTOWNED(kq);
	return (error);
}

/*
 * Models kqueue_task(): the deferred activation of the knotes watching kq
 * (kqueue-in-kqueue), on the taskqueue thread.
 */
static void
kqueue_task(void *arg, int pending)
{
	struct kqueue *kq;
	int haskqglobal;

	haskqglobal = 0;
	kq = arg;

	KQ_GLOBAL_LOCK(haskqglobal);
	KQ_LOCK(kq);

	KNOTE_LOCKED(&kq->kq_sel.si_note, 0);

	KQ_SET_STATE(kq, kq->kq_state & ~KQ_TASKSCHED);
	if ((kq->kq_state & KQ_TASKDRAIN) == KQ_TASKDRAIN)
		wakeup(&kq->kq_state);
	KQ_UNLOCK(kq);
	KQ_GLOBAL_UNLOCK(haskqglobal);
}

/*
 * Models kqueue_scan(): scans for up to maxevents events, sleeping
 * (timeout_ns < 0: forever, 0: poll, else relative) while none is queued.
 * KN_MARKER knotes are treated as in flux.
 */
static int
kqueue_scan(struct kqueue *kq, int maxevents, struct kevent_copyops *k_ops,
    int64_t timeout_ns, bool tv_invalid, struct kevent *keva, struct thread *td,
    int *ret_n)
{
	struct kevent *kevp;
	struct knote *kn, marker;
	struct knlist *knl;
	int64_t deadline_ns, timo_ns;
	int count, error, haskqglobal, influx, nkev, touch;

	count = maxevents;
	nkev = 0;
	error = 0;
	haskqglobal = 0;

	if (maxevents == 0)
		goto done_nl;
	if (maxevents < 0) {
		error = EINVAL;
		goto done_nl;
	}
	if (tv_invalid) {
		error = EINVAL;
		goto done_nl;
	}

	/* asbt: -1 poll, 0 forever, else the absolute deadline. */
	if (timeout_ns == 0)
		deadline_ns = -1;
	else if (timeout_ns < 0)
		deadline_ns = 0;
	else
		deadline_ns = sched_add_ns(sched_now(), timeout_ns);
	memset(&marker, 0, sizeof(marker));
	marker.kn_status = KN_MARKER; /* not a modelled knote: untraced */
	marker.kn_kq = kq;
	KQ_LOCK(kq);

retry:
	kevp = keva;
	if (kq->kq_count == 0) {
		if (deadline_ns == -1) {
			error = EWOULDBLOCK;
		} else {
			timo_ns = 0;
			if (deadline_ns > 0) {
				timo_ns = deadline_ns - sched_now();
				if (timo_ns <= 0) {
					error = EWOULDBLOCK;
					goto sleepdone;
				}
			}
			KQ_SET_STATE(kq, kq->kq_state | KQ_SLEEP);
			error = msleep(
			    kq, &kq->kq_lock, PCATCH, "kqread", timo_ns);
		}
	sleepdone:
		if (error == 0)
			goto retry;
		/* Do not restart after signals. */
		if (error == ERESTART)
			error = EINTR;
		else if (error == EWOULDBLOCK)
			error = 0;
		goto done;
	}

	TAILQ_INSERT_TAIL(&kq->kq_head, &marker, kn_tqe);
	influx = 0;
	while (count) {
		KQ_OWNED(kq);
		kn = TAILQ_FIRST(&kq->kq_head);
		KASSERT(kn != NULL,
		    ("kqueue_scan: %s lost its marker", kq->kq_obj.so_name));

		if ((kn->kn_status == KN_MARKER && kn != &marker)
		    || kn_in_flux(kn)) {
			if (influx) {
				influx = 0;
				KQ_FLUX_WAKEUP(kq);
			}
			KQ_FLUX_SLEEP(kq, kn, 0);
			continue;
		}

		TAILQ_REMOVE(&kq->kq_head, kn, kn_tqe);
		if ((kn->kn_status & KN_DISABLED) == KN_DISABLED) {
			KN_SET_STATUS(kn, kn->kn_status & ~KN_QUEUED);
			KQ_SET_COUNT(kq, kq->kq_count - 1);
			KASSERT(kq->kq_count >= 0, ("kq_count negative"));
			continue;
		}
		if (kn == &marker) {
			KQ_FLUX_WAKEUP(kq);
			if (count == maxevents)
				goto retry;
			goto done;
		}
		KASSERT(!kn_in_flux(kn),
		    ("knote %s is unexpectedly in flux", kn->kn_obj.so_name));

		if ((kn->kn_flags & EV_DROP) == EV_DROP) {
			KN_SET_STATUS(kn, kn->kn_status & ~KN_QUEUED);
			kn_enter_flux(kn);
			KQ_SET_COUNT(kq, kq->kq_count - 1);
			KASSERT(kq->kq_count >= 0, ("kq_count negative"));
			KQ_UNLOCK(kq);
			/* In flux: no need to lock the list. */
			knote_drop(kn, td);
			KQ_LOCK(kq);
			continue;
		} else if ((kn->kn_flags & EV_ONESHOT) == EV_ONESHOT) {
			KN_SET_STATUS(kn, kn->kn_status & ~KN_QUEUED);
			kn_enter_flux(kn);
			KQ_SET_COUNT(kq, kq->kq_count - 1);
			KASSERT(kq->kq_count >= 0, ("kq_count negative"));
			KQ_UNLOCK(kq);
			/* In flux: no need to lock the list. */
			*kevp = kn->kn_kevent;
			knote_drop(kn, td);
			KQ_LOCK(kq);
			kn = NULL;
		} else {
			KN_SET_STATUS(kn, kn->kn_status | KN_SCAN);
			kn_enter_flux(kn);
			KQ_UNLOCK(kq);
			if ((kn->kn_status & KN_KQUEUE) == KN_KQUEUE)
				KQ_GLOBAL_LOCK(haskqglobal);
			knl = kn_list_lock(kn);
			if (kn->kn_fop->f_event(kn, 0) == 0) {
				KQ_LOCK(kq);
				KQ_GLOBAL_UNLOCK(haskqglobal);
				KN_SET_STATUS(kn,
				    kn->kn_status
					& ~(KN_QUEUED | KN_ACTIVE | KN_SCAN));
				kn_leave_flux(kn);
				KQ_SET_COUNT(kq, kq->kq_count - 1);
				KASSERT(
				    kq->kq_count >= 0, ("kq_count negative"));
				kn_list_unlock(knl);
				influx = 1;
				continue;
			}
			touch = (!kn->kn_fop->f_isfd
			    && kn->kn_fop->f_touch != NULL);
			if (touch)
				kn->kn_fop->f_touch(kn, kevp, EVENT_PROCESS);
			else
				*kevp = kn->kn_kevent;
			KQ_LOCK(kq);
			KQ_GLOBAL_UNLOCK(haskqglobal);
			if (kn->kn_flags & (EV_CLEAR | EV_DISPATCH)) {
				/* Clear by hand what f_touch did not. */
				if (touch == 0 && kn->kn_flags & EV_CLEAR) {
					KN_SET_DATA(kn, 0);
					KN_SET_FFLAGS(kn, 0);
				}
				if (kn->kn_flags & EV_DISPATCH)
					KN_SET_STATUS(
					    kn, kn->kn_status | KN_DISABLED);
				KN_SET_STATUS(kn,
				    kn->kn_status & ~(KN_QUEUED | KN_ACTIVE));
				KQ_SET_COUNT(kq, kq->kq_count - 1);
				KASSERT(
				    kq->kq_count >= 0, ("kq_count negative"));
			} else
				TAILQ_INSERT_TAIL(&kq->kq_head, kn, kn_tqe);

			KN_SET_STATUS(kn, kn->kn_status & ~KN_SCAN);
			kn_leave_flux(kn);
			kn_list_unlock(knl);
			influx = 1;
		}

		/* We are returning a copy to the user. */
		kevp++;
		nkev++;
		count--;

		if (nkev == KQ_NEVENTS) {
			influx = 0;
			KQ_UNLOCK_FLUX(kq);
			error = k_ops->k_copyout(k_ops->arg, keva, nkev);
			nkev = 0;
			kevp = keva;
			KQ_LOCK(kq);
			if (error)
				break;
		}
	}
	TAILQ_REMOVE(&kq->kq_head, &marker, kn_tqe);
done:
	KQ_OWNED(kq);
	KQ_UNLOCK_FLUX(kq);
done_nl:
	KQ_NOTOWNED(kq);
	if (nkev != 0)
		error = k_ops->k_copyout(k_ops->arg, keva, nkev);
	*ret_n = maxevents - count;
	return (error);
}

/* Models kqueue_drain() in sys/kern/kern_event.c. */
static void
kqueue_drain(struct kqueue *kq, struct thread *td)
{
	struct knote *kn;
	int i;

	KQ_LOCK(kq);

	KASSERT((kq->kq_state & KQ_CLOSING) != KQ_CLOSING,
	    ("kqueue already closing"));
	KQ_SET_STATE(kq, kq->kq_state | KQ_CLOSING);
	if (kq->kq_refcnt > 1)
		(void)msleep(&kq->kq_refcnt, &kq->kq_lock, 0, "kqclose", 0);

	KASSERT(kq->kq_refcnt == 1, ("other refs are out there!"));

	KASSERT(SLIST_EMPTY(&kq->kq_sel.si_note.kl_list),
	    ("kqueue's knlist not empty"));

	for (i = 0; i < kq->kq_knlistsize; i++) {
		while ((kn = SLIST_FIRST(&kq->kq_knlist[i])) != NULL) {
			if (kn_in_flux(kn)) {
				KQ_FLUX_SLEEP_WMESG(kq, kn, 0, "kqclo1");
				continue;
			}
			kn_enter_flux(kn);
			KQ_UNLOCK(kq);
			knote_drop(kn, td);
			KQ_LOCK(kq);
		}
	}
	if (kq->kq_knhashmask != 0) {
		for (i = 0; i <= (int)kq->kq_knhashmask; i++) {
			while ((kn = SLIST_FIRST(&kq->kq_knhash[i])) != NULL) {
				if (kn_in_flux(kn)) {
					KQ_FLUX_SLEEP_WMESG(
					    kq, kn, 0, "kqclo2");
					continue;
				}
				kn_enter_flux(kn);
				KQ_UNLOCK(kq);
				knote_drop(kn, td);
				KQ_LOCK(kq);
			}
		}
	}

	if ((kq->kq_state & KQ_TASKSCHED) == KQ_TASKSCHED) {
		KQ_SET_STATE(kq, kq->kq_state | KQ_TASKDRAIN);
		(void)msleep(&kq->kq_state, &kq->kq_lock, 0, "kqtqdr", 0);
	}

	KQ_UNLOCK(kq);
}

/* Models kqueue_destroy() in sys/kern/kern_event.c. */
static void
kqueue_destroy(struct kqueue *kq)
{
	KASSERT(
	    kq->kq_fdp == NULL, ("kqueue still attached to a file descriptor"));
	knlist_destroy(&kq->kq_sel.si_note);
	/*
	 * A knote attached after kqueue_drain() passed its list (a
	 * knote_fork() registration before D18316) survives here, pointing
	 * at the kqueue about to be freed: the kernel faults when it next
	 * locks 'kn_kq' (KQ_LOCK checks the quarantine).  The tables go to
	 * the quarantine too, so that the survivor's links stay readable
	 * until then.
	 */
	mtx_destroy(&kq->kq_lock);
	sim_quarantine(kq->kq_knhash, NULL, __func__);
	sim_quarantine(kq->kq_knlist, NULL, __func__);
}

/* Models kqueue_close(): the last reference of the kqueue file is gone. */
static int
kqueue_close(struct file *fp, struct thread *td)
{
	struct kqueue *kq = fp->f_data;
	struct filedesc *fdp;
	int error;
	int filedesc_unlock;

	if ((error = kqueue_acquire(fp, &kq)))
		return (error);
	kqueue_drain(kq, td);

	/*
	 * We may be called from knote_drop() doing fdrop() inside
	 * kqueue_register(), with the table locked already.
	 */
	fdp = kq->kq_fdp;
	kq->kq_fdp = NULL;
	/*
	 * KASAN: the kernel locks 'kq_fdp' next.  A kqueue lives no longer
	 * than its table, except that M0 copies KN_KQUEUE knotes into a
	 * CPONFORK child, whose reference can keep the parent's kqueue after
	 * the parent's table was freed.
	 */
	SIM_KASAN_ACCESS(&fdp->fd_obj, "kqueue_close");
	if (!sx_xlocked(&fdp->fd_sx)) {
		FILEDESC_XLOCK(fdp);
		filedesc_unlock = 1;
	} else
		filedesc_unlock = 0;
	TAILQ_REMOVE(&fdp->fd_kqlist, kq, kq_list);
	if (filedesc_unlock)
		FILEDESC_XUNLOCK(fdp);

	kqueue_destroy(kq);
	TAILQ_REMOVE(&kqs.all, kq, kq_all);
	sim_trace_freed(__func__, &kq->kq_obj);
	sim_quarantine(kq, &kq->kq_obj, __func__);
	fp->f_data = NULL;

	return (0);
}

/* Models kqueue_wakeup() in sys/kern/kern_event.c. */
static void
kqueue_wakeup(struct kqueue *kq)
{
	KQ_OWNED(kq);

	if ((kq->kq_state & KQ_SLEEP) == KQ_SLEEP) {
		KQ_SET_STATE(kq, kq->kq_state & ~KQ_SLEEP);
		wakeup(kq);
	}
	if (!SLIST_EMPTY(&kq->kq_sel.si_note.kl_list))
		kqueue_schedtask(kq);
}

/*
 * Models knote(): walks a knlist, activating the knotes whose event
 * triggered.  Knotes in flux without KN_SCAN are skipped (their owner has
 * them exclusively).
 */
void
knote(struct knlist *list, long hint, int lockflags)
{
	struct kqueue *kq;
	struct knote *kn, *tkn;
	int error;

	if (list == NULL)
		return;

	knl_assert_lock(list, lockflags & KNF_LISTLOCKED);

	if ((lockflags & KNF_LISTLOCKED) == 0)
		knl_lock(list);

	SLIST_FOREACH_SAFE(kn, &list->kl_list, kn_selnext, tkn) {
		kq = kn->kn_kq;
		KQ_LOCK(kq);
		if (kn_in_flux(kn) && (kn->kn_status & KN_SCAN) == 0) {
			/*
			 * Do not process knotes in flux, except those of
			 * kqueue_scan(): the scan locks this knlist before it
			 * looks at the knote, so it waits for us.
			 */
			KQ_UNLOCK(kq);
		} else if ((lockflags & KNF_NOKQLOCK) != 0) {
			kn_enter_flux(kn);
			KQ_UNLOCK(kq);
			error = kn->kn_fop->f_event(kn, hint);
			KQ_LOCK(kq);
			kn_leave_flux(kn);
			if (error)
				KNOTE_ACTIVATE(kn, 1);
			KQ_UNLOCK_FLUX(kq);
		} else {
			if (kn->kn_fop->f_event(kn, hint))
				KNOTE_ACTIVATE(kn, 1);
			KQ_UNLOCK(kq);
		}
	}
	if ((lockflags & KNF_LISTLOCKED) == 0)
		knl_unlock(list);
}

/*
 * The end of a NOTE_TRACK iteration of knote_fork() before D18316
 * (rev_fork_close_race): the knote leaves flux and the kqueue lock is
 * dropped before the knlist is locked again, so kqueue_drain() (or any
 * dropper) may free the knote in between; the list walk then continues
 * from the freed knote's 'kn_selnext' (reference/kqueue.md section 5.2
 * item 2): a use after free, which the quarantine catches (knote_fork()).
 */
static void
knote_fork_leave_early(
    struct knlist *list, struct kqueue *kq, struct knote *kn, int error)
{
	if (error)
		KN_SET_FFLAGS(kn, kn->kn_fflags | NOTE_TRACKERR);
	if (kn->kn_fop->f_event(kn, (long)NOTE_FORK))
		KNOTE_ACTIVATE(kn, 0);
	KQ_LOCK(kq);
	kn_leave_flux(kn);
	KQ_UNLOCK_FLUX(kq);
	knl_lock(list);
}

/*
 * Models knote_fork(): the process owning 'list' forked child pid.  Knotes
 * without NOTE_TRACK see NOTE_FORK as in knote(); with NOTE_TRACK two
 * knotes are registered on the child (the NOTE_CHILD one-shot note and the
 * tracking note) with every lock dropped.  The list lock is held.
 */
void
knote_fork(struct knlist *list, int pid)
{
	struct kqueue *kq;
	struct knote *kn;
	struct kevent kev;
	int error;

	MPASS(list != NULL);
	knl_assert_lock(list, 1);
	if (SLIST_EMPTY(&list->kl_list))
		return;

	memset(&kev, 0, sizeof(kev));
	SLIST_FOREACH(kn, &list->kl_list, kn_selnext) {
		kq = kn->kn_kq;
		KQ_LOCK(kq);
		if (kn_in_flux(kn) && (kn->kn_status & KN_SCAN) == 0) {
			KQ_UNLOCK(kq);
			continue;
		}

		/* The same as knote(): activate the event. */
		if ((kn->kn_sfflags & NOTE_TRACK) == 0) {
			if (kn->kn_fop->f_event(kn, (long)NOTE_FORK))
				KNOTE_ACTIVATE(kn, 1);
			KQ_UNLOCK(kq);
			continue;
		}

		/*
		 * NOTE_TRACK: besides the activation, register knotes that
		 * track the child.  Drop the locks for kqueue_register().
		 */
		kn_enter_flux(kn);
		KQ_UNLOCK(kq);
		knl_unlock(list);

		/*
		 * First the child notice alone: NOTE_CHILD and NOTE_EXIT
		 * both use 'data', in conflicting ways.  Before r295012
		 * (rev_note_child_merged) there was no such note: the one
		 * EV_FLAG1 registration below reported NOTE_CHILD too.
		 */
		error = 0;
		if (!KQ_REV(rev_note_child_merged)) {
			kev.ident = (uint64_t)pid;
			kev.filter = kn->kn_filter;
			kev.flags = kn->kn_flags | EV_ADD | EV_ENABLE
			    | EV_ONESHOT | EV_FLAG2;
			kev.fflags = (uint32_t)kn->kn_sfflags;
			kev.data = (int64_t)kn->kn_id; /* parent */
			kev.udata = kn->kn_kevent.udata; /* preserve udata */
			error
			    = SIM_FAIL_POINT(SIM_FP_KNOTE_FORK_KQUEUE_REGISTER)
			    ? ENOMEM
			    : kqueue_register(kq, &kev, NULL, 0);
			if (error)
				KN_SET_FFLAGS(
				    kn, kn->kn_fflags | NOTE_TRACKERR);
		}

		/* Then the note that tracks the child's own events. */
		kev.ident = (uint64_t)pid;
		kev.filter = kn->kn_filter;
		kev.flags = kn->kn_flags | EV_ADD | EV_ENABLE | EV_FLAG1;
		kev.fflags = (uint32_t)kn->kn_sfflags;
		kev.data = (int64_t)kn->kn_id;
		kev.udata = kn->kn_kevent.udata;
		error = SIM_FAIL_POINT(SIM_FP_KNOTE_FORK_KQUEUE_REGISTER)
		    ? ENOMEM
		    : kqueue_register(kq, &kev, NULL, 0);

		if (KQ_REV(rev_fork_close_race)) {
			knote_fork_leave_early(list, kq, kn, error);
			/*
			 * KASAN: SLIST_FOREACH reads 'kn->kn_selnext' next;
			 * before D18316 nothing held 'kn' while the knlist
			 * was unlocked.  (The fixed path below keeps 'kn' in
			 * flux until the knlist is locked again, so the drain
			 * waits for it: no guard needed there.)
			 */
			SIM_KASAN_ACCESS(&kn->kn_obj, "knote_fork");
			continue;
		}

		/* Serialize updates of 'kn_kevent' with scanners. */
		knl_lock(list);
		if (error)
			KN_SET_FFLAGS(kn, kn->kn_fflags | NOTE_TRACKERR);
		if (kn->kn_fop->f_event(kn, (long)NOTE_FORK)) {
			KQ_LOCK(kq);
			KNOTE_ACTIVATE(kn, 1);
		} else {
			KQ_LOCK(kq);
		}
		kn_leave_flux(kn);
		KQ_UNLOCK_FLUX(kq);
	}
}

/*
 * knlists
 */

void
knlist_init_mtx(struct knlist *knl, struct mtx *lock)
{
	SLIST_INIT(&knl->kl_list);
	knl->kl_lock = lock;
	knl->kl_autodestroy = false;
}

/* Models knlist_add(): the knote must be in flux and detached. */
void
knlist_add(struct knlist *knl, struct knote *kn, int islocked)
{
	knl_assert_lock(knl, islocked);
	KQ_NOTOWNED(kn->kn_kq);
	KASSERT(kn_in_flux(kn), ("knote %s not in flux", kn->kn_obj.so_name));
	KASSERT((kn->kn_status & KN_DETACHED) != 0,
	    ("knote %s was not detached", kn->kn_obj.so_name));
	KASSERT(kn->kn_knlist == NULL,
	    ("knote %s was already on a knlist", kn->kn_obj.so_name));
	if (!islocked)
		knl_lock(knl);
	SLIST_INSERT_HEAD(&knl->kl_list, kn, kn_selnext);
	kn->kn_selprevp = &SLIST_FIRST(&knl->kl_list);
	if (SLIST_NEXT(kn, kn_selnext) != NULL)
		SLIST_NEXT(kn, kn_selnext)->kn_selprevp
		    = &SLIST_NEXT(kn, kn_selnext);
	if (!islocked)
		knl_unlock(knl);
	KQ_LOCK(kn->kn_kq);
	kn->kn_knlist = knl;
	KN_SET_STATUS(kn, kn->kn_status & ~KN_DETACHED);
	KQ_UNLOCK(kn->kn_kq);
}

/* Models knlist_remove_kq() in sys/kern/kern_event.c. */
static void
knlist_remove_kq(
    struct knlist *knl, struct knote *kn, int knlislocked, int kqislocked)
{
	KASSERT(!kqislocked || knlislocked, ("kq locked w/o knl locked"));
	knl_assert_lock(knl, knlislocked);
	mtx_assert(&kn->kn_kq->kq_lock, kqislocked ? MA_OWNED : MA_NOTOWNED);
	KASSERT(kqislocked || kn_in_flux(kn),
	    ("knote %s not in flux", kn->kn_obj.so_name));
	KASSERT((kn->kn_status & KN_DETACHED) == 0,
	    ("knote %s was already detached", kn->kn_obj.so_name));
	KASSERT(kn->kn_knlist == knl,
	    ("knote %s was not on this knlist", kn->kn_obj.so_name));
	if (!knlislocked)
		knl_lock(knl);
	/*
	 * XXX: the kernel's SLIST_REMOVE walks the list from its head, so
	 * that removing the knotes of one source in registration order costs
	 * the square of their number; 'kn_selprevp' unlinks the knote in
	 * constant time and leaves the same list.
	 */
	*kn->kn_selprevp = SLIST_NEXT(kn, kn_selnext);
	if (SLIST_NEXT(kn, kn_selnext) != NULL)
		SLIST_NEXT(kn, kn_selnext)->kn_selprevp = kn->kn_selprevp;
	kn->kn_selprevp = NULL;
	kn->kn_knlist = NULL;
	if (!knlislocked)
		kn_list_unlock(knl);
	if (!kqislocked)
		KQ_LOCK(kn->kn_kq);
	KN_SET_STATUS(kn, kn->kn_status | KN_DETACHED);
	if (!kqislocked)
		KQ_UNLOCK(kn->kn_kq);
}

/* Models knlist_remove() in sys/kern/kern_event.c. */
void
knlist_remove(struct knlist *knl, struct knote *kn, int islocked)
{
	knlist_remove_kq(knl, kn, islocked, 0);
}

/* Models knlist_empty() in sys/kern/kern_event.c. */
int
knlist_empty(struct knlist *knl)
{
	knl_assert_lock(knl, 1);
	return (SLIST_EMPTY(&knl->kl_list));
}

/* Models knlist_destroy() in sys/kern/kern_event.c. */
void
knlist_destroy(struct knlist *knl)
{
	KASSERT(SLIST_EMPTY(&knl->kl_list),
	    ("destroying knlist with knotes on it"));
}

/*
 * Models knlist_cleardel(): detaches every knote of knl; killkn frees them,
 * otherwise they get EV_EOF|EV_ONESHOT and disappear at the next scan that
 * finds them queued.  May drop the list lock to wait for knotes in flux.
 */
void
knlist_cleardel(struct knlist *knl, struct thread *td, int islocked, int killkn)
{
	struct knote *kn, *kn2;
	struct kqueue *kq;
	bool dropped;

	KASSERT(!knl->kl_autodestroy, ("cleardel for autodestroy knlist"));
	if (islocked)
		knl_assert_lock(knl, 1);
	else {
		knl_assert_lock(knl, 0);
		knl_lock(knl);
	}

	for (;;) {
		/*
		 * Each pass removes as many knotes as it can before waiting
		 * for the ones in flux.
		 */
		dropped = false;
		SLIST_FOREACH_SAFE(kn, &knl->kl_list, kn_selnext, kn2) {
			kq = kn->kn_kq;
			KQ_LOCK(kq);
			if (kn_in_flux(kn)) {
				KQ_UNLOCK(kq);
				continue;
			}
			knlist_remove_kq(knl, kn, 1, 1);
			if (killkn) {
				kn_enter_flux(kn);
				KQ_UNLOCK(kq);
				knl_unlock(knl);
				knote_drop_detached(kn, td);
				knl_lock(knl);
				dropped = true;
				break;
			} else {
				/* Make sure cleared knotes disappear soon. */
				KN_SET_FLAGS(
				    kn, kn->kn_flags | EV_EOF | EV_ONESHOT);
				KQ_UNLOCK(kq);
			}
			kq = NULL;
		}
		if (dropped)
			continue;

		if (SLIST_EMPTY(&knl->kl_list))
			break;

		/* There are still knotes in flux. */
		kn = SLIST_FIRST(&knl->kl_list);
		kq = kn->kn_kq;
		KQ_LOCK(kq);
		KASSERT(kn_in_flux(kn), ("knote removed w/o list lock"));
		knl_unlock(knl);
		KQ_FLUX_SLEEP_WMESG(kq, kn, PDROP, "kqkclr");
		kq = NULL;
		knl_lock(knl);
	}

	if (islocked)
		knl_assert_lock(knl, 1);
	else
		knl_unlock(knl);
}

/*
 * Models knote_fdclose(): drops every knote registered on fd in the
 * kqueues of td's table, which the caller holds locked.
 */
void
knote_fdclose(struct thread *td, int fd)
{
	struct filedesc *fdp = td->td_proc->p_fd;
	struct kqueue *kq;
	struct knote *kn;

	KASSERT(sx_xlocked(&fdp->fd_sx), ("knote_fdclose: table not locked"));

	/* The table is locked: no new knote can appear on fd. */
	TAILQ_FOREACH(kq, &fdp->fd_kqlist, kq_list) {
		KQ_LOCK(kq);
		if (kq->kq_knlistsize <= fd
		    || SLIST_EMPTY(&kq->kq_knlist[fd])) {
			KQ_UNLOCK(kq);
			continue;
		}

		while ((kn = SLIST_FIRST(&kq->kq_knlist[fd])) != NULL) {
			if (kn_in_flux(kn)) {
				/* It may be being dropped anyway: wait. */
				KQ_FLUX_SLEEP(kq, kn, 0);
				continue;
			}
			kn_enter_flux(kn);
			KQ_UNLOCK(kq);
			knote_drop(kn, td);
			KQ_LOCK(kq);
		}
		KQ_UNLOCK_FLUX(kq);
	}
}

/* Models knote_attach(): links kn into its kqueue's lists. */
int
knote_attach(struct knote *kn, struct kqueue *kq)
{
	struct klist *list;

	KASSERT(
	    kn_in_flux(kn), ("knote %s not marked influx", kn->kn_obj.so_name));
	KQ_OWNED(kq);
	MPASS(kn->kn_kq == kq);

	/* D18316: a closing kqueue takes no new knote. */
	if ((kq->kq_state & KQ_CLOSING) != 0 && !KQ_REV(rev_fork_close_race))
		return (EBADF);
	if (kn->kn_fop->f_isfd) {
		if (kn->kn_id >= (uint64_t)kq->kq_knlistsize)
			return (ENOMEM);
		list = &kq->kq_knlist[kn->kn_id];
	} else {
		if (kq->kq_knhash == NULL)
			return (ENOMEM);
		list = &kq->kq_knhash[KN_HASH(kn->kn_id, kq->kq_knhashmask)];
	}
	SLIST_INSERT_HEAD(list, kn, kn_link);
	return (0);
}

/* Models knote_drop(): detach from the source, then knote_drop_detached(). */
static void
knote_drop(struct knote *kn, struct thread *td)
{
	/*
	 * KASAN: the kernel reads 'kn_status' and 'kn_fop' of the knote it
	 * was handed; every caller holds it in flux, so it cannot have been
	 * freed unless a flux protocol is broken (pre-D8898).  XXX: a marker
	 * would make the kernel fault on its NULL 'kn_fop'; the model
	 * asserts.
	 */
	SIM_KASAN_ACCESS(&kn->kn_obj, "knote_drop");
	KASSERT(kn->kn_fop != NULL && (kn->kn_status & KN_MARKER) == 0,
	    ("knote_drop: %s is a marker", kn->kn_obj.so_name));
	if ((kn->kn_status & KN_DETACHED) == 0)
		kn->kn_fop->f_detach(kn);
	knote_drop_detached(kn, td);
}

/*
 * Models knote_drop_detached(): waits until the caller holds the only flux
 * reference, unlinks and dequeues the knote, releases its file, frees it.
 */
static void
knote_drop_detached(struct knote *kn, struct thread *td)
{
	struct kqueue *kq;
	struct klist *list;
	struct file *fp;

	kq = kn->kn_kq;

	KASSERT((kn->kn_status & KN_DETACHED) != 0,
	    ("knote %s still attached", kn->kn_obj.so_name));
	KQ_NOTOWNED(kq);

	KQ_LOCK(kq);
	for (;;) {
		KASSERT(kn->kn_influx >= 1,
		    ("knote_drop called on %s with influx %d",
			kn->kn_obj.so_name, kn->kn_influx));
		if (kn->kn_influx == 1)
			break;
		KQ_FLUX_SLEEP(kq, kn, 0);
	}

	MPASS(kn->kn_kq == kq);
	if (kn->kn_fop->f_isfd)
		list = &kq->kq_knlist[kn->kn_id];
	else
		list = &kq->kq_knhash[KN_HASH(kn->kn_id, kq->kq_knhashmask)];

	SLIST_REMOVE(list, kn, knote, kn_link);
	if (kn->kn_status & KN_QUEUED)
		knote_dequeue(kn);
	KQ_UNLOCK_FLUX(kq);

	if (kn->kn_fop->f_isfd) {
		fp = kn->kn_fp;
		kn->kn_fp = NULL;
		(void)fdrop(fp, td);
	}
	kn->kn_fop = NULL;
	sim_trace_freed("knote_drop", &kn->kn_obj);
	knote_free(kn);
}

/* Models knote_enqueue(): appends kn to 'kq_head' and wakes the kqueue. */
void
knote_enqueue(struct knote *kn)
{
	struct kqueue *kq = kn->kn_kq;

	KQ_OWNED(kn->kn_kq);
	KASSERT((kn->kn_status & KN_QUEUED) == 0, ("knote already queued"));

	TAILQ_INSERT_TAIL(&kq->kq_head, kn, kn_tqe);
	KN_SET_STATUS(kn, kn->kn_status | KN_QUEUED);
	KQ_SET_COUNT(kq, kq->kq_count + 1);
	kqueue_wakeup(kq);
}

/* Models knote_dequeue() in sys/kern/kern_event.c. */
void
knote_dequeue(struct knote *kn)
{
	struct kqueue *kq = kn->kn_kq;

	KQ_OWNED(kn->kn_kq);
	KASSERT(kn->kn_status & KN_QUEUED, ("knote not queued"));

	TAILQ_REMOVE(&kq->kq_head, kn, kn_tqe);
	KN_SET_STATUS(kn, kn->kn_status & ~KN_QUEUED);
	KQ_SET_COUNT(kq, kq->kq_count - 1);
	KASSERT(kq->kq_count >= 0, ("kq_count negative"));
}

/* Models knote_triv_copy() in sys/kern/kern_event.c. */
int
knote_triv_copy(struct knote *kn, struct proc *p1)
{
	return (0);
}

/*
 * The hooks of the shared process, descriptor and file layer (kernel.h)
 */

/* selwakeup(): KNOTE_LOCKED on the selinfo's knlist. */
static void
freebsd_selwakeup(struct selinfo *sip, long hint, int pollev)
{
	struct knlist *knl = &sip->si_note;

	if (hint == SEL_NOKNOTE || SLIST_EMPTY(&knl->kl_list))
		return;
	kqueue_runinit();
	if (knl->kl_lock != NULL && !mtx_owned(knl->kl_lock))
		knote(knl, hint, 0);
	else
		KNOTE_LOCKED(knl, hint);
}

static void
freebsd_fdclose(struct thread *td, int fd, struct file *fp)
{
	kqueue_runinit();
	knote_fdclose(td, fd);
}

/* Models the knote_fork() call of fork1() in sys/kern/kern_fork.c. */
static void
freebsd_fork(struct thread *td, struct proc *p1, struct proc *p2)
{
	kqueue_runinit();
	PROC_LOCK(p1);
	knote_fork(&p1->p_klist, p2->p_pid);
	PROC_UNLOCK(p1);
}

/* Models the NOTE_EXIT notification of exit1() in kern_exit.c. */
static void
freebsd_exit(struct thread *td, struct proc *p)
{
	kqueue_runinit();
	PROC_LOCK(p);
	KNOTE_LOCKED(&p->p_klist, (long)NOTE_EXIT);
	PROC_UNLOCK(p);
}

/*
 * Models procdesc_reap(), NOTE_REAP and knlist_detach(p->p_klist) of
 * proc_reap().  XXX: the
 * kernel's knlist outlives the process (autodestroy); here 'p_klist' is
 * embedded in the process, so the remaining knotes are detached (they have
 * EV_EOF|EV_ONESHOT already, or get it, as knlist_clear() does).
 */
static void
freebsd_reap(struct proc *p)
{
	kqueue_runinit();
	if (p->p_procdesc != NULL)
		procdesc_reap(p);
	PROC_LOCK(p);
	KNOTE_LOCKED(&p->p_klist, (long)NOTE_REAP);
	knlist_cleardel(&p->p_klist, NULL, 1, 0);
	PROC_UNLOCK(p);
}

/* Models the KNOTE of tdsendsignal() in sys/kern/kern_sig.c. */
static void
freebsd_signal(struct proc *p, int sig)
{
	kqueue_runinit();
	if (mtx_owned(&p->p_mtx))
		KNOTE_LOCKED(&p->p_klist, (long)(NOTE_SIGNAL | (unsigned)sig));
	else
		KNOTE_UNLOCKED(
		    &p->p_klist, (long)(NOTE_SIGNAL | (unsigned)sig));
}

/* Models knlist_clear() of pipeclose(), soclose(), vgone(). */
static void
freebsd_seldrain(struct selinfo *sip)
{
	struct knlist *knl = &sip->si_note;

	if (SLIST_EMPTY(&knl->kl_list))
		return;
	kqueue_runinit();
	knlist_clear(knl, knl->kl_lock != NULL && mtx_owned(knl->kl_lock));
}

const struct sim_kops freebsd_kops = {
	.ko_selwakeup = freebsd_selwakeup,
	.ko_seldrain = freebsd_seldrain,
	.ko_fdclose = freebsd_fdclose,
	.ko_fork = freebsd_fork,
	.ko_exit = freebsd_exit,
	.ko_reap = freebsd_reap,
	.ko_signal = freebsd_signal,
	.ko_proc_continue = freebsd_proc_continue,
	.ko_vnode = freebsd_vnode_event,
	.ko_vnode_post = freebsd_vnode_post,
	.ko_userret = kqueue_ast,
	.ko_kqueue = kern_kqueue,
	.ko_kqueuex = kern_kqueue,
	.ko_kevent = kern_kevent,
	.ko_procdesc_falloc = procdesc_falloc,
	.ko_procdesc_new = procdesc_new,
	.ko_procdesc_finit = procdesc_finit_proc,
	.ko_procdesc_exit = procdesc_exit,
};
