/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Retrieving events: port_getn() with its order of checks, the waiter queue
 * ordered by nget (port_queue_thread/port_dequeue_thread), alert delivery,
 * the temporary queue moved out of the port queue and walked with
 * 'portq_mutex' dropped while source callbacks run, and the wakeup and
 * close checks on the way out.  Models port_getn(), port_copy_event(),
 * port_get_alert(), port_check_return_cond(), port_get_timeout(),
 * port_queue_thread() and port_dequeue_thread() of
 * uts/common/fs/portfs/port.c, and cv_waituntil_sig() of
 * uts/common/os/condvar.c on top of the engine's relative cv_timedwait_sig.
 *
 * Deviations: events are copied into a buffer the caller provides, so the
 * copyout EFAULT cases cannot happen (XXX); a loop re-entry keeps its
 * deadline in 'pgt_rqtime' where illumos keeps a pointer to the previous
 * frame's stack (XXX).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fd.h"
#include "kernel.h"
#include "port_impl.h"
#include "proc.h"

void
port_event_free(port_event_t *ev)
{
	port_user_free(&ev->portev_user);
	sim_free(ev->portev_objname);
	ev->portev_objname = NULL;
}

/* The waiter queue as text ("tid:nget,..." from the head), for the trace. */
static void
port_trace_waiters(const char *func, port_t *pp)
{
	char buf[sizeof(pp->port_wtrace)];
	size_t off = 0;
	portget_t *p, *head = pp->port_queue.portq_thread;

	buf[0] = '\0';
	if (head != NULL) {
		p = head;
		do {
			off += (size_t)snprintf(buf + off,
			    off < sizeof(buf) ? sizeof(buf) - off : 0,
			    "%s%d:%u", p == head ? "" : ",",
			    p->portget_td != NULL ? p->portget_td->td_tid : 0,
			    p->portget_nget);
			if (off >= sizeof(buf))
				break;
		} while ((p = p->portget_next) != head);
	}
	if (strcmp(buf, pp->port_wtrace) == 0)
		return;
	sim_trace_str(
	    func, &pp->port_obj, "portq_thread", pp->port_wtrace, buf);
	memcpy(pp->port_wtrace, buf, sizeof(buf));
}

/*
 * Models port_queue_thread() in uts/common/fs/portfs/port.c: a new waiter
 * goes before the first waiter wanting at least as many events, or before
 * the last one when it wants more than all (reference/ports.md P12).
 */
static portget_t *
port_queue_thread(port_t *pp, port_queue_t *portq, uint_t nget)
{
	portget_t *pgetp, *ttp, *htp;

	pgetp = port_zalloc(sizeof(*pgetp));
	sim_obj_init(&pgetp->portget_obj, "portget");
	sim_trace_created(__func__, &pgetp->portget_obj);
	SIM_SET(&pgetp->portget_obj, "portget_nget", pgetp->portget_nget, nget);
	pgetp->portget_pid = curproc->p_pid;
	pgetp->portget_td = curthread;
	sim_obj_label(&pgetp->portget_obj,
	    "waiter for %u events, thread %d of pid %d on %s", nget,
	    curthread->td_tid, curproc->p_pid, pp->port_obj.so_name);
	pgetp->portget_alert.portal_user.pu_type = PU_NIL;
	cv_init(&pgetp->portget_cv, "portget_cv");
	if (portq->portq_thread == NULL) {
		portq->portq_thread = pgetp;
		PORTQ_SET(pp, portq_nget, nget);
		pgetp->portget_prev = pgetp;
		pgetp->portget_next = pgetp;
		port_trace_waiters(__func__, pp);
		return (pgetp);
	}
	ttp = portq->portq_thread;
	htp = ttp;
	for (;;) {
		if (nget <= ttp->portget_nget)
			break;
		if (htp == ttp->portget_next)
			break; /* the last one */
		ttp = ttp->portget_next;
	}
	pgetp->portget_next = ttp;
	pgetp->portget_prev = ttp->portget_prev;
	ttp->portget_prev->portget_next = pgetp;
	ttp->portget_prev = pgetp;
	if (portq->portq_thread == ttp)
		portq->portq_thread = pgetp;
	PORTQ_SET(pp, portq_nget, portq->portq_thread->portget_nget);
	port_trace_waiters(__func__, pp);
	return (pgetp);
}

