/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tests for sim/socket.c: each test boots a simulated kernel (sim_test_run)
 * whose pid 1 runs a C body on a socket pair.  The body records what it
 * observed and the assertions run after the run, on the host stack.  The
 * blocking tests start a second simulated thread directly with
 * sched_thread_new(), owned by a test-local 'struct thread' of pid 1 (the
 * process layer only creates threads that run Lua); the helper ends by
 * writing to a second pair on which the main thread waits, as a join.
 */
#include "simtest.h"

#include "../sim/socket.h"
#include "../sim/vfs.h"

static void
run(void (*body)(void *))
{
	simtest_run("freebsd", body);
}

static int
fdpoll(int fd, int events)
{
	struct thread *td = curthread;
	struct file *fp;
	int rev;

	if (fget(td, fd, &fp) != 0)
		return (-1);
	rev = fp->f_ops->fo_poll(fp, events, td);
	(void)fdrop(fp, td);
	return (rev);
}

static struct socket *
fdsocket(int fd)
{
	struct thread *td = curthread;
	struct file *fp;
	struct socket *so;

	if (fget(td, fd, &fp) != 0)
		return (NULL);
	so = fp->f_data;
	(void)fdrop(fp, td);
	return (so);
}

static int
setnonblock(int fd)
{
	int64_t ret;

	return (kern_fcntl(curthread, fd, F_SETFL, O_NONBLOCK, &ret));
}

static bool
sigpipe_pending(void)
{
	return ((curproc->p_siglist & SIGBIT(SIGPIPE)) != 0);
}

/* Forgets a pending SIGPIPE so that later sleeps are not interrupted. */
static void
clear_sigpipe(void)
{
	(void)kern_sigaction(curthread, SIGPIPE, SIGDISP_IGNORE, NULL);
	(void)kern_sigaction(curthread, SIGPIPE, SIGDISP_DEFAULT, NULL);
}

/* selwakeup() calls seen by the hook. */
static struct {
	struct selinfo *sip;
	int pollev;
	bool locked;
} wklog[256];
static int nwk;
static struct sim_kops test_kops;
static const struct sim_kops *saved_kops;

static void
rec_selwakeup(struct selinfo *sip, long hint, int pollev)
{
	if (nwk < (int)(sizeof(wklog) / sizeof(wklog[0]))) {
		wklog[nwk].sip = sip;
		wklog[nwk].pollev = pollev;
		wklog[nwk].locked = mtx_owned(sip->si_note.kl_lock);
		nwk++;
	}
}

static void
hook_wakeups(void)
{
	saved_kops = sim_kern->k_ops;
	test_kops = *saved_kops;
	test_kops.ko_selwakeup = rec_selwakeup;
	sim_kern->k_ops = &test_kops;
	nwk = 0;
}

static void
unhook_wakeups(void)
{
	sim_kern->k_ops = saved_kops;
}

/* The events reported on sip, or'ed. */
static int
wakeups(struct selinfo *sip)
{
	int i, ev = 0;

	for (i = 0; i < nwk; i++)
		if (wklog[i].sip == sip)
			ev |= wklog[i].pollev | 0x10000;
	return (ev);
}

