/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * illumos event ports: creation, user events, alerts and close.  Models
 * uts/common/fs/portfs/port.c (port_create, port_init, port_send,
 * port_sendn, port_alert, port_remove_alert) and port_close() of
 * port_vnops.c; retrieval is in port_getn.c, the sources in port_fd.c,
 * port_fop.c and port_timer.c, the shared slot and queue helpers in
 * port_subr.c.
 *
 * THEORY.  A port is a queue of event slots ('port_kevent_t').  A source
 * reserves a slot against the process.max-port-events limit that was in
 * force when the port was created ('port_curr' < 'port_max_events'), fills
 * it and posts it with port_send_event(), which appends it to 'portq_list',
 * counts it in 'portq_nent', marks it DONEQ and clears PORTQ_WAIT_EVENTS.
 * A slot is posted at most once until it is retrieved: USER and ALERT-free
 * slots (DEFAULT) are freed on delivery; FD and FILE slots (CACHED) and timer
 * slots (SCACHED) are "wired" and return to their source, which re-arms them
 * (PORT_KEV_VALID for FD: ARMED -> QUEUED -> INACTIVE, port_associate again
 * to re-arm).
 *
 * Retrieval (port_getn) moves the *whole* queue to the temporary list
 * 'portq_get_list' under 'portq_mutex', then drops the mutex while it copies
 * events out and runs each source's callback, which may veto delivery to a
 * process that may not see the event (EACCES): vetoed events stay in the
 * temporary list, and what is left is appended behind events posted in the
 * meantime (port_push_eventq).  PORTQ_BLOCKED (port_block/port_unblock)
 * serialises owners of the temporary list: a second retriever, a dissociate
 * or a re-association that must remove a queued slot waits for it.
 *
 * Waiting: a thread that wants more events than 'portq_nent' enqueues a
 * 'portget_t' in the circular list 'portq_thread', sorted so that threads
 * wanting fewer events come first ('portq_nget' is the head's want).  A post
 * signals only the head waiter and only while nobody retrieves
 * ('portq_getn' == 0); a retriever re-checks the head when it leaves.
 * Alert mode (PORTQ_ALERT) hands every waiter a private copy of the alert
 * and makes every later retrieval return the alert instead of the queue.
 *
 * Locks, in order: the source lock ('portq_source_mutex', only while the
 * source list is walked), the FD cache lock 'pc_lock' or the FILE cache lock
 * 'pfc_lock', the object's lock (a pipe's or socket's mutex, held by
 * pollwakeup callers), 'portkev_lock', and 'portq_mutex' innermost.
 * 'portq_mutex' is dropped while events are copied out and callbacks run.
 * Every release and every sleep is a scheduling point of the simulator.
 *
 * Fork: the port fd is inherited (the file is shared).  USER and ALERT
 * events are visible to every process; FD events to the associating process
 * and to processes holding the same fd number for the same file (the
 * callback vetoes the rest); timer and FILE events only to their owner.
 * The child's fd table does not inherit the per-fd close lists, so a child
 * closing an inherited associated fd does not dissociate it.
 *
 * Close: close(2) of an associated fd removes the closing process's
 * associations of that fd (port_close_fd).  Closing a port fd wakes threads
 * of the process blocked in port calls through that fd (they return EBADF)
 * and waits for them to leave; then a close that is not the last (fork or
 * dup left other references) clears the process's alert and lets each source
 * drop the process's objects, and marks its non-shareable events FREE; the
 * last close sets PORTQ_CLOSE, pushes remaining waiters out with EBADFD,
 * tells every source, waits until every slot is back or queued, and frees
 * the queue.
 */
#include <stdlib.h>
#include <string.h>

#include "fd.h"
#include "kernel.h"
#include "port_impl.h"
#include "proc.h"

/* Models 'port_control_t': the system-wide count of ports. */
static struct {
	uint64_t pc_gen;
	struct mtx pc_mutex;
	int pc_nents;
	LIST_HEAD(, port) pc_ports; /* sim: every live port, oldest last */
} port_control;

static int port_fo_close(struct file *fp, struct thread *td);
static int port_fo_poll(struct file *fp, int events, struct thread *td);
static int port_fo_read(
    struct file *fp, char *buf, size_t len, size_t *ret_n, struct thread *td);
static int port_fo_write(struct file *fp, const char *buf, size_t len,
    size_t *ret_n, struct thread *td);

