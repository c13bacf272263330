/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Stream socket pairs (see socket.h).  Models the observable behaviour of
 * an AF_UNIX SOCK_STREAM pair in FreeBSD's uipc_usrreq.c and uipc_socket.c:
 * each socket's sends go straight into the peer's receive buffer ('so_rcv',
 * 'sb_hiwat' bytes), a reader sleeps on its own 'so_rcv' and a writer on its
 * own 'so_snd' (both "sbwait", interruptible), shutdown(2) sets
 * SBS_CANTSENDMORE on the caller's 'so_snd' and SBS_CANTRCVMORE on the
 * peer's 'so_rcv' (unp_shutdown()), and the last close disconnects the peer
 * with both flags (soisdisconnected()).  The two sockets share one mutex
 * where FreeBSD has per-buffer locks: with one simulated CPU only the
 * scheduling points differ.
 *
 * Wakeups follow sorwakeup()/sowwakeup(): read-side changes are reported on
 * 'so_rcv.sb_sel', write-side changes on 'so_snd.sb_sel', each with the
 * poll events (illumos values) that now hold, always with the socket mutex
 * held.  XXX: illumos sockfs has one pollhead per socket; its model must
 * watch both selinfos of a socket.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fd.h"
#include "kernel.h"
#include "proc.h"
#include "socket.h"

static int soo_read(
    struct file *fp, char *buf, size_t len, size_t *ret_n, struct thread *td);
static int soo_write(struct file *fp, const char *buf, size_t len,
    size_t *ret_n, struct thread *td);
static int soo_close(struct file *fp, struct thread *td);
static int soo_poll(struct file *fp, int events, struct thread *td);

/*
 * XXX: no fo_kqfilter: the FreeBSD model attaches EVFILT_READ and
 * EVFILT_WRITE to sockets by 'f_type' (soo_kqfilter() lives with it).
 */
const struct fileops socketops = {
	.fo_name = "socket",
	.fo_read = soo_read,
	.fo_write = soo_write,
	.fo_close = soo_close,
	.fo_kqfilter = NULL,
	.fo_poll = soo_poll,
	.fo_fork = NULL,
	.fo_flags = DFLAG_PASSABLE,
};

static const struct sim_flagname sbstate_names[] = {
	{ SBS_CANTSENDMORE, "CANTSENDMORE" },
	{ SBS_CANTRCVMORE, "CANTRCVMORE" },
	{ 0, NULL },
};

#define SO_RDEVENTS (POLLIN | POLLRDNORM)
#define SO_WREVENTS (POLLOUT | POLLWRNORM)

_Noreturn static void
socket_nomem(void)
{
	fprintf(stderr, "evsim: out of memory allocating a socket\n");
	abort();
}

static void
sb_setstate(struct socket *so, struct sockbuf *sb, int state)
{
	SIM_SET_FLAGS(&so->so_obj,
	    sb == &so->so_rcv ? "so_rcv.sb_state" : "so_snd.sb_state",
	    sbstate_names, sb->sb_state, state);
}

static void
sb_setcc(struct socket *so, size_t cc)
{
	SIM_SET(&so->so_obj, "so_rcv.sb_cc", so->so_rcv.sb_cc, cc);
}

/*
 * Models uipc_stream_sbspace() in sys/kern/uipc_usrreq.c: the room left
 * under sb_hiwat.  XXX: sb_mbcnt/sb_mbmax (mbuf memory) is not modelled,
 * so many small writes do not run out of mbuf space before sb_hiwat.
 */
size_t
uipc_stream_sbspace(const struct sockbuf *sb)
{
	return (sb->sb_hiwat >= sb->sb_cc ? sb->sb_hiwat - sb->sb_cc : 0);
}

/*
 * Models uipc_sopoll_stream_or_seqpacket() in sys/kern/uipc_usrreq.c:
 * readable from the receive buffer's 'sb_lowat' bytes, with an error or at
 * EOF; writable while the peer's receive buffer has 'sb_lowat' bytes of
 * room (its low-water mark, not ours) or when a write would fail at once;
 * POLLHUP once both directions are shut.  The socket mutex is held.
 */
