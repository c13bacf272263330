/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tests for sim/freebsd/kern_event.c and its companions: registration,
 * scanning, flag semantics, the KASSERTs that turn a broken state machine
 * into a panic, the trace rows of 'kn_status', close, and the CPONFORK copy
 * in both revisions.  Each test boots a simulated kernel (sim_test_run)
 * whose pid 1 runs a C body that calls the kernel functions directly, as a
 * syscall would; the checks it records are asserted on the host stack once
 * the run is over.
 */
#include "../engine/trace.h"
#include "../sim/freebsd/event.h"
#include "../sim/freebsd/eventvar.h"
#include "../sim/pipe.h"
#include "simtest.h"

static void
run_kernel(const char *kernel, void (*body)(void *), enum sched_status want)
{
	simtest_run_want(kernel, body, want);
}

static void
run(void (*body)(void *))
{
	run_kernel("freebsd", body, SCHED_PASSED);
}

/* A kevent() call with C buffers. */
struct kbuf {
	struct kevent *changes;
	int nchanges, pos;
	struct kevent out[64];
	int nout;
};

static int
kb_copyin(void *arg, struct kevent *kevp, int count)
{
	struct kbuf *b = arg;

	memcpy(kevp, b->changes + b->pos, sizeof(*kevp) * (size_t)count);
	b->pos += count;
	return (0);
}

static int
kb_copyout(void *arg, struct kevent *kevp, int count)
{
	struct kbuf *b = arg;

	if (b->nout + count > 64)
		abort();
	memcpy(b->out + b->nout, kevp, sizeof(*kevp) * (size_t)count);
	b->nout += count;
	return (0);
}

/* kevent(kq, changes, nchanges, nevents, timeout): errno; *ret_n. */
static int
kev(int kq, struct kevent *changes, int nchanges, struct kbuf *b, int nevents,
    int64_t timeout_ns, int *ret_n)
{
	struct kevent_copyops k_ops;
	int error, n;

	memset(b, 0, sizeof(*b));
	b->changes = changes;
	b->nchanges = nchanges;
	k_ops.arg = b;
	k_ops.k_copyin = kb_copyin;
	k_ops.k_copyout = kb_copyout;
	error = kern_kevent(
	    curthread, kq, nchanges, nevents, &k_ops, timeout_ns, false, &n);
	if (ret_n != NULL)
		*ret_n = n;
	return (error);
}

static struct kevent
ke(uint64_t ident, int filter, int flags, unsigned fflags, int64_t data)
{
	struct kevent k;

	memset(&k, 0, sizeof(k));
	k.ident = ident;
	k.filter = (int16_t)filter;
	k.flags = (uint16_t)flags;
	k.fflags = fflags;
	k.data = data;
	return (k);
}

static struct kqueue *
kq_of(int fd)
{
	return (kqueue_of_file(fget_noref(curproc->p_fd, fd)));
}

static struct knote *
knote_of(int kqfd, uint64_t ident, int filter)
{
	struct kqueue *kq = kq_of(kqfd);
	struct knote *kn;
	int i;

	for (i = 0; i < kq->kq_knlistsize; i++)
		SLIST_FOREACH(kn, &kq->kq_knlist[i], kn_link)
			if (kn->kn_id == ident && kn->kn_filter == filter)
				return (kn);
	for (i = 0; kq->kq_knhashmask != 0 && i <= (int)kq->kq_knhashmask; i++)
		SLIST_FOREACH(kn, &kq->kq_knhash[i], kn_link)
			if (kn->kn_id == ident && kn->kn_filter == filter)
				return (kn);
	return (NULL);
}

static size_t
pwrite_fd(int fd, const char *s)
{
	struct file *fp;
	size_t n = 0;

	if (fget(curthread, fd, &fp) != 0)
		return (0);
	(void)fp->f_ops->fo_write(fp, s, strlen(s), &n, curthread);
	(void)fdrop(fp, curthread);
	return (n);
}

/* EV_ONESHOT: reported once, then the knote is gone. */
static void
body_oneshot(void *arg)
{
	struct kevent ch;
	struct kbuf b;
	int kq, fds[2], n;

	CHECK(kern_kqueue(curthread, 0, false, &kq), 0);
	CHECK(kern_pipe(curthread, fds, 0), 0);
	ch = ke((uint64_t)fds[0], EVFILT_READ, EV_ADD | EV_ONESHOT, 0, 0);
	CHECK(kev(kq, &ch, 1, &b, 0, 0, &n), 0);
	CHECK(pwrite_fd(fds[1], "abc"), 3);
	CHECK(knote_of(kq, (uint64_t)fds[0], EVFILT_READ)->kn_status,
	    KN_ACTIVE | KN_QUEUED);
	CHECK(kev(kq, NULL, 0, &b, 8, 0, &n), 0);
	CHECK(n, 1);
	CHECK(b.out[0].flags, EV_ONESHOT);
	CHECK(b.out[0].data, 3);
	CHECK(knote_of(kq, (uint64_t)fds[0], EVFILT_READ) == NULL, 1);
	CHECK(kq_of(kq)->kq_count, 0);
	CHECK(kev(kq, NULL, 0, &b, 8, 0, &n), 0);
	CHECK(n, 0);
}