static const struct fileops portops = {
	.fo_name = "port",
	.fo_read = port_fo_read,
	.fo_write = port_fo_write,
	.fo_close = port_fo_close,
	.fo_kqfilter = NULL,
	.fo_poll = port_fo_poll,
	.fo_fork = NULL,
	.fo_flags = DFLAG_PASSABLE,
};

/* Per-run state: a new scheduler means a new system. */
static void
port_control_check(void)
{
	if (port_control.pc_gen != sched_generation()) {
		port_control.pc_gen = sched_generation();
		mtx_init(&port_control.pc_mutex, "port_control", NULL, MTX_DEF);
		port_control.pc_nents = 0;
		LIST_INIT(&port_control.pc_ports);
	}
}

port_t *
port_registry_first(void)
{
	port_control_check();
	return (LIST_FIRST(&port_control.pc_ports));
}

port_t *
port_registry_next(port_t *pp)
{
	return (LIST_NEXT(pp, port_link));
}

int
port_nports(void)
{
	port_control_check();
	return (port_control.pc_nents);
}

static int64_t
port_tunable(const char *name, int64_t dflt)
{
	int64_t v;

	if (sim_tunable_get(name, &v) != 0)
		return (dflt);
	return (v);
}

port_t *
port_from_file(struct file *fp)
{
	if (fp == NULL || fp->f_type != DTYPE_PORT || fp->f_ops != &portops)
		return (NULL);
	return (fp->f_data);
}

struct port_proc *
port_proc(struct proc *p)
{
	if (p->p_kdata == NULL) {
		struct port_proc *ppr = port_zalloc(sizeof(*ppr));

		LIST_INIT(&ppr->ppr_portfds);
		p->p_kdata = ppr;
	}
	return (p->p_kdata);
}

/*
 * Models port_init() in uts/common/fs/portfs/port.c: locks, the two event
 * lists, the empty FD cache shell and the source table.
 */
static void
port_init(port_t *pp)
{
	port_queue_t *portq = &pp->port_queue;

	mtx_init(&pp->port_mutex, "port_mutex", NULL, MTX_DEF);
	cv_init(&pp->port_cv, "port_cv");
	mtx_init(&portq->portq_mutex, "portq_mutex", NULL, MTX_DEF);
	cv_init(&portq->portq_closecv, "portq_closecv");
	cv_init(&portq->portq_block_cv, "portq_block_cv");
	PORT_SET(pp, port_flags, pp->port_flags | PORT_INIT);
	pp->port_max_list = PORT_MAX_LIST;
	pp->port_ctime = sched_realtime();
	TAILQ_INIT(&portq->portq_list);
	TAILQ_INIT(&portq->portq_get_list);
	PORTQ_SET_FLAGS(pp, 0);
	pp->port_pid = curproc->p_pid;
	portq->portq_pcp = port_zalloc(sizeof(port_fdcache_t));
	mtx_init(&portq->portq_pcp->pc_lock, "pc_lock", NULL, MTX_DEF);
	cv_init(&portq->portq_pcp->pc_lclosecv, "pc_lclosecv");
	mtx_init(
	    &portq->portq_source_mutex, "portq_source_mutex", NULL, MTX_DEF);
	portq->portq_scache
	    = port_zalloc(PORT_SCACHE_SIZE * sizeof(port_source_t *));
	LIST_INIT(&pp->port_active);
	/*
	 * XXX: PORT_SOURCE_AIO is pre-associated in illumos
	 * (port_ksource_tab); AIO is not simulated.
	 */
}

/*
 * Models port_create() in uts/common/fs/portfs/port.c.  Returns 0 with the
 * fd, EAGAIN when the system-wide port limit (project.max-port-ids, compared
 * with the number of ports in the whole system) is reached, or EMFILE.
 */
