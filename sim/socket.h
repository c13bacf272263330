/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Stream socket pairs (AF_UNIX SOCK_STREAM socketpair): two connected
 * sockets, each with a receive buffer (so_rcv) the peer's sends fill.
 * Models the observable behaviour of FreeBSD's uipc_usrreq.c/uipc_socket.c:
 * blocking and non-blocking I/O, shutdown(2) with SBS_CANTRCVMORE /
 * SBS_CANTSENDMORE, EOF, EPIPE, and selwakeup on every change.
 */
#ifndef SIM_SOCKET_H
#define SIM_SOCKET_H

#include <stddef.h>
#include <stdint.h>

#include "selinfo.h"
#include "sim.h"

#define SOCKBUF_SIZE 8192 /* net.local.stream.recvspace/sendspace */
#define SOCKBUF_MAX 2097152 /* kern.ipc.maxsockbuf (sb_max) */
#define MSIZE 256
#define MCLBYTES 2048
/* sb_max_adj: the part of sb_max that is not mbuf headers (uipc_sockbuf.c) */
#define SB_MAX_ADJ                                                             \
	((size_t)((uint64_t)SOCKBUF_MAX * MCLBYTES / (MSIZE + MCLBYTES)))

/* Socket options (sys/socket.h) */
#define SOL_SOCKET 0xffff
#define SOL_LOCAL 0
#define SO_SNDBUF 0x1001
#define SO_RCVBUF 0x1002
#define SO_SNDLOWAT 0x1003
#define SO_RCVLOWAT 0x1004
#define SO_ERROR 0x1007
#define SO_TYPE 0x1008
#define SOCK_STREAM 1

/* sb_state */
#define SBS_CANTSENDMORE 0x0010
#define SBS_CANTRCVMORE 0x0020

/*
 * Poll events, with illumos' values (the events illumos' pollwakeup()
 * reports and PORT_SOURCE_FD delivers).  XXX: shared by pipes, sockets and
 * vnodes, they would sit better in selinfo.h.
 */
#ifndef POLLIN
#define POLLIN 0x0001
#define POLLPRI 0x0002
#define POLLOUT 0x0004
#define POLLERR 0x0008
#define POLLHUP 0x0010
#define POLLNVAL 0x0020
#define POLLRDNORM 0x0040
#define POLLWRNORM POLLOUT
#endif

#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2

struct sockbuf {
	struct selinfo sb_sel;
	char *sb_buf;
	size_t sb_size; /* storage of sb_buf (at least sb_hiwat and sb_cc) */
	size_t sb_cc; /* bytes in the buffer */
	size_t sb_hiwat;
	size_t sb_lowat;
	size_t sb_in;
	size_t sb_out;
	int sb_state;
};

struct socketpair_shared;

struct socket {
	struct sockbuf so_rcv;
	struct sockbuf so_snd; /* state only: data goes to the peer's so_rcv */
	struct socket *so_peer;
	struct socketpair_shared *so_shared;
	struct sim_obj so_obj;
	int so_present;
	/*
	 * The pending error.  Nothing sets it on a connected stream pair:
	 * FreeBSD's unp_drop() (ECONNRESET) runs only for listening and
	 * datagram peers, and close or shutdown only set SBS_* flags.
	 */
	int so_error;
};

struct socketpair_shared {
	struct socket sp_so[2];
	struct mtx sp_mtx;
};

#define SOCK_MTX(so) (&(so)->so_shared->sp_mtx)
#define SOCK_LOCK(so) mtx_lock(SOCK_MTX(so))
#define SOCK_UNLOCK(so) mtx_unlock(SOCK_MTX(so))

struct thread;

/*
 * Models kern_socketpair(): two connected stream sockets, both open for
 * reading and writing, at the two lowest free fds.  Returns 0 or EMFILE.
 */
int kern_socketpair(struct thread *td, int fds[2]);
/*
 * Models kern_shutdown(): EBADF (bad fd), ENOTSOCK (not a socket), EINVAL
 * (bad how), ENOTCONN (the peer is closed).
 */
int kern_shutdown(struct thread *td, int fd, int how);

/*
 * Models kern_setsockopt() with sosetopt() and sbsetopt(): SOL_SOCKET
 * SO_SNDBUF, SO_RCVBUF, SO_SNDLOWAT, SO_RCVLOWAT.  EBADF, ENOTSOCK,
 * EINVAL (value below 1, or a level other than SOL_SOCKET and SOL_LOCAL),
 * ENOPROTOOPT (unknown option), ENOBUFS (a buffer beyond sb_max_adj),
 * EOPNOTSUPP (SOL_LOCAL options, uipc_ctloutput()).
 */
int kern_setsockopt(
    struct thread *td, int fd, int level, int name, int64_t val);
/* Models kern_getsockopt() with sogetopt(); the same errors. */
int kern_getsockopt(
    struct thread *td, int fd, int level, int name, int64_t *val);
/*
 * The space a writer on so has in its peer's receive buffer, as
 * uipc_stream_sbspace() in sys/kern/uipc_usrreq.c computes it (0 when the
 * buffer holds more than sb_hiwat after a shrinking SO_RCVBUF).
 */
size_t uipc_stream_sbspace(const struct sockbuf *sb);

extern const struct fileops socketops;

#endif /* SIM_SOCKET_H */
