/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kqueue interface of the FreeBSD 5.x kernel of 2003-04 (revision
 * freebsd@7773002, the kern_event.c of seeds/000_18ff6dd3fccf25ff.txt):
 * 'struct kevent', 'struct knote' with only the four status bits of that
 * era, 'struct filterops' without f_touch/f_copy, 'struct kqueue' with its
 * own event buffer 'kq_kev', and the knote lists of a descriptor table.
 * Models sys/sys/event.h and sys/sys/eventvar.h of that revision.  This
 * header is included only by the files of that model
 * (kern_event_7773002.c, sim/sys/kqueue_7773002_lua.c): it defines 'struct
 * knote' and 'struct kevent' of its own, and today's model
 * (event.h/eventvar.h) never meets its objects.
 *
 * Deviations: 'struct kevent' has the layout of today's (ident and data
 * 64-bit, plus 'ext[4]') so that the Lua binding's copyin/copyout buffers
 * serve both models (XXX: the 2003 kevent had uintptr_t/intptr_t and no
 * 'ext'; the model never reads or writes 'ext', and kevent() narrows
 * 'ident' and 'data' of each change to 32 bits as on the i386 kernel of
 * that era); 'udata' is the binding's handle as in today's model.
 */
#ifndef SIM_FREEBSD_EVENT_7773002_H
#define SIM_FREEBSD_EVENT_7773002_H

#include <stdbool.h>
#include <stdint.h>

#include "queue.h"
#include "selinfo.h"
#include "sim.h"
#include "sync.h"

#define EVFILT_READ (-1)
#define EVFILT_WRITE (-2)
#define EVFILT_AIO (-3) /* attached to aio requests */
#define EVFILT_VNODE (-4) /* attached to vnodes */
#define EVFILT_PROC (-5) /* attached to struct proc */
#define EVFILT_SIGNAL (-6) /* attached to struct proc */
#define EVFILT_TIMER (-7) /* timers */
#define EVFILT_NETDEV (-8) /* network devices */
#define EVFILT_SYSCOUNT 8

/* actions */
#define EV_ADD 0x0001 /* add event to kq (implies enable) */
#define EV_DELETE 0x0002 /* delete event from kq */
#define EV_ENABLE 0x0004 /* enable event */
#define EV_DISABLE 0x0008 /* disable event (not reported) */

/* flags */
#define EV_ONESHOT 0x0010 /* only report one occurrence */
#define EV_CLEAR 0x0020 /* clear event state after reporting */

#define EV_SYSFLAGS 0xF000 /* reserved by system */
#define EV_FLAG1 0x2000 /* filter-specific flag */

/* returned values */
#define EV_EOF 0x8000 /* EOF detected */
#define EV_ERROR 0x4000 /* error, data contains errno */

/* data/hint flags for EVFILT_{READ|WRITE}, shared with userspace */
#define NOTE_LOWAT 0x0001 /* low water mark */

/* data/hint flags for EVFILT_VNODE, shared with userspace */
#define NOTE_DELETE 0x0001 /* vnode was removed */
#define NOTE_WRITE 0x0002 /* data contents changed */
#define NOTE_EXTEND 0x0004 /* size increased */
#define NOTE_ATTRIB 0x0008 /* attributes changed */
#define NOTE_LINK 0x0010 /* link count changed */
#define NOTE_RENAME 0x0020 /* vnode was renamed */
#define NOTE_REVOKE 0x0040 /* vnode access was revoked */

/* data/hint flags for EVFILT_PROC, shared with userspace */
#define NOTE_EXIT 0x80000000 /* process exited */
#define NOTE_FORK 0x40000000 /* process forked */
#define NOTE_EXEC 0x20000000 /* process exec'd */
#define NOTE_PCTRLMASK 0xf0000000 /* mask for hint bits */
#define NOTE_PDATAMASK 0x000fffff /* mask for pid */

/* additional flags for EVFILT_PROC */
#define NOTE_TRACK 0x00000001 /* follow across forks */
#define NOTE_TRACKERR 0x00000002 /* could not track child */
#define NOTE_CHILD 0x00000004 /* am a child process */