int
port_create(struct thread *td, int *ret_fd)
{
	struct port_proc *ppr = port_proc(td->td_proc);
	struct file *fp;
	port_t *pp;
	int error, fd;

	port_control_check();
	pp = port_zalloc(sizeof(*pp));
	sim_obj_init(&pp->port_obj, "port");

	mtx_lock(&port_control.pc_mutex);
	if (port_control.pc_nents + 1
		> port_tunable(PORT_TUNABLE_MAX_PORTS, PORT_DEFAULT_PORTS)
	    || SIM_FAIL_POINT(SIM_FP_PORT_CREATE_MAX_PORT_IDS)) {
		mtx_unlock(&port_control.pc_mutex);
		sim_free(pp);
		return (EAGAIN);
	}
	pp->port_max_events = (uint_t)port_tunable(
	    PORT_TUNABLE_MAX_EVENTS, PORT_DEFAULT_EVENTS);
	sim_trace_created(__func__, &pp->port_obj);
	sim_obj_label(&pp->port_obj, "port of pid %d", curproc->p_pid);
	port_init(pp);
	selinfo_init(&pp->port_sel, &pp->port_queue.portq_mutex);

	error = falloc(td, &fp, &fd, 0);
	if (error != 0) {
		mtx_unlock(&port_control.pc_mutex);
		sim_trace_freed(__func__, &pp->port_obj);
		sim_free(pp->port_queue.portq_pcp);
		sim_free(pp->port_queue.portq_scache);
		sim_free(pp);
		return (EMFILE);
	}
	pp->port_fp = fp;
	finit(fp, FREAD | FWRITE, DTYPE_PORT, pp, &portops);
	PORT_SET(pp, port_fd, fd);
	port_control.pc_nents++;
	LIST_INSERT_HEAD(&port_control.pc_ports, pp, port_link);
	ppr->ppr_portcnt++;
	mtx_unlock(&port_control.pc_mutex);
	fdrop(fp, td);
	*ret_fd = fd;
	return (0);
}

/*
 * Models port_send() in uts/common/fs/portfs/port.c: a PORT_SOURCE_USER
 * event, object 0, no callback, shareable.  Returns 0 or EAGAIN.
 */
int
port_send(port_t *pp, int source, int events, const struct port_user *u)
{
	port_kevent_t *pev;
	int error;

	error = port_alloc_event_local(pp, source, PORT_ALLOC_DEFAULT, &pev);
	if (error)
		return (error);
	port_init_event(pev, 0, u, NULL, NULL);
	PORTKEV_SET_EVENTS(pev, events);
	PORTKEV_SET_FLAGS(pev, 0);
	port_send_event(pev);
	return (0);
}

/*
 * Models port_sendn() in uts/common/fs/portfs/port.c: one user event to
 * each port of the list.  Per-entry errors go to errors[] (EBADF not open,
 * EBADFD not a port, EAGAIN full); the count of events sent is returned
 * even when some failed.  Returns EINVAL for nent 0 or above PORT_MAX_LIST,
 * EIO when some entry failed (the caller reports success), else 0.
 */
int
port_sendn(struct thread *td, const int *ports, int *errors, uint_t nent,
    int events, const struct port_user *u, uint_t *ret_nsent)
{
	struct file *fp;
	port_kevent_t *pev;
	uint_t count, errorcnt = 0;
	int error;

	if (nent == 0 || nent > PORT_MAX_LIST)
		return (EINVAL);
	for (count = 0; count < nent; count++) {
		errors[count] = 0;
		if (fget(td, ports[count], &fp) != 0) {
			errors[count] = EBADF;
			errorcnt++;
			continue;
		}
		if (port_from_file(fp) == NULL) {
			fdrop(fp, td);
			errors[count] = EBADFD;
			errorcnt++;
			continue;
		}
		error = port_alloc_event_local(port_from_file(fp),
		    PORT_SOURCE_USER, PORT_ALLOC_DEFAULT, &pev);
		if (error) {
			fdrop(fp, td);
			errors[count] = error;
			errorcnt++;
			continue;
		}
		port_init_event(pev, 0, u, NULL, NULL);
		PORTKEV_SET_EVENTS(pev, events);
		PORTKEV_SET_FLAGS(pev, 0);
		port_send_event(pev);
		fdrop(fp, td);
	}
	*ret_nsent = nent - errorcnt;
	return (errorcnt ? EIO : 0);
}

/*
 * Models port_alert() in uts/common/fs/portfs/port.c.  Sets (or, with
 * PORT_ALERT_UPDATE, refuses with EBUSY to overwrite) the alert and hands a
 * private copy to every waiter not yet alerted.  EINVAL for SET|UPDATE.
 * The caller has dealt with events == 0 (port_remove_alert).
 */
