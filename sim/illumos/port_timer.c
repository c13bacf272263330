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
 * The clock backends: CLOCK_HIGHRES (sys.CLOCK_MONOTONIC) as clock_highres.c
 * arms a cyclic at the nanosecond; CLOCK_REALTIME as clock_realtime.c does
 * (clock_realtime_timer_settime(), clock_realtime_fire_first(),
 * clock_realtime_fire()): it_value is a wall-clock time, converted at each
 * arming into a number of clock ticks from now (timespectohz()) for a
 * relative realtime_timeout(), so a later step of the wall clock does not
 * move a pending expiry: a step forward leaves it to fire when its ticks
 * run out, a step back makes it find the wall clock short of it_value when
 * it fires, and it then sleeps one more tick and fires anyway.  An
 * interval timer's next expiry steps from the expected one by the interval
 * (doubling the step while it stays in the past), so a step forward skips
 * the periods it jumped over and a step back delays the next one.  Ticks
 * are those of lbolt: every PORT_NSEC_PER_TICK of virtual time from boot.
 *
 * Deviations (XXX): timer ids are the lowest free slot from 0 as in
 * illumos, with at most PORT_TIMER_MAX timers per process; only SIGEV_PORT
 * is simulated.
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

/*
 * Models timespectohz() in uts/common/os/timers.c: the clock ticks from now
 * (ns of CLOCK_REALTIME) to when, rounded up, at least one.
 */
static int64_t
timespectohz(int64_t when, int64_t now)
{
	int64_t delta;

	if (when <= now)
		return (1);
	if (now < 0 && when > INT64_MAX + now)
		return (
		    INT64_MAX / PORT_NSEC_PER_TICK); /* protect vs overflow */
	delta = when - now;
	return (delta / PORT_NSEC_PER_TICK + (delta % PORT_NSEC_PER_TICK != 0));
}

/*
 * Models realtime_timeout(): fn runs at the 'ticks'-th tick of lbolt from
 * now (CLOCK_MONOTONIC ns of that tick).
 */
static void
realtime_timeout(port_itimer_t *it, void (*fn)(void *), int64_t ticks)
{
	int64_t now = sched_now(), at;

	at = now - now % PORT_NSEC_PER_TICK;
	at = ticks > (INT64_MAX - at) / PORT_NSEC_PER_TICK
	    ? SCHED_NEVER
	    : at + ticks * PORT_NSEC_PER_TICK;
	callout_reset_sbt(&it->it_callout, at, 0, fn, it, C_ABSOLUTE);
}

static void clock_realtime_fire(void *arg);

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
timer_fire(port_itimer_t *it)
{
	if (!(it->it_flags & IT_PORT) || it->it_portev == NULL)
		return;
	if (it->it_pending > 0) {
		if (it->it_pending < INT_MAX)
			SIM_SET(&it->it_obj, "it_pending", it->it_pending,
			    it->it_pending + 1);
	} else {
		SIM_SET(&it->it_obj, "it_pending", it->it_pending, 1);
		PORTKEV_SET_EVENTS(it->it_portev, 1);
		port_send_event(it->it_portev);
	}
}

/*
 * Models clock_highres_fire() in uts/common/os/clock_highres.c: the cyclic
 * fires the timer and goes on every interval.
 */
static void
clock_highres_fire(void *arg)
{
	port_itimer_t *it = arg;

	timer_fire(it);
	if (it->it_interval_ns > 0) {
		it->it_value_ns
		    = sched_add_ns(it->it_value_ns, it->it_interval_ns);
		callout_reset_sbt(&it->it_callout, it->it_value_ns, 0,
		    clock_highres_fire, it, C_ABSOLUTE);
	} else
		it->it_armed = false;
}

/*
 * Models clock_realtime_fire() in uts/common/os/clock_realtime.c: fires
 * the timer; an interval timer steps it_value (CLOCK_REALTIME) from the
 * expected expiry into the future, doubling the step while it stays in the
 * past and starting over from the last step in the past, and sleeps the
 * ticks to it.
 */
static void
clock_realtime_fire(void *arg)
{
	port_itimer_t *it = arg;
	int64_t interval2nth, now, prev;
	int cnt2nth;

	timer_fire(it);
	if (it->it_interval_ns == 0) {
		it->it_armed = false;
		return;
	}
	for (;;) {
		interval2nth = it->it_interval_ns;
		/* The floor that lets the loop catch up with the clock. */
		if (interval2nth < PORT_NSEC_PER_TICK)
			interval2nth = PORT_NSEC_PER_TICK;
		for (cnt2nth = 0;; cnt2nth++) {
			prev = it->it_value_ns;
			it->it_value_ns = sched_add_ns(prev, interval2nth);
			now = sched_realtime();
			if (it->it_value_ns > now || it->it_value_ns == prev)
				break;
			interval2nth = sched_add_ns(interval2nth, interval2nth);
		}
		if (cnt2nth == 0 || it->it_value_ns == prev)
			break;
		it->it_value_ns -= interval2nth;
	}
	realtime_timeout(
	    it, clock_realtime_fire, timespectohz(it->it_value_ns, now));
}

/*
 * Models clock_realtime_fire_first() in uts/common/os/clock_realtime.c: a
 * tick count taken against lbolt may run out before the wall clock reaches
 * it_value (or the clock was stepped back): then one more tick, and fire.
 */
static void
clock_realtime_fire_first(void *arg)
{
	port_itimer_t *it = arg;

	if (it->it_value_ns > sched_realtime()) {
		realtime_timeout(it, clock_realtime_fire, 1);
		return;
	}
	clock_realtime_fire(it);
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
	it->it_armed = true;
	if (it->it_clock == CLOCK_REALTIME_SIM) {
		/* Models clock_realtime_timer_settime(). */
		int64_t now = sched_realtime();

		it->it_value_ns = flags & ILLUMOS_TIMER_ABSTIME
		    ? value_ns
		    : sched_add_ns(value_ns, now);
		realtime_timeout(it, clock_realtime_fire_first,
		    timespectohz(it->it_value_ns, now));
		mtx_unlock(&it->it_mutex);
		return (0);
	}
	if (flags & ILLUMOS_TIMER_ABSTIME)
		deadline = value_ns;
	else
		deadline = sched_add_ns(sched_now(), value_ns);
	if (deadline < sched_now())
		deadline = sched_now();
	it->it_value_ns = deadline;
	callout_reset_sbt(
	    &it->it_callout, deadline, 0, clock_highres_fire, it, C_ABSOLUTE);
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
