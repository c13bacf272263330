/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Pipes (see pipe.h).  Models sys/kern/sys_pipe.c: kern_pipe() makes a pair
 * of bidirectional ends sharing one mutex; a write on one end fills the
 * other end's buffer (the peer's 'pipe_buffer'), a read drains the reader's
 * own.  Writes of at most PIPE_BUF bytes are atomic.  Readers sleep on their
 * pipe with PIPE_WANTR ("piperd"), writers on the peer with PIPE_WANTW
 * ("pipewr"); both sleeps are interruptible.  Closing an end sets PIPE_EOF
 * on the peer, wakes it, and clears the closing end's knotes.
 * Buffer sizes as pipe_paircreate() and pipe_write() of FreeBSD main make
 * them: the forward direction (written through fildes[1], read through
 * fildes[0]) starts with PIPE_SIZE, the reverse one with SMALL_PIPE_SIZE,
 * and a write that does not fit grows the buffer it fills by doubling up to
 * BIG_PIPE_SIZE (pipespace()).  sys_pipe.c of 2003 (freebsd@7773002) and
 * illumos keep PIPE_SIZE on both ends (XXX: 2003's BIG_PIPE_SIZE growth of
 * writes over PIPE_SIZE is not modelled).
 * XXX: the freebsd@pre-* revisions (2016-2018) left the reverse direction
 * unbacked (size 0, EVFILT_WRITE data PIPE_BUF) until its first write; they
 * get SMALL_PIPE_SIZE here.
 * XXX: no direct-write (page loaning) mode; no pipe KVA limits
 * (kern.ipc.maxpipekva), so neither the SMALL_PIPE_SIZE fallback nor the
 * shrinking under memory pressure happens.
 *
 * Part of the shared kernel layer: imports only kernel.h, the other shared
 * files (fd, proc, pipe, socket, vfs, selinfo, sim) and the engine; reaches
 * the kernel models only through sim_kops, and includes no Lua.
 */
#include <stdlib.h>
#include <string.h>

#include "fd.h"
#include "kernel.h"
#include "pipe.h"
#include "proc.h"
#include "vfs.h"

#undef PIPE_BUF
#define PIPE_BUF 512 /* atomic write size (FreeBSD limits.h) */

static const struct sim_flagname pipe_state_names[] = {
	{ PIPE_WANTR, "WANTR" },
	{ PIPE_WANTW, "WANTW" },
	{ PIPE_EOF, "EOF" },
	{ 0, NULL },
};

/* Whether the running kernel sizes pipe buffers as FreeBSD main does. */
static bool
pipe_resizes(void)
{
	return (sim_is_freebsd() && !sim_kern->k_rev->rev_pipeclose_2003);
}

/*
 * Models pipe_create(): a PIPE_SIZE buffer for the forward direction
 * (large_backing), SMALL_PIPE_SIZE for the reverse one.
 */
static void
pipe_init_end(
    struct pipepair *pp, struct pipe *p, struct pipe *peer, bool large_backing)
{
	size_t size;

	size = !large_backing && pipe_resizes() ? SMALL_PIPE_SIZE : PIPE_SIZE;
	p->pipe_pair = pp;
	p->pipe_peer = peer;
	p->pipe_buffer.size = size;
	p->pipe_buffer.buffer = sim_malloc(size);
	if (p->pipe_buffer.buffer == NULL)
		sim_oom();
	p->pipe_present = 1;
	selinfo_init(&p->pipe_sel, &pp->pp_mtx);
	sim_obj_init(&p->pipe_obj, "pipe");
	sim_trace_created("pipe_create", &p->pipe_obj);
	if (p == &pp->pp_wpipe) {
		sim_obj_label(&p->pipe_obj, "write end, read end %s",
		    pp->pp_rpipe.pipe_obj.so_name);
		sim_obj_label(&pp->pp_rpipe.pipe_obj, "read end, write end %s",
		    p->pipe_obj.so_name);
	}
}

static void
pipe_setstate(struct pipe *p, int state, const char *func)
{
	if (p->pipe_state != state)
		sim_trace_flags(func, &p->pipe_obj, "pipe_state",
		    pipe_state_names, (uint64_t)p->pipe_state, (uint64_t)state);
	p->pipe_state = state;
}