static void
body_basic(void *arg)
{
	struct thread *td = curthread;
	struct socket *so0, *so1;
	int fds[2], i;
	char buf[16];
	size_t n;

	CHECK(kern_socketpair(td, fds), 0);
	CHECK(fds[0], 0);
	CHECK(fds[1], 1);
	so0 = fdsocket(fds[0]);
	so1 = fdsocket(fds[1]);
	CHECK(so0->so_peer == so1, 1);
	CHECK(fdpoll(fds[0], POLLIN | POLLOUT), POLLOUT);

	hook_wakeups();
	CHECK(fdwrite(fds[0], "hello", 5, &n), 0);
	unhook_wakeups();
	CHECK(n, 5);
	CHECK(so1->so_rcv.sb_cc, 5);
	CHECK(wakeups(&so1->so_rcv.sb_sel), 0x10000 | POLLIN | POLLRDNORM);
	for (i = 0; i < nwk; i++)
		CHECK(wklog[i].locked, 1);
	CHECK(fdpoll(fds[1], POLLIN | POLLRDNORM | POLLOUT),
	    POLLIN | POLLRDNORM | POLLOUT);
	/* Only the events asked for (and POLLHUP) are reported. */
	CHECK(fdpoll(fds[1], POLLOUT), POLLOUT);

	/* Both directions work, and a short read leaves the rest. */
	CHECK(fdwrite(fds[1], "abc", 3, &n), 0);
	CHECK(fdread(fds[1], buf, 2, &n), 0);
	CHECK(n, 2);
	CHECK(memcmp(buf, "he", 2), 0);
	hook_wakeups();
	CHECK(fdread(fds[1], buf, sizeof(buf), &n), 0);
	unhook_wakeups();
	CHECK(n, 3);
	CHECK(memcmp(buf, "llo", 3), 0);
	/* Reading wakes the peer's writers. */
	CHECK(wakeups(&so0->so_snd.sb_sel), 0x10000 | POLLOUT);
	CHECK(so1->so_rcv.sb_cc, 0);
	CHECK(fdread(fds[0], buf, sizeof(buf), &n), 0);
	CHECK(n, 3);
	CHECK(memcmp(buf, "abc", 3), 0);
	CHECK(kern_close(td, fds[0]), 0);
	CHECK(kern_close(td, fds[1]), 0);
}

Test(socketops, write_read_poll_and_wakeups)
{
	run(body_basic);
}

static void
body_nonblock(void *arg)
{
	struct thread *td = curthread;
	static char big[10000], out[10000];
	int fds[2];
	size_t n, i;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	CHECK(kern_socketpair(td, fds), 0);
	CHECK(setnonblock(fds[0]), 0);
	CHECK(setnonblock(fds[1]), 0);
	CHECK(fdread(fds[1], out, sizeof(out), &n), EAGAIN);
	CHECK(n, 0);
	/* A partial write returns what fitted: 'sb_hiwat' bytes. */
	CHECK(fdwrite(fds[0], big, sizeof(big), &n), 0);
	CHECK(n, SOCKBUF_SIZE);
	CHECK(fdpoll(fds[0], POLLOUT), 0);
	CHECK(fdwrite(fds[0], big, 1, &n), EAGAIN);
	CHECK(n, 0);
	/* Wrapping around the circular buffer keeps the bytes in order. */
	CHECK(fdread(fds[1], out, 5000, &n), 0);
	CHECK(n, 5000);
	CHECK(
	    fdwrite(fds[0], big + SOCKBUF_SIZE, sizeof(big) - SOCKBUF_SIZE, &n),
	    0);
	CHECK(n, sizeof(big) - SOCKBUF_SIZE);
	CHECK(fdread(fds[1], out + 5000, sizeof(out), &n), 0);
	CHECK(n, sizeof(big) - 5000);
	CHECK(memcmp(out, big, sizeof(big)), 0);
	CHECK(kern_close(td, fds[0]), 0);
	CHECK(kern_close(td, fds[1]), 0);
}

Test(socketops, nonblocking_eagain_and_partial_write)
{
	run(body_nonblock);
}

static void
body_close(void *arg)
{
	struct thread *td = curthread;
	struct socket *so1;
	int fds[2];
	char buf[16];
	size_t n;

	CHECK(kern_socketpair(td, fds), 0);
	so1 = fdsocket(fds[1]);
	CHECK(fdwrite(fds[0], "bye", 3, &n), 0);
	hook_wakeups();
	CHECK(kern_close(td, fds[0]), 0);
	unhook_wakeups();
	CHECK(wakeups(&so1->so_rcv.sb_sel),
	    0x10000 | POLLIN | POLLRDNORM | POLLHUP);
	CHECK(so1->so_rcv.sb_state, SBS_CANTRCVMORE);
	CHECK(so1->so_snd.sb_state, SBS_CANTSENDMORE);
	CHECK(fdpoll(fds[1], POLLIN | POLLRDNORM | POLLOUT),
	    POLLIN | POLLRDNORM | POLLOUT | POLLHUP);
	/* What was buffered, then EOF (without blocking). */
	CHECK(fdread(fds[1], buf, sizeof(buf), &n), 0);
	CHECK(n, 3);
	CHECK(fdread(fds[1], buf, sizeof(buf), &n), 0);
	CHECK(n, 0);
	/* Writing to a closed peer: EPIPE and SIGPIPE. */
	CHECK(sigpipe_pending(), 0);
	CHECK(fdwrite(fds[1], "x", 1, &n), EPIPE);
	CHECK(sigpipe_pending(), 1);
	clear_sigpipe();
	CHECK(kern_shutdown(td, fds[1], SHUT_WR), ENOTCONN);
	CHECK(kern_close(td, fds[1]), 0);
}

