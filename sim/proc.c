/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Processes, threads and signals (see proc.h).  Models fork1() in
 * sys/kern/kern_fork.c, exit1()/kern_wait6()/proc_reap() in
 * sys/kern/kern_exit.c, thr_new()/thread_exit() in kern_thr.c and
 * kern_thread.c, and kern_kill()/tdsendsignal()/postsig() in kern_sig.c.
 *
 * Exit follows the kernel's single-threading: exit1() marks the other
 * threads TDF_EXIT and aborts their interruptible sleeps; each leaves at its
 * next return to user space (userret), and exit1() waits until it is the
 * last thread.  A thread that leaves is simply never resumed: its user half
 * is released (thread_uops) and its fiber abandoned, which unwinds nothing in
 * the simulated kernel because a thread can only be at a scheduling point in
 * userret or inside a sleep that has already released its locks.
 *
 * Job control follows kern_sig.c and kern_thread.c: a stop signal sets
 * P_STOPPED_SIG; sig_suspend_threads() gives a thread sleeping
 * interruptibly the suspension inhibitor (TDF_SUSPENDED) at once, and the
 * others suspend at their next kernel boundary (thread_suspend_check(), the
 * AST of the suspend request, here at syscall entry and return); once every
 * thread is suspended, thread_stopped() tells the parent (SIGCHLD unless
 * SA_NOCLDSTOP, wait(2) with WUNTRACED).  A suspended thread whose sleep
 * ends stays off the CPU until thread_unsuspend() (the engine's suspend
 * hook, sim_suspcheck()).  XXX: no process groups or sessions (tty stops
 * are never discarded for orphaned groups; SIGCONT is always allowed as
 * within one session), no ptrace.
 *
 * Part of the shared kernel layer: imports only kernel.h, the other shared
 * files (fd, proc, pipe, socket, vfs, selinfo, sim) and the engine; reaches
 * the kernel models only through sim_kops, and includes no Lua.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fd.h"
#include "kernel.h"
#include "proc.h"

static const struct sim_flagname p_flag_names[] = {
	{ P_WAITED, "WAITED" },
	{ P_WEXIT, "WEXIT" },
	{ P_WKILLED, "WKILLED" },
	{ P_CONTINUED, "CONTINUED" },
	{ P_STOPPED_SIG, "STOPPED_SIG" },
	{ P_STOPPED_SINGLE, "STOPPED_SINGLE" },
	{ 0, NULL },
};

static void thread_suspend_check(struct thread *td);
static void p_flag_set(struct proc *p, int flag, const char *func);
static void thread_unsuspend(struct proc *p);
static void thread_unsuspend_one(struct thread *td);

static const char *const prstate_names[] = { "NEW", "NORMAL", "ZOMBIE" };

static LIST_HEAD(, proc) allproc;
static struct proc *proc_forking; /* the child while fdcopy() runs */
static TAILQ_HEAD(, proc_grave) graveyard;
struct proc *initproc;
/* How pid 1 ended (the run's verdict reads it after the run). */
static struct {
	bool exited;
	int xexit;
	int xsig;
} initexit;

/*
 * Processes and threads are freed only at the end of the run: a thread that
 * leaves may still be running its last steps when its process is reaped.
 */
struct proc_grave {
	TAILQ_ENTRY(proc_grave) g_link;
	void *g_ptr;
	struct thread *g_td; /* a thread: its user half is freed first */
};

static struct proc_grave *
bury(void *ptr)
{
	struct proc_grave *g = sim_calloc(1, sizeof(*g));

	if (g == NULL)
		sim_oom();
	g->g_ptr = ptr;
	TAILQ_INSERT_TAIL(&graveyard, g, g_link);
	return (g);
}

void
proc_fini_all(void)
{
	struct proc_grave *g;
	struct proc *p;

	while ((p = LIST_FIRST(&allproc)) != NULL) {
		LIST_REMOVE(p, p_list);
		bury(p);
	}
	while ((g = TAILQ_FIRST(&graveyard)) != NULL) {
		TAILQ_REMOVE(&graveyard, g, g_link);
		if (g->g_td != NULL)
			g->g_td->td_uops->tu_free(g->g_td);
		sim_free(g->g_ptr);
		sim_free(g);
	}
	initproc = NULL;
}

void
proc_init_all(void)
{
	proc_forking = NULL;
	LIST_INIT(&allproc);
	TAILQ_INIT(&graveyard);
	initproc = NULL;
	memset(&initexit, 0, sizeof(initexit));
}

bool
proc_init_exit(int *ret_xexit, int *ret_xsig)
{
	*ret_xexit = initexit.xexit;
	*ret_xsig = initexit.xsig;
	return (initexit.exited);
}

struct thread *
sim_curthread(void)
{
	struct sched_thread *st = sched_curthread();

	return (st != NULL ? sched_thread_owner(st) : NULL);
}

struct proc *
pfind_any(int pid)
{
	struct proc *p;

	LIST_FOREACH(p, &allproc, p_list)
		if (p->p_pid == pid)
			return (p);
	return (NULL);
}

struct proc *
pfind(int pid)
{
	struct proc *p = pfind_any(pid);

	return (p != NULL && p->p_state != PRS_ZOMBIE ? p : NULL);
}

struct proc *
proc_fork_child(void)
{
	return (proc_forking);
}

struct proc *
proc_first(void)
{
	return (LIST_FIRST(&allproc));
}

struct proc *
proc_next(struct proc *p)
{
	return (LIST_NEXT(p, p_list));
}

static void
set_state(struct proc *p, int state, const char *func)
{
	if (p->p_state == state)
		return;
	sim_trace_str(func, &p->p_obj, "p_state", prstate_names[p->p_state],
	    prstate_names[state]);
	p->p_state = state;
}

static void
set_pptr(struct proc *p, struct proc *pp, const char *func)
{
	int o = p->p_pptr != NULL ? p->p_pptr->p_pid : 0;
	int n = pp != NULL ? pp->p_pid : 0;

	if (p->p_pptr != NULL && o != n)
		sim_trace_int(func, &p->p_obj, "p_pptr", o, n);
	p->p_pptr = pp;
}

/* Appends p to allproc keeping pid order. */
static void
allproc_insert(struct proc *p)
{
	struct proc *q, *last = NULL;

	LIST_FOREACH(q, &allproc, p_list)
		last = q;
	if (last == NULL)
		LIST_INSERT_HEAD(&allproc, p, p_list);
	else
		LIST_INSERT_AFTER(last, p, p_list);
}