static int
so_pollevents(struct socket *so)
{
	struct socket *so2 = so->so_peer;
	int revents = 0;

	if (so->so_rcv.sb_cc >= so->so_rcv.sb_lowat || so->so_error != 0
	    || (so->so_rcv.sb_state & SBS_CANTRCVMORE))
		revents |= SO_RDEVENTS;
	if ((so->so_snd.sb_state & SBS_CANTSENDMORE) || !so2->so_present
	    || (so2->so_rcv.sb_state & SBS_CANTRCVMORE)
	    || uipc_stream_sbspace(&so2->so_rcv) >= so2->so_rcv.sb_lowat)
		revents |= SO_WREVENTS;
	if ((so->so_rcv.sb_state & SBS_CANTRCVMORE)
	    && (so->so_snd.sb_state & SBS_CANTSENDMORE))
		revents |= POLLHUP;
	return (revents);
}

/* Models sorwakeup_locked(): wakes readers of so and reports the change. */
static void
sorwakeup(struct socket *so)
{
	mtx_assert(SOCK_MTX(so), MA_OWNED);
	if (!so->so_present)
		return;
	selwakeup(
	    &so->so_rcv.sb_sel, 0, so_pollevents(so) & (SO_RDEVENTS | POLLHUP));
	wakeup(&so->so_rcv);
}

/* Models sowwakeup_locked(): wakes writers of so and reports the change. */
static void
sowwakeup(struct socket *so)
{
	mtx_assert(SOCK_MTX(so), MA_OWNED);
	if (!so->so_present)
		return;
	selwakeup(
	    &so->so_snd.sb_sel, 0, so_pollevents(so) & (SO_WREVENTS | POLLHUP));
	wakeup(&so->so_snd);
}

static void
so_init(struct socketpair_shared *sp, int i)
{
	struct socket *so = &sp->sp_so[i];

	so->so_peer = &sp->sp_so[1 - i];
	so->so_shared = sp;
	so->so_rcv.sb_buf = sim_malloc(SOCKBUF_SIZE);
	if (so->so_rcv.sb_buf == NULL)
		socket_nomem();
	so->so_rcv.sb_size = SOCKBUF_SIZE;
	/* soreserve(): both limits, and the default low-water marks. */
	so->so_rcv.sb_hiwat = SOCKBUF_SIZE;
	so->so_snd.sb_hiwat = SOCKBUF_SIZE;
	so->so_rcv.sb_lowat = 1;
	so->so_snd.sb_lowat = MCLBYTES;
	selinfo_init(&so->so_rcv.sb_sel, &sp->sp_mtx);
	selinfo_init(&so->so_snd.sb_sel, &sp->sp_mtx);
	sim_obj_init(&so->so_obj, "socket");
}

static void
so_free(struct socketpair_shared *sp)
{
	int i;

	for (i = 0; i < 2; i++) {
		struct socket *so = &sp->sp_so[i];

		/* As knlist_destroy() asserts in sodealloc(). */
		KASSERT(SLIST_EMPTY(&so->so_rcv.sb_sel.si_note.kl_list),
		    ("%s: so_rcv knlist not empty", so->so_obj.so_name));
		KASSERT(SLIST_EMPTY(&so->so_snd.sb_sel.si_note.kl_list),
		    ("%s: so_snd knlist not empty", so->so_obj.so_name));
		sim_free(so->so_rcv.sb_buf);
	}
	mtx_destroy(&sp->sp_mtx);
	sim_free(sp);
}

/*
 * Models kern_socketpair() in sys/kern/uipc_syscalls.c: socreate() twice,
 * falloc() twice, soconnect2().  A socket counts as present once its file
 * exists, so that closing the first file after a failed second falloc()
 * frees the pair.
 */