static void
pipe_setcnt(struct pipe *p, size_t cnt, const char *func)
{
	if (p->pipe_buffer.cnt != cnt)
		sim_trace_int(func, &p->pipe_obj, "pipe_buffer.cnt",
		    (int64_t)p->pipe_buffer.cnt, (int64_t)cnt);
	p->pipe_buffer.cnt = cnt;
}

/*
 * Models pipespace_new() in sys/kern/sys_pipe.c: a new buffer of size
 * (rounded to the page, never below what is buffered) holding the data
 * unrolled from the old one.
 */
static void
pipespace(struct pipe *p, size_t size, const char *func)
{
	struct pipebuf *b = &p->pipe_buffer;
	size_t first;
	char *nbuf;

	if (size < b->cnt)
		size = b->cnt;
	size = (size + 4095) & ~(size_t)4095; /* round_page() */
	nbuf = sim_malloc(size);
	if (nbuf == NULL)
		sim_oom();
	first = b->size - b->out;
	if (first > b->cnt)
		first = b->cnt;
	memcpy(nbuf, b->buffer + b->out, first);
	memcpy(nbuf + first, b->buffer, b->cnt - first);
	sim_free(b->buffer);
	b->buffer = nbuf;
	sim_trace_int(func, &p->pipe_obj, "pipe_buffer.size", (int64_t)b->size,
	    (int64_t)size);
	b->size = size;
	b->in = b->cnt % size;
	b->out = 0;
}

/* Models pipeselwakeup(): notify the event models about p's buffer. */
static void
pipeselwakeup(struct pipe *p, int pollev)
{
	selwakeup(&p->pipe_sel, 0, pollev);
}

/* Models kern_pipe() in sys/kern/sys_pipe.c. */
int
kern_pipe(struct thread *td, int fildes[2], int flags)
{
	struct pipepair *pp;
	struct file *rf, *wf;
	int fd, error;

	pp = sim_calloc(1, sizeof(*pp));
	if (pp == NULL)
		sim_oom();
	mtx_init(&pp->pp_mtx, "pipe mutex", NULL, MTX_DEF | MTX_DUPOK);
	pipe_init_end(pp, &pp->pp_rpipe, &pp->pp_wpipe, true);
	pipe_init_end(pp, &pp->pp_wpipe, &pp->pp_rpipe, false);
	error = falloc(td, &rf, &fd, flags);
	if (error != 0) {
		sim_free(pp->pp_rpipe.pipe_buffer.buffer);
		sim_free(pp->pp_wpipe.pipe_buffer.buffer);
		sim_free(pp);
		return (error);
	}
	fildes[0] = fd;
	finit(rf, FREAD | FWRITE | (flags & FNONBLOCK), DTYPE_PIPE,
	    &pp->pp_rpipe, &pipeops);
	error = falloc(td, &wf, &fd, flags);
	if (error != 0) {
		(void)kern_close(td, fildes[0]);
		(void)fdrop(rf, td);
		return (error);
	}
	finit(wf, FREAD | FWRITE | (flags & FNONBLOCK), DTYPE_PIPE,
	    &pp->pp_wpipe, &pipeops);
	fildes[1] = fd;
	(void)fdrop(rf, td);
	(void)fdrop(wf, td);
	return (0);
}

/* Models pipe_read(). */
static int
pipe_read(
    struct file *fp, char *buf, size_t len, size_t *ret_n, struct thread *td)
{
	struct pipe *rpipe = fp->f_data;
	struct pipebuf *b = &rpipe->pipe_buffer;
	size_t nread = 0, chunk;
	int error = 0;