int
port_alert(port_t *pp, int flags, int events, const struct port_user *u)
{
	port_queue_t *portq = &pp->port_queue;
	port_alert_t *pa = &portq->portq_alert;
	portget_t *pgetp;

	if ((flags & PORT_ALERT_INVALID) == PORT_ALERT_INVALID)
		return (EINVAL);
	mtx_lock(&portq->portq_mutex);
	if (flags == PORT_ALERT_UPDATE && (portq->portq_flags & PORTQ_ALERT)) {
		mtx_unlock(&portq->portq_mutex);
		return (EBUSY);
	}
	PORTQ_SET_FLAGS(pp, portq->portq_flags | PORTQ_ALERT);
	SIM_SET(&pp->port_obj, "portal_events", pa->portal_events, events);
	SIM_SET(&pp->port_obj, "portal_pid", pa->portal_pid, curproc->p_pid);
	pa->portal_object = 0;
	port_user_free(&pa->portal_user);
	port_user_copy(&pa->portal_user, u);

	pgetp = portq->portq_thread;
	if (pgetp == NULL) {
		mtx_unlock(&portq->portq_mutex);
		return (0);
	}
	do {
		if ((pgetp->portget_state & PORTGET_ALERT) == 0) {
			pa = &pgetp->portget_alert;
			pa->portal_events = events;
			pa->portal_object = 0;
			port_user_free(&pa->portal_user);
			port_user_copy(&pa->portal_user, u);
			SIM_SET_FLAGS(&pgetp->portget_obj, "portget_state",
			    portget_state_names, pgetp->portget_state,
			    pgetp->portget_state | PORTGET_ALERT);
			cv_signal(&pgetp->portget_cv);
		}
	} while ((pgetp = pgetp->portget_next) != portq->portq_thread);
	mtx_unlock(&portq->portq_mutex);
	return (0);
}

/* Models port_remove_alert() in uts/common/fs/portfs/port.c. */
void
port_remove_alert(port_queue_t *portq)
{
	port_t *pp = PORTQ_TO_PORT(portq);

	mtx_lock(&portq->portq_mutex);
	PORTQ_SET_FLAGS(pp, portq->portq_flags & ~PORTQ_ALERT);
	mtx_unlock(&portq->portq_mutex);
}

/*
 * The source close callbacks of a port, copied out of 'portq_scache'.
 * XXX: illumos calls them with 'portq_source_mutex' held; that makes
 * 'portq_source_mutex' -> 'pc_lock' the opposite of port_associate_fd()'s
 * first association ('pc_lock' -> 'portq_source_mutex').  illumos cannot
 * deadlock on it (the FD source is not registered before that association
 * completes) but the simulator's WITNESS, which orders by lock name, would
 * report it, so the list is walked under the mutex and called after it.
 */
struct port_srcsnap {
	int n;
	port_source_t *ps[32];
	void (*cb[32])(void *, int, int, int);
	void *arg[32];
};

static void
port_source_snapshot(port_queue_t *portq, struct port_srcsnap *ss, bool take)
{
	port_source_t *ps, *ps_next;
	int source;

	ss->n = 0;
	mtx_lock(&portq->portq_source_mutex);
	if (portq->portq_scache == NULL) {
		/* The last close took the table already. */
		mtx_unlock(&portq->portq_source_mutex);
		return;
	}
	for (source = 0; source < PORT_SCACHE_SIZE; source++) {
		for (ps = portq->portq_scache[source]; ps != NULL;
		     ps = ps_next) {
			ps_next = ps->portsrc_next;
			if (ps->portsrc_close != NULL && ss->n < 32) {
				ss->cb[ss->n] = ps->portsrc_close;
				ss->arg[ss->n] = ps->portsrc_closearg;
				ss->ps[ss->n] = ps;
				ss->n++;
			}
		}
	}
	if (take) {
		/* Last close: the source table goes away now. */
		for (source = 0; source < PORT_SCACHE_SIZE; source++) {
			for (ps = portq->portq_scache[source]; ps != NULL;
			     ps = ps_next) {
				ps_next = ps->portsrc_next;
				sim_free(ps);
			}
		}
		sim_free(portq->portq_scache);
		portq->portq_scache = NULL;
	}
	mtx_unlock(&portq->portq_source_mutex);
}

/*
 * Models port_close() in uts/common/fs/portfs/port_vnops.c.  'count' is
 * the number of descriptor references to the port before this close.
 */
