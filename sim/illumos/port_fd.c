/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PORT_SOURCE_FD: one-shot association of file descriptors with a port.
 * Models uts/common/fs/portfs/port_fd.c (port_associate_fd,
 * port_dissociate_fd, port_fd_callback, port_bind_pollhead, the FD cache
 * keyed by fd number and file, port_close_sourcefd), the FD parts of
 * uts/common/os/port_subr.c (port_remove_fd_object, port_close_pfd,
 * port_pcache_remove_fd), the port branch of pollwakeup() in
 * uts/common/syscall/poll.c and addfd_port()/delfd_port() of
 * uts/common/os/fio.c.
 *
 * An association owns one CACHED slot for its lifetime.  Arming sets
 * PORT_KEV_VALID; the first matching readiness (the immediate poll in
 * port_associate_fd or a later pollwakeup) clears it and posts the slot
 * with the events seen at that moment; delivery leaves the association
 * INACTIVE until port_associate re-arms it.
 *
 * Deviations (XXX): the simulated VOP_POLL ('fo_poll') returns no poll
 * head, so port_file_pollhead() finds the object's selinfo by file type,
 * and a socket gets a second polldat for its send buffer's selinfo; fd lookups
 * done while a kernel lock is held read the table without its lock
 * (fget_noref), as illumos's getf() takes only the per-fd uf_lock.
 */
#include <stdlib.h>
#include <string.h>

#include "fd.h"
#include "kernel.h"
#include "pipe.h"
#include "port_impl.h"
#include "proc.h"
#include "socket.h"
#include "vfs.h"

static int port_fd_callback(
    void *arg, int *events, int pid, int flag, void *evp);
static void port_close_sourcefd(void *arg, int port, int pid, int lastclose);

/* The lock that protects a poll head: its selinfo's object lock. */
static struct mtx *
pollhead_lock(struct pollhead *php)
{
	struct selinfo *sip
	    = (struct selinfo *)((char *)php - offsetof(struct selinfo, si_ph));

	return (sip->si_note.kl_lock);
}

/*
 * The poll head of the object behind fp (what VOP_POLL returns through
 * 'phpp'), and for sockets the send side's in *twin.
 */
struct pollhead *
port_file_pollhead(struct file *fp, struct pollhead **twin)
{
	*twin = NULL;
	switch (fp->f_type) {
	case DTYPE_PIPE:
		return (&((struct pipe *)fp->f_data)->pipe_sel.si_ph);
	case DTYPE_SOCKET: {
		struct socket *so = fp->f_data;

		*twin = &so->so_snd.sb_sel.si_ph;
		return (&so->so_rcv.sb_sel.si_ph);
	}
	case DTYPE_PORT:
		return (&((port_t *)fp->f_data)->port_pollhd);
	case DTYPE_VNODE:
		if (fp->f_vnode != NULL)
			return (&fp->f_vnode->v_pollinfo.si_ph);
		return (NULL);
	default:
		return (NULL);
	}
}

/* Models polldat_associate() in uts/common/syscall/poll.c. */
static void
polldat_associate(polldat_t *pdp, struct pollhead *php)
{
	struct mtx *m = pollhead_lock(php);

	if (m != NULL)
		mtx_lock(m);
	pdp->pd_next = php->ph_list;
	php->ph_list = pdp;
	pdp->pd_php = php;
	if (m != NULL)
		mtx_unlock(m);
}

/* Models polldat_disassociate() (pollhead_delete()). */
static void
polldat_disassociate(polldat_t *pdp)
{
	struct pollhead *php = pdp->pd_php;
	struct polldat **pp;
	struct mtx *m;

	if (php == NULL)
		return;
	m = pollhead_lock(php);
	if (m != NULL)
		mtx_lock(m);
	for (pp = &php->ph_list; *pp != NULL; pp = &(*pp)->pd_next)
		if (*pp == pdp) {
			*pp = pdp->pd_next;
			break;
		}
	pdp->pd_next = NULL;
	pdp->pd_php = NULL;
	if (m != NULL)
		mtx_unlock(m);
}