	PIPE_LOCK(rpipe);
	while (nread < len) {
		if (b->cnt > 0) {
			chunk = len - nread;
			if (chunk > b->cnt)
				chunk = b->cnt;
			if (chunk > b->size - b->out)
				chunk = b->size - b->out;
			memcpy(buf + nread, b->buffer + b->out, chunk);
			b->out = (b->out + chunk) % b->size;
			pipe_setcnt(rpipe, b->cnt - chunk, __func__);
			if (b->cnt == 0)
				b->in = b->out = 0;
			nread += chunk;
			continue;
		}
		/* Nothing buffered. */
		if (nread > 0 || (rpipe->pipe_state & PIPE_EOF))
			break;
		if (fp->f_flag & FNONBLOCK) {
			error = EAGAIN;
			break;
		}
		/* The replay tests' deliberate deviation (kernel.h). */
		if (!sim_perturbed("pipe-wantr"))
			pipe_setstate(
			    rpipe, rpipe->pipe_state | PIPE_WANTR, __func__);
		else
			rpipe->pipe_state |= PIPE_WANTR;
		error = msleep(rpipe, PIPE_MTX(rpipe), PCATCH, "piperd", 0);
		pipe_setstate(rpipe, rpipe->pipe_state & ~PIPE_WANTR, __func__);
		if (error != 0)
			break;
	}
	if (nread > 0) {
		error = 0;
		/* Space was made: wake writers, notify EVFILT_WRITE/POLLOUT. */
		if (rpipe->pipe_state & PIPE_WANTW) {
			pipe_setstate(
			    rpipe, rpipe->pipe_state & ~PIPE_WANTW, __func__);
			wakeup(rpipe);
		}
		selwakeup(&rpipe->pipe_sel, 0, 0);
		if (rpipe->pipe_peer->pipe_present)
			selwakeup(
			    &rpipe->pipe_peer->pipe_sel, SEL_NOKNOTE, POLLOUT);
	}
	PIPE_UNLOCK(rpipe);
	*ret_n = nread;
	return (error == ERESTART ? EINTR : error);
}

/* Models pipe_write(): into the peer's buffer. */
static int
pipe_write(struct file *fp, const char *buf, size_t len, size_t *ret_n,
    struct thread *td)
{
	struct pipe *rpipe = fp->f_data, *wpipe = PIPE_PEER(rpipe);
	struct pipebuf *b = &wpipe->pipe_buffer;
	size_t written = 0, space, chunk;
	int error = 0;

	PIPE_LOCK(rpipe);
	/*
	 * pipe_write(): choose a larger size if it's advantageous (the
	 * write does not fit in what the buffer can hold).
	 */
	if (pipe_resizes() && wpipe->pipe_present
	    && (wpipe->pipe_state & PIPE_EOF) == 0) {
		size_t desiredsize
		    = b->size > SMALL_PIPE_SIZE ? b->size : SMALL_PIPE_SIZE;

		while (
		    desiredsize < b->cnt + len && desiredsize != BIG_PIPE_SIZE)
			desiredsize *= 2;
		if (desiredsize != b->size)
			pipespace(wpipe, desiredsize, __func__);
	}
	while (written < len) {
		if (!wpipe->pipe_present || (wpipe->pipe_state & PIPE_EOF)) {
			error = EPIPE;
			break;
		}
		space = b->size - b->cnt;
		/* Writes of at most PIPE_BUF bytes are never split. */
		if (space > 0
		    && (len - written > PIPE_BUF || space >= len - written)) {
			chunk = len - written;
			if (chunk > space)
				chunk = space;
			if (chunk > b->size - b->in)
				chunk = b->size - b->in;
			memcpy(b->buffer + b->in, buf + written, chunk);
			b->in = (b->in + chunk) % b->size;
			pipe_setcnt(wpipe, b->cnt + chunk, __func__);
			written += chunk;
			if (wpipe->pipe_state & PIPE_WANTR) {
				pipe_setstate(wpipe,
				    wpipe->pipe_state & ~PIPE_WANTR, __func__);
				wakeup(wpipe);
			}
			pipeselwakeup(wpipe, POLLIN | POLLRDNORM);
			continue;
		}
		if (fp->f_flag & FNONBLOCK) {
			if (written == 0)
				error = EAGAIN;
			break;
		}
		pipe_setstate(wpipe, wpipe->pipe_state | PIPE_WANTW, __func__);
		error = msleep(wpipe, PIPE_MTX(rpipe), PCATCH, "pipewr", 0);
		if (error != 0)
			break;
	}
	PIPE_UNLOCK(rpipe);
	if (error == EPIPE && written == 0)
		sim_sigpipe(td);
	if (written > 0 && error != EPIPE)
		error = 0;
	if (written > 0 && error == EPIPE)
		error = 0; /* a partial write reports its count */
	*ret_n = written;
	return (error == ERESTART ? EINTR : error);
}

