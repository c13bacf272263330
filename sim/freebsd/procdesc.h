/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Process descriptors of the simulated FreeBSD kernel.  Models
 * sys/sys/procdesc.h: 'struct procdesc' with its flags, and the entry
 * points of sys/kern/sys_procdesc.c that fork1(), exit1(), proc_reap(),
 * kqueue and the system calls use (sim/freebsd/sys_procdesc.c).
 */
#ifndef SIM_FREEBSD_PROCDESC_H
#define SIM_FREEBSD_PROCDESC_H

#include <stdbool.h>

#include "selinfo.h"
#include "sim.h"
#include "sync.h"

struct file;
struct proc;
struct thread;

/*
 * Models 'struct procdesc'.  'pd_lock' (PROCDESC_LOCK) protects
 * 'pd_flags', 'pd_xstat' and the knote list in 'pd_selinfo'; 'pd_proc' is
 * protected by the proctree lock (here: the one simulated CPU between
 * scheduling points).  Two references: the file's and the process's.
 */
struct procdesc {
	struct proc *pd_proc; /* the process, or NULL once reaped/detached */
	int pd_pid; /* its pid, kept for pdgetpid(2) */
	int pd_refcount;
	int pd_flags;
#define PDF_CLOSED 0x00000001 /* descriptor has closed */
#define PDF_SELECTED 0x00000002 /* issue selwakeup() */
#define PDF_EXITED 0x00000004 /* process exited */
#define PDF_DAEMON 0x00000008 /* don't exit when procdesc closes */
	int pd_xstat; /* exit status, KW_EXITCODE() */
	struct selinfo pd_selinfo; /* knotes of EVFILT_PROCDESC */
	struct mtx pd_lock;
	struct sim_obj pd_obj; /* "procdesc#N" */
};

/* The hooks of sim/kernel.h's sim_kops (see there). */
int procdesc_falloc(
    struct thread *td, struct file **ret_fp, int *ret_fd, int flags);
void procdesc_new(struct proc *p, int flags);
void procdesc_finit_proc(struct proc *p, struct file *fp);
bool procdesc_exit(struct proc *p);

/*
 * Models procdesc_reap(): p's status was collected (proc_reap()); releases
 * the process's reference.
 */
void procdesc_reap(struct proc *p);

/*
 * Models kern_pdgetpid(): 0 with the pid of the process descriptor fd,
 * EBADF when fd is not open or not a process descriptor.
 */
int kern_pdgetpid(struct thread *td, int fd, int *ret_pid);

/*
 * Models sys_pdkill() in sys/kern/kern_sig.c: EINVAL for a bad signal,
 * EBADF (fd not open, or not a process descriptor), ESRCH (the process was
 * reaped), or p_cansignal()'s ESRCH/EPERM.  Signal 0 checks only.
 */
int sys_pdkill(struct thread *td, int fd, int signum);

#endif /* SIM_FREEBSD_PROCDESC_H */