void
port_close(port_t *pp, int count)
{
	port_queue_t *portq = &pp->port_queue;
	struct port_srcsnap ss;
	int i, pid = curproc->p_pid;

	mtx_lock(&pp->port_mutex);
	if (pp->port_flags & PORT_CLOSED) {
		mtx_unlock(&pp->port_mutex);
		return;
	}
	mtx_unlock(&pp->port_mutex);

	if (count > 1) {
		/*
		 * Not the last close: remove what belongs to this process.
		 * Also reached by closing one of two dup'ed fds (P14).
		 */
		mtx_lock(&portq->portq_mutex);
		if ((portq->portq_flags & PORTQ_ALERT)
		    && portq->portq_alert.portal_pid == pid)
			PORTQ_SET_FLAGS(pp, portq->portq_flags & ~PORTQ_ALERT);
		mtx_unlock(&portq->portq_mutex);

		port_source_snapshot(portq, &ss, false);
		for (i = 0; i < ss.n; i++)
			(*ss.cb[i])(ss.arg[i], pp->port_fd, pid, 0);
		port_discard_events(portq);
		return;
	}

	/* Last close: make every thread leave port_getn() (EBADFD). */
	mtx_lock(&portq->portq_mutex);
	PORTQ_SET_FLAGS(pp, portq->portq_flags | PORTQ_CLOSE);
	while (portq->portq_thrcnt > 0) {
		if (portq->portq_thread != NULL)
			cv_signal(&portq->portq_thread->portget_cv);
		cv_wait(&portq->portq_closecv, &portq->portq_mutex);
	}
	mtx_unlock(&portq->portq_mutex);

	/* Every source frees its objects and returns its slots. */
	port_source_snapshot(portq, &ss, true);
	for (i = 0; i < ss.n; i++)
		(*ss.cb[i])(ss.arg[i], pp->port_fd, pid, 1);

	mtx_lock(&portq->portq_mutex);
	while (pp->port_curr > portq->portq_nent)
		cv_wait(&portq->portq_closecv, &portq->portq_mutex);
	mtx_unlock(&portq->portq_mutex);

	if (portq->portq_pcp != NULL) {
		mtx_destroy(&portq->portq_pcp->pc_lock);
		sim_free(portq->portq_pcp->pc_hash);
		sim_free(portq->portq_pcp);
		portq->portq_pcp = NULL;
	}
	port_close_events(portq);
}

/*
 * The last reference is gone: port_close() with count 1, then
 * port_inactive() frees the port.
 */
static int
port_fo_close(struct file *fp, struct thread *td)
{
	port_t *pp = fp->f_data;
	struct port_proc *ppr = port_proc(td->td_proc);

	port_close(pp, 1);
	/* Ports polling this one lose their poll head with it. */
	seldrain(&pp->port_sel);
	/* Models port_inactive() in uts/common/fs/portfs/port_vnops.c. */
	port_control_check();
	mtx_lock(&port_control.pc_mutex);
	port_control.pc_nents--;
	LIST_REMOVE(pp, port_link);
	if (ppr->ppr_portcnt > 0)
		ppr->ppr_portcnt--;
	mtx_unlock(&port_control.pc_mutex);
	port_user_free(&pp->port_queue.portq_alert.portal_user);
	sim_trace_freed(__func__, &pp->port_obj);
	mtx_destroy(&pp->port_mutex);
	mtx_destroy(&pp->port_queue.portq_mutex);
	mtx_destroy(&pp->port_queue.portq_source_mutex);
	fp->f_data = NULL;
	sim_quarantine(pp, &pp->port_obj, __func__);
	return (0);
}

/*
 * Models port_poll() in uts/common/fs/portfs/port_vnops.c: POLLIN with
 * events queued, POLLOUT while slots are left.  When nothing asked for is
 * there, the poller hooks onto 'port_pollhd' (port_file_pollhead()) and
 * PORTQ_POLLIN/PORTQ_POLLOUT ask port_send_event()/pollwakeup() and
 * port_free_event_local() to wake it.  The only caller is the FD source
 * (VOP_POLL with anyyet 0).
 */