int
kern_socketpair(struct thread *td, int fds[2])
{
	struct socketpair_shared *sp;
	struct file *fp1, *fp2;
	int error, fd1, fd2;

	sp = sim_calloc(1, sizeof(*sp));
	if (sp == NULL)
		socket_nomem();
	mtx_init(&sp->sp_mtx, "so_rcv", NULL, MTX_DEF);
	so_init(sp, 0);
	so_init(sp, 1);
	error = falloc(td, &fp1, &fd1, 0);
	if (error != 0) {
		so_free(sp);
		return (error);
	}
	sim_trace_created(__func__, &sp->sp_so[0].so_obj);
	SIM_SET(&sp->sp_so[0].so_obj, "so_present", sp->sp_so[0].so_present, 1);
	finit(fp1, FREAD | FWRITE, DTYPE_SOCKET, &sp->sp_so[0], &socketops);
	error = falloc(td, &fp2, &fd2, 0);
	if (error != 0) {
		/* fdclose(): the pair goes with the first socket. */
		(void)fdrop(fp1, td);
		(void)kern_close(td, fd1);
		return (error);
	}
	sim_trace_created(__func__, &sp->sp_so[1].so_obj);
	sim_obj_label(&sp->sp_so[0].so_obj, "socketpair end 0, peer %s",
	    sp->sp_so[1].so_obj.so_name);
	sim_obj_label(&sp->sp_so[1].so_obj, "socketpair end 1, peer %s",
	    sp->sp_so[0].so_obj.so_name);
	SIM_SET(&sp->sp_so[1].so_obj, "so_present", sp->sp_so[1].so_present, 1);
	finit(fp2, FREAD | FWRITE, DTYPE_SOCKET, &sp->sp_so[1], &socketops);
	fds[0] = fd1;
	fds[1] = fd2;
	/* falloc() returned a reference for us besides the table's. */
	(void)fdrop(fp1, td);
	(void)fdrop(fp2, td);
	return (0);
}

/*
 * Models uipc_soreceive_stream_or_seqpacket() in sys/kern/uipc_usrreq.c:
 * waits while fewer than 'sb_lowat' (SO_RCVLOWAT) bytes are buffered:
 * returns a pending 'so_error', 0 bytes at EOF (SBS_CANTRCVMORE), EAGAIN
 * when non-blocking, else sleeps ("sbwait") until data or EOF arrives
 * (EINTR/ERESTART when a signal interrupts the sleep); then returns what is
 * buffered (up to len).  Consuming data wakes the peer's writers
 * (uipc_wakeup_writer()).
 */
static int
soo_read(
    struct file *fp, char *buf, size_t len, size_t *ret_n, struct thread *td)
{
	struct socket *so = fp->f_data;
	struct sockbuf *sb = &so->so_rcv;
	size_t n = 0, chunk;
	int error = 0;

	*ret_n = 0;
	if (len == 0)
		return (0);
	SOCK_LOCK(so);
	for (;;) {
		if (sb->sb_cc >= sb->sb_lowat)
			break;
		if (so->so_error != 0) {
			error = so->so_error;
			so->so_error = 0;
			goto out;
		}
		/*
		 * EOF: 0 bytes, even with data below the low-water mark
		 * still buffered (code-derived: the kernel's loop returns
		 * before reading it).
		 */
		if (sb->sb_state & SBS_CANTRCVMORE)
			goto out;
		if (fp->f_flag & FNONBLOCK) {
			error = EAGAIN;
			goto out;
		}
		error = msleep(&so->so_rcv, SOCK_MTX(so), PCATCH, "sbwait", 0);
		if (error != 0)
			goto out;
	}
	n = len < sb->sb_cc ? len : sb->sb_cc;
	/* The circular buffer in at most two pieces. */
	chunk = sb->sb_size - sb->sb_out;
	if (chunk > n)
		chunk = n;
	memcpy(buf, sb->sb_buf + sb->sb_out, chunk);
	memcpy(buf + chunk, sb->sb_buf, n - chunk);
	sb->sb_out = (sb->sb_out + n) % sb->sb_size;
	sb_setcc(so, sb->sb_cc - n);
	sowwakeup(so->so_peer);
out:
	SOCK_UNLOCK(so);
	*ret_n = n;
	return (error);
}