Test(socketops, eof_and_epipe_after_peer_close)
{
	run(body_close);
}

static void
body_shutdown(void *arg)
{
	struct thread *td = curthread;
	struct socket *so0, *so1;
	int fds[2], ffd;
	char buf[16];
	size_t n;

	CHECK(kern_socketpair(td, fds), 0);
	so0 = fdsocket(fds[0]);
	so1 = fdsocket(fds[1]);
	CHECK(kern_shutdown(td, 77, SHUT_RD), EBADF);
	CHECK(kern_openat(td, "/f", O_RDWR | O_CREAT, 0644, &ffd), 0);
	CHECK(kern_shutdown(td, ffd, SHUT_RD), ENOTSOCK);
	CHECK(kern_shutdown(td, fds[0], 3), EINVAL);
	CHECK(kern_shutdown(td, fds[0], -1), EINVAL);

	/* SHUT_WR: our writes fail, the peer reads EOF, the other way works. */
	CHECK(fdwrite(fds[0], "ab", 2, &n), 0);
	hook_wakeups();
	CHECK(kern_shutdown(td, fds[0], SHUT_WR), 0);
	unhook_wakeups();
	CHECK(so0->so_snd.sb_state, SBS_CANTSENDMORE);
	CHECK(so1->so_rcv.sb_state, SBS_CANTRCVMORE);
	CHECK(wakeups(&so1->so_rcv.sb_sel), 0x10000 | POLLIN | POLLRDNORM);
	CHECK(wakeups(&so0->so_snd.sb_sel), 0x10000 | POLLOUT);
	CHECK(fdwrite(fds[0], "x", 1, &n), EPIPE);
	CHECK(sigpipe_pending(), 1);
	clear_sigpipe();
	CHECK(fdread(fds[1], buf, sizeof(buf), &n), 0);
	CHECK(n, 2);
	CHECK(fdread(fds[1], buf, sizeof(buf), &n), 0);
	CHECK(n, 0);
	CHECK(fdwrite(fds[1], "cd", 2, &n), 0);
	CHECK(fdread(fds[0], buf, sizeof(buf), &n), 0);
	CHECK(n, 2);
	CHECK(fdpoll(fds[0], POLLIN | POLLOUT), POLLOUT);

	/* SHUT_RD: buffered data is discarded and reads see EOF. */
	CHECK(fdwrite(fds[1], "ef", 2, &n), 0);
	CHECK(kern_shutdown(td, fds[0], SHUT_RD), 0);
	CHECK(so0->so_rcv.sb_cc, 0);
	CHECK(so0->so_rcv.sb_state, SBS_CANTRCVMORE);
	CHECK(fdread(fds[0], buf, sizeof(buf), &n), 0);
	CHECK(n, 0);
	/* Both directions of fds[0] are shut: POLLHUP. */
	CHECK(fdpoll(fds[0], POLLIN) & POLLHUP, POLLHUP);
	CHECK(fdwrite(fds[1], "g", 1, &n), EPIPE);
	clear_sigpipe();
	CHECK(kern_close(td, fds[0]), 0);
	CHECK(kern_close(td, fds[1]), 0);
	CHECK(kern_close(td, ffd), 0);
}

Test(kern_shutdown, errors_eof_and_epipe)
{
	run(body_shutdown);
}

/* A second simulated thread of pid 1 running a C function. */
struct helper {
	struct thread td;
	int fds[2]; /* the pair under test */
	int join[2]; /* the helper writes join[1] when done */
	struct sched_thread *main_st;
	bool main_blocked;
	const char *main_wmesg;
	int error;
	size_t n;
	char buf[10000];
};