/*
 * Models pollwakeup() in uts/common/syscall/poll.c for port consumers:
 * an armed association matching 'events' (POLLHUP and POLLERR always
 * match) is disarmed and posted with the events seen now.  A port that
 * got an event this way and is itself being polled (port_pollwkup()) is
 * remembered and its own poll head woken once the list is walked, as the
 * kernel's 'plist' does; port_pollwkdone() releases it.
 */
void
pollwakeup(struct pollhead *php, int events)
{
	polldat_t *pdp;
	port_kevent_t *pkevp;
	struct {
		port_t *pp;
		int events;
	} *plist = NULL;
	int i, n = 0, cap = 0, pev;

	for (pdp = php->ph_list; pdp != NULL; pdp = pdp->pd_next) {
		if ((pdp->pd_events & events) == 0
		    && (events & (POLLHUP | POLLERR)) == 0)
			continue;
		pkevp = pdp->pd_portev;
		if (pkevp == NULL)
			continue;
		mtx_lock(&pkevp->portkev_lock);
		if (pkevp->portkev_flags & PORT_KEV_VALID) {
			PORTKEV_SET_FLAGS(
			    pkevp, pkevp->portkev_flags & ~PORT_KEV_VALID);
			PORTKEV_SET_EVENTS(pkevp,
			    pkevp->portkev_events
				| (events
				    & (pdp->pd_events | POLLHUP | POLLERR)));
			/* Releases 'portkev_lock'. */
			port_send_event(pkevp);
			pev = port_pollwkup(pkevp->portkev_port);
			if (pev != 0) {
				if (n == cap) {
					cap = cap == 0 ? 4 : 2 * cap;
					plist = sim_realloc(plist,
					    (size_t)cap * sizeof(*plist));
					if (plist == NULL)
						sim_oom();
				}
				plist[n].pp = pkevp->portkev_port;
				plist[n++].events = pev;
			}
		} else
			mtx_unlock(&pkevp->portkev_lock);
	}
	for (i = 0; i < n; i++) {
		pollwakeup(&plist[i].pp->port_pollhd, plist[i].events);
		port_pollwkdone(plist[i].pp);
	}
	sim_free(plist);
}

/* Models port_cache_lookup_fp() in uts/common/fs/portfs/port_fd.c. */
static portfd_t *
port_cache_lookup_fp(port_fdcache_t *pcp, int fd, struct file *fp)
{
	polldat_t *pdp;

	mtx_assert(&pcp->pc_lock, MA_OWNED);
	if (pcp->pc_hash == NULL)
		return (NULL);
	for (pdp = PFTOD(*PORT_FD_BUCKET(pcp, fd)); pdp != NULL;
	     pdp = pdp->pd_hashnext)
		if (pdp->pd_fd == fd && pdp->pd_fp == fp)
			break;
	return (PDTOF(pdp));
}

static void port_cache_insert_fd(port_fdcache_t *pcp, polldat_t *pdp);

/* Models port_cache_grow_hashtbl() in uts/common/fs/portfs/port_fd.c. */
static void
port_cache_grow_hashtbl(port_fdcache_t *pcp)
{
	portfd_t **oldtbl = pcp->pc_hash;
	int i, oldsize = pcp->pc_hashsize;
	polldat_t *pdp, *next;

	pcp->pc_hashsize *= PORTHASH_MULT;
	pcp->pc_hash
	    = port_zalloc((size_t)pcp->pc_hashsize * sizeof(portfd_t *));
	pcp->pc_fdcount = 0;
	for (i = 0; i < oldsize; i++) {
		for (pdp = PFTOD(oldtbl[i]); pdp != NULL; pdp = next) {
			next = pdp->pd_hashnext;
			port_cache_insert_fd(pcp, pdp);
		}
	}
	sim_free(oldtbl);
}