static int
port_fo_poll(struct file *fp, int events, struct thread *td)
{
	port_t *pp = fp->f_data;
	port_queue_t *portq = &pp->port_queue;
	int levents = 0, flags;

	mtx_lock(&portq->portq_mutex);
	if (portq->portq_nent)
		levents = POLLIN;
	if (pp->port_curr < pp->port_max_events)
		levents |= POLLOUT;
	levents &= events;
	if (levents == 0) {
		flags = portq->portq_flags;
		if (events & POLLIN)
			flags |= PORTQ_POLLIN;
		if (events & POLLOUT)
			flags |= PORTQ_POLLOUT;
		if (flags != portq->portq_flags)
			PORTQ_SET_FLAGS(pp, flags);
	}
	mtx_unlock(&portq->portq_mutex);
	return (levents);
}

/* read(2) and write(2) on a port: portfs has no VOP_READ/VOP_WRITE. */
static int
port_fo_read(
    struct file *fp, char *buf, size_t len, size_t *ret_n, struct thread *td)
{
	return (ENOSYS);
}

static int
port_fo_write(struct file *fp, const char *buf, size_t len, size_t *ret_n,
    struct thread *td)
{
	return (ENOSYS);
}

/*
 * Models the prologue of portfs() in uts/common/fs/portfs/port.c (getf(),
 * VPORT check) and getf()'s 't_activefd', which close(2) uses to make the
 * call return.  Returns 0, EBADF (not open) or EBADFD (not a port).
 */
int
portfs_enter(struct thread *td, int fd, port_t **ret_pp, struct port_active *pa)
{
	struct file *fp;
	port_t *pp;
	int error;

	error = fget(td, fd, &fp);
	if (error != 0)
		return (EBADF);
	pp = port_from_file(fp);
	if (pp == NULL) {
		fdrop(fp, td);
		return (EBADFD);
	}
	pa->pa_td = td;
	pa->pa_fd = fd;
	pa->pa_stale = false;
	LIST_INSERT_HEAD(&pp->port_active, pa, pa_link);
	pp->port_nactive++;
	*ret_pp = pp;
	return (0);
}

/*
 * Models releasef() and post_syscall()'s stale-fd check: a call whose fd
 * was closed while it slept returns EBADF instead of EINTR.
 */
int
portfs_leave(struct thread *td, port_t *pp, struct port_active *pa, int error)
{
	struct file *fp = pp->port_fp;

	LIST_REMOVE(pa, pa_link);
	pp->port_nactive--;
	if (pa->pa_stale) {
		wakeup(&pp->port_active);
		if (error == EINTR)
			error = EBADF;
	}
	fdrop(fp, td);
	return (error);
}

/*
 * close(fd) in td's process: models the port part of closeandsetf() in
 * uts/common/os/fio.c and closef()'s VOP_CLOSE with the reference count.
 */
void
port_fdclose(struct thread *td, int fd, struct file *fp)
{
	struct port_active *pa;
	portget_t *pgetp;
	port_queue_t *portq;
	port_t *pp;
	bool busy;
	int count;

	pp = port_from_file(fp);
	if (pp != NULL) {
		portq = &pp->port_queue;
		/*
		 * Threads of this process inside a port call through this fd
		 * are marked stale and woken; close waits until they left.
		 */
		mtx_lock(&portq->portq_mutex);
		LIST_FOREACH(pa, &pp->port_active, pa_link) {
			if (pa->pa_td == td || pa->pa_fd != fd
			    || pa->pa_td->td_proc != td->td_proc)
				continue;
			pa->pa_stale = true;
			pgetp = portq->portq_thread;
			if (pgetp == NULL)
				continue;
			do {
				if (pgetp->portget_td == pa->pa_td)
					cv_signal(&pgetp->portget_cv);
			} while ((pgetp = pgetp->portget_next)
			    != portq->portq_thread);
		}
		for (;;) {
			busy = false;
			LIST_FOREACH(pa, &pp->port_active, pa_link)
				if (pa->pa_stale && pa->pa_fd == fd
				    && pa->pa_td->td_proc == td->td_proc)
					busy = true;
			if (!busy)
				break;
			msleep(&pp->port_active, &portq->portq_mutex, 0,
			    "portclose", 0);
		}
		mtx_unlock(&portq->portq_mutex);
	}

	/* uf_portfd: this process's associations of fd go away. */
	port_fd_proc_close(td, fd);

	if (pp != NULL) {
		/*
		 * illumos passes VOP_CLOSE the file's reference count, which
		 * counts descriptors only; the simulator's also counts the
		 * references held by port calls in progress.
		 */
		count = fp->f_count - pp->port_nactive;
		if (count > 1)
			port_close(pp, count);
	}
}

