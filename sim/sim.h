/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What every file of the simulated kernel shares: errno names, object names
 * for the trace, and the recording macros through which every modelled
 * field changes.  A field written behind these macros' back is a bug: the
 * trace would not show the transition.
 *
 * Errors inside sim/ are the host's <errno.h> constants used as symbolic
 * codes (EINVAL, ETIME, EBADFD, ERESTART all exist on Linux); the trace, Lua
 * and EV_ERROR entries get the *modelled* kernel's name or number through
 * SIM_ERRNO_MAP, since EAGAIN is 35 on FreeBSD and 11 on illumos.
 */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "queue.h"
#include "sched.h"
#include "sync.h"

/* name, FreeBSD number, illumos number (0 = the kernel has no such errno) */
#define SIM_ERRNO_MAP(X)                                                       \
	X(EPERM, 1, 1)                                                         \
	X(ENOENT, 2, 2)                                                        \
	X(ESRCH, 3, 3)                                                         \
	X(EINTR, 4, 4)                                                         \
	X(EIO, 5, 5)                                                           \
	X(ENXIO, 6, 6)                                                         \
	X(E2BIG, 7, 7)                                                         \
	X(EBADF, 9, 9)                                                         \
	X(ECHILD, 10, 10)                                                      \
	X(EDEADLK, 11, 45)                                                     \
	X(ENOMEM, 12, 12)                                                      \
	X(EACCES, 13, 13)                                                      \
	X(EFAULT, 14, 14)                                                      \
	X(EBUSY, 16, 16)                                                       \
	X(EEXIST, 17, 17)                                                      \
	X(EXDEV, 18, 18)                                                       \
	X(ENOTDIR, 20, 20)                                                     \
	X(EISDIR, 21, 21)                                                      \
	X(EINVAL, 22, 22)                                                      \
	X(ENFILE, 23, 23)                                                      \
	X(EMFILE, 24, 24)                                                      \
	X(ENOTTY, 25, 25)                                                      \
	X(EFBIG, 27, 27)                                                       \
	X(ENOSPC, 28, 28)                                                      \
	X(ESPIPE, 29, 29)                                                      \
	X(EROFS, 30, 30)                                                       \
	X(EMLINK, 31, 31)                                                      \
	X(EPIPE, 32, 32)                                                       \
	X(EDOM, 33, 33)                                                        \
	X(ERANGE, 34, 34)                                                      \
	X(EAGAIN, 35, 11)                                                      \
	X(EINPROGRESS, 36, 150)                                                \
	X(ENOTSOCK, 38, 95)                                                    \
	X(ENOPROTOOPT, 42, 99)                                                 \
	X(EOPNOTSUPP, 45, 122)                                                 \
	X(ENOBUFS, 55, 132)                                                    \
	X(ENOTCONN, 57, 134)                                                   \
	X(ETIMEDOUT, 60, 145)                                                  \
	X(ELOOP, 62, 90)                                                       \
	X(ENAMETOOLONG, 63, 78)                                                \
	X(ENOTEMPTY, 66, 93)                                                   \
	X(ENOSYS, 78, 89)                                                      \
	X(EOVERFLOW, 84, 79)                                                   \
	X(ECANCELED, 85, 47)                                                   \
	X(ETIME, 0, 62)                                                        \
	X(EBADFD, 0, 81)                                                       \
	X(ERESTART, -1, 91)

/* The errno's name ("EBADF"); "E?" for an unknown code. */
const char *sim_errname(int error);
/* The modelled kernel's number for error. */
int sim_errno_number(int error);
/* The code for a name, or 0. */
int sim_errno_from_name(const char *name);
/* The name for the modelled kernel's number, or NULL. */
const char *sim_errname_of_number(int number);

/*
 * A simulated object's trace name: "kind#id", ids counted per kind from 1
 * in creation order, so names are stable across runs.
 */
struct sim_obj {
	char so_name[32];
	/* Once freed (see sim_quarantine): by which function, at which seq. */
	const char *so_freed_by;
	uint64_t so_freed_seq;
};

/* Names obj as the next object of kind ("knote", "proc", "file", ...). */
void sim_obj_init(struct sim_obj *obj, const char *kind);
/* Names obj explicitly (e.g. "proc#<pid>"). */
void sim_obj_name(struct sim_obj *obj, const char *kind, int64_t id);

/*
 * Object labels (the 'objects' table): what a person recognises an object
 * by ("kqueue#1 ident 3 EVFILT_READ udata \"x\""), set at creation and
 * again wherever its identity changes.  Labels are not transitions: they
 * are not hashed and cost nothing when the run is not recorded.
 */
