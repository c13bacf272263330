/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Files and descriptor tables.  Models FreeBSD's kern_descrip.c: reference
 * counted 'struct file' with a fileops vector, 'struct filedesc' with the
 * lowest-free allocation rule, dup/dup2/fcntl, close-on-exec and
 * close-on-fork, fdcopy() at fork (two passes, the second for DFLAG_FORK
 * files such as CPONFORK kqueues) and fdescfree() at exit.  illumos agrees on
 * everything the scenarios can observe here; its port-specific close
 * behaviour arrives through sim_kops.
 */
#ifndef SIM_FD_H
#define SIM_FD_H

#include <stddef.h>
#include <stdint.h>

#include "sim.h"

struct file;
struct filedesc;
struct knote;
struct thread;
struct vnode;

/* f_type */
#define DTYPE_NONE 0
#define DTYPE_VNODE 1
#define DTYPE_SOCKET 2
#define DTYPE_PIPE 3
#define DTYPE_FIFO 4
#define DTYPE_KQUEUE 5
#define DTYPE_PROCDESC 12
#define DTYPE_PORT 100 /* illumos event port (a vnode there) */

/* Open flags (FreeBSD values). */
#define O_RDONLY 0x0000
#define O_WRONLY 0x0001
#define O_RDWR 0x0002
#define O_ACCMODE 0x0003
#define O_NONBLOCK 0x0004
#define O_APPEND 0x0008
#define O_CREAT 0x0200
#define O_TRUNC 0x0400
#define O_EXCL 0x0800
#define O_CLOEXEC 0x00100000
#define O_CLOFORK 0x08000000

/* f_flag: FREAD/FWRITE are O_ACCMODE + 1. */
#define FREAD 0x0001
#define FWRITE 0x0002
#define FNONBLOCK O_NONBLOCK
#define FAPPEND O_APPEND

/* fde_flags */
#define UF_EXCLOSE 0x01
#define UF_FOCLOSE 0x04

/* fcntl */
#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define FD_CLOEXEC 1
#define FD_CLOFORK 4

/* fo_flags */
#define DFLAG_PASSABLE 0x01
#define DFLAG_SEEKABLE 0x02
#define DFLAG_FORK 0x04

/*
 * kern.maxfilesperproc: SIM_MAXFILES by default, settable by a scenario's
 * limits up to SIM_MAXFILES_MAX.  Descriptors at or above it are EBADF
 * (dup2) and allocation beyond it is EMFILE.
 */
#define SIM_MAXFILES 1024
#define SIM_MAXFILES_MAX (1 << 21)

/* The current kern.maxfilesperproc. */
int fd_maxfiles(void);

/*
 * Whether fp is a file of the run that fdrop() has not freed yet (fp may
 * point to freed memory; it is not read).
 */
bool fd_file_live(const struct file *fp);
/* One live file of the run, or NULL when every file was freed. */
struct file *fd_file_live_any(void);

struct fileops {
	const char *fo_name;
	/* Reads up to len bytes into buf: 0 with *ret_n, or an errno. */
	int (*fo_read)(struct file *fp, char *buf, size_t len, size_t *ret_n,
	    struct thread *td);
	int (*fo_write)(struct file *fp, const char *buf, size_t len,
	    size_t *ret_n, struct thread *td);
	/* Last reference dropped. */
	int (*fo_close)(struct file *fp, struct thread *td);
	/* EVFILT_READ/WRITE/VNODE attach (FreeBSD). */
	int (*fo_kqfilter)(struct file *fp, struct knote *kn);
	/* Current poll events (illumos VOP_POLL), no side effects. */
	int (*fo_poll)(struct file *fp, int events, struct thread *td);
	/*
	 * DFLAG_FORK (FreeBSD fdcopy): pass 1 with fp != NULL allocates the
	 * child's file (*ret_fp) or returns EOPNOTSUPP to skip the slot;
	 * pass 2 with fp == NULL finishes *ret_fp in the child table.
	 */
	int (*fo_fork)(struct filedesc *fdp, struct file *fp,
	    struct file **ret_fp, struct thread *td);
	int fo_flags;
};