/*
 * Models uipc_sosend_stream_or_seqpacket() in sys/kern/uipc_usrreq.c:
 * appends to the peer's 'so_rcv' as room allows (uipc_stream_sbspace()),
 * sleeping ("sbwait") while the room is below the peer's 'sb_lowat' until
 * everything is written.  XXX: the kernel sleeps on the peer's receive
 * buffer (uipc_stream_sbwait()); this model sleeps on its own 'so_snd',
 * which every wakeup of the peer's writers also wakes.  EPIPE (and SIGPIPE)
 * once this side is shut for writing, the peer is closed or has shut its
 * receive side.  A non-blocking write returns what fitted, or EAGAIN when
 * nothing did; an interrupted blocking write returns the count written so far,
 * or EINTR/ERESTART when it is 0 (dofilewrite()).
 */
static int
soo_write(struct file *fp, const char *buf, size_t len, size_t *ret_n,
    struct thread *td)
{
	struct socket *so = fp->f_data, *so2;
	struct sockbuf *sb;
	size_t done = 0, n, space, chunk;
	int error = 0;

	*ret_n = 0;
	SOCK_LOCK(so);
	so2 = so->so_peer;
	sb = &so2->so_rcv;
	for (;;) {
		/*
		 * XXX: FreeBSD appends to a peer that shut its receive side
		 * before 14 (uipc_send()); 14's uipc_sosend_stream() and
		 * illumos fail with EPIPE, as here.
		 */
		if ((so->so_snd.sb_state & SBS_CANTSENDMORE) || !so2->so_present
		    || (sb->sb_state & SBS_CANTRCVMORE)) {
			error = EPIPE;
			break;
		}
		if (done == len)
			break;
		space = uipc_stream_sbspace(sb);
		if (space == 0 || space < sb->sb_lowat) {
			if (fp->f_flag & FNONBLOCK) {
				error = EAGAIN;
				break;
			}
			error = msleep(
			    &so->so_snd, SOCK_MTX(so), PCATCH, "sbwait", 0);
			if (error != 0)
				break;
			continue;
		}
		n = len - done < space ? len - done : space;
		chunk = sb->sb_size - sb->sb_in;
		if (chunk > n)
			chunk = n;
		memcpy(sb->sb_buf + sb->sb_in, buf + done, chunk);
		memcpy(sb->sb_buf, buf + done + chunk, n - chunk);
		sb->sb_in = (sb->sb_in + n) % sb->sb_size;
		sb_setcc(so2, sb->sb_cc + n);
		done += n;
		sorwakeup(so2);
	}
	SOCK_UNLOCK(so);
	*ret_n = done;
	if (done > 0
	    && (error == EAGAIN || error == EINTR || error == ERESTART))
		error = 0;
	/* sousrsend(): SIGPIPE with EPIPE (no SO_NOSIGPIPE modelled). */
	if (error == EPIPE)
		sim_sigpipe(td);
	return (error);
}

/*
 * Models soclose() with unp_disconnect() and soisdisconnected(): the
 * socket is gone, its buffer is flushed, and a present peer can neither
 * receive (EOF after what is buffered) nor send (EPIPE) any more.  The
 * second close frees the pair.
 */
static int
soo_close(struct file *fp, struct thread *td)
{
	struct socket *so = fp->f_data, *so2 = so->so_peer;
	struct socketpair_shared *sp = so->so_shared;
	bool last;

	SOCK_LOCK(so);
	SIM_SET(&so->so_obj, "so_present", so->so_present, 0);
	sb_setcc(so, 0);
	so->so_rcv.sb_in = so->so_rcv.sb_out = 0;
	last = !so2->so_present;
	if (!last) {
		sb_setstate(
		    so2, &so2->so_rcv, so2->so_rcv.sb_state | SBS_CANTRCVMORE);
		sb_setstate(
		    so2, &so2->so_snd, so2->so_snd.sb_state | SBS_CANTSENDMORE);
		sorwakeup(so2);
		sowwakeup(so2);
	}
	/*
	 * sofree(): seldrain() of both buffers' selinfo, so that nothing
	 * polling this socket (an illumos port association left by exit)
	 * still points at its poll heads when the pair is freed.
	 */
	seldrain(&so->so_rcv.sb_sel);
	seldrain(&so->so_snd.sb_sel);
	sim_trace_freed(__func__, &so->so_obj);
	fp->f_data = NULL;
	SOCK_UNLOCK(so);
	/* The peer's close, having seen us gone, would have freed it. */
	if (last)
		so_free(sp);
	return (0);
}

