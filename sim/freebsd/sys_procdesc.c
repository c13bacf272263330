/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Process descriptors of the simulated FreeBSD kernel.  Models
 * sys/kern/sys_procdesc.c as FreeBSD main had it when KQUEUE_CPONFORK was
 * committed (2025): pdfork(2) (fork1() with RFPROCDESC calls
 * procdesc_falloc(), procdesc_new() and procdesc_finit()), the procdesc
 * file type with its fileops (close, poll, kqfilter), EVFILT_PROCDESC
 * ('procdesc_kqops', copied by a CPONFORK fork with knote_triv_copy()),
 * procdesc_exit() from exit1() (NOTE_EXIT, no SIGCHLD for the parent),
 * procdesc_reap() from proc_reap(), pdgetpid(2) and pdkill(2).
 *
 * The life of a process descriptor: created with two references (the
 * file's and the process's).  If the process exits first, procdesc_exit()
 * sets PDF_EXITED and fires NOTE_EXIT; the zombie is reaped by the last
 * close of the descriptor (procdesc_close()) or by waitpid(2) naming its
 * pid (wait for any child passes over it, proc_to_reap()).  If the
 * descriptor is closed first, procdesc_close() detaches it, reparents the
 * process to init and kills it with SIGKILL unless PD_DAEMON was given;
 * its exit is then reported to init as any child's.
 *
 * Deviations: the revision 'freebsd' (main, 2026) is modelled with this
 * file too.  XXX: FreeBSD main since 2026 counts the open files of a
 * descriptor ('pd_fpcount', pdopenpid(2)), tracks who may reap a zombie
 * ('p_zombieref'), fires NOTE_PDSIGCHLD with NOTE_EXIT and on stops
 * (procdesc_jobstate()), NOTE_FORK (procdesc_fork()) and honours
 * NOTE_REAP, and has a pdwait system call; none of that is modelled.  XXX: no
 * fo_stat, procdesc_stat(), as the model has no fstat system call.  Every state
 * change is a transition of 'procdesc#N' (fields "pd_flags",
 * "pd_refcount", "pd_proc", "pd_xstat") or of 'proc#P' field "p_procdesc".
 */
#include <stdio.h>
#include <string.h>

#include "event.h"
#include "eventvar.h"
#include "fd.h"
#include "kernel.h"
#include "proc.h"
#include "procdesc.h"
#include "sim.h"
#include "sync.h"

static const struct sim_flagname pd_flag_names[] = {
	{ PDF_CLOSED, "CLOSED" },
	{ PDF_SELECTED, "SELECTED" },
	{ PDF_EXITED, "EXITED" },
	{ PDF_DAEMON, "DAEMON" },
	{ 0, NULL },
};

#define PROCDESC_LOCK(pd) mtx_lock(&(pd)->pd_lock)
#define PROCDESC_UNLOCK(pd) mtx_unlock(&(pd)->pd_lock)

#define PD_SET_FLAGS(pd, v)                                                    \
	SIM_SET_FLAGS(                                                         \
	    &(pd)->pd_obj, "pd_flags", pd_flag_names, (pd)->pd_flags, (v))

static int procdesc_close(struct file *fp, struct thread *td);
static int procdesc_poll(struct file *fp, int events, struct thread *td);
static int procdesc_kqfilter(struct file *fp, struct knote *kn);

/* Models invfo_rdwr() in sys/kern/kern_descrip.c. */
static int
invfo_read(
    struct file *fp, char *buf, size_t len, size_t *ret_n, struct thread *td)
{
	return (EOPNOTSUPP);
}

static int
invfo_write(struct file *fp, const char *buf, size_t len, size_t *ret_n,
    struct thread *td)
{
	return (EOPNOTSUPP);
}

/* Models 'procdesc_ops' (no fo_stat, see above). */
static const struct fileops procdesc_ops = {
	.fo_name = "procdesc",
	.fo_read = invfo_read,
	.fo_write = invfo_write,
	.fo_close = procdesc_close,
	.fo_kqfilter = procdesc_kqfilter,
	.fo_poll = procdesc_poll,
	.fo_flags = DFLAG_PASSABLE,
};