struct file {
	const struct fileops *f_ops;
	void *f_data;
	struct vnode *f_vnode;
	struct sim_obj f_obj;
	int f_type;
	int f_flag;
	int f_count;
	/*
	 * For file_label(): the descriptor slots that hold it, and the last
	 * slot it was put in while that slot still holds it (else NULL).
	 */
	int f_ndesc;
	struct filedesc *f_slotfdp;
	int f_slotfd;
	int64_t f_offset;
	/* A FIFO reader's writer generation at open (fifo_open()). */
	unsigned int f_pipegen;
};

extern const struct fileops badfileops;

struct filedescent {
	struct file *fde_file;
	uint8_t fde_flags;
};

struct kqueue;
struct klist;

struct filedesc {
	struct filedescent *fd_ofiles;
	int fd_nfiles;
	int fd_freefile; /* approx. lowest free descriptor (a hint) */
	/*
	 * Not in the kernel: one past the highest slot that ever held a file
	 * (slot_set(), the only writer of slots, keeps it); every slot from
	 * there on is NULL.  Bounds the invariant's walk of the table.
	 */
	int fd_hiwat;
	int fd_refcnt; /* processes sharing this table (rfork) */
	struct sx fd_sx; /* FILEDESC_XLOCK / SLOCK */
	TAILQ_HEAD(, kqueue) fd_kqlist; /* kqueues opened in this table */
	/* FreeBSD 5.x (freebsd@7773002): the table holds the knote lists. */
	int fd_knlistsize; /* size of knlist */
	struct klist *fd_knlist; /* list of attached knotes */
	unsigned long fd_knhashmask; /* size of knhash */
	struct klist *fd_knhash; /* hash table for attached knotes */
	struct sim_obj fd_obj;
};

#define FILEDESC_XLOCK(fdp) sx_xlock(&(fdp)->fd_sx)
#define FILEDESC_XUNLOCK(fdp) sx_xunlock(&(fdp)->fd_sx)
#define FILEDESC_SLOCK(fdp) sx_slock(&(fdp)->fd_sx)
#define FILEDESC_SUNLOCK(fdp) sx_sunlock(&(fdp)->fd_sx)

/* A new, empty table.  Returns 0 or ENOMEM. */
int fdinit(struct filedesc **ret_fdp);

/* The file at fd with a reference, or EBADF. */
int fget(struct thread *td, int fd, struct file **ret_fp);
/* The file at fd without a reference (table locked by the caller). */
struct file *fget_noref(struct filedesc *fdp, int fd);

void fhold(struct file *fp);
/* Drops a reference; the last one runs fo_close.  Returns its error. */
int fdrop(struct file *fp, struct thread *td);

/*
 * Allocates a file with one reference for the table plus one for the
 * caller, installed at the lowest free fd: 0 with *ret_fp and *ret_fd, or
 * EMFILE.  flags: O_CLOEXEC, O_CLOFORK.
 */
int falloc(struct thread *td, struct file **ret_fp, int *ret_fd, int flags);
/* Allocates a file not installed in any table (one reference). */
struct file *falloc_noinstall(const char *kind);
/* Sets the file's type, flags, data and ops (finit()). */
void finit(
    struct file *fp, int flag, int type, void *data, const struct fileops *ops);

/*
 * Models fdclose(): empties slot fd of td's table if it still holds fp and
 * drops the table's reference (fp keeps the caller's).
 */
void fdclose(struct thread *td, struct file *fp, int fd);

/* Models kern_close(): EBADF, or the fo_close error of a last close. */
int kern_close(struct thread *td, int fd);
/* dup (newfd < 0) or dup2: EBADF for a bad old or new fd. */
int kern_dup(struct thread *td, int oldfd, int newfd, int *ret_fd);
int kern_fcntl(struct thread *td, int fd, int cmd, int64_t arg, int64_t *ret);

/* Copies (or, for a shared table, references) at fork. */
int fdcopy(struct thread *td, struct filedesc *fdp, struct filedesc **ret);
struct filedesc *fdshare(struct filedesc *fdp);
/* Closes everything at exit (fdescfree); drops the table reference. */
void fdescfree(struct thread *td);

/* Installs fp at fd of fdp (the slot must be free); takes fp's reference. */
void fdinstall_at(
    struct filedesc *fdp, int fd, struct file *fp, uint8_t fde_flags);

#endif /* SIM_FD_H */
