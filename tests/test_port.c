/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tests for sim/illumos/port*.c: the queue core (port_send_event,
 * port_getn's order of checks and its temporary queue), the waiter queue
 * ordered by nget, alerts, the FD source's one-shot arming and ENOENT after
 * delivery, and the slot accounting against port_max_events.  Each test
 * boots an illumos kernel whose pid 1 runs a C body calling the model's
 * functions directly; observations are checked after the run.
 */
#include "../sim/illumos/port_impl.h"
#include "../sim/pipe.h"
#include "simtest.h"

static void
run(void (*body)(void *))
{
	simtest_run("illumos", body);
}

static port_t *
mkport(int *ret_fd)
{
	struct file *fp;
	int fd;

	cr_assert_eq(port_create(curthread, &fd), 0);
	fp = fget_noref(curproc->p_fd, fd);
	*ret_fd = fd;
	return (port_from_file(fp));
}

static struct port_user
uint_user(int64_t v)
{
	struct port_user u;

	memset(&u, 0, sizeof(u));
	u.pu_type = PU_INT;
	u.pu_int = v;
	return (u);
}

static int
getn(port_t *pp, port_event_t *evs, uint_t max, uint_t *nget,
    const struct port_timespec *ts)
{
	port_gettimer_t pgt;
	int e;

	memset(&pgt, 0, sizeof(pgt));
	pgt.pgt_timeout = ts;
	do {
		e = port_getn(pp, evs, max, nget, &pgt);
	} while (*nget == 0 && e == 0 && pgt.pgt_loop);
	return (e);
}

static const struct port_timespec zero_ts = { 0, 0 };

static void
body_order_of_checks(void *arg)
{
	port_event_t evs[4];
	struct port_user u = uint_user(7);
	uint_t nget;
	port_t *pp;
	int fd;

	pp = mkport(&fd);
	nget = 2;
	CHECK(getn(pp, evs, 1, &nget, &zero_ts), EINVAL);
	CHECK(port_send(pp, PORT_SOURCE_USER, 1, &u), 0);
	nget = 5;
	CHECK(getn(pp, NULL, 0, &nget, NULL), 0);
	CHECK(nget, 1);
	nget = 0;
	CHECK(getn(pp, evs, 4, &nget, NULL), 0);
	CHECK(nget, 0);
	CHECK(pp->port_queue.portq_nent, 1);
	nget = 1;
	CHECK(getn(pp, evs, 4, &nget, &zero_ts), 0);
	CHECK(nget, 1);
	CHECK(evs[0].portev_user.pu_int, 7);
	CHECK(pp->port_curr, 0);
	kern_close(curthread, fd);
}

Test(port_getn, order_of_checks_max0_counts_nget0_returns_nothing)
{
	run(body_order_of_checks);
}

static void
body_etime(void *arg)
{
	struct port_timespec ts = { 0, 30 * MS }; /* more than a tick */
	struct port_user u = uint_user(1);
	port_event_t evs[4];
	uint_t nget = 3;
	port_t *pp;
	int fd;

	pp = mkport(&fd);
	port_send(pp, PORT_SOURCE_USER, 1, &u);
	CHECK(getn(pp, evs, 4, &nget, &ts), ETIME);
	CHECK(nget, 1);
	CHECK(sched_now(), 30 * MS);
	CHECK(pp->port_queue.portq_thrcnt, 0);
	CHECK(pp->port_queue.portq_thread == NULL, 1);
	port_event_free(&evs[0]);
	kern_close(curthread, fd);
}

Test(port_getn, etime_returns_the_events_collected)
{
	run(body_etime);
}

static port_t *wq_pp;
static int wq_done[3];

static void
waiter(void *arg)
{
	port_event_t evs[8];
	uint_t nget = (uint_t)(uintptr_t)arg;
	struct port_timespec ts = { 0, 20 * MS };

	(void)getn(wq_pp, evs, 8, &nget, &ts);
	wq_done[(uintptr_t)arg % 3] = (int)nget;
}

static void
body_waiter_queue(void *arg)
{
	struct port_user u = uint_user(0);
	portget_t *head;
	int fd, tid;

	wq_pp = mkport(&fd);
	thread_create_c(curthread, waiter, (void *)(uintptr_t)1, &tid);
	msleep(&wq_pp, NULL, 0, "t", MS);
	thread_create_c(curthread, waiter, (void *)(uintptr_t)5, &tid);
	msleep(&wq_pp, NULL, 0, "t", MS);
	/* P12: the nget=5 waiter went before the only (last) waiter. */
	head = wq_pp->port_queue.portq_thread;
	CHECK(head->portget_nget, 5);
	CHECK(head->portget_next->portget_nget, 1);
	CHECK(wq_pp->port_queue.portq_nget, 5);
	port_send(wq_pp, PORT_SOURCE_USER, 1, &u);
	msleep(&wq_pp, NULL, 0, "t", MS);
	/* Only the head is signalled: nobody woke up. */
	CHECK(wq_pp->port_queue.portq_thrcnt, 2);
	CHECK(wq_pp->port_queue.portq_nent, 1);
	msleep(&wq_pp, NULL, 0, "t", 30 * MS);
	CHECK(wq_pp->port_queue.portq_thrcnt, 0);
	kern_close(curthread, fd);
}

Test(port_queue_thread, larger_nget_goes_before_the_last_waiter)
{
	run(body_waiter_queue);
}

static void
body_alert(void *arg)
{
	struct port_user u = uint_user(3), v = uint_user(9);
	port_event_t ev;
	uint_t nget = 1;
	port_t *pp;
	int fd;

	pp = mkport(&fd);
	port_send(pp, PORT_SOURCE_USER, 1, &u);
	CHECK(port_alert(pp, PORT_ALERT_UPDATE, 4, &v), 0);
	CHECK(port_alert(pp, PORT_ALERT_UPDATE, 5, &v), EBUSY);
	CHECK(port_alert(pp, PORT_ALERT_INVALID, 5, &v), EINVAL);
	CHECK(getn(pp, &ev, 1, &nget, &zero_ts), 0);
	CHECK(ev.portev_source, PORT_SOURCE_ALERT);
	CHECK(ev.portev_events, 4);
	CHECK(ev.portev_user.pu_int, 9);
	CHECK(pp->port_queue.portq_nent, 1);
	port_remove_alert(&pp->port_queue);
	nget = 1;
	CHECK(getn(pp, &ev, 1, &nget, &zero_ts), 0);
	CHECK(ev.portev_source, PORT_SOURCE_USER);
	kern_close(curthread, fd);
}

Test(port_alert, alert_hides_queue_until_cleared)
{
	run(body_alert);
}

static void
body_fd_oneshot(void *arg)
{
	struct port_user u = uint_user(1);
	port_event_t ev;
	char c = 'x';
	size_t n;
	uint_t nget;
	struct file *wfp;
	int pfd, fds[2];
	port_t *pp;

	pp = mkport(&pfd);
	kern_pipe(curthread, fds, 0);
	CHECK(port_associate_fd(pp, PORT_SOURCE_FD, fds[0], POLLIN, &u), 0);
	CHECK(port_dissociate_fd(pp, 99), EBADFD);
	fget(curthread, fds[1], &wfp);
	wfp->f_ops->fo_write(wfp, &c, 1, &n, curthread);
	wfp->f_ops->fo_write(wfp, &c, 1, &n, curthread);
	fdrop(wfp, curthread);
	CHECK(pp->port_queue.portq_nent, 1); /* one-shot: one post */
	nget = 1;
	CHECK(getn(pp, &ev, 1, &nget, &zero_ts), 0);
	CHECK(ev.portev_source, PORT_SOURCE_FD);
	CHECK(ev.portev_object, fds[0]);
	CHECK(ev.portev_events, POLLIN);
	CHECK(pp->port_curr, 1); /* the CACHED slot stays */
	CHECK(port_dissociate_fd(pp, (uintptr_t)fds[0]), ENOENT);
	CHECK(pp->port_curr, 0);
	kern_close(curthread, pfd);
}

Test(port_associate_fd, oneshot_and_enoent_after_delivery)
{
	run(body_fd_oneshot);
}

static void
body_slots(void *arg)
{
	struct port_user u = uint_user(0);
	port_t *pp;
	int fd, i;

	sim_tunable_set(PORT_TUNABLE_MAX_EVENTS, 4);
	pp = mkport(&fd);
	for (i = 0; i < 4; i++)
		CHECK(port_send(pp, PORT_SOURCE_USER, i, &u), 0);
	CHECK(port_send(pp, PORT_SOURCE_USER, 9, &u), EAGAIN);
	CHECK(pp->port_curr, 4);
	CHECK(pp->port_max_events, 4);
	kern_close(curthread, fd);
}

Test(port_alloc_event_local, eagain_at_port_max_events)
{
	run(body_slots);
}
