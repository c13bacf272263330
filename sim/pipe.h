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

/* pipe_type */
#define PIPE_TYPE_NAMED 0x0001 /* the pipe of a FIFO (fifo_vnops.c) */

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
	int pipe_type;
	unsigned int pipe_wgen; /* FIFO: writers gone so far */
};

/*
 * The end a write on pipe fills: the peer, or for a FIFO the pipe itself
 * (PIPE_PEER() in sys/sys/pipe.h).
 */
#define PIPE_PEER(p)                                                           \
	(((p)->pipe_type & PIPE_TYPE_NAMED) != 0 ? (p) : (p)->pipe_peer)

/* Models 'struct fifoinfo' in sys/fs/fifofs/fifo_vnops.c. */
struct fifoinfo {
	struct pipe *fi_pipe;
	long fi_readers;
	long fi_writers;
	unsigned int fi_rgen;
	unsigned int fi_wgen;
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

struct vnode;

/*
 * Models fifo_open() in sys/fs/fifofs/fifo_vnops.c (VOP_OPEN of a VFIFO
 * vnode; fflag is FREAD/FWRITE, oflags the open flags): the FIFO's pipe,
 * created at the first open, and the reader's writer generation for
 * 'f_pipegen'.  ENXIO for O_WRONLY|O_NONBLOCK without a reader; a blocking
 * open sleeps until the other side opens (EINTR/ERESTART by a signal).
 */
int fifo_open(struct vnode *vp, int fflag, int oflags, struct pipe **ret_pipe,
    unsigned int *ret_pipegen);
/*
 * Models fifo_close(): the last reader or writer sets PIPE_EOF; the last
 * of both destroys the pipe (fifo_cleanup()).
 */
void fifo_close(struct vnode *vp, int fflag);

extern const struct fileops pipeops;

#endif /* SIM_PIPE_H */