/* Models soo_poll() in sys/kern/sys_socket.c. */
static int
soo_poll(struct file *fp, int events, struct thread *td)
{
	struct socket *so = fp->f_data;
	int revents;

	/* No lock: reading is no scheduling point, and this has no effect. */
	revents = so_pollevents(so);
	return (revents & (events | POLLHUP | POLLERR | POLLNVAL));
}

/*
 * Models kern_shutdown() in sys/kern/uipc_syscalls.c with soshutdown() and
 * uipc_shutdown(): SHUT_RD flushes and shuts this side's receive buffer
 * (sorflush()), SHUT_WR shuts this side's sending and the peer's receiving
 * (unp_shutdown()), SHUT_RDWR both.
 */
int
kern_shutdown(struct thread *td, int fd, int how)
{
	struct file *fp;
	struct socket *so, *so2;
	int error = 0;

	error = fget(td, fd, &fp);
	if (error != 0)
		return (error);
	if (fp->f_type != DTYPE_SOCKET) {
		(void)fdrop(fp, td);
		return (ENOTSOCK);
	}
	if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR) {
		(void)fdrop(fp, td);
		return (EINVAL);
	}
	so = fp->f_data;
	so2 = so->so_peer;
	SOCK_LOCK(so);
	if (!so2->so_present) {
		error = ENOTCONN;
		goto out;
	}
	if (how != SHUT_WR) {
		sb_setstate(
		    so, &so->so_rcv, so->so_rcv.sb_state | SBS_CANTRCVMORE);
		sb_setcc(so, 0);
		so->so_rcv.sb_in = so->so_rcv.sb_out = 0;
		sorwakeup(so);
		/* The flushed room, and EPIPE, for the peer's writers. */
		sowwakeup(so2);
	}
	if (how != SHUT_RD) {
		sb_setstate(
		    so, &so->so_snd, so->so_snd.sb_state | SBS_CANTSENDMORE);
		sb_setstate(
		    so2, &so2->so_rcv, so2->so_rcv.sb_state | SBS_CANTRCVMORE);
		sowwakeup(so);
		sorwakeup(so2);
	}
out:
	SOCK_UNLOCK(so);
	(void)fdrop(fp, td);
	return (error);
}

/*
 * Models sbreserve_locked() in sys/kern/uipc_sockbuf.c: a new 'sb_hiwat'
 * up to sb_max_adj (false beyond it: ENOBUFS), the low-water mark clamped
 * to it.  A receive buffer's storage grows to hold it (the circular buffer
 * is unrolled); a smaller limit keeps the storage and what it holds.
 */
static bool
sbreserve_locked(struct socket *so, struct sockbuf *sb, size_t cc)
{
	bool rcv = sb == &so->so_rcv;
	char *nbuf;
	size_t first;

	if (cc > SB_MAX_ADJ)
		return (false);
	if (rcv && cc > sb->sb_size) {
		nbuf = sim_malloc(cc);
		if (nbuf == NULL)
			socket_nomem();
		first = sb->sb_size - sb->sb_out;
		if (first > sb->sb_cc)
			first = sb->sb_cc;
		memcpy(nbuf, sb->sb_buf + sb->sb_out, first);
		memcpy(nbuf + first, sb->sb_buf, sb->sb_cc - first);
		sim_free(sb->sb_buf);
		sb->sb_buf = nbuf;
		sb->sb_size = cc;
		sb->sb_out = 0;
		sb->sb_in = sb->sb_cc % cc;
	}
	SIM_SET(&so->so_obj, rcv ? "so_rcv.sb_hiwat" : "so_snd.sb_hiwat",
	    sb->sb_hiwat, cc);
	if (sb->sb_lowat > sb->sb_hiwat)
		SIM_SET(&so->so_obj,
		    rcv ? "so_rcv.sb_lowat" : "so_snd.sb_lowat", sb->sb_lowat,
		    sb->sb_hiwat);
	return (true);
}

/* fget() and the socket check of getsock() in sys/kern/uipc_syscalls.c. */
static int
getsock(struct thread *td, int fd, struct file **fpp)
{
	int error;

	error = fget(td, fd, fpp);
	if (error != 0)
		return (error);
	if ((*fpp)->f_type != DTYPE_SOCKET) {
		(void)fdrop(*fpp, td);
		return (ENOTSOCK);
	}
	return (0);
}