static struct proc *
proc_alloc(int pid)
{
	struct proc *p = sim_calloc(1, sizeof(*p));

	if (p == NULL)
		sim_oom();
	p->p_pid = pid;
	LIST_INIT(&p->p_children);
	TAILQ_INIT(&p->p_threads);
	TAILQ_INIT(&p->p_zthreads);
	mtx_init(&p->p_mtx, "process lock", NULL, MTX_DEF | MTX_DUPOK);
	selinfo_init(&p->p_sel, &p->p_mtx);
	TAILQ_INIT(&p->p_kqtim_stop);
	sim_obj_name(&p->p_obj, "proc", pid);
	p->p_state = PRS_NEW;
	return (p);
}

/* The body of every simulated thread (its fiber's entry). */
static void
thread_main(void *arg)
{
	struct thread *td = arg;
	int code;

	code = td->td_uops->tu_run(td);
	/* Returning is a kernel boundary: a stopped process stays there. */
	thread_suspend_check(td);
	/* pid 1's main returned: the scenario's last invariant check. */
	if (td->td_ismain && td->td_proc == initproc)
		sched_checkpoint();
	if (td->td_ismain || td->td_proc->p_numthreads == 1)
		exit1(td, code, 0);
	thread_exit_self(td);
}

/* C bodies (unit tests): fn(arg), no results. */
struct thread_cbody {
	void (*fn)(void *);
	void *arg;
};

static void
cbody_init(struct thread *td, void *arg)
{
	const struct thread_cbody *cb = arg;

	td->td_cfn = cb->fn;
	td->td_carg = cb->arg;
}

static int
cbody_run(struct thread *td)
{
	td->td_cfn(td->td_carg);
	return (0);
}

static int
cbody_join(struct thread *td, struct thread *td2)
{
	(void)td;
	(void)td2;
	return (0);
}

static void
cbody_none(struct thread *td)
{
	(void)td;
}

static const struct thread_uops cbody_uops = {
	.tu_init = cbody_init,
	.tu_run = cbody_run,
	.tu_join = cbody_join,
	.tu_exit = cbody_none,
	.tu_free = cbody_none,
};

/* Buries a finished thread (see struct proc_grave). */
static void
thread_bury(struct thread *td)
{
	bury(td)->g_td = td;
}

static struct thread *
thread_alloc(struct proc *p, bool ismain)
{
	struct thread *td = sim_calloc(1, sizeof(*td));

	if (td == NULL)
		sim_oom();
	td->td_proc = p;
	td->td_tid = sim_kern->k_nexttid++;
	td->td_ismain = ismain;
	sim_obj_name(&td->td_obj, "thread", td->td_tid);
	return (td);
}

/* Links td into its process and starts its fiber. */
static void
thread_link_start(struct thread *td, const char *name)
{
	struct proc *p = td->td_proc;

	TAILQ_INSERT_TAIL(&p->p_threads, td, td_plist);
	SIM_SET(
	    &p->p_obj, "p_numthreads", p->p_numthreads, p->p_numthreads + 1);
	if (sched_thread_new(
		&td->td_st, p->p_pid, td->td_tid, name, false, thread_main, td)
	    != 0)
		sim_oom();
	sched_thread_set_owner(td->td_st, td);
	sim_trace_created("thread_link", &td->td_obj);
	/* A process's first thread; sys.thr_set_name may rename it. */
	if (strcmp(name, "main") == 0)
		sim_obj_label(&td->td_obj, "main");
}

/* Gives td its user half: uops, set up from arg. */
static void
thread_set_user(struct thread *td, const struct thread_uops *uops, void *arg)
{
	td->td_uops = uops;
	uops->tu_init(td, arg);
}

int
proc_create_init(const struct thread_uops *uops, void *arg)
{
	struct proc *p0, *p;
	struct thread *td;

	/* proc0, the kernel: parent of last resort, reaps at once. */
	p0 = proc_alloc(0);
	p0->p_state = PRS_NORMAL;
	allproc_insert(p0);
	p = proc_alloc(sim_kern->k_nextpid++);
	initproc = p;
	if (fdinit(&p->p_fd) != 0)
		sim_oom();
	p->p_pptr = p0;
	LIST_INSERT_HEAD(&p0->p_children, p, p_sibling);
	allproc_insert(p);
	if (sim_kern->k_ops->ko_proc_init != NULL)
		sim_kern->k_ops->ko_proc_init(p);
	td = thread_alloc(p, true);
	thread_set_user(td, uops, arg);
	p->p_state = PRS_NORMAL;
	thread_link_start(td, "main");
	sim_obj_label(&p->p_obj, "pid %d (init)", p->p_pid);
	sim_obj_label(&p->p_fd->fd_obj, "descriptor table of pid %d", p->p_pid);
	return (0);
}

int
proc_create_init_c(void (*fn)(void *), void *arg)
{
	struct thread_cbody cb = { fn, arg };

	return (proc_create_init(&cbody_uops, &cb));
}

/*
 * fork1()'s failure path for a process descriptor allocated in the parent:
 * fdclose() and fdrop() in sys/kern/kern_fork.c.
 */
static void
fork_procdesc_abandon(struct thread *td, struct file *fp, int fd)
{
	fdclose(td, fp, fd);
	(void)fdrop(fp, td);
}

/*
 * Models fork1() and do_fork() in sys/kern/kern_fork.c.  With ret_pdfd
 * (RFPROCDESC, pdfork(2)) the process descriptor is allocated in the
 * parent's table first, still with 'badfileops' (not passable: fdcopy()
 * leaves its slot empty in the child), tied to the child by
 * procdesc_new() before the child can run, and finished by
 * procdesc_finit() after knote_fork().
 */