/* 'pd_proc' and the process's 'p_procdesc', both traced. */
static void
pd_set_proc(struct procdesc *pd, struct proc *p, const char *func)
{
	char o[32], n[32];

	snprintf(o, sizeof(o), "%s",
	    pd->pd_proc != NULL ? pd->pd_proc->p_obj.so_name : "");
	snprintf(n, sizeof(n), "%s", p != NULL ? p->p_obj.so_name : "");
	if (strcmp(o, n) != 0)
		sim_trace_str(func, &pd->pd_obj, "pd_proc", o, n);
	pd->pd_proc = p;
}

static void
p_set_procdesc(struct proc *p, struct procdesc *pd, const char *func)
{
	if (p->p_procdesc == pd)
		return;
	sim_trace_str(func, &p->p_obj, "p_procdesc",
	    p->p_procdesc != NULL ? p->p_procdesc->pd_obj.so_name : "",
	    pd != NULL ? pd->pd_obj.so_name : "");
	p->p_procdesc = pd;
}

/*
 * Models procdesc_find(): the live or zombie process of descriptor fd, or
 * EBADF (not open, not a process descriptor), ESRCH (already reaped).
 */
static int
procdesc_find(struct thread *td, int fd, struct proc **ret_p)
{
	struct procdesc *pd;
	struct file *fp;
	int error;

	error = fget(td, fd, &fp);
	if (error != 0)
		return (error);
	if (fp->f_type != DTYPE_PROCDESC) {
		error = EBADF;
		goto out;
	}
	pd = fp->f_data;
	if (pd->pd_proc != NULL)
		*ret_p = pd->pd_proc;
	else
		error = ESRCH;
out:
	(void)fdrop(fp, td);
	return (error);
}

/* Models kern_pdgetpid() in sys/kern/sys_procdesc.c. */
int
kern_pdgetpid(struct thread *td, int fd, int *ret_pid)
{
	struct procdesc *pd;
	struct file *fp;
	int error;

	error = fget(td, fd, &fp);
	if (error != 0)
		return (error);
	if (fp->f_type != DTYPE_PROCDESC) {
		error = EBADF;
		goto out;
	}
	pd = fp->f_data;
	*ret_pid = pd->pd_pid; /* procdesc_pid() */
out:
	(void)fdrop(fp, td);
	return (error);
}

/* Models sys_pdkill() in sys/kern/kern_sig.c. */
int
sys_pdkill(struct thread *td, int fd, int signum)
{
	struct proc *p;
	int error;

	/*
	 * (u_int)signum > _SIG_MAXSIG.  XXX: the model has signals 1 to 63
	 * only, as kern_kill() here, where FreeBSD's _SIG_MAXSIG is 128.
	 */
	if (signum < 0 || signum > SIG_MAXSIG - 1)
		return (EINVAL);
	error = procdesc_find(td, fd, &p);
	if (error != 0)
		return (error);
	PROC_LOCK(p);
	error = p_cansignal(td, p, signum);
	PROC_UNLOCK(p);
	if (error == 0 && signum != 0)
		kern_psignal(p, signum);
	return (error);
}

/* Models procdesc_falloc(): PD_CLOEXEC gives the descriptor O_CLOEXEC. */
int
procdesc_falloc(struct thread *td, struct file **ret_fp, int *ret_fd, int flags)
{
	int fflags = 0;

	if (flags & PD_CLOEXEC)
		fflags = O_CLOEXEC;
	return (falloc(td, ret_fp, ret_fd, fflags));
}

/*
 * Models procdesc_new(): "failure is not permitted at this point".  Two
 * references, one from the file and one from the process.
 */
void
procdesc_new(struct proc *p, int flags)
{
	struct procdesc *pd;

	kqueue_runinit();
	pd = sim_calloc(1, sizeof(*pd));
	if (pd == NULL)
		sim_oom();
	sim_obj_init(&pd->pd_obj, "procdesc");
	sim_trace_created(__func__, &pd->pd_obj);
	sim_obj_label(&pd->pd_obj, "process descriptor of pid %d", p->p_pid);
	pd_set_proc(pd, p, __func__);
	SIM_SET(&pd->pd_obj, "pd_pid", pd->pd_pid, p->p_pid);
	p_set_procdesc(p, pd, __func__);
	if (flags & PD_DAEMON)
		PD_SET_FLAGS(pd, pd->pd_flags | PDF_DAEMON);
	mtx_init(&pd->pd_lock, "process descriptor", NULL, MTX_DEF);
	knlist_init_mtx(&pd->pd_selinfo.si_note, &pd->pd_lock);
	SIM_SET(&pd->pd_obj, "pd_refcount", pd->pd_refcount, 2);
}