Test(kqueue_scan, oneshot_knote_dropped_after_delivery)
{
	run(body_oneshot);
}

/* Level-triggered knotes are requeued: each is seen once per scan. */
static void
body_level(void *arg)
{
	struct kevent ch[10];
	struct kbuf b;
	int kq, i, n;

	CHECK(kern_kqueue(curthread, 0, false, &kq), 0);
	for (i = 0; i < 10; i++)
		ch[i] = ke((uint64_t)i + 1, EVFILT_USER, EV_ADD, 0, 0);
	CHECK(kev(kq, ch, 10, &b, 0, 0, &n), 0);
	for (i = 0; i < 10; i++)
		ch[i] = ke((uint64_t)i + 1, EVFILT_USER, 0, NOTE_TRIGGER, 0);
	CHECK(kev(kq, ch, 10, &b, 0, 0, &n), 0);
	CHECK(kq_of(kq)->kq_count, 10);
	CHECK(kev(kq, NULL, 0, &b, 3, 0, &n), 0);
	CHECK(n, 3);
	CHECK(kq_of(kq)->kq_count, 10);
	/* The three went to the tail: the next scan starts with the 4th. */
	CHECK(kev(kq, NULL, 0, &b, 64, 0, &n), 0);
	CHECK(n, 10);
	CHECK(b.out[0].ident, 4);
	CHECK(b.out[9].ident, 3);
}

Test(kqueue_scan, level_triggered_knotes_requeue_at_the_tail)
{
	run(body_level);
}

/* More than KQ_NEVENTS events: several copy-outs, all delivered. */
static void
body_batches(void *arg)
{
	struct kevent ch;
	struct kbuf b;
	int kq, i, n;

	CHECK(kern_kqueue(curthread, 0, false, &kq), 0);
	for (i = 0; i < 20; i++) {
		ch = ke((uint64_t)i, EVFILT_USER, EV_ADD | EV_ONESHOT, 0, 0);
		CHECK(kev(kq, &ch, 1, &b, 0, 0, &n), 0);
		ch = ke((uint64_t)i, EVFILT_USER, 0, NOTE_TRIGGER, 0);
		CHECK(kev(kq, &ch, 1, &b, 0, 0, &n), 0);
	}
	CHECK(kev(kq, NULL, 0, &b, 64, 0, &n), 0);
	CHECK(n, 20);
	CHECK(b.nout, 20);
	CHECK(kq_of(kq)->kq_count, 0);
}

Test(kqueue_scan, twenty_events_cross_three_copyouts)
{
	run(body_batches);
}

static void
body_einval(void *arg)
{
	struct kevent ch;
	struct kbuf b;
	int kq, n;

	CHECK(kern_kqueue(curthread, 0, false, &kq), 0);
	ch = ke(1, EVFILT_USER, EV_ADD | EV_ENABLE | EV_DISABLE, 0, 0);
	CHECK(kev(kq, &ch, 1, &b, 0, 0, &n), EINVAL);
	ch = ke(1, EVFILT_USER, EV_ADD | EV_KEEPUDATA, 0, 0);
	CHECK(kev(kq, &ch, 1, &b, 0, 0, &n), EINVAL);
	ch = ke(1, 3, EV_ADD, 0, 0);
	CHECK(kev(kq, &ch, 1, &b, 0, 0, &n), EINVAL);
	ch = ke(1, EVFILT_AIO, EV_ADD, 0, 0);
	CHECK(kev(kq, &ch, 1, &b, 0, 0, &n), ENXIO);
	ch = ke(1, EVFILT_USER, EV_DELETE, 0, 0);
	CHECK(kev(kq, &ch, 1, &b, 0, 0, &n), ENOENT);
	ch = ke((uint64_t)kq, EVFILT_READ, EV_ADD, 0, 0);
	CHECK(kev(kq, &ch, 1, &b, 0, 0, &n), EINVAL);
	CHECK(knote_of(kq, 1, EVFILT_USER) == NULL, 1);
}

Test(kqueue_register, invalid_changes_fail_without_a_knote)
{
	run(body_einval);
}

