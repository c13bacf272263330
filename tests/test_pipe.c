/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tests for sim/pipe.c: blocking and non-blocking reads and writes in
 * virtual time, EOF, EPIPE with SIGPIPE, PIPE_BUF atomicity, the buffer
 * capacity and the pipe_buffer.cnt transitions of the trace.  Each test
 * boots a simulated kernel (sim_test_run) whose pid 1 runs a C body; a
 * second thread (thread_create_c) or a child process (fork1_c) plays the
 * other end.  The bodies record what they observed, and the assertions run
 * after the run, on the host stack.
 */
#include "simtest.h"

#include "../engine/trace.h"
#include "../sim/pipe.h"

/* What the other thread or process saw; reset by run(). */
static struct {
	int fds[2];
	int error;
	size_t n;
	int64_t when;
	int done;
	int wantr;
	size_t len;
} peer;

static char big[BIG_PIPE_SIZE + 1024];
static char out[BIG_PIPE_SIZE + 1024];

static void
run(void (*body)(void *))
{
	size_t i;

	memset(&peer, 0, sizeof(peer));
	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 23);
	simtest_run("freebsd", body);
}

/* The pipe end behind fd. */
static struct pipe *
fdpipe(int fd)
{
	struct thread *td = curthread;
	struct file *fp;
	struct pipe *p;

	if (fget(td, fd, &fp) != 0)
		return (NULL);
	p = fp->f_data;
	(void)fdrop(fp, td);
	return (p);
}

static void
late_writer(void *arg)
{
	size_t n;

	nap(20);
	/* The reader is asleep, waiting for data. */
	peer.wantr = (fdpipe(peer.fds[0])->pipe_state & PIPE_WANTR) != 0;
	peer.when = sched_now();
	peer.error = fdwrite(peer.fds[1], "late", 4, &n);
	peer.n = n;
}

static void
body_blocking_read(void *arg)
{
	struct thread *td = curthread;
	char buf[16];
	size_t n = 0;
	int tid;

	CHECK(kern_pipe(td, peer.fds, 0), 0);
	CHECK(thread_create_c(td, late_writer, NULL, &tid), 0);
	CHECK(fdread(peer.fds[0], buf, sizeof(buf), &n), 0);
	CHECK(sched_now(), 20 * MS);
	CHECK(peer.when, 20 * MS);
	CHECK(peer.wantr, 1);
	CHECK(peer.error, 0);
	CHECK(peer.n, 4);
	CHECK(n, 4);
	CHECK(memcmp(buf, "late", 4), 0);
	CHECK(fdpipe(peer.fds[0])->pipe_state & PIPE_WANTR, 0);
	CHECK(fdpipe(peer.fds[0])->pipe_buffer.cnt, 0);
}

Test(pipe_read, empty_pipe_blocks_until_a_later_write)
{
	run(body_blocking_read);
}

static void
body_nonblocking_read(void *arg)
{
	struct thread *td = curthread;
	int fds[2], a[2];
	char buf[16];
	size_t n = 99;
	int64_t ret;

	CHECK(kern_pipe(td, fds, O_NONBLOCK), 0);
	CHECK(fdread(fds[0], buf, sizeof(buf), &n), EAGAIN);
	CHECK(n, 0);
	CHECK(sched_now(), 0);
	/* Data first, then EAGAIN again. */
	CHECK(fdwrite(fds[1], "ab", 2, &n), 0);
	CHECK(fdread(fds[0], buf, sizeof(buf), &n), 0);
	CHECK(n, 2);
	CHECK(fdread(fds[0], buf, sizeof(buf), &n), EAGAIN);
	/* With the writer gone it is EOF, not EAGAIN. */
	CHECK(kern_close(td, fds[1]), 0);
	CHECK(fdread(fds[0], buf, sizeof(buf), &n), 0);
	CHECK(n, 0);
	/* O_NONBLOCK set later through F_SETFL works the same. */
	CHECK(kern_pipe(td, a, 0), 0);
	CHECK(kern_fcntl(td, a[0], F_SETFL, O_NONBLOCK, &ret), 0);
	CHECK(fdread(a[0], buf, sizeof(buf), &n), EAGAIN);
	CHECK(sched_now(), 0);
}