/* Models procdesc_finit(): the file becomes a process descriptor. */
void
procdesc_finit_proc(struct proc *p, struct file *fp)
{
	finit(fp, FREAD | FWRITE, DTYPE_PROCDESC, p->p_procdesc, &procdesc_ops);
}

/* Models procdesc_free(): drops a reference; the last frees pd. */
static void
procdesc_free(struct procdesc *pd)
{
	SIM_SET(
	    &pd->pd_obj, "pd_refcount", pd->pd_refcount, pd->pd_refcount - 1);
	if (pd->pd_refcount > 0)
		return;
	KASSERT(pd->pd_proc == NULL, ("procdesc_free: pd_proc != NULL"));
	KASSERT((pd->pd_flags & PDF_CLOSED), ("procdesc_free: !PDF_CLOSED"));
	knlist_destroy(&pd->pd_selinfo.si_note);
	sim_trace_freed(__func__, &pd->pd_obj);
	sim_quarantine(pd, &pd->pd_obj, __func__);
}

/*
 * Models procdesc_exit(), called by exit1(): true ("return 1 so that init
 * will get SIGCHLD") when the descriptor was closed first, else NOTE_EXIT
 * on the descriptor's knotes and false: the parent is not signalled.  The
 * process lock stands for the proctree lock that serialises this with
 * procdesc_close().  XXX: the kernel keeps the process locked until it is
 * a zombie, so a close that comes after this reaps it; here a close may
 * run between this and PRS_ZOMBIE (at the unlock) and then takes the
 * process for a live one, as if it had come first: the process goes to
 * init, which gets SIGCHLD.
 */
bool
procdesc_exit(struct proc *p)
{
	struct procdesc *pd;

	kqueue_runinit();
	PROC_LOCK(p);
	pd = p->p_procdesc;
	if (pd == NULL) {
		/* procdesc_close() detached it while we waited. */
		PROC_UNLOCK(p);
		return (true);
	}
	PROCDESC_LOCK(pd);
	KASSERT((pd->pd_flags & PDF_CLOSED) == 0 || p->p_pptr == initproc,
	    ("procdesc_exit: closed && parent not init"));
	PD_SET_FLAGS(pd, pd->pd_flags | PDF_EXITED);
	SIM_SET(&pd->pd_obj, "pd_xstat", pd->pd_xstat,
	    KW_EXITCODE(p->p_xexit, p->p_xsig));
	if (pd->pd_flags & PDF_CLOSED) {
		PROCDESC_UNLOCK(pd);
		pd_set_proc(pd, NULL, __func__);
		p_set_procdesc(p, NULL, __func__);
		procdesc_free(pd);
		PROC_UNLOCK(p);
		return (true);
	}
	/* PDF_SELECTED is never set: see procdesc_poll(). */
	KNOTE_LOCKED(&pd->pd_selinfo.si_note, (long)NOTE_EXIT);
	PROCDESC_UNLOCK(pd);
	PROC_UNLOCK(p);
	return (p->p_procdesc == NULL);
}

/* Models procdesc_reap() in sys/kern/sys_procdesc.c. */
void
procdesc_reap(struct proc *p)
{
	struct procdesc *pd;

	KASSERT(p->p_procdesc != NULL, ("procdesc_reap: p_procdesc == NULL"));
	pd = p->p_procdesc;
	pd_set_proc(pd, NULL, __func__);
	p_set_procdesc(p, NULL, __func__);
	procdesc_free(pd);
}

/*
 * Models procdesc_close(): the last close of a process descriptor reaps a
 * zombie, or detaches a live process, reparents it to init and, unless
 * PDF_DAEMON, kills it with SIGKILL ("we can't wait around synchronously
 * for it to go away").  The process lock stands for the proctree lock.
 */