/* Models port_dequeue_thread() in uts/common/fs/portfs/port.c. */
static void
port_dequeue_thread(port_t *pp, port_queue_t *portq, portget_t *pgetp)
{
	if (pgetp->portget_next == pgetp) {
		portq->portq_thread = NULL;
		PORTQ_SET(pp, portq_nget, 0);
	} else {
		pgetp->portget_prev->portget_next = pgetp->portget_next;
		pgetp->portget_next->portget_prev = pgetp->portget_prev;
		if (portq->portq_thread == pgetp)
			portq->portq_thread = pgetp->portget_next;
		PORTQ_SET(pp, portq_nget, portq->portq_thread->portget_nget);
	}
	port_trace_waiters(__func__, pp);
	port_user_free(&pgetp->portget_alert.portal_user);
	cv_destroy(&pgetp->portget_cv);
	sim_trace_freed(__func__, &pgetp->portget_obj);
	sim_free(pgetp);
}

/* Whether close(2) marked the calling thread's port fd stale. */
static bool
port_stale(port_t *pp)
{
	struct port_active *pa;

	LIST_FOREACH(pa, &pp->port_active, pa_link)
		if (pa->pa_td == curthread)
			return (pa->pa_stale);
	return (false);
}

/* The value that changes when the wall clock is stepped ('timechanged'). */
static uint64_t
port_timechanged(void)
{
	return ((uint64_t)(sched_realtime() - sched_now()));
}

/*
 * Models cv_waituntil_sig() in uts/common/os/condvar.c: sleeps until
 * signalled, until the absolute CLOCK_REALTIME deadline *when (NULL: no
 * deadline), or until a signal.  Returns >0 when signalled, 0 for a signal
 * (or a stale fd, MUSTRETURN), -1 when the deadline passed.  The sleep is
 * at least one clock tick (PORT_NSEC_PER_TICK), so that tiny timeouts
 * cannot flood the callout tables.  If the wall clock was stepped since
 * the caller read 'timechanged' into timecheck, the call is an immediate
 * timeout (-1), so that the caller returns a premature ETIME and its user
 * re-evaluates; a timeout while the deadline has not passed yet (the sleep
 * is on the monotonic clock) is a normal wakeup (1) unless the clock was
 * stepped.  The sleep is a CALLOUT_FLAG_HRESTIME one: a step of the clock
 * ends it at once (port_clock_settime()).
 */
static int
cv_waituntil_sig(port_t *pp, struct cv *cv, struct mtx *mp, const int64_t *when,
    uint64_t timecheck)
{
	int64_t delta;
	int error;

	if (port_stale(pp))
		return (0);
	if (when == NULL || *when == SCHED_NEVER) {
		/* XXX: a deadline beyond the end of time is none. */
		error = cv_wait_sig(cv, mp);
	} else {
		delta = *when - sched_realtime();
		if (delta <= 0) {
			/* Only check for signals. */
			if (sched_sigcheck(sched_curthread()) != 0)
				return (0);
			return (-1);
		}
		if (timecheck != port_timechanged())
			return (-1); /* someone reset the system time */
		if (delta < PORT_NSEC_PER_TICK)
			delta = PORT_NSEC_PER_TICK; /* at least one tick */
		error = cv_timedwait_sig(cv, mp, delta);
		if (error == EWOULDBLOCK) {
			if (port_stale(pp))
				return (0);
			/* The future time may not have passed yet. */
			if (timecheck == port_timechanged()
			    && *when - sched_realtime() > 0)
				return (1);
			return (-1);
		}
	}
	if (error != 0 || port_stale(pp))
		return (0);
	return (1);
}

