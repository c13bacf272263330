/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Pipes.  Models FreeBSD's sys_pipe.c (a pipe pair sharing one mutex, each
 * end with a circular buffer, PIPE_EOF on close, blocking reads and writes
 * with PIPE_WANTR/PIPE_WANTW, EPIPE on a reader-less write) and, for
 * illumos, the same observable behaviour through pollwakeup.  The kqueue
 * filters for pipes (filt_piperead, filt_pipewrite) are in
 * sim/freebsd/kern_event.c's companion sim/freebsd/sys_pipe_kq.c.
 */
#ifndef SIM_PIPE_H
#define SIM_PIPE_H

#include <stddef.h>

#include "selinfo.h"
#include "sim.h"

#define PIPE_SIZE 16384 /* the forward direction's initial buffer */
#define SMALL_PIPE_SIZE 4096 /* the reverse direction's; the resize floor */
#define BIG_PIPE_SIZE 65536 /* the most pipe_write() grows a buffer to */

/* pipe_state */
#define PIPE_WANTR 0x008
#define PIPE_WANTW 0x010
#define PIPE_EOF 0x080
#define PIPE_NAMED 0x200

struct pipebuf {
	size_t cnt; /* bytes in the buffer */
	size_t in;
	size_t out;
	size_t size;
	char *buffer;
};

struct pipepair;

struct pipe {
	struct pipebuf pipe_buffer;
	struct selinfo pipe_sel;
	struct pipe *pipe_peer;
	struct pipepair *pipe_pair;
	struct sim_obj pipe_obj;
	int pipe_state;
	int pipe_present; /* end still open */
};

struct pipepair {
	struct pipe pp_rpipe;
	struct pipe pp_wpipe;
	struct mtx pp_mtx;
};

#define PIPE_MTX(p) (&(p)->pipe_pair->pp_mtx)
#define PIPE_LOCK(p) mtx_lock(PIPE_MTX(p))
#define PIPE_UNLOCK(p) mtx_unlock(PIPE_MTX(p))

struct thread;

/* Models kern_pipe(): two fds, read end first.  EMFILE, ENFILE. */
int kern_pipe(struct thread *td, int fildes[2], int flags);

extern const struct fileops pipeops;

#endif /* SIM_PIPE_H */