static int
fork_common(struct thread *td, int flags, const struct thread_uops *uops,
    void *arg, int pdflags, int *ret_pid, int *ret_pdfd)
{
	const struct sim_kops *ko = sim_kern->k_ops;
	struct proc *p1 = td->td_proc, *p2;
	struct file *fp_procdesc = NULL;
	struct thread *td2;
	int error, i, pdfd = -1;

	if ((flags & ~(RFPROC | RFFDG | RFCFDG | RFPROCDESC)) != 0)
		return (EINVAL);
	if ((flags & (RFFDG | RFCFDG)) == (RFFDG | RFCFDG))
		return (EINVAL);
	if ((flags & RFPROCDESC) != 0) {
		/* Can't not create a process yet get a process descriptor. */
		if ((flags & RFPROC) == 0 || ret_pdfd == NULL)
			return (EINVAL);
		if ((pdflags & ~PD_ALLOWED_AT_FORK) != 0)
			return (EINVAL);
	}
	if ((flags & RFPROC) == 0)
		return (EINVAL); /* XXX: rfork without RFPROC not modelled */
	if (sim_kern->k_nextpid > 99999 || SIM_FAIL_POINT(SIM_FP_FORK1_MAXPROC))
		return (EAGAIN);
	if ((flags & RFPROCDESC) != 0) {
		error
		    = ko->ko_procdesc_falloc(td, &fp_procdesc, &pdfd, pdflags);
		if (error != 0)
			return (error);
	}
	p2 = proc_alloc(sim_kern->k_nextpid++);
	sim_trace_created("fork1", &p2->p_obj);
	sim_obj_label(
	    &p2->p_obj, "pid %d, child of pid %d", p2->p_pid, p1->p_pid);
	proc_forking = p2;
	if (flags & RFCFDG)
		error = fdinit(&p2->p_fd);
	else if (flags & RFFDG)
		error = fdcopy(td, p1->p_fd, &p2->p_fd);
	else {
		p2->p_fd = fdshare(p1->p_fd);
		error = 0;
	}
	proc_forking = NULL;
	if (error != 0) {
		sim_free(p2);
		if (fp_procdesc != NULL)
			fork_procdesc_abandon(td, fp_procdesc, pdfd);
		return (error);
	}
	if (flags & (RFCFDG | RFFDG))
		sim_obj_label(
		    &p2->p_fd->fd_obj, "descriptor table of pid %d", p2->p_pid);
	else
		sim_obj_label(&p2->p_fd->fd_obj,
		    "descriptor table of pid %d, shared with pid %d", p1->p_pid,
		    p2->p_pid);
	for (i = 0; i <= SIG_MAXSIG; i++)
		p2->p_sigdisp[i] = p1->p_sigdisp[i];
	p2->p_psflag = p1->p_psflag; /* sigacts_copy() */
	p2->p_ucred = p1->p_ucred; /* crhold(): the child shares them */
	p2->p_pptr = p1;
	LIST_INSERT_HEAD(&p1->p_children, p2, p_sibling);
	allproc_insert(p2);
	if (ko->ko_proc_init != NULL)
		ko->ko_proc_init(p2);
	td2 = thread_alloc(p2, true);
	td2->td_sigmask = td->td_sigmask;
	thread_set_user(td2, uops, arg);
	/*
	 * "Associate the process descriptor with the process before anything
	 * can happen that might cause that process to need the descriptor."
	 */
	if (fp_procdesc != NULL)
		ko->ko_procdesc_new(p2, pdflags);
	set_state(p2, PRS_NORMAL, "fork1");
	/*
	 * do_fork() tells the interested parties (knote_fork()) before it
	 * makes the child runnable (sched_add()): the child cannot run, let
	 * alone exit, before its NOTE_TRACK notes exist.  The 2003 fork1()
	 * made it runnable (setrunqueue()) first, then did KNOTE(NOTE_FORK).
	 */
	if (sim_kern->k_rev->rev_fork_2003)
		thread_link_start(td2, "main");
	if (ko->ko_fork != NULL)
		ko->ko_fork(td, p1, p2);
	if (fp_procdesc != NULL) {
		ko->ko_procdesc_finit(p2, fp_procdesc);
		(void)fdrop(fp_procdesc, td);
		*ret_pdfd = pdfd;
	}
	if (!sim_kern->k_rev->rev_fork_2003)
		thread_link_start(td2, "main");
	*ret_pid = p2->p_pid;
	return (0);
}

/* fork() and rfork() of FreeBSD 5.x ran under Giant (sim_giant_lock()). */
int
fork1(struct thread *td, int flags, const struct thread_uops *uops, void *arg,
    int *ret_pid)
{
	int error;

	sim_giant_lock();
	error = fork_common(td, flags, uops, arg, 0, ret_pid, NULL);
	sim_giant_unlock();
	return (error);
}

/* Models sys_pdfork() in sys/kern/kern_fork.c. */
int
pdfork1(struct thread *td, int pdflags, const struct thread_uops *uops,
    void *arg, int *ret_pid, int *ret_fd)
{
	if (sim_kern->k_ops->ko_procdesc_falloc == NULL)
		return (ENOSYS);
	return (fork_common(td, RFFDG | RFPROC | RFPROCDESC, uops, arg, pdflags,
	    ret_pid, ret_fd));
}

int
fork1_c(
    struct thread *td, int flags, void (*fn)(void *), void *arg, int *ret_pid)
{
	struct thread_cbody cb = { fn, arg };

	return (fork_common(td, flags, &cbody_uops, &cb, 0, ret_pid, NULL));
}

int
thread_create_c(struct thread *td, void (*fn)(void *), void *arg, int *ret_tid)
{
	struct thread_cbody cb = { fn, arg };
	struct thread *td2 = thread_alloc(td->td_proc, false);

	td2->td_sigmask = td->td_sigmask;
	thread_set_user(td2, &cbody_uops, &cb);
	thread_link_start(td2, "thread");
	*ret_tid = td2->td_tid;
	return (0);
}

/* Models thr_new() in sys/kern/kern_thr.c. */
int
thread_create(
    struct thread *td, const struct thread_uops *uops, void *arg, int *ret_tid)
{
	struct proc *p = td->td_proc;
	struct thread *td2;

	if (p->p_numthreads >= 1000
	    || SIM_FAIL_POINT(SIM_FP_THREAD_CREATE_MAX_THREADS_PER_PROC))
		return (EAGAIN); /* XXX: FreeBSD says EPROCLIM */
	td2 = thread_alloc(p, false);
	td2->td_sigmask = td->td_sigmask;
	thread_set_user(td2, uops, arg);
	thread_link_start(td2, "thread");
	*ret_tid = td2->td_tid;
	return (0);
}

int
sys_thr_set_name(struct thread *td, int64_t id, const char *name, size_t len)
{
	struct proc *p = td->td_proc;
	char newname[MAXCOMLEN + 1];
	struct thread *ttd;
	const char *nul;

	/* copyinstr(); ENAMETOOLONG falls back to a truncated copyin(). */
	nul = memchr(name, '\0', len);
	if (nul != NULL)
		len = (size_t)(nul - name);
	if (len > MAXCOMLEN)
		len = MAXCOMLEN;
	memcpy(newname, name, len);
	newname[len] = '\0';
	PROC_LOCK(p);
	if (id == -1) {
		ttd = td;
	} else {
		TAILQ_FOREACH(ttd, &p->p_threads, td_plist)
			if (ttd->td_tid == id && !ttd->td_done)
				break;
	}
	if (ttd == NULL) {
		PROC_UNLOCK(p);
		return (ESRCH);
	}
	sim_trace_str(__func__, &ttd->td_obj, "td_name", ttd->td_name, newname);
	memcpy(ttd->td_name, newname, len + 1);
	sim_obj_label(&ttd->td_obj, "%s", newname);
	PROC_UNLOCK(p);
	return (0);
}