Test(pipe_read, nonblocking_read_on_empty_is_eagain)
{
	run(body_nonblocking_read);
}

static void
child_writer(void *arg)
{
	size_t n = 99;

	(void)kern_close(curthread, peer.fds[0]);
	/* The parent has closed its read end too: no reader is left. */
	nap(5);
	peer.error = fdwrite(peer.fds[1], "x", 1, &n);
	peer.n = n;
	peer.wantr = (curproc->p_siglist & SIGBIT(SIGPIPE)) != 0;
	(void)sys(0);
	peer.done = 1;
}

static void
body_epipe(void *arg)
{
	struct thread *td = curthread;
	int pid, status, rpid;
	size_t n;

	CHECK(kern_pipe(td, peer.fds, 0), 0);
	CHECK(fork1_c(td, RFPROC | RFFDG, child_writer, NULL, &pid), 0);
	CHECK(kern_close(td, peer.fds[0]), 0);
	CHECK(kern_wait(td, pid, &status, 0, &rpid), 0);
	CHECK(peer.error, EPIPE);
	CHECK(peer.n, 0);
	CHECK(peer.wantr, 1);
	/* SIGPIPE's default action killed the writer. */
	CHECK(peer.done, 0);
	CHECK(status, SIGPIPE);
	CHECK(status, 13);
	/* With SIGPIPE ignored the writer just sees EPIPE. */
	CHECK(kern_sigaction(td, SIGPIPE, SIGDISP_IGNORE, NULL), 0);
	CHECK(sys(fdwrite(peer.fds[1], "y", 1, &n)), EPIPE);
	CHECK(curproc->p_siglist & SIGBIT(SIGPIPE), 0);
	CHECK(kern_close(td, peer.fds[1]), 0);
}

Test(pipe_write, reader_closed_is_epipe_and_sigpipe_kills)
{
	run(body_epipe);
}

static void
body_eof(void *arg)
{
	struct thread *td = curthread;
	int fds[2], wdup;
	char buf[16];
	size_t n;

	CHECK(kern_pipe(td, fds, O_NONBLOCK), 0);
	CHECK(kern_dup(td, fds[1], -1, &wdup), 0);
	CHECK(fdwrite(fds[1], "abc", 3, &n), 0);
	/* One of two writers closed: no EOF. */
	CHECK(kern_close(td, fds[1]), 0);
	CHECK(fdpipe(fds[0])->pipe_state & PIPE_EOF, 0);
	CHECK(fdread(fds[0], buf, 2, &n), 0);
	CHECK(n, 2);
	CHECK(fdread(fds[0], buf, sizeof(buf), &n), 0);
	CHECK(n, 1);
	CHECK(fdread(fds[0], buf, sizeof(buf), &n), EAGAIN);
	CHECK(fdwrite(wdup, "de", 2, &n), 0);
	/* The last writer closes: buffered bytes, then EOF for good. */
	CHECK(kern_close(td, wdup), 0);
	CHECK(fdpipe(fds[0])->pipe_state & PIPE_EOF, PIPE_EOF);
	CHECK(fdread(fds[0], buf, sizeof(buf), &n), 0);
	CHECK(n, 2);
	CHECK(memcmp(buf, "de", 2), 0);
	CHECK(fdread(fds[0], buf, sizeof(buf), &n), 0);
	CHECK(n, 0);
	CHECK(fdread(fds[0], buf, sizeof(buf), &n), 0);
	CHECK(n, 0);
}

Test(pipe_read, eof_after_last_writer_closes)
{
	run(body_eof);
}

static void
closer(void *arg)
{
	nap(7);
	peer.when = sched_now();
	peer.error = kern_close(curthread, peer.fds[1]);
}

static void
body_blocked_reader_eof(void *arg)
{
	struct thread *td = curthread;
	char buf[16];
	size_t n = 99;
	int tid;

	CHECK(kern_pipe(td, peer.fds, 0), 0);
	CHECK(thread_create_c(td, closer, NULL, &tid), 0);
	CHECK(fdread(peer.fds[0], buf, sizeof(buf), &n), 0);
	CHECK(n, 0);
	CHECK(sched_now(), 7 * MS);
	CHECK(peer.error, 0);
}

