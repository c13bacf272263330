/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Processes, threads and signals.  Models the parts of FreeBSD's
 * kern_fork.c, kern_exit.c, kern_thr.c and kern_sig.c that event
 * notification depends on: pid allocation, fork with the descriptor-table
 * copy (fdcopy) or sharing (rfork without RFFDG), exit of every thread of a
 * process (thread_single), zombies, wait with the raw status, reparenting to
 * pid 1, and signals with their default actions.  Both kernels share this
 * layer; kernel-specific reactions (knote_fork, NOTE_EXIT, port cleanup)
 * arrive through sim_kops.
 *
 * Every simulated thread runs in its own fiber; what it runs in user space
 * is its user half, known here only through struct thread_uops:
 * sim/sys/thread_lua.c runs Lua functions (XXX: all processes share one Lua
 * state, so Lua variables are shared between a parent and its child, as if
 * fork shared memory), the unit tests C functions.  No Lua here.
 */
#ifndef SIM_PROC_H
#define SIM_PROC_H

#include <stdint.h>

#include "selinfo.h"
#include "sim.h"

struct filedesc;
struct procdesc;
struct thread;

/*
 * A thread's user half: what it runs and what it leaves for thread_join().
 * The process layer calls tu_init once the thread has its tid (from
 * thread_create(), fork1() or proc_create_init()), tu_run in its fiber,
 * tu_join when a thread of its process joins it, tu_exit when it leaves
 * (results stay for join) and tu_free when its process is reaped.
 */
struct thread_uops {
	void (*tu_init)(struct thread *td, void *arg);
	/*
	 * Runs td's body to its end.  Returns the exit code for the process
	 * when td's return ends it; may end the run (sched_fail()).
	 */
	int (*tu_run)(struct thread *td);
	/* td joined the finished td2: hands td2's results to td, counted. */
	int (*tu_join)(struct thread *td, struct thread *td2);
	void (*tu_exit)(struct thread *td);
	void (*tu_free)(struct thread *td);
};

/* Signals (FreeBSD numbering; illumos numbers agree for these). */
#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGKILL 9
#define SIGUSR1 30
#define SIGUSR2 31
#define SIGTERM 15
#define SIGCHLD 20
#define SIGALRM 14
#define SIGPIPE 13
#define SIGSTOP 17
#define SIGTSTP 18
#define SIGCONT 19
#define SIGTTIN 21
#define SIGTTOU 22
#define SIG_MAXSIG 64

typedef uint64_t sim_sigset_t; /* bit (sig - 1) */
#define SIGBIT(sig) ((sim_sigset_t)1 << ((sig)-1))

enum sig_disp {
	SIGDISP_DEFAULT,
	SIGDISP_IGNORE,
	SIGDISP_CATCH,
};

/* rfork(2) flags (FreeBSD). */
#define RFFDG (1 << 2)
#define RFPROC (1 << 4)
#define RFCFDG (1 << 12)
#define RFPROCDESC (1 << 28)

/* pdfork(2) flags (sys/procdesc.h). */
#define PD_DAEMON 0x00000001 /* don't exit when procdesc closes */
#define PD_CLOEXEC 0x00000002 /* close file descriptor on exec */
#define PD_ALLOWED_AT_FORK (PD_DAEMON | PD_CLOEXEC)

/* wait options (sys/wait.h). */
#undef WUNTRACED
#undef WCONTINUED
#undef W_STOPCODE
#undef SA_NOCLDSTOP
#define WNOHANG 1
#define WUNTRACED 2
#define WCONTINUED 4

/* Wait status of a stopped child (W_STOPCODE()); SIGCONT for a continued one.
 */
#define W_STOPCODE(sig) ((sig) << 8 | 0177)

/* sigaction(2) sa_flags, and the sigacts flag it sets (sys/signalvar.h). */
#define SA_NOCLDSTOP 0x0008
#define PS_NOCLDSTOP 0x0001

enum prstate {
	PRS_NEW,
	PRS_NORMAL,
	PRS_ZOMBIE,
};

/* p_flag */
#define P_WAITED 0x01000 /* someone is waiting for us (stop reported) */
#define P_WEXIT 0x02000 /* working on exiting */
#define P_WKILLED 0x08000 /* killed, go to kernel/user boundary ASAP */
#define P_CONTINUED 0x10000 /* proc has continued from a stopped state */
#define P_STOPPED_SIG 0x20000 /* stopped due to SIGSTOP/SIGTSTP */
#define P_STOPPED_SINGLE 0x80000 /* only 1 thread can continue */
#define P_STOPPED (P_STOPPED_SIG | P_STOPPED_SINGLE)
#define P_SHOULDSTOP(p) ((p)->p_flag & P_STOPPED)
#define P_KILLED(p) ((p)->p_flag & P_WKILLED)

/*
 * Credentials (sys/ucred.h): the effective, real and saved ids.
 * XXX: each process holds its own copy instead of a reference-counted
 * 'struct ucred' shared with its threads (td_ucred).
 */