int
thread_join(struct thread *td, int tid, int *ret_n)
{
	struct thread *t2;
	int error;

	TAILQ_FOREACH(t2, &td->td_proc->p_threads, td_plist)
		if (t2->td_tid == tid)
			break;
	if (t2 == NULL) {
		/* Finished threads stay findable in the zombie list. */
		t2 = thread_find_done(td->td_proc, tid);
		if (t2 == NULL)
			return (ESRCH);
	}
	if (t2 == td)
		return (EDEADLK);
	if (t2->td_joined)
		return (EINVAL);
	while (!t2->td_done) {
		error = msleep(t2, NULL, PCATCH, "join", 0);
		if (error != 0)
			return (error == ERESTART ? EINTR : error);
	}
	t2->td_joined = true;
	*ret_n = t2->td_uops->tu_join(td, t2);
	return (0);
}

/* Models thread_exit(): the calling thread leaves for good. */
_Noreturn void
thread_exit_self(struct thread *td)
{
	struct proc *p = td->td_proc;

	TAILQ_REMOVE(&p->p_threads, td, td_plist);
	TAILQ_INSERT_TAIL(&p->p_zthreads, td, td_plist);
	SIM_SET(
	    &p->p_obj, "p_numthreads", p->p_numthreads, p->p_numthreads - 1);
	td->td_done = true;
	sim_trace_freed(__func__, &td->td_obj);
	wakeup(td);
	wakeup(&p->p_numthreads);
	td->td_uops->tu_exit(td);
	sched_thread_exit();
}

struct thread *
thread_find_done(struct proc *p, int tid)
{
	struct thread *t;

	TAILQ_FOREACH(t, &p->p_zthreads, td_plist)
		if (t->td_tid == tid)
			return (t);
	return (NULL);
}

/* Models proc_reap(): the parent collected p's status. */
void
proc_reap(struct proc *p)
{
	struct thread *t;

	/*
	 * XXX: two reapers of one zombie (its parent in wait() and the last
	 * close of its process descriptor) are serialised by the proctree
	 * lock in the kernel; here the first marks it and the second leaves.
	 */
	if (p->p_reaping)
		return;
	p->p_reaping = true;

	if (sim_kern->k_ops->ko_reap != NULL)
		sim_kern->k_ops->ko_reap(p);
	LIST_REMOVE(p, p_sibling);
	LIST_REMOVE(p, p_list);
	sim_trace_freed(__func__, &p->p_obj);
	if (sim_kern->k_ops->ko_proc_fini != NULL)
		sim_kern->k_ops->ko_proc_fini(p);
	while ((t = TAILQ_FIRST(&p->p_zthreads)) != NULL) {
		TAILQ_REMOVE(&p->p_zthreads, t, td_plist);
		thread_bury(t);
	}
	bury(p);
}

/* Models proc_reparent(). */
void
proc_reparent(struct proc *child, struct proc *parent)
{
	LIST_REMOVE(child, p_sibling);
	LIST_INSERT_HEAD(&parent->p_children, child, p_sibling);
	set_pptr(child, parent, "proc_reparent");
}

/* Models exit1() in sys/kern/kern_exit.c. */
_Noreturn void
exit1(struct thread *td, int rval, int signo)
{
	struct proc *p = td->td_proc, *q, *tmp, *reaper;
	struct thread *t2;
	bool orphans, signal_parent;

	if (p->p_flag & P_WEXIT) {
		/* Another thread is exiting the process: just leave. */
		thread_exit_self(td);
	}
	/*
	 * sys_exit() of FreeBSD 5.x takes Giant and exit1() keeps it to the
	 * end but for its sleeps (freebsd@7773002; a no-op otherwise).
	 */
	sim_giant_lock();
	SIM_SET_FLAGS(
	    &p->p_obj, "p_flag", p_flag_names, p->p_flag, p->p_flag | P_WEXIT);
	/*
	 * thread_single(p, SINGLE_EXIT).  XXX: P_STOPPED_SINGLE is not set
	 * for the wait (the kernel sets it when the process had threads), so
	 * a kqueue timer expiring meanwhile is re-armed, not parked.
	 */
	TAILQ_FOREACH(t2, &p->p_threads, td_plist) {
		if (t2 == td)
			continue;
		t2->td_flags |= TDF_EXIT;
		/* weed_inhib(): a suspended thread must run to exit. */
		if (t2->td_flags & TDF_SUSPENDED)
			thread_unsuspend_one(t2);
		sleepq_abort(t2->td_st, EINTR);
	}
	while (p->p_numthreads > 1)
		msleep(&p->p_numthreads, sim_giant_mtx(), 0, "exit1", 0);
	SIM_SET(&p->p_obj, "p_xexit", p->p_xexit, rval & 0xff);
	SIM_SET(&p->p_obj, "p_xsig", p->p_xsig, signo);
	if (p == initproc) {
		initexit.exited = true;
		initexit.xexit = rval & 0xff;
		initexit.xsig = signo;
	}
	if (sim_kern->k_ops->ko_exit_files != NULL)
		sim_kern->k_ops->ko_exit_files(td, p);
	fdescfree(td);
	/* FreeBSD 5.x sent NOTE_EXIT after reparenting the children. */
	if (sim_kern->k_ops->ko_exit != NULL && !sim_kern->k_rev->rev_exit_2003)
		sim_kern->k_ops->ko_exit(td, p);
	/* Orphans go to init, or to proc0 when init itself exits. */
	reaper = initproc != NULL && initproc != p
		&& (initproc->p_flag & P_WEXIT) == 0
	    ? initproc
	    : pfind_any(0);
	orphans = !LIST_EMPTY(&p->p_children);
	LIST_FOREACH_SAFE(q, &p->p_children, p_sibling, tmp) {
		proc_reparent(q, reaper);
		if (reaper->p_pid == 0 && q->p_state == PRS_ZOMBIE)
			proc_reap(q);
	}
	/*
	 * A reaper sleeping in wait() may have a zombie to collect now
	 * (FreeBSD's wakeup(q->p_reaper), here once the children moved, as
	 * the woken reaper may run at once).
	 */
	if (orphans)
		wakeup(reaper);
	if (sim_kern->k_ops->ko_exit != NULL && sim_kern->k_rev->rev_exit_2003)
		sim_kern->k_ops->ko_exit(td, p);
	sim_giant_unlock(); /* released completely before PRS_ZOMBIE */
	/*
	 * "If this is a process with a descriptor, we may not need to
	 * deliver a signal to the parent": procdesc_exit() answers.
	 */
	signal_parent = true;
	if (p->p_procdesc != NULL)
		signal_parent = sim_kern->k_ops->ko_procdesc_exit(p);
	set_state(p, PRS_ZOMBIE, __func__);
	if (p->p_pptr->p_pid == 0) {
		/* Nobody will wait: proc0 reaps at once. */
		thread_exit_reap(td);
	}
	if (signal_parent)
		psignal_parent(p);
	wakeup(p->p_pptr);
	thread_exit_self(td);
}

