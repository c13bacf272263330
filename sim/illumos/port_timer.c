/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PORT_SOURCE_TIMER: POSIX timers with SIGEV_PORT notification.  Models
 * the port parts of uts/common/os/timer.c: timer_create() reserving one
 * SCACHED slot per timer, timer_fire() posting it or counting an overrun in
 * 'it_pending', the delivery callback (creator only, events = expirations
 * since the post, counter reset), timer_delete() and the port close callback
 * (timer_close_port) that detaches the closing process's timers whose port
 * fd number is the port's creation fd ('port_fd', P18).
 *
 * Deviations (XXX): a CLOCK_REALTIME timer is converted to a monotonic
 * deadline when armed, so a later step of the wall clock does not move it;
 * timer ids are the lowest free slot from 0 as in illumos, with at most
 * PORT_TIMER_MAX timers per process; only SIGEV_PORT is simulated.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "fd.h"
#include "kernel.h"
#include "port_impl.h"
#include "proc.h"

#define CLOCK_REALTIME_SIM 0
#define CLOCK_MONOTONIC_SIM 4 /* CLOCK_HIGHRES */

static port_itimer_t *
timer_grab(struct proc *p, int id)
{
	struct port_proc *ppr = port_proc(p);

	if (id < 0 || id >= PORT_TIMER_MAX)
		return (NULL);
	return (ppr->ppr_itimer[id]);
}

/*
 * Models timer_port_callback() in uts/common/os/timer.c: only the creating
 * process may take the event; it reports and resets the expiration count.
 */
static int
timer_port_callback(void *arg, int *events, int pid, int flag, void *evp)
{
	port_itimer_t *it = arg;

	if (flag != PORT_CALLBACK_DEFAULT)
		return (0);
	if (curproc->p_pid != it->it_pid)
		return (EACCES);
	mtx_lock(&it->it_mutex);
	*events = it->it_pending;
	SIM_SET(&it->it_obj, "it_pending", it->it_pending, 0);
	mtx_unlock(&it->it_mutex);
	return (0);
}

/*
 * Models timer_fire() in uts/common/os/timer.c for IT_PORT (callout
 * context, 'it_mutex' held): one queued event per timer, overruns counted.
 */
static void
timer_fire(void *arg)
{
	port_itimer_t *it = arg;

	if (!(it->it_flags & IT_PORT) || it->it_portev == NULL)
		goto rearm;
	if (it->it_pending > 0) {
		if (it->it_pending < INT_MAX)
			SIM_SET(&it->it_obj, "it_pending", it->it_pending,
			    it->it_pending + 1);
	} else {
		SIM_SET(&it->it_obj, "it_pending", it->it_pending, 1);
		PORTKEV_SET_EVENTS(it->it_portev, 1);
		port_send_event(it->it_portev);
	}
rearm:
	if (it->it_interval_ns > 0) {
		it->it_value_ns
		    = sched_add_ns(it->it_value_ns, it->it_interval_ns);
		callout_reset_sbt(&it->it_callout, it->it_value_ns, 0,
		    timer_fire, it, C_ABSOLUTE);
	} else
		it->it_armed = false;
}

/*
 * Models timer_close_port() in uts/common/os/timer.c: the closing
 * process's timers bound to this port stop notifying (they keep running).
 */
static void
timer_close_port(void *arg, int port, int pid, int lastclose)
{
	struct proc *p = curproc;
	port_kevent_t *pev;
	port_itimer_t *it;
	int tid;

	for (tid = 0; tid < PORT_TIMER_MAX; tid++) {
		if ((it = timer_grab(p, tid)) == NULL || it->it_portev == NULL)
			continue;
		if (it->it_portev->portkev_port != arg)
			continue;
		mtx_lock(&it->it_mutex);
		if (it->it_portfd == port) {
			pev = it->it_portev;
			it->it_portev = NULL;
			SIM_SET(&it->it_obj, "it_flags", it->it_flags,
			    it->it_flags & ~IT_PORT);
			mtx_unlock(&it->it_mutex);
			(void)port_remove_done_event(pev);
			port_free_event(pev);
		} else
			mtx_unlock(&it->it_mutex);
	}
}

/*
 * Models timer_create() with SIGEV_PORT in uts/common/os/timer.c.
 * Returns 0 with the timer id, EINVAL (clock), EAGAIN (no timer slot, or
 * the port is full), EBADF (port not open), EBADFD (not a port).
 */
