/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * 'struct kqueue' and the kqueue model's internal interface shared by
 * kern_event.c, kern_event_filters.c, kern_descrip_kq.c and the Lua
 * binding sim/sys/kqueue_lua.c.  Models sys/sys/eventvar.h plus the static
 * helpers of sys/kern/kern_event.c that the filters use (KQ_LOCK,
 * KNOTE_ACTIVATE, knote_enqueue).
 */
#ifndef SIM_FREEBSD_EVENTVAR_H
#define SIM_FREEBSD_EVENTVAR_H

#include <stdbool.h>
#include <stdint.h>

#include "event.h"
#include "kernel.h"
#include "selinfo.h"
#include "sim.h"
#include "sync.h"

#define KQ_NEVENTS 8 /* minimize copy{in,out} calls */
#define KQEXTENT 256 /* linear growth by this amount */
#define KN_HASHSIZE 64 /* XXX should be tunable */

struct filedesc;

/* Models 'struct kqueue' in sys/sys/eventvar.h. */
struct kqueue {
	struct mtx kq_lock;
	int kq_refcnt;
	TAILQ_ENTRY(kqueue) kq_list; /* on the table's 'fd_kqlist' */
	TAILQ_HEAD(, knote) kq_head; /* list of pending event */
	int kq_count; /* number of pending events */
	struct selinfo kq_sel; /* 'si_note': kqueues watching us */
	struct filedesc *kq_fdp;
	int kq_state;
#define KQ_SEL 0x01
#define KQ_SLEEP 0x02
#define KQ_FLUXWAIT 0x04 /* waiting for a in flux kn */
#define KQ_ASYNC 0x08
#define KQ_CLOSING 0x10
#define KQ_TASKSCHED 0x20 /* task scheduled */
#define KQ_TASKDRAIN 0x40 /* waiting for task to drain */
#define KQ_CPONFORK 0x80
	int kq_knlistsize; /* size of knlist */
	struct klist *kq_knlist; /* list of knotes */
	unsigned long kq_knhashmask; /* size of knhash */
	struct klist *kq_knhash; /* hash table for knotes */
	struct task kq_task;
	struct kqueue *kq_forksrc; /* the parent's kqueue while fork copies */
	TAILQ_ENTRY(kqueue) kq_all; /* sim: every live kqueue of the run */
	struct sim_obj kq_obj; /* "kqueue#N" */
};

/* The behaviour switches of the run's kernel revision (kernel.c). */
#define KQ_REV(sw) (sim_kern->k_rev->sw)

/*
 * Every live kqueue of the run, in creation order (sim/invariants.c): the
 * first, or NULL, and the next.
 */
struct kqueue *kqueue_registry_first(void);
struct kqueue *kqueue_registry_next(struct kqueue *kq);

#define KQ_SET_COUNT(kq, v)                                                    \
	SIM_SET(&(kq)->kq_obj, "kq_count", (kq)->kq_count, (v))
#define KQ_SET_STATE(kq, v)                                                    \
	SIM_SET_FLAGS(                                                         \
	    &(kq)->kq_obj, "kq_state", kq_state_names, (kq)->kq_state, (v))
#define KQ_SET_REFCNT(kq, v)                                                   \
	SIM_SET(&(kq)->kq_obj, "kq_refcnt", (kq)->kq_refcnt, (v))

/*
 * KASAN: every access of the kernel to a kqueue through a pointer it keeps
 * ('kn_kq', 'kq_forksrc', a file's 'f_data') starts by locking it; a
 * kqueue_close()d one is reported there.
 */
#define KQ_LOCK(kq)                                                            \
	do {                                                                   \
		SIM_KASAN_ACCESS(&(kq)->kq_obj, __func__);                     \
		mtx_lock(&(kq)->kq_lock);                                      \
	} while (0)
#define KQ_UNLOCK(kq) mtx_unlock(&(kq)->kq_lock)
#define KQ_OWNED(kq) mtx_assert(&(kq)->kq_lock, MA_OWNED)
#define KQ_NOTOWNED(kq) mtx_assert(&(kq)->kq_lock, MA_NOTOWNED)

/*
 * Models the KNOTE_ACTIVATE() macro: set KN_ACTIVE and queue the knote
 * unless it is queued or disabled.  A macro so that the trace names the
 * function that activated the knote, as the kernel's macro expands there.
 */
#define KNOTE_ACTIVATE(kn, islock)                                             \
	do {                                                                   \
		struct kqueue *akq_ = (kn)->kn_kq;                             \
		if ((islock))                                                  \
			KQ_OWNED(akq_);                                        \
		else                                                           \
			KQ_LOCK(akq_);                                         \
		KN_SET_STATUS((kn), (kn)->kn_status | KN_ACTIVE);              \
		if (((kn)->kn_status & (KN_QUEUED | KN_DISABLED)) == 0)        \
			knote_enqueue((kn));                                   \
		if (!(islock))                                                 \
			KQ_UNLOCK(akq_);                                       \
	} while (0)