/* Models port_cache_insert_fd() in uts/common/fs/portfs/port_fd.c. */
static void
port_cache_insert_fd(port_fdcache_t *pcp, polldat_t *pdp)
{
	portfd_t **bucket;

	if (pcp->pc_fdcount > pcp->pc_hashsize * PORTHASH_MULT)
		port_cache_grow_hashtbl(pcp);
	bucket = PORT_FD_BUCKET(pcp, pdp->pd_fd);
	pdp->pd_hashnext = PFTOD(*bucket);
	*bucket = PDTOF(pdp);
	pcp->pc_fdcount++;
}

/* Models port_pcache_remove_fd() in uts/common/os/port_subr.c. */
void
port_pcache_remove_fd(port_fdcache_t *pcp, portfd_t *pfd)
{
	polldat_t *pdp = PFTOD(pfd), **pp;
	bool found = false;

	mtx_assert(&pcp->pc_lock, MA_OWNED);
	for (pp = (polldat_t **)PORT_FD_BUCKET(pcp, pdp->pd_fd); *pp != NULL;
	     pp = &(*pp)->pd_hashnext)
		if (*pp == pdp) {
			*pp = pdp->pd_hashnext;
			found = true;
			break;
		}
	KASSERT(found,
	    ("port_pcache_remove_fd: %s not in the cache",
		pfd->pfd_obj.so_name));
	if (--pcp->pc_fdcount == 0)
		cv_signal(&pcp->pc_lclosecv);
	sim_trace_str(__func__, &pfd->pfd_obj, "assoc",
	    pfd->pfd_state != NULL ? pfd->pfd_state : "", "");
	sim_trace_freed(__func__, &pfd->pfd_obj);
	sim_free(pfd);
}

/* Models addfd_port() in uts/common/os/fio.c: the per-fd close list. */
static void
addfd_port(int fd, portfd_t *pfd)
{
	struct port_proc *ppr = port_proc(curproc);

	pfd->pfd_pid = curproc->p_pid;
	pfd->pfd_onlist = true;
	LIST_INSERT_HEAD(&ppr->ppr_portfds, pfd, pfd_link);
}

/* Models delfd_port() in uts/common/os/fio.c. */
static void
delfd_port(int fd, portfd_t *pfd)
{
	if (pfd->pfd_onlist) {
		LIST_REMOVE(pfd, pfd_link);
		pfd->pfd_onlist = false;
	}
}

/*
 * Models port_remove_fd_object() in uts/common/os/port_subr.c: unhooks the
 * polldat from the poll head, takes a queued event back out of the port
 * (waiting for a retriever), frees the slot and the cache entry.  Returns
 * 1 if an undelivered event was removed.
 */
int
port_remove_fd_object(portfd_t *pfd, port_t *pp, port_fdcache_t *pcp)
{
	port_queue_t *portq = &pp->port_queue;
	polldat_t *pdp = PFTOD(pfd);
	port_kevent_t *pkevp;
	int error, removed = 0;

	mtx_assert(&pcp->pc_lock, MA_OWNED);
	polldat_disassociate(pdp);
	polldat_disassociate(&pfd->pfd_pd2);
	pkevp = pdp->pd_portev;
	mtx_lock(&portq->portq_mutex);
	port_block(portq);
	if (pkevp->portkev_flags & PORT_KEV_DONEQ) {
		if (portq->portq_getn && portq->portq_tnent)
			port_push_eventq(portq);
		port_remove_event_doneq(pkevp, portq);
		removed = 1;
	}
	port_unblock(portq);
	mtx_unlock(&portq->portq_mutex);
	if (pkevp->portkev_callback != NULL)
		(void)(*pkevp->portkev_callback)(pkevp->portkev_arg, &error,
		    pkevp->portkev_pid, PORT_CALLBACK_DISSOCIATE, pkevp);
	pdp->pd_portev = NULL;
	pfd->pfd_pd2.pd_portev = NULL;
	port_free_event_local(pkevp, 0);
	port_pcache_remove_fd(pcp, pfd);
	return (removed);
}