/*
 * Models callout_hrestime() in uts/common/os/callout.c for the sleeps of
 * cv_waituntil_sig(): when the wall clock is stepped, every port_getn()
 * asleep until a wall-clock deadline is woken at once; it finds the clock
 * changed ('timecheck') and returns ETIME.  XXX: illumos expires the
 * sleep's callout (a timeout); here the sleeper is woken through its cv
 * and cv_waituntil_sig() sees the step on its next call, with the same
 * result.  The ports are found through the descriptor tables.
 */
void
port_clock_settime(void)
{
	struct filedesc *fdp;
	struct proc *p;
	struct file *fp;
	portget_t *pg;
	port_t *pp;
	int i, woken = 0;

	/*
	 * Every sleeper is woken before any of them runs (no scheduling point
	 * inside the walk): a woken port_getn() dequeues and frees its
	 * portget_t, and a process may exit, under a walk that went on.
	 */
	for (p = proc_first(); p != NULL; p = proc_next(p)) {
		if ((fdp = p->p_fd) == NULL)
			continue;
		for (i = 0; i < fdp->fd_nfiles; i++) {
			fp = fdp->fd_ofiles[i].fde_file;
			if (fp == NULL || (pp = port_from_file(fp)) == NULL
			    || (pg = pp->port_queue.portq_thread) == NULL)
				continue;
			do {
				if (pg->portget_hrestime) {
					pg->portget_hrestime = false;
					woken += cv_broadcast_nopoint(
					    &pg->portget_cv);
				}
				pg = pg->portget_next;
			} while (pg != pp->port_queue.portq_thread);
		}
	}
	if (woken > 0 && sched_curthread() != NULL)
		sched_point();
}

/* Models port_get_alert() in uts/common/fs/portfs/port.c. */
static int
port_get_alert(port_alert_t *pa, port_event_t *uevp)
{
	memset(uevp, 0, sizeof(*uevp));
	uevp->portev_source = PORT_SOURCE_ALERT;
	uevp->portev_object = pa->portal_object;
	uevp->portev_events = pa->portal_events;
	port_user_copy(&uevp->portev_user, &pa->portal_user);
	return (0);
}

/*
 * Models port_check_return_cond() in uts/common/fs/portfs/port.c: a
 * thread leaves without retrieving; on close the next one is pushed out.
 */
static void
port_check_return_cond(port_t *pp, port_queue_t *portq)
{
	mtx_assert(&portq->portq_mutex, MA_OWNED);
	PORTQ_SET(pp, portq_thrcnt, portq->portq_thrcnt - 1);
	if (portq->portq_flags & PORTQ_CLOSE) {
		if (portq->portq_thrcnt == 0)
			cv_signal(&portq->portq_closecv);
		else if (portq->portq_thread != NULL)
			cv_signal(&portq->portq_thread->portget_cv);
	}
}

/*
 * Models port_get_timeout() in uts/common/fs/portfs/port.c: NULL blocks,
 * {0, 0} polls, a negative field or tv_nsec >= 1e9 is EINVAL.
 */
static int
port_get_timeout(const struct port_timespec *timeout, int64_t *rqtime,
    int64_t **rqtp, int *blocking)
{
	*rqtp = NULL;
	if (timeout == NULL) {
		*blocking = 1;
		return (0);
	}
	if (timeout->tv_sec == 0 && timeout->tv_nsec == 0) {
		*blocking = 0;
		return (0);
	}
	if (timeout->tv_sec < 0 || timeout->tv_nsec < 0
	    || timeout->tv_nsec >= 1000000000)
		return (EINVAL);
	/* XXX: saturates where the kernel's hrtime_t sum would wrap. */
	if (timeout->tv_sec > (SCHED_NEVER - timeout->tv_nsec) / 1000000000)
		*rqtime = SCHED_NEVER;
	else
		*rqtime = timeout->tv_sec * 1000000000 + timeout->tv_nsec;
	*rqtp = rqtime;
	*blocking = 1;
	return (0);
}