Test(pipe_read, blocked_reader_wakes_with_eof_on_last_close)
{
	run(body_blocked_reader_eof);
}

static void
atomic_writer(void *arg)
{
	size_t n = 99;

	peer.error = fdwrite(peer.fds[1], big, peer.len, &n);
	peer.n = n;
	peer.when = sched_now();
	peer.done = 1;
}

static void
body_atomic(void *arg)
{
	struct thread *td = curthread;
	struct pipe *rp;
	size_t n;
	int tid;

	CHECK(kern_pipe(td, peer.fds, 0), 0);
	rp = fdpipe(peer.fds[0]);
	/* Leave 100 bytes free in a buffer grown to its largest. */
	CHECK(fdwrite(peer.fds[1], big, BIG_PIPE_SIZE - 100, &n), 0);
	CHECK(n, BIG_PIPE_SIZE - 100);
	CHECK(rp->pipe_buffer.cnt, BIG_PIPE_SIZE - 100);
	peer.len = 512;
	CHECK(thread_create_c(td, atomic_writer, NULL, &tid), 0);
	nap(10);
	/* Not a byte of the 512 went in: the write is all or nothing. */
	CHECK(peer.done, 0);
	CHECK(rp->pipe_buffer.cnt, BIG_PIPE_SIZE - 100);
	CHECK(rp->pipe_state & PIPE_WANTW, PIPE_WANTW);
	/* 400 free is still too little. */
	CHECK(fdread(peer.fds[0], out, 300, &n), 0);
	nap(10);
	CHECK(peer.done, 0);
	CHECK(rp->pipe_buffer.cnt, BIG_PIPE_SIZE - 400);
	/* Drain most of it: the write completes at this time, whole. */
	CHECK(fdread(peer.fds[0], out + 300, BIG_PIPE_SIZE - 1000, &n), 0);
	CHECK(n, BIG_PIPE_SIZE - 1000);
	nap(10);
	CHECK(peer.done, 1);
	CHECK(peer.error, 0);
	CHECK(peer.n, 512);
	CHECK(peer.when, 20 * MS);
	CHECK(rp->pipe_buffer.cnt, 600 + 512);
	CHECK(fdread(peer.fds[0], out + BIG_PIPE_SIZE - 700, 1500, &n), 0);
	CHECK(n, 600 + 512);
	CHECK(memcmp(out, big, BIG_PIPE_SIZE - 100), 0);
	CHECK(memcmp(out + BIG_PIPE_SIZE - 100, big, 512), 0);
}

Test(pipe_write, pipe_buf_write_is_atomic_when_space_is_short)
{
	run(body_atomic);
}

static void
body_full(void *arg)
{
	struct thread *td = curthread;
	struct pipe *rp;
	int fds[2];
	size_t n = 99;

	CHECK(kern_pipe(td, fds, O_NONBLOCK), 0);
	rp = fdpipe(fds[0]);
	CHECK(rp->pipe_buffer.size, 16384);
	/*
	 * A larger write grows the buffer (pipe_write() doubles it up to
	 * BIG_PIPE_SIZE), fills it and reports the partial count.
	 */
	CHECK(fdwrite(fds[1], big, BIG_PIPE_SIZE + 1000, &n), 0);
	CHECK(rp->pipe_buffer.size, BIG_PIPE_SIZE);
	CHECK(n, BIG_PIPE_SIZE);
	CHECK(rp->pipe_buffer.cnt, BIG_PIPE_SIZE);
	CHECK(fdwrite(fds[1], big, 1, &n), EAGAIN);
	CHECK(n, 0);
	CHECK(rp->pipe_buffer.cnt, BIG_PIPE_SIZE);
	/* 100 bytes free: a small write that does not fit is EAGAIN... */
	CHECK(fdread(fds[0], out, 100, &n), 0);
	CHECK(fdwrite(fds[1], big, 200, &n), EAGAIN);
	CHECK(n, 0);
	/* ... a large one is not atomic and takes what fits. */
	CHECK(fdwrite(fds[1], big, 1000, &n), 0);
	CHECK(n, 100);
	CHECK(rp->pipe_buffer.cnt, BIG_PIPE_SIZE);
	/* Contents survive the wrap-around of the circular buffer. */
	CHECK(fdread(fds[0], out, sizeof(out), &n), 0);
	CHECK(n, BIG_PIPE_SIZE);
	CHECK(memcmp(out, big + 100, BIG_PIPE_SIZE - 100), 0);
	CHECK(memcmp(out + BIG_PIPE_SIZE - 100, big, 100), 0);
	CHECK(sched_now(), 0);
}