/* Queues kn on its kqueue (kq lock held); KASSERTs it was not queued. */
void knote_enqueue(struct knote *kn);
/* Removes kn from its kqueue's queue (kq lock held). */
void knote_dequeue(struct knote *kn);

/* Knote flux, with the kq lock held. */
bool kn_in_flux(const struct knote *kn);
void kn_enter_flux(struct knote *kn);
bool kn_leave_flux(struct knote *kn);

/*
 * Registers one change (kqueue_register()): 0 or an errno (EINVAL, ENOENT,
 * EBADF, ENOMEM, ESRCH, ENXIO, EPIPE...).  td may be NULL for the kernel's
 * own registrations (knote_fork), which never sleep for memory.
 */
int kqueue_register(
    struct kqueue *kq, struct kevent *kev, struct thread *td, int waitok);

/*
 * kqueue(2)/kqueuex(2): a new kqueue at the lowest free fd.  flags is
 * O_CLOEXEC or 0.  Returns 0 with *ret_fd, or EMFILE.
 */
int kern_kqueue(struct thread *td, int flags, bool cponfork, int *ret_fd);

/* Where kevent() copies its events to (the Lua binding's buffer). */
struct kevent_copyops {
	void *arg;
	int (*k_copyout)(void *arg, struct kevent *kevp, int count);
	int (*k_copyin)(void *arg, struct kevent *kevp, int count);
};

/*
 * kevent(2) on fd: applies nchanges changes read through k_copyin, then
 * scans for up to nevents events written through k_copyout.  timeout_ns:
 * < 0 forever, 0 poll, else relative ns; tv_invalid makes the scan fail
 * with EINVAL after the changes (an invalid timespec).  Returns 0 with
 * *ret_n (events or error entries written), or EBADF, EINVAL, EINTR, and
 * the error of the first failed change when nevents is 0.
 */
int kern_kevent(struct thread *td, int fd, int nchanges, int nevents,
    struct kevent_copyops *k_ops, int64_t timeout_ns, bool tv_invalid,
    int *ret_n);

/* The kqueue of a kqueue file, or NULL. */
struct kqueue *kqueue_of_file(struct file *fp);

/*
 * The kqueue fileops' fo_fork (kqueue_fork_alloc/kqueue_fork_copy, see
 * fd.h for the two passes).  kern_descrip_kq.c.
 */
int kqueue_fork(struct filedesc *fdp, struct file *fp, struct file **ret_fp,
    struct thread *td);
int kqueue_fork_alloc(struct filedesc *fdp, struct file *fp,
    struct file **ret_fp, struct thread *td);
int kqueue_fork_copy(
    struct filedesc *fdp, struct file *fp, struct file *fp1, struct thread *td);

/* Helpers of kern_event.c used by the fork copy. */
int kqueue_acquire_ref(struct kqueue *kq);
void kqueue_release(struct kqueue *kq, int locked);
int kqueue_expand(struct kqueue *kq, const struct filterops *fops,
    uintptr_t ident, int waitok);
int knote_attach(struct knote *kn, struct kqueue *kq);
struct knote *knote_alloc(void);
void knote_free(struct knote *kn);
/* Names a knote and records its creation and initial fields. */
void knote_trace_new(struct knote *kn, const char *func);

/*
 * Labels a knote in the 'objects' table: its kqueue (and the caller's
 * descriptor for it, when the caller holds one), ident, filter and udata.
 * sim_udata_describe, set by the Lua binding, writes a udata handle as the
 * scenario wrote the value; NULL writes the handle.
 */
void sim_knote_label(const struct knote *kn);
extern void (*sim_udata_describe)(const void *udata, char *buf, size_t len);
int kern_kqueue_alloc(struct thread *td, struct filedesc *fdp, int *fdip,
    struct file **fpp, int flags, bool cponfork, struct kqueue **kqp);
struct knlist *kn_list_lock(struct knote *kn);
void kn_list_unlock(struct knlist *knl);

/*
 * A scheduling point where another CPU could run between two instructions
 * of the kernel (no lock is released there in the kernel).  Used where the
 * reference documents a race window (XXX: an explicit point, see
 * kqueue_fork_copy_knote()).
 */
void kqueue_cpu_window(void);

/* The kqueue's 'kq_obj' id, for kqueue_inspect. */
extern const struct fileops kqueueops;

/* The EVFILT_VNODE hints of a vnode event (kern_event_filters.c). */
void freebsd_vnode_event(struct vnode *vp, enum sim_vnev ev);
void freebsd_vnode_post(struct vnode *vp, unsigned int evs);
/* kqtimer_proc_continue() for the process layer (ko_proc_continue). */
void freebsd_proc_continue(struct proc *p);

/* Per-run state of the model; called at every entry point. */
void kqueue_runinit(void);

/* TDA_KQUEUE: thread td must quiesce the kqueue taskqueue before returning. */
void kqueue_ast(struct thread *td);

#endif /* SIM_FREEBSD_EVENTVAR_H */