/*
 * Models port_fd_callback() in uts/common/fs/portfs/port_fd.c.  Delivery
 * to a process other than the owner needs the same fd number for the same
 * file in the retriever's table, else EACCES (the event stays queued).
 */
static int
port_fd_callback(void *arg, int *events, int pid, int flag, void *evp)
{
	portfd_t *pfd = arg;
	polldat_t *pdp = PFTOD(pfd);
	port_kevent_t *pkevp = evp;
	port_fdcache_t *pcp;
	struct file *fp;

	switch (flag) {
	case PORT_CALLBACK_DEFAULT:
		if (curproc->p_pid != pid) {
			fp = fget_noref(curproc->p_fd, pdp->pd_fd);
			if (fp == NULL || fp != pdp->pd_fp)
				return (EACCES);
		}
		*events = pdp->pd_portev->portkev_events;
		return (0);
	case PORT_CALLBACK_DISSOCIATE:
		return (0);
	case PORT_CALLBACK_CLOSE:
		pdp->pd_portev = NULL;
		pkevp->portkev_arg = NULL;
		pcp = pdp->pd_pcache;
		mtx_lock(&pcp->pc_lock);
		pdp->pd_fp = NULL;
		pdp->pd_events = 0;
		polldat_disassociate(pdp);
		polldat_disassociate(&pfd->pfd_pd2);
		port_pcache_remove_fd(pcp, pfd);
		mtx_unlock(&pcp->pc_lock);
		return (0);
	default:
		return (EINVAL);
	}
}

/*
 * Models port_bind_pollhead() in uts/common/fs/portfs/port_fd.c: hooks
 * the polldat onto the object's poll head, then polls again so that a
 * change between the first poll and the hook is not lost.
 */
static int
port_bind_pollhead(
    struct pollhead *php, struct pollhead *twin, polldat_t *pdp, int *revents)
{
	portfd_t *pfd = PDTOF(pdp);

	polldat_disassociate(pdp);
	polldat_disassociate(&pfd->pfd_pd2);
	polldat_associate(pdp, php);
	if (twin != NULL)
		polldat_associate(&pfd->pfd_pd2, twin);
	*revents
	    = pdp->pd_fp->f_ops->fo_poll(pdp->pd_fp, pdp->pd_events, curthread);
	return (0);
}

/*
 * Models port_associate_fd() in uts/common/fs/portfs/port_fd.c.  A new
 * (fd, file) gets a cached slot owned by the caller; an existing one is
 * re-armed: its queued event is dropped, events and user are replaced, the
 * owner stays.  Then the fd is polled and, if ready, the event is posted.
 * Returns 0, EBADFD (bad fd), EAGAIN (port full).
 */