static void
helper_start(struct helper *h, void (*fn)(void *))
{
	struct thread *td = curthread;

	h->td.td_proc = td->td_proc;
	h->td.td_tid = 199999;
	h->main_st = td->td_st;
	CHECK(kern_socketpair(td, h->join), 0);
	CHECK(sched_thread_new(&h->td.td_st, td->td_proc->p_pid, h->td.td_tid,
		  "helper", false, fn, h),
	    0);
	sched_thread_set_owner(h->td.td_st, &h->td);
}

static void
helper_done(struct helper *h)
{
	size_t n;

	(void)fdwrite_td(&h->td, h->join[1], "j", 1, &n);
}

static void
helper_join(struct helper *h)
{
	char c;
	size_t n;

	CHECK(fdread(h->join[0], &c, 1, &n), 0);
	CHECK(n, 1);
	(void)kern_close(curthread, h->join[0]);
	(void)kern_close(curthread, h->join[1]);
}

static void
helper_writer(void *arg)
{
	struct helper *h = arg;
	size_t n;

	/* The main thread is asleep in its read by now. */
	h->main_blocked = sched_thread_blocked(h->main_st);
	h->main_wmesg = sched_thread_wmesg(h->main_st);
	(void)fdwrite_td(&h->td, h->fds[1], "wake", 4, &n);
	helper_done(h);
}

static void
body_blocking_read(void *arg)
{
	struct thread *td = curthread;
	static struct helper h;
	char buf[16];
	size_t n;

	memset(&h, 0, sizeof(h));
	CHECK(kern_socketpair(td, h.fds), 0);
	helper_start(&h, helper_writer);
	CHECK(fdread(h.fds[0], buf, sizeof(buf), &n), 0);
	CHECK(n, 4);
	CHECK(memcmp(buf, "wake", 4), 0);
	helper_join(&h);
	CHECK(h.main_blocked, 1);
	CHECK(h.main_wmesg != NULL && strcmp(h.main_wmesg, "sbwait") == 0, 1);
	CHECK(kern_close(td, h.fds[0]), 0);
	CHECK(kern_close(td, h.fds[1]), 0);
}

Test(socketops, blocking_read_sleeps_until_data)
{
	run(body_blocking_read);
}

static void
helper_reader(void *arg)
{
	struct helper *h = arg;
	size_t n, total = 0;

	h->main_blocked = sched_thread_blocked(h->main_st);
	h->main_wmesg = sched_thread_wmesg(h->main_st);
	while (total < sizeof(h->buf)) {
		h->error = fdread_td(&h->td, h->fds[1], h->buf + total,
		    sizeof(h->buf) - total, &n);
		if (h->error != 0 || n == 0)
			break;
		total += n;
	}
	h->n = total;
	helper_done(h);
}

static void
body_blocking_write(void *arg)
{
	struct thread *td = curthread;
	static struct helper h;
	static char big[10000];
	size_t n, i;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)('A' + i % 26);
	memset(&h, 0, sizeof(h));
	CHECK(kern_socketpair(td, h.fds), 0);
	helper_start(&h, helper_reader);
	/* Blocks when the peer's buffer is full, then finishes. */
	CHECK(fdwrite(h.fds[0], big, sizeof(big), &n), 0);
	CHECK(n, sizeof(big));
	helper_join(&h);
	CHECK(h.main_blocked, 1);
	CHECK(h.main_wmesg != NULL && strcmp(h.main_wmesg, "sbwait") == 0, 1);
	CHECK(h.error, 0);
	CHECK(h.n, sizeof(big));
	CHECK(memcmp(h.buf, big, sizeof(big)), 0);
	CHECK(kern_close(td, h.fds[0]), 0);
	CHECK(kern_close(td, h.fds[1]), 0);
}

Test(socketops, blocking_write_sleeps_while_full)
{
	run(body_blocking_write);
}

static void
helper_closer(void *arg)
{
	struct helper *h = arg;

	h->main_blocked = sched_thread_blocked(h->main_st);
	(void)kern_close(&h->td, h->fds[1]);
	helper_done(h);
}

static void
body_blocked_reader_sees_eof(void *arg)
{
	struct thread *td = curthread;
	static struct helper h;
	char buf[16];
	size_t n = 99;

	memset(&h, 0, sizeof(h));
	CHECK(kern_socketpair(td, h.fds), 0);
	helper_start(&h, helper_closer);
	CHECK(fdread(h.fds[0], buf, sizeof(buf), &n), 0);
	CHECK(n, 0);
	helper_join(&h);
	CHECK(h.main_blocked, 1);
	CHECK(kern_close(td, h.fds[0]), 0);
}