/* The last thread of a process whose parent is proc0. */
_Noreturn void
thread_exit_reap(struct thread *td)
{
	struct proc *p = td->td_proc;

	TAILQ_REMOVE(&p->p_threads, td, td_plist);
	TAILQ_INSERT_TAIL(&p->p_zthreads, td, td_plist);
	SIM_SET(
	    &p->p_obj, "p_numthreads", p->p_numthreads, p->p_numthreads - 1);
	td->td_done = true;
	sim_trace_freed(__func__, &td->td_obj);
	wakeup(td);
	td->td_uops->tu_exit(td);
	TAILQ_REMOVE(&p->p_zthreads, td, td_plist);
	proc_reap(p);
	thread_bury(td);
	sched_thread_exit();
}

/* Models kern_wait6() in sys/kern/kern_exit.c for one pid or any child. */
int
kern_wait(struct thread *td, int pid, int *status, int options, int *ret_pid)
{
	struct proc *p = td->td_proc, *q;
	int nfound, error;

	if ((options & ~(WNOHANG | WUNTRACED | WCONTINUED)) != 0)
		return (EINVAL);
	if (pid == 0 || pid < -1)
		return (EINVAL); /* XXX: process groups are not modelled */
	for (;;) {
		nfound = 0;
		LIST_FOREACH(q, &p->p_children, p_sibling) {
			if (pid != -1 && q->p_pid != pid)
				continue;
			/*
			 * proc_to_reap(): P_ALL (wait for any child) passes
			 * over a child with a process descriptor; only its
			 * pid names it.
			 */
			if (pid == -1 && q->p_procdesc != NULL)
				continue;
			/* Being reaped by procdesc_close(): gone already. */
			if (q->p_reaping)
				continue;
			nfound++;
			if (q->p_state == PRS_ZOMBIE) {
				*status = q->p_xsig != 0 ? q->p_xsig
							 : (q->p_xexit << 8);
				*ret_pid = q->p_pid;
				proc_reap(q);
				return (0);
			}
			/*
			 * proc_to_reap(): a stopped child not yet reported
			 * (P_WAITED), or a continued one (P_CONTINUED), is
			 * reported alive (report_alive_proc()).  XXX: the
			 * pending SIGCHLD of this child is not taken back
			 * (sigqueue_take()).
			 */
			if ((options & WUNTRACED) != 0
			    && (q->p_flag & P_STOPPED_SIG) != 0
			    && q->p_suspcount == q->p_numthreads
			    && (q->p_flag & P_WAITED) == 0) {
				p_flag_set(q, q->p_flag | P_WAITED,
				    "report_alive_proc");
				*status = W_STOPCODE(q->p_xsig);
				*ret_pid = q->p_pid;
				return (0);
			}
			if ((options & WCONTINUED) != 0
			    && (q->p_flag & P_CONTINUED) != 0) {
				p_flag_set(q, q->p_flag & ~P_CONTINUED,
				    "report_alive_proc");
				/*
				 * XXX: illumos encodes it as WCONTFLG
				 * (0177777); both kernels say 0x13 here.
				 */
				*status = SIGCONT;
				*ret_pid = q->p_pid;
				return (0);
			}
		}
		if (nfound == 0)
			return (ECHILD);
		if (options & WNOHANG) {
			*ret_pid = 0;
			*status = 0;
			return (0);
		}
		error = msleep(p, NULL, PCATCH, "wait", 0);
		if (error != 0)
			return (error == ERESTART ? EINTR : error);
	}
}

/* Signals */

/* Signal properties (sigproptbl[] in sys/kern/kern_sig.c). */
#define SIGPROP_KILL 0x01 /* terminates process by default */
#define SIGPROP_STOP 0x04 /* suspend process */
#define SIGPROP_TTYSTOP 0x08 /* ditto, from tty */
#define SIGPROP_IGNORE 0x10 /* ignore by default */
#define SIGPROP_CONT 0x20 /* continue if suspended */

/* Models sigprop(). */
static int
sigprop(int sig)
{
	switch (sig) {
	case SIGSTOP:
		return (SIGPROP_STOP);
	case SIGTSTP:
	case SIGTTIN:
	case SIGTTOU:
		return (SIGPROP_STOP | SIGPROP_TTYSTOP);
	case SIGCONT:
		return (SIGPROP_IGNORE | SIGPROP_CONT);
	case 16: /* SIGURG */
	case SIGCHLD:
	case 28: /* SIGWINCH */
	case 29: /* SIGINFO */
		return (SIGPROP_IGNORE);
	}
	return (SIGPROP_KILL);
}

/*
 * Whether sig is in 'ps_sigignore': ignored explicitly, or by default;
 * SIGCONT never is (kern_sigaction() leaves it out), so it reaches a
 * stopped process whatever its disposition.
 */
static bool
sig_ignored(struct proc *p, int sig)
{
	if (sig == SIGKILL || sig == SIGCONT)
		return (false);
	if (p->p_sigdisp[sig] == SIGDISP_IGNORE)
		return (true);
	return (p->p_sigdisp[sig] == SIGDISP_DEFAULT
	    && (sigprop(sig) & SIGPROP_IGNORE) != 0);
}

static void
p_siglist_set(struct proc *p, sim_sigset_t set, const char *func)
{
	if (set == p->p_siglist)
		return;
	sim_trace_int(
	    func, &p->p_obj, "p_siglist", (int64_t)p->p_siglist, (int64_t)set);
	p->p_siglist = set;
}

static void
p_flag_set(struct proc *p, int flag, const char *func)
{
	if (flag == p->p_flag)
		return;
	sim_trace_flags(func, &p->p_obj, "p_flag", p_flag_names,
	    (uint64_t)p->p_flag, (uint64_t)flag);
	p->p_flag = flag;
}

static void
p_suspcount_set(struct proc *p, int n, const char *func)
{
	sim_trace_int(func, &p->p_obj, "p_suspcount", p->p_suspcount, n);
	p->p_suspcount = n;
}

/* Models thread_suspend_one(): td gets the suspension inhibitor. */
static void
thread_suspend_one(struct thread *td)
{
	struct proc *p = td->td_proc;

	KASSERT((td->td_flags & TDF_SUSPENDED) == 0,
	    ("thread %d already suspended", td->td_tid));
	p_suspcount_set(p, p->p_suspcount + 1, __func__);
	td->td_flags |= TDF_SUSPENDED;
}

/* Models thread_unsuspend_one(): the inhibitor goes, the thread may run. */
static void
thread_unsuspend_one(struct thread *td)
{
	struct proc *p = td->td_proc;

	KASSERT((td->td_flags & TDF_SUSPENDED) != 0,
	    ("thread %d not suspended", td->td_tid));
	td->td_flags &= ~TDF_SUSPENDED;
	p_suspcount_set(p, p->p_suspcount - 1, __func__);
	wakeup(&td->td_flags);
}