int
port_associate_fd(port_t *pp, int source, uintptr_t object, int events,
    const struct port_user *u)
{
	port_fdcache_t *pcp = pp->port_queue.portq_pcp;
	struct pollhead *php, *twin;
	port_kevent_t *pkevp;
	struct file *fp;
	portfd_t *pfd;
	polldat_t *pdp;
	int error, fd, revents;

	if (object > (uintptr_t)INT32_MAX)
		return (EBADFD);
	fd = (int)object;
	if (fget(curthread, fd, &fp) != 0)
		return (EBADFD);
	if (pcp == NULL) {
		fdrop(fp, curthread);
		return (EBADFD);
	}

	mtx_lock(&pcp->pc_lock);
	if (pcp->pc_hash == NULL) {
		/* First association: register the source, create the cache. */
		error = port_associate_ksource(
		    pp, PORT_SOURCE_FD, NULL, port_close_sourcefd, pp);
		if (error) {
			mtx_unlock(&pcp->pc_lock);
			fdrop(fp, curthread);
			return (error);
		}
		pcp->pc_hashsize = PORTHASH_START;
		pcp->pc_hash = port_zalloc(
		    (size_t)pcp->pc_hashsize * sizeof(portfd_t *));
		pfd = NULL;
	} else
		pfd = port_cache_lookup_fp(pcp, fd, fp);

	if (pfd == NULL) {
		pfd = port_zalloc(sizeof(*pfd));
		pdp = PFTOD(pfd);
		pdp->pd_fd = fd;
		pdp->pd_fp = fp;
		pdp->pd_pcache = pcp;
		pfd->pfd_pd2.pd_fd = fd;
		pfd->pfd_pd2.pd_fp = fp;
		pfd->pfd_pd2.pd_pcache = pcp;
		pdp->pd_twin = &pfd->pfd_pd2;
		error = port_alloc_event_local(
		    pp, source, PORT_ALLOC_CACHED, &pdp->pd_portev);
		if (error) {
			sim_free(pfd);
			fdrop(fp, curthread);
			mtx_unlock(&pcp->pc_lock);
			return (error);
		}
		sim_obj_init(&pfd->pfd_obj, "portfd");
		sim_trace_created(__func__, &pfd->pfd_obj);
		sim_obj_label(&pfd->pfd_obj, "fd %d of pid %d on %s", fd,
		    curproc->p_pid, pp->port_obj.so_name);
		pkevp = pdp->pd_portev;
		pfd->pfd_pd2.pd_portev = pkevp;
		port_init_event(pkevp, (uintptr_t)fd, u, port_fd_callback, pfd);
		port_cache_insert_fd(pcp, pdp);
		addfd_port(fd, pfd);
	} else {
		/* Re-association before or after the last event was taken. */
		pdp = PFTOD(pfd);
		pkevp = pdp->pd_portev;
		mtx_lock(&pkevp->portkev_lock);
		if (pkevp->portkev_flags & PORT_KEV_VALID)
			PORTKEV_SET_FLAGS(
			    pkevp, pkevp->portkev_flags & ~PORT_KEV_VALID);
		if (pkevp->portkev_flags & PORT_KEV_DONEQ) {
			mtx_unlock(&pkevp->portkev_lock);
			/* Drop the event still queued for this fd. */
			(void)port_remove_done_event(pkevp);
		} else
			mtx_unlock(&pkevp->portkev_lock);
		port_user_free(&pkevp->portkev_user);
		port_user_copy(&pkevp->portkev_user, u);
	}

	pfd->pfd_thread = curthread;
	mtx_lock(&pkevp->portkev_lock);
	PORTKEV_SET_EVENTS(pkevp, 0);
	SIM_SET(&pfd->pfd_obj, "pd_events", pdp->pd_events, events);
	pfd->pfd_pd2.pd_events = events;
	PORTKEV_SET_FLAGS(pkevp, pkevp->portkev_flags | PORT_KEV_VALID);
	mtx_unlock(&pkevp->portkev_lock);

	/* VOP_POLL; another thread may (re-)dissociate meanwhile (P7). */
	revents = fp->f_ops->fo_poll != NULL
	    ? fp->f_ops->fo_poll(fp, events, curthread)
	    : 0;
	php = port_file_pollhead(fp, &twin);
	error = 0;
	if ((pfd = port_cache_lookup_fp(pcp, fd, fp)) == NULL
	    || pfd->pfd_thread != curthread) {
		fdrop(fp, curthread);
		mtx_unlock(&pcp->pc_lock);
		return (error);
	}
	if (php != NULL && pdp->pd_php != php) {
		error = port_bind_pollhead(php, twin, pdp, &revents);
		if ((pfd = port_cache_lookup_fp(pcp, fd, fp)) == NULL
		    || pfd->pfd_thread != curthread) {
			fdrop(fp, curthread);
			mtx_unlock(&pcp->pc_lock);
			return (error);
		}
	}

	/* Ready now and still armed: post with what was seen. */
	mtx_lock(&pkevp->portkev_lock);
	if (revents && (pkevp->portkev_flags & PORT_KEV_VALID)) {
		KASSERT((pkevp->portkev_flags & PORT_KEV_DONEQ) == 0,
		    ("port_associate_fd: armed slot %s is queued",
			pkevp->portkev_obj.so_name));
		PORTKEV_SET_FLAGS(
		    pkevp, pkevp->portkev_flags & ~PORT_KEV_VALID);
		revents &= pdp->pd_events | POLLHUP | POLLERR;
		PORTKEV_SET_EVENTS(pkevp, revents);
		port_send_event(pkevp); /* releases 'portkev_lock' */
	} else
		mtx_unlock(&pkevp->portkev_lock);
	fdrop(fp, curthread);
	mtx_unlock(&pcp->pc_lock);
	return (error);
}