/* The hint kern_sig.c passes to the knotes of 'p_klist' (EVFILT_SIGNAL). */
#define NOTE_SIGNAL 0x08000000

/* Models 'struct kevent' (XXX: today's layout, see the file comment). */
struct kevent {
	uint64_t ident; /* identifier for this event */
	int16_t filter; /* filter for event */
	uint16_t flags;
	uint32_t fflags;
	int64_t data;
	void *udata; /* opaque user data identifier */
	uint64_t ext[4]; /* XXX: not in the 2003 kevent */
};

/*
 * Where kevent() copies changes from and events to: the Lua binding's
 * buffers (the same type as eventvar.h's, for the binding serves both).
 */
struct kevent_copyops {
	void *arg;
	int (*k_copyout)(void *arg, struct kevent *kevp, int count);
	int (*k_copyin)(void *arg, struct kevent *kevp, int count);
};

struct knote; /* 'struct klist' is in selinfo.h */

/* Models 'struct filterops' of 2003: no f_touch, no f_copy. */
struct filterops {
	int f_isfd; /* true if ident == filedescriptor */
	int (*f_attach)(struct knote *kn);
	void (*f_detach)(struct knote *kn);
	int (*f_event)(struct knote *kn, long hint);
};

struct file;
struct proc;
struct kqueue;

/* Models 'struct knote' of 2003. */
struct knote {
	SLIST_ENTRY(knote) kn_link; /* for fd */
	SLIST_ENTRY(knote) kn_selnext; /* for struct selinfo */
	TAILQ_ENTRY(knote) kn_tqe;
	struct kqueue *kn_kq; /* which queue we are on */
	struct kevent kn_kevent;
	int kn_status;
#define KN_ACTIVE 0x01 /* event has been triggered */
#define KN_QUEUED 0x02 /* event is on queue */
#define KN_DISABLED 0x04 /* event is disabled */
#define KN_DETACHED 0x08 /* knote is detached */
	int kn_sfflags; /* saved filter flags */
	int64_t kn_sdata; /* saved data field */
	union {
		struct file *p_fp; /* file data pointer */
		struct proc *p_proc; /* proc pointer */
	} kn_ptr;
	const struct filterops *kn_fop;
	void *kn_hook;
	bool kn_marker; /* sim: kqueue_scan()'s marker, never traced */
	bool kn_freed; /* sim: knote_free() ran (kept until the run ends) */
	struct knote *kn_quarantine; /* sim: the run's freed knotes */
	struct sim_obj kn_obj; /* "knote#N" */
#define kn_id kn_kevent.ident
#define kn_filter kn_kevent.filter
#define kn_flags kn_kevent.flags
#define kn_fflags kn_kevent.fflags
#define kn_data kn_kevent.data
#define kn_fp kn_ptr.p_fp
};

#define KQ_NEVENTS 8 /* minimize copy{in,out} calls */
#define KQEXTENT 256 /* linear growth by this amount */

/* Models 'struct kqueue' of 2003 (sys/sys/eventvar.h). */
struct kqueue {
	TAILQ_HEAD(kqlist, knote) kq_head; /* list of pending event */
	int kq_count; /* number of pending events */
	struct selinfo kq_sel;
	struct filedesc *kq_fdp;
	int kq_state;
#define KQ_SEL 0x01
#define KQ_SLEEP 0x02
	struct kevent kq_kev[KQ_NEVENTS];
	struct sim_obj kq_obj; /* "kqueue#N" */
};

/* Flag names for the trace and sim.inspect. */
extern const struct sim_flagname kn_status_names_7773002[];
extern const struct sim_flagname kq_state_names_7773002[];

/*
 * Writes a udata handle as the scenario wrote the value (set by the Lua
 * binding; defined in kern_event.c, which both models link with).
 */
extern void (*sim_udata_describe)(const void *udata, char *buf, size_t len);

/* The kqueue of a kqueue file of this model, or NULL. */
struct kqueue *kqueue_of_file_7773002(struct file *fp);

#endif /* SIM_FREEBSD_EVENT_7773002_H */