/*
 * Exit: closeall() closes every port fd of the process, so each port the
 * process still shared gets the per-process cleanup of a non-last close.
 * The simulator's fdescfree() only drops references, so it is done here for
 * every live port; a port the process did not hold has nothing of it.
 */
void
port_exit_cleanup(void)
{
	struct file **fps;
	port_t *pp;
	int i, n = 0;

	port_control_check();
	LIST_FOREACH(pp, &port_control.pc_ports, port_link)
		n++;
	if (n == 0)
		return;
	/* Hold them all first: a close may run meanwhile. */
	fps = port_zalloc(sizeof(*fps) * (size_t)n);
	n = 0;
	LIST_FOREACH(pp, &port_control.pc_ports, port_link) {
		/*
		 * A port whose last reference is gone is in port_fo_close()
		 * in another thread, which frees it: holding it again would
		 * bring a dying file back (and free it twice).
		 */
		if ((pp->port_queue.portq_flags & PORTQ_CLOSE)
		    || pp->port_fp->f_count == 0)
			continue;
		fhold(pp->port_fp);
		fps[n++] = pp->port_fp;
	}
	for (i = 0; i < n; i++)
		port_close(fps[i]->f_data, 2);
	for (i = 0; i < n; i++)
		(void)fdrop(fps[i], curthread);
	sim_free(fps);
}

/* The sim_kops hooks of the illumos model. */

static void
illumos_selwakeup(struct selinfo *sip, long hint, int pollev)
{
	if (pollev != 0)
		pollwakeup(&sip->si_ph, pollev);
}

/*
 * The object behind sip goes away: its poll head is emptied (the
 * associations stay, but nothing can wake them any more).
 */
static void
illumos_seldrain(struct selinfo *sip)
{
	polldat_t *pdp, *next;

	for (pdp = sip->si_ph.ph_list; pdp != NULL; pdp = next) {
		next = pdp->pd_next;
		pdp->pd_next = NULL;
		pdp->pd_php = NULL;
	}
	sip->si_ph.ph_list = NULL;
}

static void
illumos_vnode(struct vnode *vp, enum sim_vnev ev)
{
	port_fop_vnode_event(vp, (int)ev, NULL, NULL);
}

static void
illumos_vnevent(
    struct vnode *vp, enum sim_vnev ev, struct vnode *dvp, const char *name)
{
	port_fop_vnode_event(vp, (int)ev, dvp, name);
}

static void illumos_exit(struct thread *td, struct proc *p);

/*
 * Models the timer_exit() call of proc_exit() in uts/common/os/exit.c:
 * the process's timers are deleted before closeall(), so their port slots
 * are back before a port's last close waits for outstanding slots.
 */
static void
illumos_exit_files(struct thread *td, struct proc *p)
{
	port_timer_exit(p);
}

static void
illumos_proc_init(struct proc *p)
{
	(void)port_proc(p);
}

static void
illumos_proc_fini(struct proc *p)
{
	sim_free(p->p_kdata);
	p->p_kdata = NULL;
}

const struct sim_kops illumos_kops = {
	.ko_selwakeup = illumos_selwakeup,
	.ko_seldrain = illumos_seldrain,
	.ko_fdclose = port_fdclose,
	.ko_fork = NULL,
	.ko_exit_files = illumos_exit_files,
	.ko_exit = illumos_exit,
	.ko_reap = NULL,
	.ko_signal = NULL,
	.ko_vnode = illumos_vnode,
	.ko_vnevent = illumos_vnevent,
	.ko_vnode_free = port_fop_vnode_free,
	.ko_clock_settime = port_clock_settime,
	.ko_proc_init = illumos_proc_init,
	.ko_proc_fini = illumos_proc_fini,
};

/*
 * Exit: illumos's closeall() removes the process's fd associations
 * (port_close_fd) before closef(); the simulator's fdescfree() does not
 * call ko_fdclose, so the associations left are removed here.  The
 * timers went before the descriptors (illumos_exit_files()).
 */
static void
illumos_exit(struct thread *td, struct proc *p)
{
	struct port_proc *ppr = port_proc(p);
	portfd_t *pfd;

	port_exit_cleanup();
	while ((pfd = LIST_FIRST(&ppr->ppr_portfds)) != NULL)
		port_fd_proc_close(td, PFTOD(pfd)->pd_fd);
}