/*
 * Models port_dissociate_fd() in uts/common/fs/portfs/port_fd.c.  Returns
 * 0 if the association was armed or its event undelivered; ENOENT if the
 * port never had an FD association, the (fd, file) is not associated, or
 * its event was already retrieved (the association is removed anyway);
 * EBADFD for a bad fd; EACCES for a process other than the owner.
 */
int
port_dissociate_fd(port_t *pp, uintptr_t object)
{
	port_fdcache_t *pcp = pp->port_queue.portq_pcp;
	port_kevent_t *pkevp;
	struct file *fp;
	portfd_t *pfd;
	int fd, active;

	if (object > (uintptr_t)INT32_MAX)
		return (EBADFD);
	fd = (int)object;
	if (pcp == NULL)
		return (ENOENT);
	mtx_lock(&pcp->pc_lock);
	if (pcp->pc_hash == NULL) {
		mtx_unlock(&pcp->pc_lock);
		return (ENOENT);
	}
	fp = fget_noref(curproc->p_fd, fd);
	if (fp == NULL) {
		mtx_unlock(&pcp->pc_lock);
		return (EBADFD);
	}
	pfd = port_cache_lookup_fp(pcp, fd, fp);
	if (pfd == NULL) {
		mtx_unlock(&pcp->pc_lock);
		return (ENOENT);
	}
	if (curproc->p_pid != PFTOD(pfd)->pd_portev->portkev_pid) {
		mtx_unlock(&pcp->pc_lock);
		return (EACCES);
	}
	delfd_port(fd, pfd);
	pkevp = PFTOD(pfd)->pd_portev;
	mtx_lock(&pkevp->portkev_lock);
	if (pkevp->portkev_flags & PORT_KEV_VALID) {
		PORTKEV_SET_FLAGS(
		    pkevp, pkevp->portkev_flags & ~PORT_KEV_VALID);
		active = 1;
	} else
		active = 0;
	mtx_unlock(&pkevp->portkev_lock);
	if (port_remove_fd_object(pfd, pp, pcp)) {
		/* An undelivered event counts as an active association. */
		KASSERT(active == 0, ("port_dissociate_fd: armed and queued"));
		active = 1;
	}
	mtx_unlock(&pcp->pc_lock);
	return (active ? 0 : ENOENT);
}

/* Models port_close_pfd() in uts/common/os/port_subr.c. */
void
port_close_fd(portfd_t *pfd)
{
	port_t *pp = PFTOD(pfd)->pd_portev->portkev_port;
	port_fdcache_t *pcp = pp->port_queue.portq_pcp;

	mtx_lock(&pcp->pc_lock);
	port_remove_fd_object(pfd, pp, pcp);
	mtx_unlock(&pcp->pc_lock);
}