/* Models thread_unsuspend(): every suspended thread, if p may run. */
static void
thread_unsuspend(struct proc *p)
{
	struct thread *td;

	if (P_SHOULDSTOP(p))
		return;
	TAILQ_FOREACH(td, &p->p_threads, td_plist)
		if (td->td_flags & TDF_SUSPENDED)
			thread_unsuspend_one(td);
}

/*
 * The suspended thread is off the CPU until thread_unsuspend_one() (its
 * mi_switch(SWT_SUSPEND)).  XXX: a sleep of its own, not an inhibitor.
 */
static void
thread_suspend_wait(struct thread *td)
{
	while (td->td_flags & TDF_SUSPENDED)
		(void)msleep(&td->td_flags, NULL, 0, "suspend", 0);
}

/* Models childproc_jobstate(): wake a waiting parent; SIGCHLD. */
static void
childproc_jobstate(struct proc *p)
{
	struct proc *pp = p->p_pptr;

	wakeup(pp);
	if ((pp->p_psflag & PS_NOCLDSTOP) == 0 && pp->p_pid != 0)
		psignal_parent(p); /* sigparent() */
}

/* Models childproc_continued(). */
static void
childproc_continued(struct proc *p)
{
	p_flag_set(p, p->p_flag | P_CONTINUED, __func__);
	SIM_SET(&p->p_obj, "p_xsig", p->p_xsig, SIGCONT);
	childproc_jobstate(p);
}

/*
 * Models thread_stopped(): the last thread of a stopping process (the
 * calling one counts as suspended, whether or not it already is) tells
 * the parent.
 */
static void
thread_stopped(struct proc *p)
{
	struct thread *td = curthread;
	int n;

	n = p->p_suspcount;
	if (td != NULL && td->td_proc == p
	    && (td->td_flags & TDF_SUSPENDED) == 0)
		n++;
	if ((p->p_flag & P_STOPPED_SIG) != 0 && n == p->p_numthreads) {
		p_flag_set(p, p->p_flag & ~P_WAITED, __func__);
		childproc_jobstate(p); /* childproc_stopped() */
	}
}

/*
 * Models sig_suspend_threads(): a thread sleeping interruptibly is
 * suspended where it sleeps; the others get the suspend AST (they check at
 * their next boundary).
 */
static void
sig_suspend_threads(struct proc *p)
{
	struct thread *td2;

	TAILQ_FOREACH(td2, &p->p_threads, td_plist) {
		if ((td2->td_flags & TDF_SUSPENDED) == 0
		    && sched_thread_sleeping_catch(td2->td_st))
			thread_suspend_one(td2);
	}
}

/*
 * Models thread_suspend_check() (and thread_suspend_switch() for a thread
 * that stops its own process): a thread of a stopped process suspends at
 * the user boundary until the process continues.  An exiting process's
 * threads leave instead.
 */
static void
thread_suspend_check(struct thread *td)
{
	struct proc *p = td->td_proc;

	while ((p->p_flag & P_STOPPED_SIG) != 0 && (p->p_flag & P_WEXIT) == 0
	    && (td->td_flags & TDF_EXIT) == 0) {
		/*
		 * The kernel calls thread_stopped() first, counting the
		 * caller, then suspends it, all under the process spin lock;
		 * here the count goes up first so that the woken parent
		 * never sees the process half stopped.
		 */
		thread_suspend_one(td);
		thread_stopped(p);
		thread_suspend_wait(td);
	}
}

/* The engine's hook after every sleep of td: stay off while suspended. */
void
sim_suspcheck(void *owner)
{
	struct thread *td = owner;

	if (td != NULL && (td->td_flags & TDF_SUSPENDED) != 0)
		thread_suspend_wait(td);
}

/* The AST at syscall entry: a stopped process's thread suspends. */
void
sim_syscall_ast(struct thread *td)
{
	if (td->td_proc->p_flag & P_STOPPED_SIG)
		thread_suspend_check(td);
}

/*
 * Models tdsigwakeup() and the choice of sigtd(): a caught signal aborts
 * one thread's interruptible sleep, a default one every thread's, except
 * a default SIGCONT, which wakes nobody and is discarded at once when a
 * thread sleeps.
 */
static void
tdsigwakeup(struct proc *p, int sig)
{
	struct thread *td;

	TAILQ_FOREACH(td, &p->p_threads, td_plist) {
		if (sig != SIGKILL && (td->td_sigmask & SIGBIT(sig)))
			continue;
		if (sig == SIGCONT && p->p_sigdisp[sig] != SIGDISP_CATCH) {
			if (sched_thread_sleeping_catch(td->td_st))
				p_siglist_set(p, p->p_siglist & ~SIGBIT(sig),
				    "tdsendsignal");
			return;
		}
		if (p->p_sigdisp[sig] == SIGDISP_CATCH && sig != SIGKILL) {
			sleepq_abort(td->td_st, EINTR);
			break;
		}
		/* Default action terminates: wake every thread. */
		sleepq_abort(td->td_st, EINTR);
	}
}

/*
 * Models tdsendsignal(): the kernel model sees every send (knote NOTE_SIGNAL
 * counts blocked and ignored signals too, except an ignored SIGCHLD); an
 * ignored signal is then discarded, a blocked one stays pending, and a
 * deliverable one interrupts a thread's sleep.  A stop signal with the
 * default action stops the process; SIGCONT (and SIGKILL) continue it.
 */