bool sim_labels_on(void);
void sim_obj_label(const struct sim_obj *obj, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The same for an object named by a string ("clock#realtime", "kernel"). */
void sim_name_label(const char *name, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * sim_labels_keep(true) also keeps every object's current label in memory,
 * whether or not the run is recorded (a replay's snapshots show them), and
 * forgets the labels kept so far; sim_labels_keep(false) frees them.
 * sim_label_of() is the current label of the object named 'name', or NULL.
 */
void sim_labels_keep(bool on);
const char *sim_label_of(const char *name);

/* A flag bit and its name, for flag-set fields; tables end with {0, NULL}. */
struct sim_flagname {
	uint64_t bit;
	const char *name;
};

/* Formats a flag set ("ACTIVE|QUEUED"; "" for none; unknown bits in hex). */
const char *sim_flagstr(
    char *buf, size_t len, const struct sim_flagname *names, uint64_t v);

/*
 * A field name with an index, "name[i]suffix" (suffix may be ""), into buf
 * of len bytes, cut as snprintf would cut it; returns buf.  For fields
 * traced on hot paths (a descriptor slot), where snprintf cost more than
 * the transition.
 */
const char *sim_field_index(
    char *buf, size_t len, const char *name, int64_t i, const char *suffix);

/*
 * A transition of an integer field.  Inline, so that the lengths of the
 * usual __func__ and literal field name are known at compile time.
 */
void sim_trace_int_len(const char *func, size_t funclen,
    const struct sim_obj *obj, const char *field, size_t fieldlen, int64_t old,
    int64_t new);

static inline void
sim_trace_int(const char *func, const struct sim_obj *obj, const char *field,
    int64_t old, int64_t new)
{
	sim_trace_int_len(
	    func, strlen(func), obj, field, strlen(field), old, new);
}

void sim_trace_flags(const char *func, const struct sim_obj *obj,
    const char *field, const struct sim_flagname *names, uint64_t old,
    uint64_t new);
void sim_trace_str(const char *func, const struct sim_obj *obj,
    const char *field, const char *old, const char *new);

/*
 * The recording macros: assign lval = val and, if the value changed, emit a
 * transition of 'field' of 'obj' attributed to the calling kernel function.
 */
#define SIM_SET(obj, field, lval, val)                                         \
	do {                                                                   \
		int64_t o_ = (int64_t)(lval);                                  \
		(lval) = (val);                                                \
		if (o_ != (int64_t)(lval))                                     \
			sim_trace_int(                                         \
			    __func__, (obj), (field), o_, (int64_t)(lval));    \
	} while (0)

#define SIM_SET_FLAGS(obj, field, names, lval, val)                            \
	do {                                                                   \
		uint64_t o_ = (uint64_t)(lval);                                \
		(lval) = (val);                                                \
		if (o_ != (uint64_t)(lval))                                    \
			sim_trace_flags(__func__, (obj), (field), (names), o_, \
			    (uint64_t)(lval));                                 \
	} while (0)

/*
 * Object life: field "(life)", "" -> "created" and "created" -> "freed".
 * sim_trace_freed() also marks obj freed (for SIM_KASAN_ACCESS).
 */
void sim_trace_created(const char *func, const struct sim_obj *obj);
void sim_trace_freed(const char *func, struct sim_obj *obj);

/*
 * Simulated KASAN.  Freed model objects (knotes, kqueues, callouts, files,
 * descriptor tables, ports, port events; processes and threads stay until
 * the end of the run anyway) are handed to sim_quarantine() instead of
 * free(): their memory, name and the record of their free stay valid while
 * at most SIM_QUARANTINE_MAX objects of SIM_QUARANTINE_MAX_BYTES in all
 * wait; beyond either limit the oldest are really freed, only then (the
 * first time in a run, a transition of object 'quarantine' says so, and
 * sim_quarantine_recycled() counts them).  A single object larger than the
 * byte limit waits alone.  The quarantine is emptied at the end of every
 * run.  Where the kernel would dereference a pointer
 * that may be stale, the model calls SIM_KASAN_ACCESS(obj, func) first: on
 * a freed object the run ends as the panic "use after free of knote#12
 * (freed at seq 811 by knote_free, accessed by knote_fork)".  Each guard
 * names, in a comment, the kernel access it stands for.
 */
#define SIM_QUARANTINE_MAX 8192
#define SIM_QUARANTINE_MAX_BYTES (16u << 20)

/*
 * Takes mem (allocated with malloc) instead of free(); obj, when not NULL,
 * is the model object inside it, marked freed by func unless
 * sim_trace_freed() did already.
 */
void sim_quarantine(void *mem, struct sim_obj *obj, const char *func);
/* Frees every object in quarantine (the end of a run). */
void sim_quarantine_drain(void);
/* How many objects were really freed early because the quarantine was full. */
uint64_t sim_quarantine_recycled(void);

_Noreturn void sim_kasan_report(const struct sim_obj *obj, const char *func);

/*
 * After the run has ended (the simulator's own teardown) nothing is
 * reported: that is not the kernel's access.
 */
#define SIM_KASAN_ACCESS(obj, func)                                            \
	do {                                                                   \
		if (__builtin_expect((obj)->so_freed_by != NULL, 0)            \
		    && sched_running())                                        \
			sim_kasan_report((obj), (func));                       \
	} while (0)

/*
 * KASSERT: always compiled in; a failed assertion is a simulated kernel
 * panic that ends the run with status 'panic' and the message.
 */
#define KASSERT(exp, msg)                                                      \
	do {                                                                   \
		if (__builtin_expect(!(exp), 0))                               \
			sim_panic(__func__, "%s", sim_kassert_msg msg);        \
	} while (0)
#define MPASS(exp)                                                             \
	do {                                                                   \
		if (__builtin_expect(!(exp), 0))                               \
			sim_panic(__func__, "Assertion %s failed at %s:%d",    \
			    #exp, __FILE__, __LINE__);                         \
	} while (0)

_Noreturn void sim_panic(const char *func, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Formats KASSERT's parenthesised printf arguments into a static buffer. */
const char *sim_kassert_msg(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

#endif /* SIM_SIM_H */
