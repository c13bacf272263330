/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kqueue interface of the simulated FreeBSD kernel: 'struct kevent', the
 * filter and flag constants with FreeBSD's numeric values (current main,
 * "M1" in reference/kqueue.md), 'struct knote', 'struct filterops' and the
 * knlist/knote API that event sources use.  Models sys/sys/event.h.
 *
 * Deviations: 'udata' is an opaque integer handle that the Lua binding maps
 * to a Lua value (XXX: the kernel stores a user pointer); the knlist lock is
 * a plain mutex pointer (see selinfo.h) instead of lock/unlock callbacks.
 */
#ifndef SIM_FREEBSD_EVENT_H
#define SIM_FREEBSD_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "queue.h"
#include "selinfo.h"
#include "sim.h"

#define EVFILT_READ (-1)
#define EVFILT_WRITE (-2)
#define EVFILT_AIO (-3)
#define EVFILT_VNODE (-4)
#define EVFILT_PROC (-5)
#define EVFILT_SIGNAL (-6)
#define EVFILT_TIMER (-7)
#define EVFILT_PROCDESC (-8)
#define EVFILT_FS (-9)
#define EVFILT_LIO (-10)
#define EVFILT_USER (-11)
#define EVFILT_SENDFILE (-12)
#define EVFILT_EMPTY (-13)
#define EVFILT_JAIL (-14)
#define EVFILT_JAILDESC (-15)
#define EVFILT_SYSCOUNT 15

/* Actions. */
#define EV_ADD 0x0001
#define EV_DELETE 0x0002
#define EV_ENABLE 0x0004
#define EV_DISABLE 0x0008
#define EV_FORCEONESHOT 0x0100
#define EV_KEEPUDATA 0x0200

/* Flags. */
#define EV_ONESHOT 0x0010
#define EV_CLEAR 0x0020
#define EV_RECEIPT 0x0040
#define EV_DISPATCH 0x0080

#define EV_SYSFLAGS 0xF000
#define EV_DROP 0x1000
#define EV_FLAG1 0x2000
#define EV_FLAG2 0x4000

/* Returned values. */
#define EV_EOF 0x8000
#define EV_ERROR 0x4000

/* EVFILT_USER */
#define NOTE_FFNOP 0x00000000
#define NOTE_FFAND 0x40000000
#define NOTE_FFOR 0x80000000
#define NOTE_FFCOPY 0xc0000000
#define NOTE_FFCTRLMASK 0xc0000000
#define NOTE_FFLAGSMASK 0x00ffffff
#define NOTE_TRIGGER 0x01000000

/* EVFILT_READ, EVFILT_WRITE */
#define NOTE_LOWAT 0x0001
#define NOTE_FILE_POLL 0x0002

/* EVFILT_VNODE */
#define NOTE_DELETE 0x0001
#define NOTE_WRITE 0x0002
#define NOTE_EXTEND 0x0004
#define NOTE_ATTRIB 0x0008
#define NOTE_LINK 0x0010
#define NOTE_RENAME 0x0020
#define NOTE_REVOKE 0x0040
#define NOTE_OPEN 0x0080
#define NOTE_CLOSE 0x0100
#define NOTE_CLOSE_WRITE 0x0200
#define NOTE_READ 0x0400

/* EVFILT_PROC, EVFILT_PROCDESC */
#define NOTE_EXIT 0x80000000
#define NOTE_FORK 0x40000000
#define NOTE_EXEC 0x20000000
#define NOTE_PDSIGCHLD 0x10000000
#define NOTE_SIGNAL 0x08000000
#define NOTE_REAP 0x04000000
#define NOTE_PCTRLMASK 0xfc000000
#define NOTE_PDATAMASK 0x000fffff
#define NOTE_TRACK 0x00000001
#define NOTE_TRACKERR 0x00000002
#define NOTE_CHILD 0x00000004

/* EVFILT_TIMER */
#define NOTE_SECONDS 0x00000001
#define NOTE_MSECONDS 0x00000002
#define NOTE_USECONDS 0x00000004
#define NOTE_NSECONDS 0x00000008
#define NOTE_ABSTIME 0x00000010

