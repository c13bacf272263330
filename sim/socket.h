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

#include "selinfo.h"
#include "sim.h"

#define SOCKBUF_SIZE 8192

/* sb_state */
#define SBS_CANTSENDMORE 0x0010
#define SBS_CANTRCVMORE 0x0020

#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2

struct sockbuf {
	struct selinfo sb_sel;
	char *sb_buf;
	size_t sb_cc; /* bytes in the buffer */
	size_t sb_hiwat;
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
};

struct socketpair_shared {
	struct socket sp_so[2];
	struct mtx sp_mtx;
};

#define SOCK_MTX(so) (&(so)->so_shared->sp_mtx)
#define SOCK_LOCK(so) mtx_lock(SOCK_MTX(so))
#define SOCK_UNLOCK(so) mtx_unlock(SOCK_MTX(so))

struct thread;

int kern_socketpair(struct thread *td, int fds[2]);
int kern_shutdown(struct thread *td, int fd, int how);

extern const struct fileops socketops;

#endif /* SIM_SOCKET_H */