/*
 * Models port_copy_event() in uts/common/fs/portfs/port.c: copies the
 * event, takes it off the list, gives wired slots back to their source or
 * frees the slot, and lets the source's callback update the events or veto
 * the delivery (the caller puts a vetoed event back).
 */
static int
port_copy_event(
    port_event_t *puevp, port_kevent_t *pkevp, struct port_kevlist *list)
{
	int free_event = 0, flags, error;

	memset(puevp, 0, sizeof(*puevp));
	puevp->portev_source = (uint16_t)pkevp->portkev_source;
	puevp->portev_object = pkevp->portkev_object;
	port_user_copy(&puevp->portev_user, &pkevp->portkev_user);
	puevp->portev_events = pkevp->portkev_events;
	if (pkevp->portkev_objname != NULL)
		puevp->portev_objname = sim_strdup(pkevp->portkev_objname);

	TAILQ_REMOVE(list, pkevp, portkev_node);

	flags = pkevp->portkev_flags;
	if (pkevp->portkev_flags & PORT_KEV_WIRED)
		PORTKEV_SET_FLAGS(
		    pkevp, pkevp->portkev_flags & ~PORT_KEV_DONEQ);
	else
		free_event = 1;

	if (pkevp->portkev_callback != NULL) {
		error = (*pkevp->portkev_callback)(pkevp->portkev_arg,
		    &puevp->portev_events, pkevp->portkev_pid,
		    PORT_CALLBACK_DEFAULT, pkevp);
		if (error) {
			/* Not for this process: the caller re-inserts it. */
			PORTKEV_SET_FLAGS(pkevp, flags);
			port_event_free(puevp);
			return (error);
		}
	}
	if (free_event)
		port_free_event_local(pkevp, 0);
	return (0);
}

/*
 * Models port_getn() in uts/common/fs/portfs/port.c.  Retrieves up to max
 * events into uevp (an array of max entries), waiting per the timeout in
 * pgt until at least *nget are queued; on return *nget is the number
 * retrieved.  With max == 0 *nget becomes the number of queued events.
 * Returns 0, EINVAL (nget > max, bad timeout), EBADFD (port closing),
 * EINTR (signal) or ETIME (deadline; events may have been retrieved).
 * Each retrieved event owns its strings (port_event_free()).
 */