/* EVFILT_JAIL */
#define NOTE_JAIL_CHILD 0x80000000
#define NOTE_JAIL_SET 0x40000000
#define NOTE_JAIL_ATTACH 0x20000000
#define NOTE_JAIL_REMOVE 0x10000000
#define NOTE_JAIL_MULTI 0x08000000
#define NOTE_JAIL_CTRLMASK 0xf0000000

/* kqueuex(2) flags. */
#define KQUEUE_CLOEXEC 0x00000001
#define KQUEUE_CPONFORK 0x00000002

/* Models 'struct kevent' (FreeBSD 12 and later). */
struct kevent {
	uint64_t ident;
	int16_t filter;
	uint16_t flags;
	uint32_t fflags;
	int64_t data;
	void *udata; /* XXX: a handle of the Lua binding */
	uint64_t ext[4];
};

struct knote;
struct kqueue;
struct file;
struct proc;
struct thread;

/* f_touch() types. */
#define EVENT_REGISTER 1
#define EVENT_PROCESS 2

/* Models 'struct filterops'. */
struct filterops {
	int f_isfd; /* true if ident == filedescriptor */
	int (*f_attach)(struct knote *kn);
	void (*f_detach)(struct knote *kn);
	int (*f_event)(struct knote *kn, long hint);
	void (*f_touch)(
	    struct knote *kn, struct kevent *kev, unsigned long type);
	int (*f_copy)(struct knote *kn, struct proc *p1);
};

/*
 * Models 'struct knote'.  The kqueue lock protects 'kn_status',
 * 'kn_influx' and the queue linkage; the knlist lock of the event source
 * protects the filter's view ('kn_data', 'kn_fflags', EV_EOF).
 */
struct knote {
	SLIST_ENTRY(knote) kn_link; /* for kq */
	SLIST_ENTRY(knote) kn_selnext; /* for struct selinfo */
	/*
	 * XXX: not in the kernel: the link that points to this knote on its
	 * knlist, so that knlist_remove_kq() unlinks it in constant time.
	 */
	struct knote **kn_selprevp;
	struct knlist *kn_knlist; /* f_attach populated */
	TAILQ_ENTRY(knote) kn_tqe;
	struct kqueue *kn_kq; /* which queue we are on */
	struct kevent kn_kevent;
	void *kn_hook;
	int kn_hookid;
	int kn_status; /* protected by kq lock */
#define KN_ACTIVE 0x01 /* event has been triggered */
#define KN_QUEUED 0x02 /* event is on queue */
#define KN_DISABLED 0x04 /* event is disabled */
#define KN_DETACHED 0x08 /* knote is detached */
#define KN_MARKER 0x20 /* ignore this knote */
#define KN_KQUEUE 0x40 /* this knote belongs to a kq */
#define KN_SCAN 0x100 /* flux set in kqueue_scan() */
#define KN_CPONFORK (KN_ACTIVE | KN_DISABLED) /* status kept by fork copy */
	int kn_influx;
	int kn_sfflags; /* saved filter flags */
	int64_t kn_sdata; /* saved data field */
	union {
		struct file *p_fp; /* file data pointer */
		struct proc *p_proc; /* proc pointer */
		void *p_v; /* generic other pointer */
	} kn_ptr;
	const struct filterops *kn_fop;
	struct sim_obj kn_obj; /* "knote#N"; empty until registered */
#define kn_id kn_kevent.ident
#define kn_filter kn_kevent.filter
#define kn_flags kn_kevent.flags
#define kn_fflags kn_kevent.fflags
#define kn_data kn_kevent.data
#define kn_fp kn_ptr.p_fp
};

/* knote() lock flags. */
#define KNF_LISTLOCKED 0x0001 /* knlist is locked */
#define KNF_NOKQLOCK 0x0002 /* do not keep KQ_LOCK */

#define KNOTE(list, hint, flags) knote(list, hint, flags)
#define KNOTE_LOCKED(list, hint) knote(list, hint, KNF_LISTLOCKED)
#define KNOTE_UNLOCKED(list, hint) knote(list, hint, 0)