Test(socketops, blocked_reader_wakes_with_eof_on_peer_close)
{
	run(body_blocked_reader_sees_eof);
}

static void
helper_signaller(void *arg)
{
	struct helper *h = arg;

	h->main_blocked = sched_thread_blocked(h->main_st);
	h->error = kern_kill(&h->td, h->td.td_proc->p_pid, SIGUSR1);
	helper_done(h);
}

static void
body_interrupted_read(void *arg)
{
	struct thread *td = curthread;
	static struct helper h;
	char buf[16];
	size_t n;

	memset(&h, 0, sizeof(h));
	CHECK(kern_sigaction(td, SIGUSR1, SIGDISP_CATCH, NULL), 0);
	CHECK(kern_socketpair(td, h.fds), 0);
	helper_start(&h, helper_signaller);
	CHECK(fdread(h.fds[0], buf, sizeof(buf), &n), EINTR);
	CHECK(n, 0);
	CHECK(h.main_blocked, 1);
	CHECK(h.error, 0);
	/* Forget the caught signal before waiting for the helper. */
	CHECK(kern_sigaction(td, SIGUSR1, SIGDISP_IGNORE, NULL), 0);
	helper_join(&h);
	CHECK(kern_close(td, h.fds[0]), 0);
	CHECK(kern_close(td, h.fds[1]), 0);
}

Test(socketops, blocked_read_interrupted_by_a_signal)
{
	run(body_interrupted_read);
}

/*
 * SO_RCVBUF beyond the buffer's storage grows it (sbreserve_locked()),
 * keeping wrapped-around contents in order; sb_max_adj bounds it (ENOBUFS);
 * a smaller limit leaves no room while more is buffered
 * (uipc_stream_sbspace()).
 */
static void
body_rcvbuf_grow(void *arg)
{
	struct thread *td = curthread;
	static char in[12000], got[12000];
	struct socket *so;
	size_t i, n;
	int fds[2];
	int64_t v;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (char)('A' + i % 53);
	CHECK(kern_socketpair(td, fds), 0);
	CHECK(setnonblock(fds[1]), 0);
	so = fdsocket(fds[0]);
	/* Wrap fds[0]'s receive buffer: 6000 in, 5000 out, 6000 in. */
	CHECK(fdwrite(fds[1], in, 6000, &n), 0);
	CHECK(fdread(fds[0], got, 5000, &n), 0);
	CHECK(fdwrite(fds[1], in + 6000, 6000, &n), 0);
	CHECK(n, 6000);
	CHECK(so->so_rcv.sb_in < so->so_rcv.sb_out, 1);
	CHECK(kern_setsockopt(td, fds[0], SOL_SOCKET, SO_RCVBUF, 16384), 0);
	CHECK(so->so_rcv.sb_size, 16384);
	CHECK(uipc_stream_sbspace(&so->so_rcv), 16384 - 7000);
	CHECK(kern_setsockopt(
		  td, fds[0], SOL_SOCKET, SO_RCVBUF, (int64_t)SB_MAX_ADJ + 1),
	    ENOBUFS);
	CHECK(kern_getsockopt(td, fds[0], SOL_SOCKET, SO_RCVBUF, &v), 0);
	CHECK(v, 16384);
	/* Shrunk below what it holds: no room, nothing lost. */
	CHECK(kern_setsockopt(td, fds[0], SOL_SOCKET, SO_RCVBUF, 4096), 0);
	CHECK(uipc_stream_sbspace(&so->so_rcv), 0);
	CHECK(fdwrite(fds[1], in, 1, &n), EAGAIN);
	CHECK(fdread(fds[0], got, sizeof(got), &n), 0);
	CHECK(n, 7000);
	CHECK(memcmp(got, in + 5000, 7000), 0);
	CHECK(kern_close(td, fds[0]), 0);
	CHECK(kern_close(td, fds[1]), 0);
}

Test(socketops, rcvbuf_grows_storage_in_order)
{
	run(body_rcvbuf_grow);
}