/* Models pipe_poll(): readable, writable, hung up. */
static int
pipe_poll(struct file *fp, int events, struct thread *td)
{
	struct pipe *rpipe = fp->f_data, *wpipe = PIPE_PEER(rpipe);
	int revents = 0;

	if ((events & (POLLIN | POLLRDNORM)) && rpipe->pipe_buffer.cnt > 0)
		revents |= events & (POLLIN | POLLRDNORM);
	if ((events & (POLLOUT | POLLWRNORM)) && wpipe->pipe_present
	    && (wpipe->pipe_state & PIPE_EOF) == 0
	    && wpipe->pipe_buffer.size - wpipe->pipe_buffer.cnt >= PIPE_BUF)
		revents |= events & (POLLOUT | POLLWRNORM);
	if ((rpipe->pipe_state & PIPE_EOF) || !wpipe->pipe_present)
		revents |= POLLHUP;
	return (revents);
}

/* Models pipeclose() in sys/kern/sys_pipe.c: the end goes away. */
static void
pipeclose(struct pipe *cpipe)
{
	struct pipe *ppipe = cpipe->pipe_peer;
	struct pipepair *pp = cpipe->pipe_pair;

	PIPE_LOCK(cpipe);
	/*
	 * sys_pipe.c of 2003 (freebsd@7773002) called pipeselwakeup(cpipe)
	 * first, while the peer's EVFILT_WRITE knotes on this end still saw
	 * it open.
	 */
	if (sim_kern->k_rev->rev_pipeclose_2003)
		pipeselwakeup(cpipe, 0);
	pipe_setstate(cpipe, cpipe->pipe_state | PIPE_EOF, "pipe_close");
	cpipe->pipe_present = 0;
	wakeup(cpipe);
	if (!sim_kern->k_rev->rev_pipeclose_2003)
		pipeselwakeup(cpipe, 0);
	if (ppipe->pipe_present) {
		pipe_setstate(
		    ppipe, ppipe->pipe_state | PIPE_EOF, "pipe_close");
		wakeup(ppipe);
		pipeselwakeup(ppipe, POLLHUP);
	}
	seldrain(&cpipe->pipe_sel);
	sim_trace_freed("pipe_close", &cpipe->pipe_obj);
	PIPE_UNLOCK(cpipe);
	if (!ppipe->pipe_present) {
		sim_free(pp->pp_rpipe.pipe_buffer.buffer);
		sim_free(pp->pp_wpipe.pipe_buffer.buffer);
		sim_free(pp);
	}
}

/*
 * Models pipe_close(): a FIFO's file closes through its vnode
 * (vn_closefile(), whose VOP_CLOSE is fifo_close()); a pipe's end goes.
 */
static int
pipe_close(struct file *fp, struct thread *td)
{
	if (fp->f_vnode != NULL)
		return (vnops.fo_close(fp, td));
	pipeclose(fp->f_data);
	return (0);
}

/*
 * Models pipe_named_ctor() in sys/kern/sys_pipe.c: a pipe pair whose
 * forward pipe (PIPE_SIZE) is a FIFO's; the reverse one is never used.
 */
static struct pipe *
pipe_named_ctor(void)
{
	struct pipepair *pp;

	pp = sim_calloc(1, sizeof(*pp));
	if (pp == NULL)
		sim_oom();
	mtx_init(&pp->pp_mtx, "pipe mutex", NULL, MTX_DEF | MTX_DUPOK);
	pipe_init_end(pp, &pp->pp_rpipe, &pp->pp_wpipe, true);
	pipe_init_end(pp, &pp->pp_wpipe, &pp->pp_rpipe, false);
	pp->pp_rpipe.pipe_type |= PIPE_TYPE_NAMED;
	sim_obj_label(&pp->pp_rpipe.pipe_obj, "FIFO pipe");
	return (&pp->pp_rpipe);
}