struct ucred {
	int cr_uid; /* effective user id */
	int cr_ruid; /* real user id */
	int cr_svuid; /* saved user id */
	int cr_gid; /* effective group id (cr_groups[0]) */
	int cr_rgid; /* real group id */
	int cr_svgid; /* saved group id */
};

struct kq_timer_cb_data;

struct proc {
	LIST_ENTRY(proc) p_list; /* all processes, by pid */
	LIST_ENTRY(proc) p_sibling;
	LIST_HEAD(, proc) p_children;
	TAILQ_HEAD(, thread) p_threads;
	TAILQ_HEAD(, thread) p_zthreads; /* finished, kept for join */
	struct proc *p_pptr;
	struct filedesc *p_fd;
	struct mtx p_mtx; /* PROC_LOCK */
	struct selinfo p_sel; /* p_klist lives in p_sel.si_note */
	struct sim_obj p_obj;
	int p_pid;
	int p_numthreads;
	int p_state; /* enum prstate */
	int p_flag;
	int p_xexit; /* exit code */
	int p_xsig; /* terminating signal */
	sim_sigset_t p_siglist; /* pending for the process */
	int p_sigdisp[SIG_MAXSIG + 1];
	void *p_kdata; /* the kernel model's per-process state */
	int p_nchildwait; /* threads in wait() */
	int p_suspcount; /* threads suspended (TDF_SUSPENDED) */
	int p_psflag; /* p_sigacts->ps_flag: PS_NOCLDSTOP */
	struct ucred p_ucred;
	/* Its process descriptor (sys_procdesc.c), or NULL. */
	struct procdesc *p_procdesc;
	bool p_reaping; /* proc_reap() has begun (see there) */
	/* Timers parked while the process is stopped (kern_event.c). */
	TAILQ_HEAD(, kq_timer_cb_data) p_kqtim_stop;
};
#define p_klist p_sel.si_note

/* td_flags */
#define TDF_EXIT 0x01 /* the process is exiting: leave at the boundary */
#define TDF_INSYSCALL 0x02
#define TDF_SUSPENDED 0x04 /* TD_IS_SUSPENDED(): the suspension inhibitor */

#define MAXCOMLEN 19 /* sys/param.h */

struct thread {
	TAILQ_ENTRY(thread) td_plist;
	struct proc *td_proc;
	struct sched_thread *td_st;
	const struct thread_uops *td_uops; /* the user half */
	void *td_user; /* its state (sim/sys/thread_lua.c) */
	int td_tid;
	int td_flags;
	sim_sigset_t td_sigmask;
	sim_sigset_t td_siglist;
	struct sim_obj td_obj;
	char td_name[MAXCOMLEN + 1]; /* thr_set_name(2); "" until named */
	bool td_done; /* returned or exited */
	bool td_joined;
	bool td_ismain; /* the process's first thread */
	void (*td_cfn)(void *); /* C body (unit tests) */
	void *td_carg;
};

/* The calling simulated thread. */
struct thread *sim_curthread(void);
#define curthread (sim_curthread())
#define curproc (curthread->td_proc)

#define PROC_LOCK(p) mtx_lock(&(p)->p_mtx)
#define PROC_UNLOCK(p) mtx_unlock(&(p)->p_mtx)
#define PROC_LOCK_ASSERT(p, what) mtx_assert(&(p)->p_mtx, (what))

/* pid 1, or NULL before it exists (kern_init.c 'initproc'). */
extern struct proc *initproc;

/* The raw wait status of an exit (sys/sys/wait.h). */
#define KW_EXITCODE(ret, sig) ((ret) << 8 | (sig))

/* Looks up a live or zombie process by pid. */
struct proc *pfind_any(int pid);
/* Looks up a process that is not a zombie. */
struct proc *pfind(int pid);

/*
 * Creates proc0 (the kernel, pid 0) and pid 1, whose main thread's user
 * half is uops set up from arg.  Returns 0.
 */
int proc_create_init(const struct thread_uops *uops, void *arg);
/* The same with a C body fn(arg) (unit tests). */
int proc_create_init_c(void (*fn)(void *), void *arg);

/* Per-run process table setup and teardown (kernel.c). */
void proc_init_all(void);
void proc_fini_all(void);

/*
 * Whether pid 1 has exited, and its exit code and terminating signal (0
 * when it exited), kept after it is reaped.
 */
bool proc_init_exit(int *ret_xexit, int *ret_xsig);

/* The name of signal sig ("SIGPIPE"), or NULL. */
const char *sim_signame(int sig);

/* The calling thread leaves (thread_exit()).  Never returns. */
_Noreturn void thread_exit_self(struct thread *td);
_Noreturn void thread_exit_reap(struct thread *td);
struct thread *thread_find_done(struct proc *p, int tid);

/* SIGCHLD to p's parent. */
void psignal_parent(struct proc *p);
/* SIGPIPE to td's process (a write to a broken pipe or socket). */
void sim_sigpipe(struct thread *td);

/*
 * Models fork1(): a new process whose main thread's user half is uops set
 * up from arg.  RFFDG copies the descriptor table (fdcopy), without it the
 * table is shared.  Returns 0 with the child's pid, EINVAL for bad flags,
 * EAGAIN when out of pids.
 */