/*
 * close(fd): the calling process's associations of fd are removed
 * (closeandsetf() takes 'uf_portfd' and calls port_close_fd()).  The port
 * is held across the lock waits so that a concurrent last close cannot free
 * it; the entry is re-looked-up because a dissociate may have won.
 */
void
port_fd_proc_close(struct thread *td, int fd)
{
	struct port_proc *ppr = port_proc(td->td_proc);
	struct port_active pa;
	port_fdcache_t *pcp;
	struct file *fp;
	portfd_t *pfd;
	port_t *pp;

	for (;;) {
		LIST_FOREACH(pfd, &ppr->ppr_portfds, pfd_link)
			if (PFTOD(pfd)->pd_fd == fd)
				break;
		if (pfd == NULL)
			return;
		delfd_port(fd, pfd);
		pp = PFTOD(pfd)->pd_portev->portkev_port;
		fp = PFTOD(pfd)->pd_fp;
		fhold(pp->port_fp);
		pa.pa_td = td;
		pa.pa_fd = -1;
		pa.pa_stale = false;
		LIST_INSERT_HEAD(&pp->port_active, &pa, pa_link);
		pp->port_nactive++;
		pcp = pp->port_queue.portq_pcp;
		if (pcp != NULL) {
			mtx_lock(&pcp->pc_lock);
			if (pcp->pc_hash != NULL
			    && port_cache_lookup_fp(pcp, fd, fp) == pfd)
				port_remove_fd_object(pfd, pp, pcp);
			mtx_unlock(&pcp->pc_lock);
		}
		LIST_REMOVE(&pa, pa_link);
		pp->port_nactive--;
		fdrop(pp->port_fp, td);
	}
}

/*
 * Models port_remove_portfd() in uts/common/fs/portfs/port_fd.c: on port
 * close, an association of the closing process is removed if its fd is
 * still open in that process.
 */
static void
port_remove_portfd(polldat_t *pdp, port_fdcache_t *pcp)
{
	port_t *pp = pdp->pd_portev->portkev_port;

	mtx_assert(&pcp->pc_lock, MA_OWNED);
	/*
	 * illumos tests getf(pd_fd): a NULL file means another thread is
	 * closing the fd and will free the entry.  Here that thread has taken
	 * the entry off the close list first, and exit frees the table
	 * without closing (fdescfree), so the list is the test.
	 */
	if (PDTOF(pdp)->pfd_onlist) {
		delfd_port(pdp->pd_fd, PDTOF(pdp));
		(void)port_remove_fd_object(PDTOF(pdp), pp, pcp);
	}
}

/*
 * Models port_close_sourcefd() in uts/common/fs/portfs/port_fd.c: the
 * closing process's associations go; on the last close the cache is
 * destroyed once every entry is gone.
 */
static void
port_close_sourcefd(void *arg, int port, int pid, int lastclose)
{
	port_t *pp = arg;
	port_fdcache_t *pcp = pp->port_queue.portq_pcp;
	polldat_t *pdp, *pdpnext;
	int index;

	if (pcp == NULL)
		return;
	mtx_lock(&pcp->pc_lock);
	for (index = 0; index < pcp->pc_hashsize; index++) {
		for (pdp = PFTOD(pcp->pc_hash[index]); pdp != NULL;
		     pdp = pdpnext) {
			pdpnext = pdp->pd_hashnext;
			if (pid == pdp->pd_portev->portkev_pid)
				port_remove_portfd(pdp, pcp);
		}
	}
	if (lastclose) {
		while (pcp->pc_fdcount)
			cv_wait(
			    &pcp->pc_lclosecv, &pcp->pc_lock); /* XXX: _sig */
		pp->port_queue.portq_pcp = NULL;
	}
	mtx_unlock(&pcp->pc_lock);
	if (lastclose) {
		/* Models port_pcache_destroy(). */
		mtx_destroy(&pcp->pc_lock);
		sim_free(pcp->pc_hash);
		sim_free(pcp);
	}
}