static int
procdesc_close(struct file *fp, struct thread *td)
{
	struct procdesc *pd;
	struct proc *p;

	KASSERT(fp->f_type == DTYPE_PROCDESC, ("procdesc_close: !procdesc"));
	pd = fp->f_data;
	fp->f_ops = &badfileops;
	fp->f_data = NULL;
	p = pd->pd_proc;
	if (p != NULL)
		PROC_LOCK(p); /* the process stays: it is freed after the run */
	PROCDESC_LOCK(pd);
	PD_SET_FLAGS(pd, pd->pd_flags | PDF_CLOSED);
	if (p != NULL && pd->pd_proc != p) {
		/* Reaped while we waited for the lock. */
		PROC_UNLOCK(p);
		p = NULL;
	}
	if (p == NULL) {
		/* The exit status was collected: procdesc_reap() ran. */
		PROCDESC_UNLOCK(pd);
	} else if (p->p_state == PRS_ZOMBIE) {
		PROCDESC_UNLOCK(pd);
		PROC_UNLOCK(p);
		/*
		 * proc_reap() calls back into procdesc_reap(), unless a
		 * waiting parent reaped the zombie at one of the unlocks.
		 */
		if (pd->pd_proc == p)
			proc_reap(p);
	} else {
		/* Detach, "so that its exit status will be reported". */
		pd_set_proc(pd, NULL, __func__);
		p_set_procdesc(p, NULL, __func__);
		procdesc_free(pd);
		/*
		 * "reparent it to init(8) so that there's someone to pick up
		 * the pieces; finally, terminate with prejudice".
		 */
		if (p->p_pptr != initproc)
			proc_reparent(p, initproc);
		PROCDESC_UNLOCK(pd);
		PROC_UNLOCK(p);
		if ((pd->pd_flags & PDF_DAEMON) == 0)
			kern_psignal(p, SIGKILL);
	}
	/* The file's reference. */
	procdesc_free(pd);
	return (0);
}

/*
 * Models procdesc_poll(): POLLHUP once the process exited.  XXX: no
 * selrecord()/PDF_SELECTED: fo_poll has no side effects here, and nothing
 * in the FreeBSD model polls.
 */
static int
procdesc_poll(struct file *fp, int events, struct thread *td)
{
	struct procdesc *pd = fp->f_data;

	(void)events;
	(void)td;
	return ((pd->pd_flags & PDF_EXITED) ? POLLHUP : 0);
}

/*
 * EVFILT_PROCDESC
 */

/* Models procdesc_kqops_detach(). */
static void
procdesc_kqops_detach(struct knote *kn)
{
	struct procdesc *pd = kn->kn_fp->f_data;

	knlist_remove(&pd->pd_selinfo.si_note, kn, 0);
}

/*
 * Models procdesc_kqops_event(): NOTE_EXIT (if asked for) with the exit
 * status in 'kn_data', and EV_EOF|EV_ONESHOT; a knote that asked for
 * nothing the process did is dropped (EV_DROP).
 */
static int
procdesc_kqops_event(struct knote *kn, long hint)
{
	struct procdesc *pd = kn->kn_fp->f_data;
	unsigned int event;

	if (hint == 0) {
		/*
		 * "Initial test after registration.  Generate a NOTE_EXIT in
		 * case the process already terminated before registration."
		 */
		event = (pd->pd_flags & PDF_EXITED) ? NOTE_EXIT : 0;
	} else {
		/* Mask off extra data. */
		event = (unsigned int)hint & NOTE_PCTRLMASK;
	}
	/* If the user is interested in this event, record it. */
	if ((unsigned int)kn->kn_sfflags & event)
		KN_SET_FFLAGS(kn, kn->kn_fflags | event);
	/* Process is gone, so flag the event as finished. */
	if (event == NOTE_EXIT) {
		KN_SET_FLAGS(kn, kn->kn_flags | EV_EOF | EV_ONESHOT);
		if (kn->kn_fflags & NOTE_EXIT)
			KN_SET_DATA(kn, pd->pd_xstat);
		if (kn->kn_fflags == 0)
			KN_SET_FLAGS(kn, kn->kn_flags | EV_DROP);
		return (1);
	}
	return (kn->kn_fflags != 0);
}

/* Models 'procdesc_kqops' (f_copy since b11289f, KQUEUE_CPONFORK). */
static const struct filterops procdesc_kqops = {
	.f_isfd = 1,
	.f_detach = procdesc_kqops_detach,
	.f_event = procdesc_kqops_event,
	.f_copy = knote_triv_copy,
};

/* Models procdesc_kqfilter(): EVFILT_PROCDESC only. */
static int
procdesc_kqfilter(struct file *fp, struct knote *kn)
{
	struct procdesc *pd = fp->f_data;

	switch (kn->kn_filter) {
	case EVFILT_PROCDESC:
		kn->kn_fop = &procdesc_kqops;
		KN_SET_FLAGS(kn, kn->kn_flags | EV_CLEAR);
		knlist_add(&pd->pd_selinfo.si_note, kn, 0);
		return (0);
	default:
		return (EINVAL);
	}
}