static void
tdsendsignal(struct proc *p, int sig)
{
	struct thread *td;
	bool hold, caught;
	int prop;

	if (p->p_state != PRS_NORMAL || (p->p_flag & P_WEXIT))
		return;
	if (sim_kern->k_ops->ko_signal != NULL
	    && !(sig == SIGCHLD && p->p_sigdisp[sig] == SIGDISP_IGNORE))
		sim_kern->k_ops->ko_signal(p, sig);
	if (sig_ignored(p, sig))
		return;
	prop = sigprop(sig);
	/* sigtd(): the first thread that does not block sig. */
	hold = true;
	TAILQ_FOREACH(td, &p->p_threads, td_plist)
		if (sig == SIGKILL || (td->td_sigmask & SIGBIT(sig)) == 0)
			hold = false;
	caught = !hold && p->p_sigdisp[sig] == SIGDISP_CATCH;

	if (prop & SIGPROP_CONT) {
		/* sigqueue_delete_stopmask_proc() */
		p_siglist_set(p,
		    p->p_siglist
			& ~(SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) | SIGBIT(SIGTTIN)
			    | SIGBIT(SIGTTOU)),
		    __func__);
	} else if (prop & SIGPROP_STOP) {
		p_siglist_set(p, p->p_siglist & ~SIGBIT(SIGCONT), __func__);
		if (p->p_flag & P_CONTINUED)
			p_flag_set(p, p->p_flag & ~P_CONTINUED, __func__);
	}
	p_siglist_set(p, p->p_siglist | SIGBIT(sig), __func__);

	/* Held signals wait, but SIGCONT continues a stopped process. */
	if (hold && !((prop & SIGPROP_CONT) && (p->p_flag & P_STOPPED_SIG)))
		return;

	if (P_SHOULDSTOP(p)) {
		if (sig == SIGKILL) {
			/* SIGKILL sets the process running; it dies later. */
			p_flag_set(p, p->p_flag & ~P_STOPPED_SIG, __func__);
			goto runfast;
		}
		if (prop & SIGPROP_CONT) {
			p_flag_set(p, p->p_flag & ~P_STOPPED_SIG, __func__);
			if (p->p_numthreads == p->p_suspcount)
				childproc_continued(p);
			if (caught)
				goto runfast;
			if (!hold) /* SIG_DFL: no further action */
				p_siglist_set(
				    p, p->p_siglist & ~SIGBIT(sig), __func__);
			thread_unsuspend(p);
			goto out_cont;
		}
		if (prop & SIGPROP_STOP) {
			/* Already stopped: just keep the stop bit. */
			p_flag_set(p, p->p_flag | P_STOPPED_SIG, __func__);
			p_siglist_set(p, p->p_siglist & ~SIGBIT(sig), __func__);
			return;
		}
		/*
		 * Any other signal: abort an interruptible sleep so that the
		 * thread sees it once continued; the process stays stopped.
		 */
		TAILQ_FOREACH(td, &p->p_threads, td_plist)
			if (sig == SIGKILL
			    || (td->td_sigmask & SIGBIT(sig)) == 0)
				break;
		if (td != NULL)
			sleepq_abort(td->td_st, EINTR);
		return;
	}
	if (!caught && (prop & SIGPROP_STOP)) {
		p_flag_set(p, p->p_flag | P_STOPPED_SIG, __func__);
		SIM_SET(&p->p_obj, "p_xsig", p->p_xsig, sig);
		sig_suspend_threads(p);
		if (p->p_numthreads == p->p_suspcount) {
			/* Only a signal from another process gets here. */
			thread_stopped(p);
			p_siglist_set(
			    p, p->p_siglist & ~SIGBIT(p->p_xsig), __func__);
		}
		return;
	}

runfast:
	tdsigwakeup(p, sig);
	thread_unsuspend(p);
out_cont:
	if (sim_kern->k_ops->ko_proc_continue != NULL)
		sim_kern->k_ops->ko_proc_continue(p);
}

void
kern_psignal(struct proc *p, int sig)
{
	tdsendsignal(p, sig);
}

void
psignal_parent(struct proc *p)
{
	if (p->p_pptr != NULL && p->p_pptr->p_pid != 0)
		tdsendsignal(p->p_pptr, SIGCHLD);
}

void
sim_sigpipe(struct thread *td)
{
	tdsendsignal(td->td_proc, SIGPIPE);
}

/* Models priv_check_cred(): the superuser (euid 0) has every privilege. */
static int
priv_check_cred(const struct ucred *cred)
{
	return (cred->cr_uid == 0 ? 0 : EPERM);
}

/*
 * Models cr_bsd_visible(): with security.bsd.see_other_uids (and _gids)
 * at 0, a process sees others of its real uid (gid) only, unless
 * privileged.  XXX: no jails (prison_check()), MAC or supplementary groups.
 */
static int
cr_bsd_visible(const struct ucred *u1, const struct ucred *u2)
{
	/* cr_canseeotheruids() */
	if (sim_tunable("security.bsd.see_other_uids") == 0
	    && u1->cr_ruid != u2->cr_ruid && priv_check_cred(u1) != 0)
		return (ESRCH);
	/* cr_canseeothergids() */
	if (sim_tunable("security.bsd.see_other_gids") == 0
	    && u1->cr_rgid != u2->cr_rgid && u1->cr_gid != u2->cr_rgid
	    && priv_check_cred(u1) != 0)
		return (ESRCH);
	return (0);
}

/* Models p_cansee() in sys/kern/kern_prot.c. */
int
p_cansee(struct thread *td, struct proc *p)
{
	if (td->td_proc == p)
		return (0);
	return (cr_bsd_visible(&td->td_proc->p_ucred, &p->p_ucred));
}

/*
 * Models p_cansignal() and cr_cansignal(): ESRCH when p is not visible,
 * EPERM when neither real nor effective uid matches p's real or saved
 * uid (without privilege).  XXX: no P_SUGID (conservative_signals), no
 * sessions (SIGCONT within a session is always allowed: every process is
 * taken to be in one).
 */
int
p_cansignal(struct thread *td, struct proc *p, int signum)
{
	const struct ucred *cred = &td->td_proc->p_ucred;
	int error;

	if (td->td_proc == p)
		return (0);
	if (signum == SIGCONT)
		return (0);
	if ((error = cr_bsd_visible(cred, &p->p_ucred)) != 0)
		return (error);
	if (cred->cr_ruid != p->p_ucred.cr_ruid
	    && cred->cr_ruid != p->p_ucred.cr_svuid
	    && cred->cr_uid != p->p_ucred.cr_ruid
	    && cred->cr_uid != p->p_ucred.cr_svuid) {
		error = priv_check_cred(cred);
		if (error != 0)
			return (error);
	}
	return (0);
}

/* Models kern_kill() in sys/kern/kern_sig.c for pid > 0. */
int
kern_kill(struct thread *td, int pid, int sig)
{
	struct proc *p;
	int error;

	if (sig < 0 || sig > SIG_MAXSIG - 1)
		return (EINVAL);
	if (pid <= 0)
		return (EINVAL); /* XXX: process groups are not modelled */
	p = pfind_any(pid);
	if (p == NULL || p->p_pid == 0)
		return (ESRCH);
	error = p_cansignal(td, p, sig);
	if (error != 0)
		return (error);
	if (p->p_state == PRS_ZOMBIE || sig == 0)
		return (0);
	tdsendsignal(p, sig);
	return (0);
}

int
kern_sigprocmask(
    struct thread *td, int how, sim_sigset_t set, sim_sigset_t *oset)
{
	sim_sigset_t m = td->td_sigmask;

	if (oset != NULL)
		*oset = m;
	set &= ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
	switch (how) {
	case 1:
		m |= set;
		break;
	case 2:
		m &= ~set;
		break;
	case 3:
		m = set;
		break;
	default:
		return (EINVAL);
	}
	SIM_SET(&td->td_obj, "td_sigmask", td->td_sigmask, m);
	return (0);
}

int
kern_sigaction(struct thread *td, int sig, int disp, int *odisp)
{
	return (kern_sigaction_flags(td, sig, disp, 0, odisp));
}