/* Flag names for the trace and sim.inspect. */
extern const struct sim_flagname kn_status_names[];
extern const struct sim_flagname ev_flag_names[];
extern const struct sim_flagname kq_state_names[];

/*
 * The recording macros of the kqueue model: every write of a modelled knote
 * or kqueue field goes through one of these, so that the trace shows the
 * transition with the writing function ('__func__' of the expansion site).
 */
#define KN_SET_STATUS(kn, v)                                                   \
	SIM_SET_FLAGS(                                                         \
	    &(kn)->kn_obj, "kn_status", kn_status_names, (kn)->kn_status, (v))
#define KN_SET_FLAGS(kn, v)                                                    \
	SIM_SET_FLAGS(                                                         \
	    &(kn)->kn_obj, "kn_flags", ev_flag_names, (kn)->kn_flags, (v))
#define KN_SET_FFLAGS(kn, v)                                                   \
	SIM_SET(&(kn)->kn_obj, "kn_fflags", (kn)->kn_fflags, (uint32_t)(v))
#define KN_SET_DATA(kn, v) SIM_SET(&(kn)->kn_obj, "kn_data", (kn)->kn_data, (v))
#define KN_SET_SFFLAGS(kn, v)                                                  \
	SIM_SET(&(kn)->kn_obj, "kn_sfflags", (kn)->kn_sfflags, (int)(v))
#define KN_SET_SDATA(kn, v)                                                    \
	SIM_SET(&(kn)->kn_obj, "kn_sdata", (kn)->kn_sdata, (v))
#define KN_SET_INFLUX(kn, v)                                                   \
	SIM_SET(&(kn)->kn_obj, "kn_influx", (kn)->kn_influx, (v))

/*
 * Walks 'list' calling each knote's f_event with 'hint' and activates those
 * that report an event.  lockflags: KNF_LISTLOCKED when the caller holds
 * the list lock.
 */
void knote(struct knlist *list, long hint, int lockflags);
/* Models knote_fork(): NOTE_FORK and NOTE_TRACK for a new child 'pid'. */
void knote_fork(struct knlist *list, int pid);
/* Drops every knote of every kqueue of td's table registered on 'fd'. */
void knote_fdclose(struct thread *td, int fd);

void knlist_init_mtx(struct knlist *knl, struct mtx *lock);
void knlist_add(struct knlist *knl, struct knote *kn, int islocked);
void knlist_remove(struct knlist *knl, struct knote *kn, int islocked);
int knlist_empty(struct knlist *knl);
/* Detaches every knote (killkn: and frees it); may sleep. */
void knlist_cleardel(
    struct knlist *knl, struct thread *td, int islocked, int killkn);
#define knlist_clear(knl, islocked) knlist_cleardel((knl), NULL, (islocked), 0)
#define knlist_delete(knl, td, islocked)                                       \
	knlist_cleardel((knl), (td), (islocked), 1)
void knlist_destroy(struct knlist *knl);

/* f_copy that copies nothing filter-specific. */
int knote_triv_copy(struct knote *kn, struct proc *p1);

/*
 * The fo_kqfilter methods of the file types, for the fileops vectors of
 * sim/pipe.c, sim/socket.c, sim/vfs.c and the kqueue itself: 0, or EINVAL
 * for a filter the file type does not support, EPIPE for EVFILT_WRITE on a
 * pipe whose reader is gone.
 */
int pipe_kqfilter(struct file *fp, struct knote *kn);
int soo_kqfilter(struct file *fp, struct knote *kn);
int vn_kqfilter(struct file *fp, struct knote *kn);
int kqueue_kqfilter(struct file *fp, struct knote *kn);

/* The global filter table (kern_event_filters.c). */
extern const struct filterops file_filtops;
extern const struct filterops null_filtops;
extern const struct filterops proc_filtops;
extern const struct filterops sig_filtops;
extern const struct filterops timer_filtops;
extern const struct filterops user_filtops;
extern const struct filterops fs_filtops;

/* Callout accounting of EVFILT_TIMER (kern.kq_calloutmax). */
extern unsigned int kq_ncallouts;

#endif /* SIM_FREEBSD_EVENT_H */