/* EV_RECEIPT: error entries instead of a scan; data is FreeBSD's errno. */
static void
body_receipt(void *arg)
{
	struct kevent ch[2];
	struct kbuf b;
	int kq, n;

	CHECK(kern_kqueue(curthread, 0, false, &kq), 0);
	ch[0] = ke(1, EVFILT_USER, EV_ADD | EV_RECEIPT, 5, 9);
	ch[1] = ke(1000, EVFILT_READ, EV_ADD, 0, 0);
	CHECK(kev(kq, ch, 2, &b, 8, 0, &n), 0);
	CHECK(n, 2);
	CHECK(b.out[0].flags, EV_ERROR);
	CHECK(b.out[0].data, 0);
	CHECK(b.out[0].fflags, 0);
	CHECK(b.out[1].flags, EV_ERROR);
	CHECK(b.out[1].data, 9); /* EBADF on FreeBSD */
	/* nevents == 0: the first error is the call's error. */
	CHECK(kev(kq, &ch[1], 1, &b, 0, 0, &n), EBADF);
}

Test(kqueue_kevent, receipt_and_errors_are_error_entries)
{
	run(body_receipt);
}

/* A double enqueue is the kernel's "knote already queued" panic. */
static void
body_double_enqueue(void *arg)
{
	struct kevent ch;
	struct knote *kn;
	struct kbuf b;
	int kq, n;

	CHECK(kern_kqueue(curthread, 0, false, &kq), 0);
	ch = ke(1, EVFILT_USER, EV_ADD, 0, 0);
	CHECK(kev(kq, &ch, 1, &b, 0, 0, &n), 0);
	ch = ke(1, EVFILT_USER, 0, NOTE_TRIGGER, 0);
	CHECK(kev(kq, &ch, 1, &b, 0, 0, &n), 0);
	kn = knote_of(kq, 1, EVFILT_USER);
	CHECK(kn->kn_status & KN_QUEUED, KN_QUEUED);
	KQ_LOCK(kn->kn_kq);
	knote_enqueue(kn);
	CHECK(0, 1); /* not reached */
}

Test(knote_enqueue, queued_knote_enqueued_again_panics)
{
	run_kernel("freebsd", body_double_enqueue, SCHED_PANIC);
}

/* The trace shows ACTIVE -> ACTIVE|QUEUED by knote_enqueue, then the drop. */
static void
body_trace(void *arg)
{
	struct kevent ch;
	struct kbuf b;
	char *text = NULL, want[256];
	size_t len = 0;
	const char *name;
	struct knote *kn;
	FILE *f;
	int kq, fds[2], n;

	CHECK(kern_kqueue(curthread, 0, false, &kq), 0);
	CHECK(kern_pipe(curthread, fds, 0), 0);
	f = open_memstream(&text, &len);
	trace_set_text_out(sched_trace_sink(), f);
	ch = ke((uint64_t)fds[0], EVFILT_READ, EV_ADD | EV_ONESHOT, 0, 0);
	CHECK(kev(kq, &ch, 1, &b, 0, 0, &n), 0);
	kn = knote_of(kq, (uint64_t)fds[0], EVFILT_READ);
	name = strdup(kn->kn_obj.so_name);
	CHECK(pwrite_fd(fds[1], "x"), 1);
	CHECK(kev(kq, NULL, 0, &b, 8, 0, &n), 0);
	trace_set_text_out(sched_trace_sink(), NULL);
	fclose(f);
	snprintf(want, sizeof(want),
	    "\tknote_enqueue\t%s\tkn_status\tACTIVE\tACTIVE|QUEUED\n", name);
	CHECK(strstr(text, want) != NULL, 1);
	snprintf(want, sizeof(want),
	    "\tknote_drop\t%s\t(life)\tcreated\tfreed\n", name);
	CHECK(strstr(text, want) != NULL, 1);
	snprintf(want, sizeof(want), "\tknote_enqueue\tkqueue#");
	CHECK(strstr(text, want) != NULL, 1);
	free((void *)name);
	free(text);
}

Test(knote_enqueue, trace_shows_status_transitions_and_drop)
{
	run(body_trace);
}

/* close(fd) drops the knotes on that number, not those on a dup. */
static void
body_fdclose(void *arg)
{
	struct kevent ch[2];
	struct kbuf b;
	int kq, fds[2], dup_fd, n;

	CHECK(kern_kqueue(curthread, 0, false, &kq), 0);
	CHECK(kern_pipe(curthread, fds, 0), 0);
	CHECK(kern_dup(curthread, fds[0], -1, &dup_fd), 0);
	ch[0] = ke((uint64_t)fds[0], EVFILT_READ, EV_ADD, 0, 0);
	ch[1] = ke((uint64_t)dup_fd, EVFILT_READ, EV_ADD, 0, 0);
	CHECK(kev(kq, ch, 2, &b, 0, 0, &n), 0);
	CHECK(pwrite_fd(fds[1], "x"), 1);
	CHECK(kq_of(kq)->kq_count, 2);
	CHECK(kern_close(curthread, fds[0]), 0);
	CHECK(knote_of(kq, (uint64_t)fds[0], EVFILT_READ) == NULL, 1);
	CHECK(knote_of(kq, (uint64_t)dup_fd, EVFILT_READ) != NULL, 1);
	CHECK(kq_of(kq)->kq_count, 1);
}