/*
 * Models kern_sigaction(): sa_flags SA_NOCLDSTOP on SIGCHLD sets
 * PS_NOCLDSTOP (every sigaction of SIGCHLD sets or clears it).
 */
int
kern_sigaction_flags(
    struct thread *td, int sig, int disp, int flags, int *odisp)
{
	struct proc *p = td->td_proc;

	if (sig <= 0 || sig >= SIG_MAXSIG)
		return (EINVAL);
	if ((sig == SIGKILL || sig == SIGSTOP) && disp != SIGDISP_DEFAULT)
		return (EINVAL);
	if (odisp != NULL)
		*odisp = p->p_sigdisp[sig];
	p->p_sigdisp[sig] = disp;
	if (sig == SIGCHLD) {
		if (flags & SA_NOCLDSTOP)
			p->p_psflag |= PS_NOCLDSTOP;
		else
			p->p_psflag &= ~PS_NOCLDSTOP;
	}
	if (disp == SIGDISP_IGNORE
	    || (disp == SIGDISP_DEFAULT && (sigprop(sig) & SIGPROP_IGNORE)))
		SIM_SET(&p->p_obj, "p_siglist", p->p_siglist,
		    p->p_siglist & ~SIGBIT(sig));
	return (0);
}

/* The first pending signal td can take, or 0. */
static int
sig_deliverable(struct thread *td)
{
	struct proc *p = td->td_proc;
	sim_sigset_t pend = p->p_siglist & ~td->td_sigmask;
	int sig;

	if (p->p_siglist & SIGBIT(SIGKILL))
		return (SIGKILL);
	/* Checked on every return to user mode: skip the scan when empty. */
	if (pend == 0)
		return (0);
	for (sig = 1; sig < SIG_MAXSIG; sig++)
		if (pend & SIGBIT(sig))
			return (sig);
	return (0);
}

int
sim_sigcheck(void *owner)
{
	struct thread *td = owner;

	if (td == NULL)
		return (0);
	if ((td->td_flags & TDF_EXIT) || (td->td_proc->p_flag & P_WEXIT))
		return (EINTR);
	/* sleepq_catch_signals(): a stopping process suspends first. */
	if (td->td_proc->p_flag & P_STOPPED_SIG)
		thread_suspend_check(td);
	return (sig_deliverable(td) != 0 ? EINTR : 0);
}

/*
 * Models userret()/ast(): leave if exiting, suspend while the process is
 * stopped (the suspend AST), then act on pending signals as issignal()
 * and postsig() do: a stop signal with the default action stops the
 * process here (sigprocess()).
 */
void
userret(struct thread *td)
{
	struct proc *p = td->td_proc;
	int sig, prop;

	if (sim_kern->k_ops->ko_userret != NULL)
		sim_kern->k_ops->ko_userret(td);
	if ((td->td_flags & TDF_EXIT) || (p->p_flag & P_WEXIT))
		thread_exit_self(td);
	if (p->p_flag & P_STOPPED_SIG)
		thread_suspend_check(td);
	while ((sig = sig_deliverable(td)) != 0) {
		p_siglist_set(p, p->p_siglist & ~SIGBIT(sig), "userret");
		if (p->p_sigdisp[sig] == SIGDISP_CATCH && sig != SIGKILL)
			continue; /* the handler "ran" */
		if (sig_ignored(p, sig))
			continue;
		prop = sigprop(sig);
		if (sig != SIGKILL && (prop & SIGPROP_STOP)) {
			if (p->p_flag & P_WEXIT)
				continue;
			/* sigprocess(): stop here. */
			p_flag_set(p, p->p_flag | P_STOPPED_SIG, "sigprocess");
			SIM_SET(&p->p_obj, "p_xsig", p->p_xsig, sig);
			sig_suspend_threads(p);
			thread_suspend_check(td); /* thread_suspend_switch() */
			continue;
		}
		if (sig != SIGKILL && (prop & SIGPROP_IGNORE))
			continue;
		exit1(td, 0, sig);
	}
}

/* Models sys_setuid() in sys/kern/kern_prot.c (_POSIX_SAVED_IDS). */
int
kern_setuid(struct thread *td, int uid)
{
	struct proc *p = td->td_proc;
	struct ucred *cr = &p->p_ucred;
	int error;

	if (uid < 0)
		return (EINVAL); /* XXX: uid_t is unsigned; -1 is not an id */
	if (uid != cr->cr_ruid && uid != cr->cr_svuid
	    && (error = priv_check_cred(cr)) != 0)
		return (error);
	if (priv_check_cred(cr) == 0) {
		/* With privilege the real and saved uids change too. */
		SIM_SET(&p->p_obj, "cr_ruid", cr->cr_ruid, uid);
		SIM_SET(&p->p_obj, "cr_svuid", cr->cr_svuid, uid);
	}
	SIM_SET(&p->p_obj, "cr_uid", cr->cr_uid, uid);
	return (0);
}

/* Models sys_setgid() in sys/kern/kern_prot.c (_POSIX_SAVED_IDS). */
int
kern_setgid(struct thread *td, int gid)
{
	struct proc *p = td->td_proc;
	struct ucred *cr = &p->p_ucred;
	int error;

	if (gid < 0)
		return (EINVAL); /* XXX: gid_t is unsigned; -1 is not an id */
	if (gid != cr->cr_rgid && gid != cr->cr_svgid
	    && (error = priv_check_cred(cr)) != 0)
		return (error);
	if (priv_check_cred(cr) == 0) {
		SIM_SET(&p->p_obj, "cr_rgid", cr->cr_rgid, gid);
		SIM_SET(&p->p_obj, "cr_svgid", cr->cr_svgid, gid);
	}
	SIM_SET(&p->p_obj, "cr_gid", cr->cr_gid, gid);
	return (0);
}

const char *
sim_signame(int sig)
{
	switch (sig) {
	case SIGHUP:
		return ("SIGHUP");
	case SIGINT:
		return ("SIGINT");
	case SIGQUIT:
		return ("SIGQUIT");
	case SIGKILL:
		return ("SIGKILL");
	case SIGPIPE:
		return ("SIGPIPE");
	case SIGALRM:
		return ("SIGALRM");
	case SIGTERM:
		return ("SIGTERM");
	case SIGSTOP:
		return ("SIGSTOP");
	case SIGTSTP:
		return ("SIGTSTP");
	case SIGTTIN:
		return ("SIGTTIN");
	case SIGTTOU:
		return ("SIGTTOU");
	case SIGCONT:
		return ("SIGCONT");
	case SIGCHLD:
		return ("SIGCHLD");
	case SIGUSR1:
		return ("SIGUSR1");
	case SIGUSR2:
		return ("SIGUSR2");
	}
	return (NULL);
}