int
port_timer_create(struct thread *td, int clock, int portfd,
    const struct port_user *u, int *ret_id)
{
	struct port_proc *ppr = port_proc(td->td_proc);
	port_kevent_t *pkevp = NULL;
	port_itimer_t *it;
	struct file *fp;
	port_t *pp;
	int id, error;

	if (clock != CLOCK_REALTIME_SIM && clock != CLOCK_MONOTONIC_SIM)
		return (EINVAL);
	for (id = 0; id < PORT_TIMER_MAX; id++)
		if (ppr->ppr_itimer[id] == NULL)
			break;
	if (id == PORT_TIMER_MAX
	    || SIM_FAIL_POINT(SIM_FP_TIMER_CREATE_TIMER_MAX))
		return (EAGAIN);
	if (fget(td, portfd, &fp) != 0)
		return (EBADF);
	pp = port_from_file(fp);
	if (pp == NULL) {
		fdrop(fp, td);
		return (EBADFD);
	}
	error = port_alloc_event_local(
	    pp, PORT_SOURCE_TIMER, PORT_ALLOC_SCACHED, &pkevp);
	if (error)
		pkevp = NULL;
	else
		error = port_associate_ksource(
		    pp, PORT_SOURCE_TIMER, NULL, timer_close_port, pp);
	if (error) {
		if (pkevp != NULL)
			port_free_event(pkevp);
		fdrop(fp, td);
		return (error);
	}
	it = port_zalloc(sizeof(*it));
	sim_obj_init(&it->it_obj, "itimer");
	sim_trace_created(__func__, &it->it_obj);
	mtx_init(&it->it_mutex, "it_mutex", NULL, MTX_DEF);
	callout_init_mtx(&it->it_callout, &it->it_mutex, 0);
	it->it_callout.c_owner = it->it_obj.so_name; /* for snapshots */
	it->it_id = id;
	it->it_clock = clock;
	it->it_pid = td->td_proc->p_pid;
	it->it_portfd = portfd;
	it->it_portev = pkevp;
	sim_obj_label(&it->it_obj, "timer id %d of pid %d, %s, port fd %d", id,
	    it->it_pid,
	    clock == CLOCK_REALTIME_SIM ? "CLOCK_REALTIME" : "CLOCK_HIGHRES",
	    portfd);
	port_user_copy(&it->it_user, u);
	port_init_event(pkevp, (uintptr_t)id, u, timer_port_callback, it);
	SIM_SET(&it->it_obj, "it_flags", it->it_flags, IT_PORT);
	ppr->ppr_itimer[id] = it;
	fdrop(fp, td);
	*ret_id = id;
	return (0);
}

/*
 * timer_settime(): arms (value > 0) or disarms (value 0) the timer; with
 * ILLUMOS_TIMER_ABSTIME value is a time of the timer's clock.  Returns 0,
 * EINVAL (bad id or negative times).
 */
int
port_timer_settime(
    struct thread *td, int id, int flags, int64_t value_ns, int64_t interval_ns)
{
	port_itimer_t *it = timer_grab(td->td_proc, id);
	int64_t deadline;

	if (it == NULL || value_ns < 0 || interval_ns < 0)
		return (EINVAL);
	mtx_lock(&it->it_mutex);
	callout_stop(&it->it_callout);
	it->it_interval_ns = interval_ns;
	if (value_ns == 0) {
		it->it_armed = false;
		mtx_unlock(&it->it_mutex);
		return (0);
	}
	if (flags & ILLUMOS_TIMER_ABSTIME)
		deadline = it->it_clock == CLOCK_REALTIME_SIM
		    ? sched_add_ns(value_ns, -(sched_realtime() - sched_now()))
		    : value_ns;
	else
		deadline = sched_add_ns(sched_now(), value_ns);
	if (deadline < sched_now())
		deadline = sched_now();
	it->it_value_ns = deadline;
	it->it_armed = true;
	callout_reset_sbt(
	    &it->it_callout, deadline, 0, timer_fire, it, C_ABSOLUTE);
	mtx_unlock(&it->it_mutex);
	return (0);
}

static void
timer_free(struct proc *p, port_itimer_t *it)
{
	struct port_proc *ppr = port_proc(p);
	port_kevent_t *pev;

	mtx_lock(&it->it_mutex);
	callout_stop(&it->it_callout);
	pev = it->it_portev;
	it->it_portev = NULL;
	ppr->ppr_itimer[it->it_id] = NULL;
	mtx_unlock(&it->it_mutex);
	callout_drain(&it->it_callout);
	if (pev != NULL) {
		(void)port_remove_done_event(pev);
		port_free_event(pev);
	}
	port_user_free(&it->it_user);
	sim_trace_freed(__func__, &it->it_obj);
	mtx_destroy(&it->it_mutex);
	sim_free(it);
}

/* Models timer_delete() in uts/common/os/timer.c.  EINVAL for a bad id. */
int
port_timer_delete(struct thread *td, int id)
{
	port_itimer_t *it = timer_grab(td->td_proc, id);

	if (it == NULL)
		return (EINVAL);
	timer_free(td->td_proc, it);
	return (0);
}

/* Models timer_exit(): an exiting process's timers are deleted. */
void
port_timer_exit(struct proc *p)
{
	struct port_proc *ppr = port_proc(p);
	int id;

	for (id = 0; id < PORT_TIMER_MAX; id++)
		if (ppr->ppr_itimer[id] != NULL)
			timer_free(p, ppr->ppr_itimer[id]);
}