Test(pipe_write, buffer_grows_to_65536_fills_then_eagain)
{
	run(body_full);
}

/*
 * pipe_write() grows a buffer holding wrapped-around data (pipespace()):
 * the contents come out in order, the reverse direction starts at
 * SMALL_PIPE_SIZE.
 */
static void
body_grow_wrapped(void *arg)
{
	struct thread *td = curthread;
	struct pipe *rp;
	int fds[2];
	size_t n;

	CHECK(kern_pipe(td, fds, O_NONBLOCK), 0);
	rp = fdpipe(fds[0]);
	CHECK(fdpipe(fds[1])->pipe_buffer.size, SMALL_PIPE_SIZE);
	CHECK(fdwrite(fds[1], big, 16000, &n), 0);
	CHECK(fdread(fds[0], out, 10000, &n), 0);
	CHECK(fdwrite(fds[1], big + 16000, 6000, &n), 0);
	CHECK(rp->pipe_buffer.size, PIPE_SIZE);
	CHECK(rp->pipe_buffer.in < rp->pipe_buffer.out, 1);
	CHECK(fdwrite(fds[1], big + 22000, 10000, &n), 0);
	CHECK(n, 10000);
	CHECK(rp->pipe_buffer.size, 2 * PIPE_SIZE);
	CHECK(fdread(fds[0], out, sizeof(out), &n), 0);
	CHECK(n, 22000);
	CHECK(memcmp(out, big + 10000, 22000), 0);
}

Test(pipe_write, growth_keeps_wrapped_contents_in_order)
{
	run(body_grow_wrapped);
}

static void
body_trace(void *arg)
{
	struct thread *td = curthread;
	char *text = NULL, want[256];
	size_t len = 0, n;
	char buf[8];
	FILE *f;
	int fds[2];

	f = open_memstream(&text, &len);
	trace_set_text_out(sched_trace_sink(), f);
	CHECK(kern_pipe(td, fds, 0), 0);
	nap(3);
	CHECK(fdwrite(fds[1], "hello", 5, &n), 0);
	nap(4);
	CHECK(fdread(fds[0], buf, 2, &n), 0);
	CHECK(fdread(fds[0], buf, 8, &n), 0);
	trace_set_text_out(sched_trace_sink(), NULL);
	fclose(f);
	/*
	 * "seq vtime pid tid func object field old new": the write fills
	 * the reading end's buffer.
	 */
	snprintf(want, sizeof(want),
	    "\t3000000\t1\t%d\tpipe_write\t%s\tpipe_buffer.cnt\t0\t5\n",
	    td->td_tid, fdpipe(fds[0])->pipe_obj.so_name);
	CHECK(strstr(text, want) != NULL, 1);
	snprintf(want, sizeof(want),
	    "\t7000000\t1\t%d\tpipe_read\t%s\tpipe_buffer.cnt\t5\t3\n",
	    td->td_tid, fdpipe(fds[0])->pipe_obj.so_name);
	CHECK(strstr(text, want) != NULL, 1);
	snprintf(want, sizeof(want),
	    "\t7000000\t1\t%d\tpipe_read\t%s\tpipe_buffer.cnt\t3\t0\n",
	    td->td_tid, fdpipe(fds[0])->pipe_obj.so_name);
	CHECK(strstr(text, want) != NULL, 1);
	/* The writing end's own buffer never changed. */
	snprintf(want, sizeof(want), "\t%s\tpipe_buffer.cnt\t",
	    fdpipe(fds[1])->pipe_obj.so_name);
	CHECK(strstr(text, want) == NULL, 1);
	free(text);
}

Test(pipe_write, trace_shows_pipe_buffer_cnt_transitions)
{
	run(body_trace);
}