/* Models fifo_cleanup(): pipe_dtor() once nobody has the FIFO open. */
static void
fifo_cleanup(struct vnode *vp)
{
	struct fifoinfo *fip = vp->v_fifoinfo;
	struct pipe *fpipe;

	if (fip->fi_readers != 0 || fip->fi_writers != 0)
		return;
	vp->v_fifoinfo = NULL;
	fpipe = fip->fi_pipe;
	sim_free(fip);
	/* pipe_dtor(): the FIFO's pipe, then its peer. */
	{
		struct pipe *peer = fpipe->pipe_peer;

		pipeclose(fpipe);
		pipeclose(peer);
	}
}

static void
fifo_setcount(struct pipe *fpipe, const char *field, long *lval, long v)
{
	sim_trace_int(
	    "fifo_open", &fpipe->pipe_obj, field, (int64_t)*lval, (int64_t)v);
	*lval = v;
}

/*
 * Models fifo_open() in sys/fs/fifofs/fifo_vnops.c (see pipe.h).  The
 * first reader and the first writer clear PIPE_EOF and wake the other
 * side's sleeping opens; a reader records in 'f_pipegen' the writer
 * generation minus the writers present, so that filt_piperead() reports
 * EOF only once a writer it could have seen has gone.
 */
int
fifo_open(struct vnode *vp, int fflag, int oflags, struct pipe **ret_pipe,
    unsigned int *ret_pipegen)
{
	struct fifoinfo *fip;
	struct pipe *fpipe;
	unsigned int gen;
	int error;

	*ret_pipegen = 0;
	if ((fip = vp->v_fifoinfo) == NULL) {
		fip = sim_calloc(1, sizeof(*fip));
		if (fip == NULL)
			sim_oom();
		fip->fi_pipe = pipe_named_ctor();
		vp->v_fifoinfo = fip;
	}
	fpipe = fip->fi_pipe;
	PIPE_LOCK(fpipe);
	if (fflag & FREAD) {
		fifo_setcount(
		    fpipe, "fi_readers", &fip->fi_readers, fip->fi_readers + 1);
		fip->fi_rgen++;
		if (fip->fi_readers == 1) {
			pipe_setstate(
			    fpipe, fpipe->pipe_state & ~PIPE_EOF, __func__);
			if (fip->fi_writers > 0) {
				wakeup(&fip->fi_writers);
				pipeselwakeup(fpipe, POLLOUT);
			}
		}
		*ret_pipegen = fpipe->pipe_wgen - (unsigned int)fip->fi_writers;
	}
	if (fflag & FWRITE) {
		if ((oflags & O_NONBLOCK) && fip->fi_readers == 0) {
			PIPE_UNLOCK(fpipe);
			if (fip->fi_writers == 0)
				fifo_cleanup(vp);
			return (ENXIO);
		}
		fifo_setcount(
		    fpipe, "fi_writers", &fip->fi_writers, fip->fi_writers + 1);
		fip->fi_wgen++;
		if (fip->fi_writers == 1) {
			pipe_setstate(
			    fpipe, fpipe->pipe_state & ~PIPE_EOF, __func__);
			if (fip->fi_readers > 0) {
				wakeup(&fip->fi_readers);
				pipeselwakeup(fpipe, POLLIN);
			}
		}
	}
	if ((oflags & O_NONBLOCK) == 0) {
		if ((fflag & FREAD) && fip->fi_writers == 0) {
			gen = fip->fi_wgen;
			error = msleep(&fip->fi_readers, PIPE_MTX(fpipe),
			    PCATCH, "fifoor", 0);
			if (error != 0 && gen == fip->fi_wgen) {
				fifo_setcount(fpipe, "fi_readers",
				    &fip->fi_readers, fip->fi_readers - 1);
				if (fip->fi_readers == 0) {
					pipe_setstate(fpipe,
					    fpipe->pipe_state | PIPE_EOF,
					    __func__);
					if (fpipe->pipe_state & PIPE_WANTW)
						wakeup(fpipe);
					pipeselwakeup(fpipe, 0);
					PIPE_UNLOCK(fpipe);
					fifo_cleanup(vp);
				} else
					PIPE_UNLOCK(fpipe);
				return (error == ERESTART ? EINTR : error);
			}
			/* Woken up because we had a writer. */
		}
		if ((fflag & FWRITE) && fip->fi_readers == 0) {
			gen = fip->fi_rgen;
			error = msleep(&fip->fi_writers, PIPE_MTX(fpipe),
			    PCATCH, "fifoow", 0);
			if (error != 0 && gen == fip->fi_rgen) {
				fifo_setcount(fpipe, "fi_writers",
				    &fip->fi_writers, fip->fi_writers - 1);
				if (fip->fi_writers == 0) {
					pipe_setstate(fpipe,
					    fpipe->pipe_state | PIPE_EOF,
					    __func__);
					if (fpipe->pipe_state & PIPE_WANTR)
						wakeup(fpipe);
					fpipe->pipe_wgen++;
					pipeselwakeup(fpipe, 0);
					PIPE_UNLOCK(fpipe);
					fifo_cleanup(vp);
				} else
					PIPE_UNLOCK(fpipe);
				return (error == ERESTART ? EINTR : error);
			}
			/* Woken up because we had a reader. */
		}
	}
	PIPE_UNLOCK(fpipe);
	*ret_pipe = fpipe;
	return (0);
}

