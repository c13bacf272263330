/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Global kernel invariants, checked at every scheduling
 * decision when a run has checking on (`evsim run --check`, the default of
 * `evsim explore`, and every replay).  Each check reads the state of every
 * object of the run through the registries the models keep (all kqueues:
 * kqueue_registry_first(); all ports: port_registry_first(); all processes:
 * proc_first()) and fails the run with status 'failed' and fail_func
 * "invariant:<name>" when one does not hold:
 *
 *	kq_count	a kqueue's 'kq_count' is the number of non-marker
 *			knotes on its 'kq_head' (plus the QUEUED knotes a
 *			scan took off it and holds in flux)
 *	kn_queued	a knote is on 'kq_head' iff KN_QUEUED (and belongs to
 *			that kqueue), but for the in-flux ones a scan holds
 *	knote_file	no knote of an fd filter references a closed (freed)
 *			file
 *	knote_proc	no attached EVFILT_PROC/EVFILT_SIGNAL knote references
 *			a freed (reaped) process
 *	portq_nent	a port's 'portq_nent' is the length of its main queue
 *	port_curr	a port's 'port_curr' is the number of event slots it
 *			has allocated (see 'port_nkev_live')
 *	fd_file		no descriptor table references a freed file
 *	refcount	at the end of a run that passed: no kqueue, port or
 *			file is left (every reference was given back)
 *
 * A kqueue's fields are protected by 'kq_lock' and a port queue's by
 * 'portq_mutex': an object whose lock is held at the decision is in the
 * middle of an update and is skipped, as a kernel debugger would take the
 * lock before looking.  A knote in flux belongs to its holder and is not
 * checked for its file or process.
 *
 * Files are known live through the live-file set sim/fd.c keeps
 * (fd_file_live()), so that a freed file is never read.
 *
 * Above the models: imports the shared layer and both models' headers
 * (eventvar.h, port_impl.h).  Its entry points are declared in kernel.h and
 * called only by the run driver (sim/run/simrun.c).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "eventvar.h"
#include "fd.h"
#include "kernel.h"
#include "port_impl.h"
#include "proc.h"
#include "sched.h"

static _Noreturn void inv_fail(const char *name, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The fail_func names must outlive the run: one static string each. */
static const char *
inv_func(const char *name)
{
	static const char *const names[] = {
		"invariant:kq_count",
		"invariant:kn_queued",
		"invariant:knote_file",
		"invariant:knote_proc",
		"invariant:portq_nent",
		"invariant:port_curr",
		"invariant:fd_file",
		"invariant:refcount",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i] + strlen("invariant:"), name) == 0)
			return (names[i]);
	return ("invariant");
}

static _Noreturn void
inv_fail(const char *name, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sched_fail(SCHED_FAILED, inv_func(name),
	    "invariant %s: %s (at step %" PRIu64 ")", name, msg, sched_steps());
}

static bool
proc_alive(const struct proc *p)
{
	struct proc *q;

	for (q = proc_first(); q != NULL; q = proc_next(q))
		if (q == p)
			return (true);
	return (false);
}

/* Whether kn (a listed knote of kq) is on kq's 'kq_head'. */
static bool
on_head(struct kqueue *kq, const struct knote *kn)
{
	struct knote *h;

	TAILQ_FOREACH(h, &kq->kq_head, kn_tqe)
		if (h == kn)
			return (true);
	return (false);
}

/* Whether kn is on one of kq's knote lists. */
static bool
on_lists(struct kqueue *kq, const struct knote *kn)
{
	struct knote *k;
	int i;

	for (i = 0; i < kq->kq_knlistsize; i++)
		SLIST_FOREACH(k, &kq->kq_knlist[i], kn_link)
			if (k == kn)
				return (true);
	for (i = 0; kq->kq_knhashmask != 0 && i <= (int)kq->kq_knhashmask; i++)
		SLIST_FOREACH(k, &kq->kq_knhash[i], kn_link)
			if (k == kn)
				return (true);
	return (false);
}

static void
check_knote(struct kqueue *kq, struct knote *kn, int *held)
{
	if ((kn->kn_status & KN_QUEUED) != 0 && kn_in_flux(kn)
	    && !on_head(kq, kn))
		(*held)++;
	if (kn->kn_kq != kq)
		inv_fail("kn_queued",
		    "%s is listed on %s but belongs elsewhere",
		    kn->kn_obj.so_name, kq->kq_obj.so_name);
	/*
	 * kqueue_scan() takes a knote off 'kq_head' and holds it in flux,
	 * still QUEUED and counted, until it requeues or unqueues it.
	 */
	if ((kn->kn_status & KN_QUEUED) != 0 && !on_head(kq, kn)
	    && !kn_in_flux(kn))
		inv_fail("kn_queued", "%s is QUEUED but not on %s's kq_head",
		    kn->kn_obj.so_name, kq->kq_obj.so_name);
	if ((kn->kn_status & KN_QUEUED) == 0 && on_head(kq, kn))
		inv_fail("kn_queued", "%s is on %s's kq_head but not QUEUED",
		    kn->kn_obj.so_name, kq->kq_obj.so_name);
	if (kn_in_flux(kn) || kn->kn_fop == NULL)
		return;
	if (kn->kn_fop->f_isfd
	    && (kn->kn_fp == NULL || !fd_file_live(kn->kn_fp)))
		inv_fail("knote_file",
		    "%s (fd %" PRIu64 ") references a %s file",
		    kn->kn_obj.so_name, kn->kn_id,
		    kn->kn_fp == NULL ? "missing" : "closed");
	if ((kn->kn_filter == EVFILT_PROC || kn->kn_filter == EVFILT_SIGNAL)
	    && (kn->kn_status & KN_DETACHED) == 0 && kn->kn_ptr.p_proc != NULL
	    && !proc_alive(kn->kn_ptr.p_proc))
		inv_fail("knote_proc", "%s references a freed process",
		    kn->kn_obj.so_name);
}