int
port_getn(port_t *pp, port_event_t *uevp, uint_t max, uint_t *nget,
    port_gettimer_t *pgt)
{
	port_queue_t *portq = &pp->port_queue;
	port_kevent_t *pev, *lev;
	port_event_t *kevp;
	struct port_kevlist *glist;
	portget_t *pgetp;
	int64_t rqtime = 0, *rqtp = NULL;
	uint64_t timecheck = 0;
	uint_t nmax, nevents, tnent, i;
	int error = 0, rval, blocking = -1, flag;

	flag = pgt->pgt_flags;
	if (*nget > max && max > 0)
		return (EINVAL);

	mtx_lock(&portq->portq_mutex);
	if (max == 0) {
		/* The number of events; wait for a retriever to finish. */
		port_block(portq);
		if (portq->portq_tnent)
			port_push_eventq(portq);
		*nget = portq->portq_nent;
		port_unblock(portq);
		mtx_unlock(&portq->portq_mutex);
		return (0);
	}
	if (uevp == NULL) {
		mtx_unlock(&portq->portq_mutex);
		return (EFAULT);
	}
	if (*nget == 0) {
		mtx_unlock(&portq->portq_mutex);
		return (0);
	}
	if (portq->portq_flags & PORTQ_CLOSE) {
		mtx_unlock(&portq->portq_mutex);
		return (EBADFD);
	}
	if (portq->portq_flags & PORTQ_ALERT) {
		error = port_get_alert(&portq->portq_alert, uevp);
		if (error == 0)
			*nget = 1;
		mtx_unlock(&portq->portq_mutex);
		return (error);
	}

	PORTQ_SET(pp, portq_thrcnt, portq->portq_thrcnt + 1);

	if (pgt->pgt_loop) {
		/*
		 * Re-entry after a pass that found nothing this process may
		 * take: only new events (PORTQ_WAIT_EVENTS clear) count.
		 */
		if ((portq->portq_flags & PORTQ_WAIT_EVENTS) == 0
		    && portq->portq_nent >= *nget)
			goto portnowait;
		rqtp = pgt->pgt_rqtp;
		timecheck = pgt->pgt_timecheck;
		pgt->pgt_flags |= PORTGET_WAIT_EVENTS;
	} else {
		if (portq->portq_nent >= *nget)
			goto portnowait;
		error = port_get_timeout(
		    pgt->pgt_timeout, &rqtime, &rqtp, &blocking);
		if (error) {
			port_check_return_cond(pp, portq);
			mtx_unlock(&portq->portq_mutex);
			return (error);
		}
		if (blocking == 0) /* poll: take what is there */
			goto portnowait;
		if (rqtp != NULL) {
			timecheck = port_timechanged();
			*rqtp = sched_add_ns(*rqtp, sched_realtime());
		}
	}

	pgetp = port_queue_thread(pp, portq, *nget);

	for (;;) {
		if (pgetp->portget_state & PORTGET_ALERT) {
			error = port_get_alert(&pgetp->portget_alert, uevp);
			*nget = error ? 0 : 1;
			port_dequeue_thread(pp, portq, pgetp);
			PORTQ_SET(pp, portq_thrcnt, portq->portq_thrcnt - 1);
			mtx_unlock(&portq->portq_mutex);
			return (error);
		}
		/* Nobody else retrieving and enough (new) events? */
		if (portq->portq_getn == 0 && portq->portq_nent >= *nget
		    && (!(pgt->pgt_flags & PORTGET_WAIT_EVENTS)
			|| !(portq->portq_flags & PORTQ_WAIT_EVENTS)))
			break;
		if (portq->portq_flags & PORTQ_CLOSE) {
			error = EBADFD;
			break;
		}
		pgetp->portget_hrestime = rqtp != NULL;
		rval = cv_waituntil_sig(pp, &pgetp->portget_cv,
		    &portq->portq_mutex, rqtp, timecheck);
		pgetp->portget_hrestime = false;
		if (rval <= 0) {
			error = (rval == 0) ? EINTR : ETIME;
			break;
		}
	}
	port_dequeue_thread(pp, portq, pgetp);

	if (error != 0
	    && (error == EINTR || error == EBADFD
		|| (error == ETIME && flag))) {
		/* Return without events (port_get's ETIME included). */
		port_check_return_cond(pp, portq);
		mtx_unlock(&portq->portq_mutex);
		return (error);
	}

portnowait:
	/*
	 * Take the whole queue into the temporary list; events posted from
	 * now on go to the port queue and are not seen by this thread.
	 */
	PORTQ_SET(pp, portq_getn, portq->portq_getn + 1);
	port_block(portq);
	nmax = max < portq->portq_nent ? max : portq->portq_nent;
	if (portq->portq_tnent)
		port_push_eventq(portq);
	PORT_LIST_MOVE_TAIL(&portq->portq_get_list, &portq->portq_list);
	glist = &portq->portq_get_list;
	tnent = portq->portq_nent;
	PORTQ_SET(pp, portq_nent, 0);
	PORTQ_SET_FLAGS(pp, portq->portq_flags | PORTQ_WAIT_EVENTS);
	mtx_unlock(&portq->portq_mutex);

	kevp = nmax > 0 ? port_zalloc(sizeof(*kevp) * nmax) : NULL;
	lev = NULL;
	for (nevents = 0; nevents < nmax;) {
		pev = port_get_kevent(glist, lev);
		if (pev == NULL)
			break;
		if (pev->portkev_flags & PORT_KEV_FREE) {
			/* A slot its source gave up while queued. */
			TAILQ_REMOVE(glist, pev, portkev_node);
			PORTKEV_SET_FLAGS(
			    pev, pev->portkev_flags & ~PORT_CLEANUP_DONE);
			if (PORT_FREE_EVENT(pev))
				port_free_event_local(pev, 0);
			tnent--;
			continue;
		}
		if (port_copy_event(&kevp[nevents], pev, glist)) {
			/* Vetoed: back in place, skip it. */
			if (lev != NULL)
				TAILQ_INSERT_AFTER(
				    glist, lev, pev, portkev_node);
			else
				TAILQ_INSERT_HEAD(glist, pev, portkev_node);
			lev = pev;
		} else
			nevents++;
	}
	/* Under port_block() ownership, as in illumos. */
	PORTQ_SET(pp, portq_tnent, tnent - nevents);

	mtx_lock(&portq->portq_mutex);
	port_unblock(portq);
	if (portq->portq_tnent)
		port_push_eventq(portq); /* behind newer events (P13) */
	PORTQ_SET(pp, portq_getn, portq->portq_getn - 1);
	PORTQ_SET(pp, portq_thrcnt, portq->portq_thrcnt - 1);
	if (portq->portq_thrcnt == 0) {
		if (portq->portq_flags & PORTQ_CLOSE) {
			/* Last thread out on close: events are lost (P15). */
			cv_signal(&portq->portq_closecv);
			mtx_unlock(&portq->portq_mutex);
			for (i = 0; i < nevents; i++)
				port_event_free(&kevp[i]);
			sim_free(kevp);
			*nget = 0;
			return (EBADFD);
		}
	} else if (portq->portq_getn == 0) {
		/* Wakeups deferred while we retrieved. */
		if (portq->portq_thread != NULL
		    && portq->portq_nent >= portq->portq_nget)
			cv_signal(&portq->portq_thread->portget_cv);
	}
	if (portq->portq_flags & PORTQ_POLLIN) {
		PORTQ_SET_FLAGS(pp, portq->portq_flags & ~PORTQ_POLLIN);
		mtx_unlock(&portq->portq_mutex);
		pollwakeup(&pp->port_pollhd, POLLIN);
	} else
		mtx_unlock(&portq->portq_mutex);

	/* copyout */
	if (nevents)
		memcpy(uevp, kevp, sizeof(*kevp) * nevents);
	sim_free(kevp);

	if (nevents == 0 && error == 0 && pgt->pgt_loop == 0 && blocking != 0) {
		/* Nothing for us: the caller loops waiting for new events. */
		if (blocking == -1) {
			error = port_get_timeout(pgt->pgt_timeout,
			    &pgt->pgt_rqtime, &rqtp, &blocking);
			if (error) {
				*nget = nevents;
				return (error);
			}
			if (rqtp != NULL) {
				pgt->pgt_timecheck = port_timechanged();
				pgt->pgt_rqtime = sched_add_ns(
				    pgt->pgt_rqtime, sched_realtime());
			}
			pgt->pgt_rqtp = rqtp;
		} else {
			if (rqtp != NULL) {
				pgt->pgt_timecheck = timecheck;
				pgt->pgt_rqtime = *rqtp;
				pgt->pgt_rqtp = &pgt->pgt_rqtime;
			} else
				pgt->pgt_rqtp = NULL;
		}
		if (blocking)
			pgt->pgt_loop = 1;
	}
	*nget = nevents;
	return (error);
}