int fork1(struct thread *td, int flags, const struct thread_uops *uops,
    void *arg, int *ret_pid);

/*
 * Models sys_pdfork(): fork1() with RFFDG | RFPROC | RFPROCDESC, the
 * process descriptor allocated in td's table (PD_CLOEXEC: close-on-exec)
 * before the table is copied, so that the child does not get it.  Returns 0
 * with the child's pid and the descriptor, ENOSYS when the running kernel
 * has no process descriptors, EINVAL for a flag outside
 * PD_ALLOWED_AT_FORK, EMFILE, or fork1()'s errors.
 */
int pdfork1(struct thread *td, int pdflags, const struct thread_uops *uops,
    void *arg, int *ret_pid, int *ret_fd);

/* fork1() and thread_create() with a C body, for unit tests. */
int fork1_c(
    struct thread *td, int flags, void (*fn)(void *), void *arg, int *ret_pid);
int thread_create_c(
    struct thread *td, void (*fn)(void *), void *arg, int *ret_tid);

/*
 * Models thr_new(): a thread in td's process whose user half is uops set up
 * from arg.  Returns 0 with its tid, or EAGAIN.
 */
int thread_create(
    struct thread *td, const struct thread_uops *uops, void *arg, int *ret_tid);

/*
 * Waits for thread tid of the caller's process to finish; hands its results
 * to td (tu_join) and returns 0 with their count, or ESRCH, EDEADLK,
 * EINVAL (already joined), EINTR.
 */
int thread_join(struct thread *td, int tid, int *ret_n);

/*
 * Models sys_thr_set_name() in sys/kern/kern_thr.c: names thread id (-1:
 * td) of td's process; len bytes of name, cut at the first NUL as
 * copyinstr() does and to MAXCOMLEN bytes.  Traced as field "td_name" of
 * 'thread#T'.  Returns 0 or ESRCH.
 */
int sys_thr_set_name(
    struct thread *td, int64_t id, const char *name, size_t len);

/*
 * Models proc_reap() in sys/kern/kern_exit.c: the zombie p is freed (its
 * parent collected its status, or its process descriptor was closed).
 */
void proc_reap(struct proc *p);

/* Models proc_reparent(): child becomes a child of parent. */
void proc_reparent(struct proc *child, struct proc *parent);

/*
 * Models kern_psignal() in sys/kern/kern_sig.c: sends sig to p, without
 * permission checks (the caller made them); nothing for a zombie.
 */
void kern_psignal(struct proc *p, int sig);

/* Models exit1(): ends the whole process.  Never returns. */
_Noreturn void exit1(struct thread *td, int rval, int signo);

/*
 * Models kern_wait6() for pid (-1 any child) with WNOHANG: 0 with *ret_pid
 * (0 when WNOHANG finds nothing) and the raw status, or ECHILD, EINTR,
 * EINVAL.
 */
int kern_wait(
    struct thread *td, int pid, int *status, int options, int *ret_pid);

/*
 * Models kern_kill(): ESRCH (no such process, or not visible: p_cansee()),
 * EPERM (p_cansignal() refuses), EINVAL (bad signal, pid <= 0).
 */
int kern_kill(struct thread *td, int pid, int sig);

/*
 * Models p_cansee() and p_cansignal() in sys/kern/kern_prot.c: 0, ESRCH
 * (p is not visible to td's credentials) or EPERM (may not signal).
 */
int p_cansee(struct thread *td, struct proc *p);
int p_cansignal(struct thread *td, struct proc *p, int signum);

/*
 * Models sys_setuid()/sys_setgid() in sys/kern/kern_prot.c: EPERM unless
 * the id is the real or saved one or the caller is privileged (euid 0);
 * privileged, it sets the real, effective and saved ids.
 */
int kern_setuid(struct thread *td, int uid);
int kern_setgid(struct thread *td, int gid);

/* The child of fork1() while its descriptor table is copied, or NULL. */
struct proc *proc_fork_child(void);

/* sigprocmask on the calling thread: how = 1 block, 2 unblock, 3 set. */
int kern_sigprocmask(
    struct thread *td, int how, sim_sigset_t set, sim_sigset_t *oset);
int kern_sigaction(struct thread *td, int sig, int disp, int *odisp);
/* The same with sa_flags (SA_NOCLDSTOP). */
int kern_sigaction_flags(
    struct thread *td, int sig, int disp, int flags, int *odisp);

/*
 * Called at every syscall return: a thread whose process is exiting (or that
 * must die of a signal) leaves here.  Returns normally otherwise.
 */
void userret(struct thread *td);

/* The sched hook: the sleep of this thread must be interrupted? */
int sim_sigcheck(void *owner);
/* The sched hook after every sleep: a suspended thread stays off the CPU. */
void sim_suspcheck(void *owner);
/* At syscall entry (the suspend AST): a stopped process's thread waits. */
void sim_syscall_ast(struct thread *td);

/* Visits every process in pid order. */
struct proc *proc_first(void);
struct proc *proc_next(struct proc *p);

#endif /* SIM_PROC_H */