static void
check_kqueue(struct kqueue *kq)
{
	struct knote *kn;
	int n = 0, held = 0, i;

	if (kq->kq_lock.mtx_owner != NULL)
		return; /* an update is in progress */
	TAILQ_FOREACH(kn, &kq->kq_head, kn_tqe) {
		if (kn->kn_status == KN_MARKER)
			continue;
		n++;
		if ((kn->kn_status & KN_QUEUED) == 0)
			inv_fail("kn_queued",
			    "%s is on %s's kq_head but not QUEUED",
			    kn->kn_obj.so_name, kq->kq_obj.so_name);
		/*
		 * A knote in flux may be queued before it is attached: a
		 * copied timer armed by f_copy fires before knote_attach()
		 * (kqueue_fork_copy_knote(), reference section 3.2).
		 */
		if (!on_lists(kq, kn) && !kn_in_flux(kn))
			inv_fail("kn_queued",
			    "%s is on %s's kq_head but not on its lists",
			    kn->kn_obj.so_name, kq->kq_obj.so_name);
	}
	for (i = 0; i < kq->kq_knlistsize; i++)
		SLIST_FOREACH(kn, &kq->kq_knlist[i], kn_link)
			check_knote(kq, kn, &held);
	for (i = 0; kq->kq_knhashmask != 0 && i <= (int)kq->kq_knhashmask; i++)
		SLIST_FOREACH(kn, &kq->kq_knhash[i], kn_link)
			check_knote(kq, kn, &held);
	if (n + held != kq->kq_count)
		inv_fail("kq_count",
		    "%s has kq_count %d but %d queued knotes (%d on kq_head, "
		    "%d held by a scan)",
		    kq->kq_obj.so_name, kq->kq_count, n + held, n, held);
}

static void
check_port(port_t *pp)
{
	port_queue_t *portq = &pp->port_queue;
	port_kevent_t *pkevp;
	unsigned int n = 0;

	if (portq->portq_mutex.mtx_owner != NULL)
		return;
	TAILQ_FOREACH(pkevp, &portq->portq_list, portkev_node)
		n++;
	if (n != portq->portq_nent)
		inv_fail("portq_nent",
		    "%s has portq_nent %u but %u events in its queue",
		    pp->port_obj.so_name, portq->portq_nent, n);
	if ((int)pp->port_curr != pp->port_nkev_live + pp->port_nkev_transit)
		inv_fail("port_curr",
		    "%s has port_curr %u but %d allocated event slots",
		    pp->port_obj.so_name, pp->port_curr,
		    pp->port_nkev_live + pp->port_nkev_transit);
}

static void
check_fdtables(void)
{
	struct proc *p;
	int i;

	for (p = proc_first(); p != NULL; p = proc_next(p)) {
		struct filedesc *fdp = p->p_fd;

		if (fdp == NULL)
			continue;
		/* Slots from 'fd_hiwat' on never held a file. */
		for (i = 0; i < fdp->fd_hiwat; i++) {
			struct file *fp = fdp->fd_ofiles[i].fde_file;

			if (fp != NULL && !fd_file_live(fp))
				inv_fail("fd_file",
				    "%s of pid %d: fd %d references a freed "
				    "file",
				    fdp->fd_obj.so_name, p->p_pid, i);
		}
	}
}

void
sim_invariants_check(void)
{
	if (sim_kern->k_rev->rev_kind == SIM_FREEBSD) {
		struct kqueue *kq;

		for (kq = kqueue_registry_first(); kq != NULL;
		     kq = kqueue_registry_next(kq))
			check_kqueue(kq);
	} else {
		port_t *pp;

		for (pp = port_registry_first(); pp != NULL;
		     pp = port_registry_next(pp))
			check_port(pp);
	}
	check_fdtables();
}

bool
sim_invariants_at_exit(char *func, size_t funclen, char *msg, size_t msglen)
{
	const char *what = NULL;
	struct file *fp;
	char name[64] = "";

	if (sim_kern->k_rev->rev_kind == SIM_FREEBSD) {
		struct kqueue *kq = kqueue_registry_first();

		if (kq != NULL) {
			what = "kqueue";
			snprintf(name, sizeof(name), "%s", kq->kq_obj.so_name);
		}
	} else {
		port_t *pp = port_registry_first();

		if (pp != NULL) {
			what = "port";
			snprintf(
			    name, sizeof(name), "%s", pp->port_obj.so_name);
		}
	}
	if (what == NULL && (fp = fd_file_live_any()) != NULL) {
		what = "file";
		snprintf(name, sizeof(name), "%s (f_count %d)",
		    fp->f_obj.so_name, fp->f_count);
	}
	if (what == NULL)
		return (false);
	snprintf(func, funclen, "%s", inv_func("refcount"));
	snprintf(msg, msglen,
	    "invariant refcount: every process exited but %s %s is still "
	    "referenced",
	    what, name);
	return (true);
}