Test(knote_fdclose, close_drops_knotes_of_that_fd_number_only)
{
	run(body_fdclose);
}

/*
 * Knotes leave their knlist in any order and the list stays whole: eight
 * knotes on one pipe (its read end dup2'ed to eight descriptors, registered
 * in ascending order) lose the middle one, the head, the tail and another;
 * every remaining knote's 'kn_selprevp' points at the link that points to
 * it, and a write reports the four left in the order knote() walks the list
 * (newest first).
 */
static void
body_knlist_remove(void *arg)
{
	static const int del[] = { 4, 8, 1, 5 };
	static const int left[] = { 7, 6, 3, 2 };
	struct kevent ch;
	struct knlist *knl;
	struct knote *kn, **link;
	struct kbuf b;
	int kq, fds[2], n, i, fd;

	CHECK(kern_kqueue(curthread, 0, false, &kq), 0);
	CHECK(kern_pipe(curthread, fds, 0), 0);
	for (i = 1; i <= 8; i++) {
		CHECK(kern_dup(curthread, fds[0], 100 + i, &fd), 0);
		ch = ke((uint64_t)(100 + i), EVFILT_READ, EV_ADD, 0, 0);
		CHECK(kev(kq, &ch, 1, &b, 0, 0, &n), 0);
	}
	knl = knote_of(kq, 102, EVFILT_READ)->kn_knlist;
	for (i = 0; i < 4; i++) {
		ch = ke((uint64_t)(100 + del[i]), EVFILT_READ, EV_DELETE, 0, 0);
		CHECK(kev(kq, &ch, 1, &b, 0, 0, &n), 0);
	}
	n = 0;
	link = &SLIST_FIRST(&knl->kl_list);
	SLIST_FOREACH(kn, &knl->kl_list, kn_selnext) {
		CHECK(kn->kn_selprevp == link, 1);
		CHECK(kn->kn_id, 100 + left[n]);
		link = &SLIST_NEXT(kn, kn_selnext);
		n++;
	}
	CHECK(n, 4);
	CHECK(pwrite_fd(fds[1], "x"), 1);
	CHECK(kev(kq, NULL, 0, &b, 8, 0, &n), 0);
	CHECK(n, 4);
	for (i = 0; i < 4; i++)
		CHECK(b.out[i].ident, 100 + left[i]);
}

Test(knlist_remove_kq, any_order_leaves_the_list_whole)
{
	run(body_knlist_remove);
}

/* Timers count against kern.kq_calloutmax; closing the kqueue frees them. */
static void
body_callouts(void *arg)
{
	struct kevent ch;
	struct kbuf b;
	int kq, n, i;

	CHECK(sim_tunable_set("kern.kq_calloutmax", 3), 0);
	CHECK(kern_kqueue(curthread, 0, false, &kq), 0);
	for (i = 0; i < 3; i++) {
		ch = ke((uint64_t)i, EVFILT_TIMER, EV_ADD, 0, 10);
		CHECK(kev(kq, &ch, 1, &b, 0, 0, &n), 0);
	}
	CHECK(kq_ncallouts, 3);
	ch = ke(9, EVFILT_TIMER, EV_ADD, 0, 10);
	CHECK(kev(kq, &ch, 1, &b, 0, 0, &n), ENOMEM);
	CHECK(kern_close(curthread, kq), 0);
	CHECK(kq_ncallouts, 0);
}

Test(filt_timerattach, calloutmax_is_enomem_and_close_releases)
{
	run(body_callouts);
}

/* A periodic timer counts the periods that passed (overruns). */
static void
body_timer(void *arg)
{
	struct kevent ch;
	struct kbuf b;
	int kq, n;

	CHECK(kern_kqueue(curthread, 0, false, &kq), 0);
	ch = ke(1, EVFILT_TIMER, EV_ADD, NOTE_USECONDS, 100);
	CHECK(kev(kq, &ch, 1, &b, 0, 0, &n), 0);
	CHECK(kev(kq, NULL, 0, &b, 4, 350000, &n), 0);
	CHECK(n, 1);
	CHECK(b.out[0].data, 1);
	CHECK(sched_now(), 100000);
	CHECK(kev(kq, NULL, 0, &b, 4, 250000, &n), 0);
	CHECK(n, 1);
	CHECK(b.out[0].flags, EV_CLEAR);
	CHECK(sched_now(), 200000);
}

Test(filt_timerexpire, periodic_timer_reports_each_period)
{
	run(body_timer);
}
