/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The event-port kernel API shared by every event source: allocating and
 * freeing event slots against 'port_max_events', posting an event to the
 * port queue with the head-waiter wakeup, taking a posted event back out,
 * the retriever lock (port_block/port_unblock), moving the temporary queue
 * back (port_push_eventq), event-source registration, and the per-process
 * discard and final drain of port close.  Models uts/common/os/port_subr.c
 * and the queue helpers of uts/common/fs/portfs/port_vnops.c.
 *
 * Slots come from calloc() instead of a kmem cache; the kernel's ENOMEM
 * from the KM_NOSLEEP allocation is the fail point
 * 'port_alloc_event_local:kmem_cache_alloc' (sim/kernel.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel.h"
#include "port_impl.h"
#include "proc.h"

const struct sim_flagname portq_flag_names[] = {
	{ PORTQ_ALERT, "ALERT" },
	{ PORTQ_CLOSE, "CLOSE" },
	{ PORTQ_WAIT_EVENTS, "WAIT_EVENTS" },
	{ PORTQ_POLLIN, "POLLIN" },
	{ PORTQ_POLLOUT, "POLLOUT" },
	{ PORTQ_BLOCKED, "BLOCKED" },
	{ PORTQ_POLLWK_PEND, "POLLWK_PEND" },
	{ 0, NULL },
};

const struct sim_flagname portkev_flag_names[] = {
	{ PORT_KEV_PRIVATE, "PRIVATE" },
	{ PORT_KEV_CACHED, "CACHED" },
	{ PORT_KEV_SCACHED, "SCACHED" },
	{ PORT_KEV_VALID, "VALID" },
	{ PORT_KEV_DONEQ, "DONEQ" },
	{ PORT_KEV_FREE, "FREE" },
	{ PORT_KEV_NOSHARE, "NOSHARE" },
	{ 0, NULL },
};

const struct sim_flagname portget_state_names[] = {
	{ PORTGET_ALERT, "ALERT" },
	{ 0, NULL },
};

const struct sim_flagname pfop_flag_names[] = {
	{ PORT_FOP_ACTIVE, "ACTIVE" },
	{ PORT_FOP_REMOVING, "REMOVING" },
	{ PORT_FOP_KEV_ONQ, "KEV_ONQ" },
	{ 0, NULL },
};

void
port_user_copy(struct port_user *dst, const struct port_user *src)
{
	*dst = *src;
	if (src->pu_type == PU_STR) {
		dst->pu_str = sim_strdup(src->pu_str);
		if (dst->pu_str == NULL) {
			fprintf(stderr, "evsim: out of memory\n");
			abort();
		}
	}
}

void
port_user_free(struct port_user *u)
{
	if (u->pu_type == PU_STR)
		sim_free(u->pu_str);
	memset(u, 0, sizeof(*u));
	u->pu_type = PU_NIL;
}

/*
 * The association state of a PORT_SOURCE_FD slot follows from its flags
 * (reference/ports.md section 1.6): VALID is ARMED, DONEQ is QUEUED, neither
 * is INACTIVE.  Recorded on the 'portfd' object as field "assoc".
 */
void
port_assoc_trace(const char *func, port_kevent_t *pkevp)
{
	portfd_t *pfd;
	const char *st;

	if (pkevp->portkev_source != PORT_SOURCE_FD
	    || pkevp->portkev_arg == NULL)
		return;
	pfd = pkevp->portkev_arg;
	if (pkevp->portkev_flags & PORT_KEV_VALID)
		st = "ARMED";
	else if (pkevp->portkev_flags & PORT_KEV_DONEQ)
		st = "QUEUED";
	else
		st = "INACTIVE";
	if (pfd->pfd_state == st)
		return;
	sim_trace_str(func, &pfd->pfd_obj, "assoc",
	    pfd->pfd_state != NULL ? pfd->pfd_state : "", st);
	pfd->pfd_state = st;
}

/* Models port_block() in uts/common/os/port_subr.c. */
void
port_block(port_queue_t *portq)
{
	port_t *pp = PORTQ_TO_PORT(portq);

	mtx_assert(&portq->portq_mutex, MA_OWNED);
	while (portq->portq_flags & PORTQ_BLOCKED)
		cv_wait(&portq->portq_block_cv, &portq->portq_mutex);
	PORTQ_SET_FLAGS(pp, portq->portq_flags | PORTQ_BLOCKED);
}

/* Models port_unblock() in uts/common/os/port_subr.c. */
void
port_unblock(port_queue_t *portq)
{
	port_t *pp = PORTQ_TO_PORT(portq);

	mtx_assert(&portq->portq_mutex, MA_OWNED);
	PORTQ_SET_FLAGS(pp, portq->portq_flags & ~PORTQ_BLOCKED);
	cv_signal(&portq->portq_block_cv);
}

/*
 * Models port_pollwkup() in uts/common/os/port_subr.c: pollwakeup() asks
 * whether the port's own fd is being polled for POLLIN.
 */
int
port_pollwkup(port_t *pp)
{
	port_queue_t *portq = &pp->port_queue;
	int events = 0;

	mtx_lock(&portq->portq_mutex);
	if ((portq->portq_flags & PORTQ_POLLIN)
	    && !(portq->portq_flags & PORTQ_POLLWK_PEND)) {
		PORTQ_SET_FLAGS(pp,
		    (portq->portq_flags & ~PORTQ_POLLIN) | PORTQ_POLLWK_PEND);
		events = POLLIN;
	}
	mtx_unlock(&portq->portq_mutex);
	return (events);
}

/* Models port_pollwkdone() in uts/common/os/port_subr.c. */
void
port_pollwkdone(port_t *pp)
{
	port_queue_t *portq = &pp->port_queue;

	KASSERT(portq->portq_flags & PORTQ_POLLWK_PEND,
	    ("port_pollwkdone: PORTQ_POLLWK_PEND not set"));
	mtx_lock(&portq->portq_mutex);
	PORTQ_SET_FLAGS(pp, portq->portq_flags & ~PORTQ_POLLWK_PEND);
	cv_signal(&pp->port_cv);
	cv_signal(&portq->portq_closecv);
	mtx_unlock(&portq->portq_mutex);
}

/*
 * Models port_send_event() in uts/common/os/port_subr.c.  For
 * PORT_SOURCE_FD the caller holds 'portkev_lock', released here once the
 * queue lock is held.  Only the head waiter is signalled, and only when no
 * thread is retrieving: a retriever re-checks the wakeup condition when it
 * leaves (port_getn()).
 */
void
port_send_event(port_kevent_t *pkevp)
{
	port_t *pp = pkevp->portkev_port;
	port_queue_t *portq = &pp->port_queue;
	bool wake;

	mtx_lock(&portq->portq_mutex);
	if (pkevp->portkev_flags & PORT_KEV_DONEQ) {
		/* Already in the port queue. */
		if (pkevp->portkev_source == PORT_SOURCE_FD)
			mtx_unlock(&pkevp->portkev_lock);
		mtx_unlock(&portq->portq_mutex);
		return;
	}

	TAILQ_INSERT_TAIL(&portq->portq_list, pkevp, portkev_node);
	PORTQ_SET(pp, portq_nent, portq->portq_nent + 1);
	/* New events are there for threads that found none before. */
	PORTQ_SET_FLAGS(pp, portq->portq_flags & ~PORTQ_WAIT_EVENTS);
	PORTKEV_SET_FLAGS(pkevp, pkevp->portkev_flags | PORT_KEV_DONEQ);

	if (pkevp->portkev_source == PORT_SOURCE_FD)
		mtx_unlock(&pkevp->portkev_lock);

	/* port_close() waits until every slot is back or queued. */
	if ((portq->portq_flags & PORTQ_CLOSE)
	    && pp->port_curr <= portq->portq_nent)
		cv_signal(&portq->portq_closecv);

	if (portq->portq_getn == 0 && portq->portq_thread != NULL
	    && portq->portq_nent >= portq->portq_nget)
		cv_signal(&portq->portq_thread->portget_cv);

	/*
	 * An FD-source post comes from pollwakeup(), which notifies pollers
	 * of the port itself; anything else does it here.
	 */
	wake = pkevp->portkev_source != PORT_SOURCE_FD
	    && (portq->portq_flags & PORTQ_POLLIN);
	if (wake) {
		PORTQ_SET_FLAGS(pp, portq->portq_flags & ~PORTQ_POLLIN);
		mtx_unlock(&portq->portq_mutex);
		pollwakeup(&pp->port_pollhd, POLLIN);
	} else
		mtx_unlock(&portq->portq_mutex);
}

static void sim_portkev_label(const port_kevent_t *pkevp);

/*
 * Models port_alloc_event_local() in uts/common/os/port_subr.c: allocates an
 * event (ENOMEM when the KM_NOSLEEP allocation fails) and reserves one of
 * the port's 'port_max_events' slots (EAGAIN when none is left).
 */
int
port_alloc_event_local(
    port_t *pp, int source, int flags, port_kevent_t **pkevpp)
{
	port_kevent_t *pkevp;

	/* kmem_cache_alloc(KM_NOSLEEP) may fail: ENOMEM. */
	if (SIM_FAIL_POINT(SIM_FP_PORT_ALLOC_EVENT_LOCAL_KMEM_CACHE_ALLOC))
		return (ENOMEM);
	mtx_lock(&pp->port_queue.portq_mutex);
	if (pp->port_curr >= pp->port_max_events
	    || SIM_FAIL_POINT(SIM_FP_PORT_ALLOC_EVENT_LOCAL_PORT_MAX_EVENTS)) {
		mtx_unlock(&pp->port_queue.portq_mutex);
		return (EAGAIN);
	}
	PORT_SET(pp, port_curr, pp->port_curr + 1);
	pp->port_nkev_transit++;
	mtx_unlock(&pp->port_queue.portq_mutex);

	pkevp = sim_calloc(1, sizeof(*pkevp));
	if (pkevp == NULL) {
		fprintf(stderr, "evsim: out of memory\n");
		abort();
	}
	pp->port_nkev_transit--;
	pp->port_nkev_live++;
	mtx_init(&pkevp->portkev_lock, "portkev_lock", NULL, MTX_DEF);
	sim_obj_init(&pkevp->portkev_obj, "portkev");
	sim_trace_created(__func__, &pkevp->portkev_obj);
	pkevp->portkev_user.pu_type = PU_NIL;
	pkevp->portkev_port = pp;
	pkevp->portkev_source = source;
	pkevp->portkev_pid = curproc->p_pid;
	PORTKEV_SET_FLAGS(pkevp, flags);
	sim_portkev_label(pkevp);
	*pkevpp = pkevp;
	return (0);
}

/* Labels a port event: its source, its object and its port. */
static void
sim_portkev_label(const port_kevent_t *pkevp)
{
	static const char *const sources[] = { "0", "PORT_SOURCE_AIO",
		"PORT_SOURCE_TIMER", "PORT_SOURCE_USER", "PORT_SOURCE_FD",
		"PORT_SOURCE_ALERT", "PORT_SOURCE_MQ", "PORT_SOURCE_FILE" };
	int src = pkevp->portkev_source;
	const char *sname
	    = src >= 0 && src <= PORT_SOURCE_FILE ? sources[src] : "?";

	if (!sim_labels_on())
		return;
	if (pkevp->portkev_objname != NULL)
		sim_obj_label(&pkevp->portkev_obj, "%s \"%s\" on %s", sname,
		    pkevp->portkev_objname,
		    pkevp->portkev_port->port_obj.so_name);
	else if (src == PORT_SOURCE_FD || src == PORT_SOURCE_TIMER)
		sim_obj_label(&pkevp->portkev_obj, "%s %s %ju on %s", sname,
		    src == PORT_SOURCE_FD ? "fd" : "timer",
		    (uintmax_t)pkevp->portkev_object,
		    pkevp->portkev_port->port_obj.so_name);
	else
		sim_obj_label(&pkevp->portkev_obj, "%s on %s", sname,
		    pkevp->portkev_port->port_obj.so_name);
}

/* Models port_init_event() in uts/common/os/port_subr.c. */
void
port_init_event(port_kevent_t *pkevp, uintptr_t object,
    const struct port_user *u, port_callback_t cb, void *arg)
{
	pkevp->portkev_object = object;
	port_user_free(&pkevp->portkev_user);
	if (u != NULL)
		port_user_copy(&pkevp->portkev_user, u);
	pkevp->portkev_callback = cb;
	pkevp->portkev_arg = arg;
	sim_portkev_label(pkevp);
}

/* Models port_remove_event_doneq() in uts/common/os/port_subr.c. */
void
port_remove_event_doneq(port_kevent_t *pkevp, port_queue_t *portq)
{
	port_t *pp = pkevp->portkev_port;

	mtx_assert(&portq->portq_mutex, MA_OWNED);
	TAILQ_REMOVE(&portq->portq_list, pkevp, portkev_node);
	PORTQ_SET(pp, portq_nent, portq->portq_nent - 1);
	PORTKEV_SET_FLAGS(pkevp, pkevp->portkev_flags & ~PORT_KEV_DONEQ);
}

/*
 * Models port_remove_done_event() in uts/common/os/port_subr.c: takes a
 * posted event back out of the queue, waiting for a retriever that owns the
 * temporary queue first.  Returns 1 if the event was queued and removed.
 */
int
port_remove_done_event(port_kevent_t *pkevp)
{
	port_queue_t *portq = &pkevp->portkev_port->port_queue;
	int removed = 0;

	mtx_lock(&portq->portq_mutex);
	port_block(portq);
	if (pkevp->portkev_flags & PORT_KEV_DONEQ) {
		/* The event may sit in a retriever's temporary queue. */
		if (portq->portq_getn)
			port_push_eventq(portq);
		port_remove_event_doneq(pkevp, portq);
		removed = 1;
	}
	port_unblock(portq);
	mtx_unlock(&portq->portq_mutex);
	return (removed);
}

/*
 * Models port_free_event() in uts/common/os/port_subr.c: a source gives a
 * slot back.  A slot still queued is only marked FREE and discarded by the
 * next retriever.
 */
void
port_free_event(port_kevent_t *pkevp)
{
	port_t *pp = pkevp->portkev_port;
	port_queue_t *portq;

	if (pp == NULL)
		return;
	if (pkevp->portkev_flags & PORT_ALLOC_PRIVATE) {
		port_free_event_local(pkevp, 0);
		return;
	}
	portq = &pp->port_queue;
	mtx_lock(&portq->portq_mutex);
	port_block(portq);
	if (pkevp->portkev_flags & PORT_KEV_DONEQ) {
		PORTKEV_SET_FLAGS(pkevp, pkevp->portkev_flags | PORT_KEV_FREE);
		pkevp->portkev_callback = NULL;
		port_unblock(portq);
		mtx_unlock(&portq->portq_mutex);
		return;
	}
	port_unblock(portq);
	if (pkevp->portkev_flags & PORT_KEV_CACHED) {
		mtx_unlock(&portq->portq_mutex);
		return;
	}
	PORT_SET(pp, port_curr, pp->port_curr - 1);
	pp->port_nkev_transit--;
	if (pp->port_curr < pp->port_max_events)
		cv_signal(&pp->port_cv);
	if ((portq->portq_flags & PORTQ_CLOSE)
	    && pp->port_curr <= portq->portq_nent)
		cv_signal(&portq->portq_closecv);
	mtx_unlock(&portq->portq_mutex);
	port_free_event_local(pkevp, 1);
}

/*
 * Models port_free_event_local() in uts/common/os/port_subr.c: returns the
 * slot; 'counter' says whether 'port_curr' was already decremented.
 */
void
port_free_event_local(port_kevent_t *pkevp, int counter)
{
	port_t *pp = pkevp->portkev_port;
	port_queue_t *portq = &pp->port_queue;
	int wake;

	pkevp->portkev_callback = NULL;
	pkevp->portkev_arg = NULL;
	PORTKEV_SET_FLAGS(pkevp, 0);
	pkevp->portkev_port = NULL;
	port_user_free(&pkevp->portkev_user);
	sim_free(pkevp->portkev_objname);
	sim_trace_freed(__func__, &pkevp->portkev_obj);
	mtx_destroy(&pkevp->portkev_lock);
	sim_quarantine(pkevp, &pkevp->portkev_obj, __func__);
	/* The slot is gone; 'port_curr' follows (counter 0) or preceded. */
	pp->port_nkev_live--;
	pp->port_nkev_transit++;

	mtx_lock(&portq->portq_mutex);
	if (counter == 0) {
		PORT_SET(pp, port_curr, pp->port_curr - 1);
		pp->port_nkev_transit--;
		if (pp->port_curr < pp->port_max_events)
			cv_signal(&pp->port_cv);
		if ((portq->portq_flags & PORTQ_CLOSE)
		    && pp->port_curr <= portq->portq_nent)
			cv_signal(&portq->portq_closecv);
	}
	wake = portq->portq_flags & PORTQ_POLLOUT;
	PORTQ_SET_FLAGS(pp, portq->portq_flags & ~PORTQ_POLLOUT);
	mtx_unlock(&portq->portq_mutex);
	if (wake)
		pollwakeup(&pp->port_pollhd, POLLOUT);
}

/*
 * Models port_push_eventq() in uts/common/os/port_subr.c: the events left
 * in the temporary queue go to the *tail* of the port queue, behind events
 * posted meanwhile (reference/ports.md P13).
 */
void
port_push_eventq(port_queue_t *portq)
{
	port_t *pp = PORTQ_TO_PORT(portq);

	mtx_assert(&portq->portq_mutex, MA_OWNED);
	PORT_LIST_MOVE_TAIL(&portq->portq_list, &portq->portq_get_list);
	PORTQ_SET(pp, portq_nent, portq->portq_nent + portq->portq_tnent);
	PORTQ_SET(pp, portq_tnent, 0);
}

/* Models port_get_kevent() in uts/common/fs/portfs/port.c. */
port_kevent_t *
port_get_kevent(struct port_kevlist *list, port_kevent_t *last)
{
	if (last == NULL)
		return (TAILQ_FIRST(list));
	return (TAILQ_NEXT(last, portkev_node));
}

/*
 * Models port_associate_ksource() in uts/common/os/port_subr.c: registers
 * a source's close callback with the port (once; later calls count).
 */
int
port_associate_ksource(port_t *pp, int source, port_source_t **portsrc,
    void (*close)(void *, int, int, int), void *arg)
{
	port_queue_t *portq = &pp->port_queue;
	port_source_t **ps, *pse;

	mtx_lock(&portq->portq_source_mutex);
	if (portq->portq_scache == NULL) {
		/* The port is being torn down (last close). */
		mtx_unlock(&portq->portq_source_mutex);
		return (EBADFD);
	}
	ps = &portq->portq_scache[PORT_SHASH(source)];
	for (pse = *ps; pse != NULL; pse = pse->portsrc_next)
		if (pse->portsrc_source == source)
			break;
	if (pse == NULL) {
		/* kmem_zalloc(KM_NOSLEEP) may fail: ENOMEM. */
		if (SIM_FAIL_POINT(SIM_FP_PORT_ASSOCIATE_KSOURCE_KMEM_ZALLOC)) {
			mtx_unlock(&portq->portq_source_mutex);
			return (ENOMEM);
		}
		pse = port_zalloc(sizeof(*pse));
		pse->portsrc_source = source;
		pse->portsrc_close = close;
		pse->portsrc_closearg = arg;
		pse->portsrc_cnt = 1;
		pse->portsrc_next = *ps;
		if (*ps != NULL)
			(*ps)->portsrc_prev = pse;
		*ps = pse;
	} else
		pse->portsrc_cnt++;
	mtx_unlock(&portq->portq_source_mutex);
	if (portsrc != NULL)
		*portsrc = pse;
	return (0);
}

/* Models port_dissociate_ksource() in uts/common/os/port_subr.c. */
int
port_dissociate_ksource(port_t *pp, int source, port_source_t *ps)
{
	port_queue_t *portq = &pp->port_queue;

	if (ps == NULL)
		return (EINVAL);
	mtx_lock(&portq->portq_source_mutex);
	if (--ps->portsrc_cnt == 0 && portq->portq_scache != NULL) {
		if (ps->portsrc_prev == NULL)
			portq->portq_scache[PORT_SHASH(source)]
			    = ps->portsrc_next;
		else
			ps->portsrc_prev->portsrc_next = ps->portsrc_next;
		if (ps->portsrc_next != NULL)
			ps->portsrc_next->portsrc_prev = ps->portsrc_prev;
		sim_free(ps);
	}
	mtx_unlock(&portq->portq_source_mutex);
	return (0);
}

/*
 * Models port_discard_events() in uts/common/fs/portfs/port_vnops.c: on a
 * close that is not the last, the closing process's non-shareable events
 * are marked FREE, to be discarded by the next retriever.
 */
void
port_discard_events(port_queue_t *portq)
{
	port_kevent_t *kevp;
	int pid = curproc->p_pid;

	mtx_lock(&portq->portq_mutex);
	port_block(portq);
	port_push_eventq(portq);
	TAILQ_FOREACH(kevp, &portq->portq_list, portkev_node) {
		if (kevp->portkev_pid == pid
		    && (kevp->portkev_flags & PORT_KEV_NOSHARE))
			PORTKEV_SET_FLAGS(
			    kevp, kevp->portkev_flags | PORT_KEV_FREE);
	}
	port_unblock(portq);
	mtx_unlock(&portq->portq_mutex);
}

/*
 * Models port_close_events() in uts/common/fs/portfs/port_vnops.c: the
 * last close frees every event still queued, telling its source.
 */
void
port_close_events(port_queue_t *portq)
{
	port_t *pp = PORTQ_TO_PORT(portq);
	port_kevent_t *pkevp;
	int events;

	mtx_lock(&portq->portq_mutex);
	while ((pkevp = TAILQ_FIRST(&portq->portq_list)) != NULL) {
		PORTQ_SET(pp, portq_nent, portq->portq_nent - 1);
		TAILQ_REMOVE(&portq->portq_list, pkevp, portkev_node);
		if (pkevp->portkev_callback != NULL)
			(void)(*pkevp->portkev_callback)(pkevp->portkev_arg,
			    &events, pkevp->portkev_pid, PORT_CALLBACK_CLOSE,
			    pkevp);
		mtx_unlock(&portq->portq_mutex);
		port_free_event_local(pkevp, 0);
		mtx_lock(&portq->portq_mutex);
	}
	/* Wait for a pollwakeup() of the port itself to finish. */
	while (portq->portq_flags & PORTQ_POLLWK_PEND)
		cv_wait(&portq->portq_closecv, &portq->portq_mutex);
	mtx_unlock(&portq->portq_mutex);
}

void *
port_zalloc(size_t size)
{
	void *p = sim_calloc(1, size);

	if (p == NULL) {
		fprintf(stderr, "evsim: out of memory\n");
		abort();
	}
	return (p);
}