/* Models fifo_close() in sys/fs/fifofs/fifo_vnops.c (see pipe.h). */
void
fifo_close(struct vnode *vp, int fflag)
{
	struct fifoinfo *fip = vp->v_fifoinfo;
	struct pipe *cpipe;

	if (fip == NULL)
		return;
	cpipe = fip->fi_pipe;
	if (fflag & FREAD) {
		PIPE_LOCK(cpipe);
		sim_trace_int(__func__, &cpipe->pipe_obj, "fi_readers",
		    (int64_t)fip->fi_readers, (int64_t)fip->fi_readers - 1);
		fip->fi_readers--;
		if (fip->fi_readers == 0) {
			pipe_setstate(
			    cpipe, cpipe->pipe_state | PIPE_EOF, __func__);
			if (cpipe->pipe_state & PIPE_WANTW) {
				pipe_setstate(cpipe,
				    cpipe->pipe_state & ~PIPE_WANTW, __func__);
				wakeup(cpipe);
			}
			pipeselwakeup(cpipe, 0);
		}
		PIPE_UNLOCK(cpipe);
	}
	if (fflag & FWRITE) {
		PIPE_LOCK(cpipe);
		sim_trace_int(__func__, &cpipe->pipe_obj, "fi_writers",
		    (int64_t)fip->fi_writers, (int64_t)fip->fi_writers - 1);
		fip->fi_writers--;
		if (fip->fi_writers == 0) {
			pipe_setstate(
			    cpipe, cpipe->pipe_state | PIPE_EOF, __func__);
			if (cpipe->pipe_state & PIPE_WANTR) {
				pipe_setstate(cpipe,
				    cpipe->pipe_state & ~PIPE_WANTR, __func__);
				wakeup(cpipe);
			}
			sim_trace_int(__func__, &cpipe->pipe_obj, "pipe_wgen",
			    (int64_t)cpipe->pipe_wgen,
			    (int64_t)cpipe->pipe_wgen + 1);
			cpipe->pipe_wgen++;
			pipeselwakeup(cpipe, POLLHUP);
		}
		PIPE_UNLOCK(cpipe);
	}
	fifo_cleanup(vp);
}

/*
 * XXX: no fo_kqfilter: the FreeBSD model attaches EVFILT_READ and
 * EVFILT_WRITE to pipes by 'f_type' (pipe_kqfilter() lives with it), as it
 * does for sockets and vnodes.
 */
const struct fileops pipeops = {
	.fo_name = "pipe",
	.fo_read = pipe_read,
	.fo_write = pipe_write,
	.fo_close = pipe_close,
	.fo_kqfilter = NULL,
	.fo_poll = pipe_poll,
	.fo_flags = DFLAG_PASSABLE,
};