/*
 * Models kern_setsockopt() in sys/kern/uipc_syscalls.c with sosetopt() in
 * sys/kern/uipc_socket.c and sbsetopt() in sys/kern/uipc_sockbuf.c: a
 * value below 1 is EINVAL for the four buffer options; a low-water mark is
 * clamped to the buffer's limit.  Levels other than SOL_SOCKET go to
 * uipc_ctloutput() (EINVAL unless SOL_LOCAL; its LOCAL_* options are not
 * modelled: EOPNOTSUPP).  For a unix stream socket the send buffer holds
 * nothing: SO_SNDBUF only sizes the copyin of sosend, and SO_SNDLOWAT is
 * read by no filter (uipc_filt_sowrite() uses the peer's SO_RCVLOWAT).
 */
int
kern_setsockopt(struct thread *td, int fd, int level, int name, int64_t val)
{
	struct file *fp;
	struct socket *so;
	struct sockbuf *sb;
	int error;

	error = getsock(td, fd, &fp);
	if (error != 0)
		return (error);
	so = fp->f_data;
	if (level != SOL_SOCKET) {
		error = level == SOL_LOCAL ? EOPNOTSUPP : EINVAL;
		goto out;
	}
	switch (name) {
	case SO_SNDBUF:
	case SO_RCVBUF:
	case SO_SNDLOWAT:
	case SO_RCVLOWAT:
		/* sooptcopyin() of an int; values < 1 make no sense. */
		if (val < 1 || val > INT32_MAX) {
			error = EINVAL;
			goto out;
		}
		sb = name == SO_SNDBUF || name == SO_SNDLOWAT ? &so->so_snd
							      : &so->so_rcv;
		SOCK_LOCK(so);
		if (name == SO_SNDBUF || name == SO_RCVBUF) {
			if (!sbreserve_locked(so, sb, (size_t)val))
				error = ENOBUFS;
		} else
			SIM_SET(&so->so_obj,
			    sb == &so->so_rcv ? "so_rcv.sb_lowat"
					      : "so_snd.sb_lowat",
			    sb->sb_lowat,
			    (size_t)val > sb->sb_hiwat ? sb->sb_hiwat
						       : (size_t)val);
		/*
		 * No wakeup (sbsetopt() has none): a knote sees the new
		 * limit or mark at its next evaluation.
		 */
		SOCK_UNLOCK(so);
		break;
	default:
		error = ENOPROTOOPT;
		break;
	}
out:
	(void)fdrop(fp, td);
	return (error);
}

/*
 * Models kern_getsockopt() with sogetopt(): the buffer limits and marks,
 * SO_ERROR (read and cleared), SO_TYPE; the errors of kern_setsockopt().
 */
int
kern_getsockopt(struct thread *td, int fd, int level, int name, int64_t *val)
{
	struct file *fp;
	struct socket *so;
	int error;

	*val = 0;
	error = getsock(td, fd, &fp);
	if (error != 0)
		return (error);
	so = fp->f_data;
	if (level != SOL_SOCKET) {
		error = level == SOL_LOCAL ? EOPNOTSUPP : EINVAL;
		goto out;
	}
	SOCK_LOCK(so);
	switch (name) {
	case SO_SNDBUF:
		*val = (int64_t)so->so_snd.sb_hiwat;
		break;
	case SO_RCVBUF:
		*val = (int64_t)so->so_rcv.sb_hiwat;
		break;
	case SO_SNDLOWAT:
		*val = (int64_t)so->so_snd.sb_lowat;
		break;
	case SO_RCVLOWAT:
		*val = (int64_t)so->so_rcv.sb_lowat;
		break;
	case SO_ERROR:
		*val = so->so_error;
		SIM_SET(&so->so_obj, "so_error", so->so_error, 0);
		break;
	case SO_TYPE:
		*val = SOCK_STREAM;
		break;
	default:
		error = ENOPROTOOPT;
		break;
	}
	SOCK_UNLOCK(so);
out:
	(void)fdrop(fp, td);
	return (error);
}
