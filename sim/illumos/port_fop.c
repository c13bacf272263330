/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PORT_SOURCE_FILE: one-shot watches of files on the in-memory file
 * system.  Models uts/common/fs/portfs/port_fop.c: port_associate_fop,
 * port_dissociate_fop, port_fop_sendevent with port_fop_excep for the
 * exception events (delete, rename) that remove watches, the trimming of
 * inactive watches past port_fop_maxpfps, and port_close_fop.  The FEM
 * hooks become the ko_vnode/ko_vnevent hooks: the vfs reports each
 * successful operation as a 'sim_vnev', mapped to FILE_* bits by port_fop()
 * as illumos's FEM monitors do.
 *
 * Locks as in illumos: each port's watch cache has 'pfc_lock', each
 * vnode's watch list 'pvp_mutex' (in the portfop_vp_t that lives as long
 * as the vnode, free_fopdata()), in the order pfc_lock -> pvp_mutex.  So
 * port_fop_sendevent(), which holds only pvp_mutex, moves the watches an
 * exception removes to a temporary list and port_fop_excep() takes each
 * one's cache lock after pvp_mutex is dropped; PORT_FOP_REMOVING marks a
 * watch in that window, where port_remove_fop() and a re-association see
 * it.  A watch is keyed by (pid, object) as port_cache_lookup_fop() keys
 * it: the object is the file_obj table a scenario passes (its identity
 * stands for the file_obj_t's address), or for a path string the path
 * itself (as if each path had one static file_obj).
 *
 * Deviations (XXX): the hooks run under the vnode interlock of the
 * simulated vfs, which illumos's FEM hooks do not hold; there is one file
 * system and it is never unmounted (no FSEM hook, no UNMOUNTED or
 * MOUNTEDOVER); re-association updates the user cookie (the illumos#14898
 * fix; not under illumos@pre-14898, rev_fop_keeps_user).
 */
#include <stdlib.h>
#include <string.h>

#include "kernel.h"
#include "port_impl.h"
#include "proc.h"
#include "vfs.h"

#define FILE_EVENTS_MASK                                                       \
	(FILE_ACCESS | FILE_MODIFIED | FILE_ATTRIB | FILE_TRUNC | FILE_NOFOLLOW)

/* At most this many watches on a vnode before inactive ones are trimmed. */
static const int port_fop_maxpfps = 20;

/* Sets pfp's flags, recorded under the calling kernel function's name. */
#define PFOP_SET_FLAGS(pfp, val)                                               \
	SIM_SET_FLAGS(&(pfp)->pfop_obj, "pfop_flags", pfop_flag_names,         \
	    (pfp)->pfop_flags, (val))

static void port_close_fop(void *arg, int port, int pid, int lastclose);

/*
 * Models port_fop_callback() in uts/common/fs/portfs/port_fop.c: only the
 * owner sees the events; the accumulated events are reported and cleared.
 * An exception event's own slot has no watch (arg NULL).
 */
static int
port_fop_callback(void *arg, int *events, int pid, int flag, void *evp)
{
	portfop_t *pfp = arg;
	port_kevent_t *pkevp = evp;

	if (flag != PORT_CALLBACK_DEFAULT)
		return (0);
	if (curproc->p_pid != pid)
		return (EACCES);
	*events = pkevp->portkev_events;
	PORTKEV_SET_EVENTS(pkevp, 0);
	if (pfp != NULL)
		PFOP_SET_FLAGS(pfp, pfp->pfop_flags & ~PORT_FOP_KEV_ONQ);
	return (0);
}

/* Models port_pcache_insert(): the cache, newest first. */
static void
port_pcache_insert(portfop_cache_t *pfcp, portfop_t *pfp)
{
	mtx_assert(&pfcp->pfc_lock, MA_OWNED);
	LIST_INSERT_HEAD(&pfcp->pfc_list, pfp, pfop_hashlink);
	pfcp->pfc_objcount++;
}

/*
 * The vnode's watch list, as port_fop_listinsert() and friends keep it:
 * active watches first, 'pvp_lpfop' the oldest inactive one (the one
 * port_fop_trimpfplist() discards).  pvp_mutex held.
 */
static void
port_fop_listinsert(portfop_vp_t *pvp, portfop_t *pfp, bool head)
{
	if (head)
		TAILQ_INSERT_HEAD(&pvp->pvp_pfoplist, pfp, pfop_node);
	else
		TAILQ_INSERT_TAIL(&pvp->pvp_pfoplist, pfp, pfop_node);
	if (pvp->pvp_lpfop == NULL)
		pvp->pvp_lpfop = pfp;
	pvp->pvp_cnt++;
}

/* Models port_fop_listinsert_tail(): where a watch goes once it fired. */
static void
port_fop_listinsert_tail(portfop_vp_t *pvp, portfop_t *pfp)
{
	if (pvp->pvp_lpfop != NULL
	    && (pvp->pvp_lpfop->pfop_flags & PORT_FOP_ACTIVE))
		pvp->pvp_lpfop = pfp;
	port_fop_listinsert(pvp, pfp, false);
}

/* Models port_fop_listremove(). */
static void
port_fop_listremove(portfop_vp_t *pvp, portfop_t *pfp)
{
	mtx_assert(&pvp->pvp_mutex, MA_OWNED);
	if (pvp->pvp_lpfop == pfp)
		pvp->pvp_lpfop = TAILQ_NEXT(pfp, pfop_node);
	TAILQ_REMOVE(&pvp->pvp_pfoplist, pfp, pfop_node);
	pvp->pvp_cnt--;
	if (pvp->pvp_cnt != 0 && pvp->pvp_lpfop == NULL)
		pvp->pvp_lpfop = TAILQ_FIRST(&pvp->pvp_pfoplist);
}

/*
 * Models port_pcache_remove_fop(): takes a queued event back, frees the
 * slot and the watch.  The watch is on no vnode list any more; the caller
 * releases its directory vnode after dropping the cache lock.
 */
static void
port_pcache_remove_fop(portfop_cache_t *pfcp, portfop_t *pfp)
{
	port_kevent_t *pkevp = pfp->pfop_pev;

	mtx_assert(&pfcp->pfc_lock, MA_OWNED);
	pfp->pfop_pev = NULL;
	if (pkevp != NULL) {
		(void)port_remove_done_event(pkevp);
		pkevp->portkev_arg = NULL;
		port_free_event_local(pkevp, 0);
	}
	LIST_REMOVE(pfp, pfop_hashlink);
	pfcp->pfc_objcount--;
	sim_trace_freed(__func__, &pfp->pfop_obj);
	sim_free(pfp->pfop_path);
	sim_free(pfp->pfop_cname);
	sim_free(pfp);
	if (pfcp->pfc_objcount == 0)
		cv_signal(&pfcp->pfc_lclosecv);
}

/*
 * Models port_fop_femuninstall(): with no watch left on the vnode the
 * hooks go, and the caller gets to release the vnode's hold.  Drops
 * pvp_mutex.  Returns whether the caller releases the vnode.
 */
static bool
port_fop_femuninstall(struct vnode *vp)
{
	portfop_vp_t *pvp = vp->v_kdata;
	bool ret = false;

	mtx_assert(&pvp->pvp_mutex, MA_OWNED);
	if (TAILQ_EMPTY(&pvp->pvp_pfoplist) && pvp->pvp_hooked) {
		pvp->pvp_hooked = false;
		ret = true;
	}
	mtx_unlock(&pvp->pvp_mutex);
	return (ret);
}

/*
 * Models port_remove_fop(): removes pfp from the vnode's list and the
 * cache.  Without 'cleanup' only a watch that is active and not being
 * removed goes.  *active: the watch had not fired, or its event was still
 * queued and is taken back.  The vnodes to release come back in *vpp and
 * *dvpp.  Returns whether pfp was removed (or is being removed by
 * port_fop_excep(), which finishes the job).
 */
static int
port_remove_fop(portfop_t *pfp, portfop_cache_t *pfcp, int cleanup, int *active,
    struct vnode **vpp, struct vnode **dvpp)
{
	struct vnode *vp = pfp->pfop_vp;
	portfop_vp_t *pvp = vp->v_kdata;
	int tactive = 0;

	mtx_assert(&pfcp->pfc_lock, MA_OWNED);
	mtx_lock(&pvp->pvp_mutex);
	if (!cleanup
	    && (!(pfp->pfop_flags & PORT_FOP_ACTIVE)
		|| (pfp->pfop_flags & PORT_FOP_REMOVING))) {
		mtx_unlock(&pvp->pvp_mutex);
		return (0);
	}
	if (pfp->pfop_flags & PORT_FOP_ACTIVE) {
		PFOP_SET_FLAGS(pfp, pfp->pfop_flags & ~PORT_FOP_ACTIVE);
		tactive = 1;
	}
	if (pfp->pfop_flags & PORT_FOP_REMOVING) {
		/* On port_fop_excep()'s list: it frees the watch. */
		mtx_unlock(&pvp->pvp_mutex);
		if (!tactive && port_remove_done_event(pfp->pfop_pev)) {
			PFOP_SET_FLAGS(
			    pfp, pfp->pfop_flags & ~PORT_FOP_KEV_ONQ);
			tactive = 1;
		}
		if (active != NULL)
			*active = tactive;
		return (1);
	}
	if (!tactive && port_remove_done_event(pfp->pfop_pev)) {
		PFOP_SET_FLAGS(pfp, pfp->pfop_flags & ~PORT_FOP_KEV_ONQ);
		tactive = 1;
	}
	if (active != NULL)
		*active = tactive;
	port_fop_listremove(pvp, pfp);
	if (port_fop_femuninstall(vp))
		*vpp = vp;
	*dvpp = pfp->pfop_dvp;
	port_pcache_remove_fop(pfcp, pfp);
	return (1);
}

/*
 * Models port_cache_lookup_fop(): the watch of (pid, object); a path
 * string is its own object.
 */
static portfop_t *
port_cache_lookup_fop(
    portfop_cache_t *pfcp, int pid, uintptr_t object, const char *path)
{
	portfop_t *pfp;

	mtx_assert(&pfcp->pfc_lock, MA_OWNED);
	LIST_FOREACH(pfp, &pfcp->pfc_list, pfop_hashlink)
		if (pfp->pfop_pid == pid && pfp->pfop_object == object
		    && (object != 0 || strcmp(pfp->pfop_path, path) == 0))
			return (pfp);
	return (NULL);
}

/*
 * Models port_fop_trimpfplist(): past port_fop_maxpfps watches on the
 * vnode, the oldest inactive one whose event is not queued is discarded,
 * if its cache lock can be had at once (the reverse of the lock order).
 */
static void
port_fop_trimpfplist(struct vnode *vp)
{
	portfop_vp_t *pvp = vp->v_kdata;
	portfop_cache_t *pfcp;
	portfop_t *pfp;
	struct vnode *tdvp;

	if (pvp == NULL || pvp->pvp_cnt <= port_fop_maxpfps)
		return;
	mtx_lock(&pvp->pvp_mutex);
	pfp = pvp->pvp_lpfop;
	pfcp = pfp != NULL ? pfp->pfop_pcache : NULL;
	if (pfcp != NULL && mtx_trylock(&pfcp->pfc_lock)) {
		if (!(pfp->pfop_flags & (PORT_FOP_ACTIVE | PORT_FOP_KEV_ONQ))) {
			port_fop_listremove(pvp, pfp);
			PFOP_SET_FLAGS(
			    pfp, pfp->pfop_flags | PORT_FOP_REMOVING);
		} else {
			mtx_unlock(&pfcp->pfc_lock);
			pfp = NULL;
		}
	} else
		pfp = NULL;
	mtx_unlock(&pvp->pvp_mutex);
	if (pfp != NULL) {
		tdvp = pfp->pfop_dvp;
		port_pcache_remove_fop(pfcp, pfp);
		mtx_unlock(&pfcp->pfc_lock);
		if (tdvp != NULL)
			vrele(tdvp);
	}
}

/*
 * Models port_check_timestamp() in uts/common/fs/portfs/port_fop.c: a
 * file_obj with any timestamp set is compared with the file's times after
 * the watch is in place; an active watch whose asked-for, given time
 * differs (atime for FILE_ACCESS, mtime for FILE_MODIFIED, ctime for
 * FILE_ATTRIB) fires at once, so a change between stat() and
 * port_associate() is not lost.  The watch is looked up again under the
 * cache lock: another event, a dissociation or a re-association may have
 * come first.
 */
static void
port_check_timestamp(portfop_cache_t *pfcp, struct vnode *vp, portfop_t *pfp,
    uintptr_t object, const char *path, const int64_t *stamps)
{
	portfop_vp_t *pvp = vp->v_kdata;
	port_kevent_t *pkevp;
	int events = 0;

	if (stamps[0] == 0 && stamps[1] == 0 && stamps[2] == 0)
		return;
	mtx_lock(&pfcp->pfc_lock);
	if (port_cache_lookup_fop(pfcp, curproc->p_pid, object, path) != pfp
	    || pfp->pfop_vp != vp || pfp->pfop_callrid != curthread
	    || !(pfp->pfop_flags & PORT_FOP_ACTIVE)) {
		mtx_unlock(&pfcp->pfc_lock);
		return;
	}
	mtx_lock(&pvp->pvp_mutex);
	if ((pfp->pfop_flags & PORT_FOP_ACTIVE)
	    && !(pfp->pfop_flags & PORT_FOP_REMOVING)) {
		if ((pfp->pfop_events & FILE_ACCESS) && stamps[0] != 0
		    && stamps[0] != vp->v_atime_ns)
			events |= FILE_ACCESS;
		if ((pfp->pfop_events & FILE_MODIFIED) && stamps[1] != 0
		    && stamps[1] != vp->v_mtime_ns)
			events |= FILE_MODIFIED;
		if ((pfp->pfop_events & FILE_ATTRIB) && stamps[2] != 0
		    && stamps[2] != vp->v_ctime_ns)
			events |= FILE_ATTRIB;
		if (events != 0) {
			pkevp = pfp->pfop_pev;
			PFOP_SET_FLAGS(pfp, pfp->pfop_flags & ~PORT_FOP_ACTIVE);
			PORTKEV_SET_EVENTS(
			    pkevp, pkevp->portkev_events | events);
			port_fop_listremove(pvp, pfp);
			port_fop_listinsert_tail(pvp, pfp);
			port_send_event(pkevp);
			PFOP_SET_FLAGS(pfp, pfp->pfop_flags | PORT_FOP_KEV_ONQ);
		}
	}
	mtx_unlock(&pvp->pvp_mutex);
	mtx_unlock(&pfcp->pfc_lock);
}

/*
 * Models port_fop_associate_source(): the FILE source on the port, once,
 * and the port's watch cache.
 */
static int
port_fop_associate_source(portfop_cache_t **pfcpp, port_t *pp, int source)
{
	portfop_cache_t *pfcp;
	int error;

	if (pp->port_fopcache == NULL) {
		error = port_associate_ksource(
		    pp, source, NULL, port_close_fop, pp);
		if (error) {
			*pfcpp = NULL;
			return (error);
		}
	}
	if ((pfcp = pp->port_fopcache) == NULL) {
		pfcp = port_zalloc(sizeof(*pfcp));
		mtx_init(&pfcp->pfc_lock, "pfc_lock", NULL, MTX_DEF);
		cv_init(&pfcp->pfc_lclosecv, "pfc_lclosecv");
		LIST_INIT(&pfcp->pfc_list);
		pfcp->pfc_port = pp;
		pp->port_fopcache = pfcp;
	}
	*pfcpp = pfcp;
	return (0);
}

/*
 * Models port_install_fopdata(): the vnode's watch list, kept until the
 * vnode is freed (port_fop_vnode_free()).
 */
static portfop_vp_t *
port_install_fopdata(struct vnode *vp)
{
	portfop_vp_t *pvp;

	if ((pvp = vp->v_kdata) != NULL)
		return (pvp);
	pvp = port_zalloc(sizeof(*pvp));
	mtx_init(&pvp->pvp_mutex, "pvp_mutex", NULL, MTX_DEF);
	TAILQ_INIT(&pvp->pvp_pfoplist);
	pvp->pvp_vp = vp;
	vp->v_kdata = pvp;
	return (pvp);
}

/*
 * Models port_pfp_setup(): a new watch in the cache (pfc_lock held) and
 * at the head of the vnode's list; the first watch of a vnode installs
 * the hooks, which hold the vnode.  Takes over path, cname and the hold
 * on dvp.
 */
static int
port_pfp_setup(portfop_t **pfpp, port_t *pp, struct vnode *vp,
    portfop_cache_t *pfcp, uintptr_t object, int events,
    const struct port_user *u, char *path, char *cname, struct vnode *dvp)
{
	port_kevent_t *pkevp;
	portfop_vp_t *pvp;
	portfop_t *pfp;
	int error;

	*pfpp = NULL;
	error = port_alloc_event_local(
	    pp, PORT_SOURCE_FILE, PORT_ALLOC_CACHED, &pkevp);
	if (error)
		return (error);
	pfp = port_zalloc(sizeof(*pfp));
	sim_obj_init(&pfp->pfop_obj, "portfop");
	sim_trace_created(__func__, &pfp->pfop_obj);
	sim_obj_label(&pfp->pfop_obj, "\"%s\" of pid %d on %s", path,
	    curproc->p_pid, pp->port_obj.so_name);
	pfp->pfop_pev = pkevp;
	pfp->pfop_vp = vp;
	pfp->pfop_pid = curproc->p_pid;
	pfp->pfop_pcache = pfcp;
	pfp->pfop_pp = pp;
	PFOP_SET_FLAGS(pfp, pfp->pfop_flags | PORT_FOP_ACTIVE);
	pfp->pfop_path = path;
	pfp->pfop_cname = cname;
	pfp->pfop_dvp = dvp;
	pfp->pfop_object = object;
	pkevp->portkev_objname = sim_strdup(path);
	port_init_event(pkevp, object, u, port_fop_callback, pfp);
	PORTKEV_SET_EVENTS(pkevp, 0);
	port_pcache_insert(pfcp, pfp);

	pvp = port_install_fopdata(vp);
	mtx_lock(&pvp->pvp_mutex);
	if (!pvp->pvp_hooked) {
		/* fem_install(): the hooks hold the vnode. */
		pvp->pvp_hooked = true;
		vref(vp);
	}
	SIM_SET(&pfp->pfop_obj, "pfop_events", pfp->pfop_events, events);
	port_fop_listinsert(pvp, pfp, true);
	mtx_unlock(&pvp->pvp_mutex);
	*pfpp = pfp;
	return (0);
}

/* Releases what port_associate_fop() still holds. */
static void
port_fop_release(struct vnode *vp, struct vnode *dvp, struct vnode *oldvp,
    struct vnode *olddvp)
{
	if (vp != NULL)
		vrele(vp);
	if (dvp != NULL)
		vrele(dvp);
	if (oldvp != NULL)
		vrele(oldvp);
	if (olddvp != NULL)
		vrele(olddvp);
}

/*
 * Models port_associate_fop() in uts/common/fs/portfs/port_fop.c: a new
 * watch, or the re-association of the existing one of (pid, object); a
 * watch whose name now leads to another file is discarded first.  Returns
 * 0, EINVAL (bad events, or the file went away while the watch was set
 * up), ENOENT/ENOTDIR (lookup), EAGAIN (port full).
 */
int
port_associate_fop(port_t *pp, int source, uintptr_t object, const char *path,
    const int64_t *stamps, int events, const struct port_user *u)
{
	portfop_cache_t *pfcp;
	struct vnode *vp = NULL, *dvp = NULL, *oldvp = NULL, *olddvp = NULL;
	struct vnode *tvp, *tdvp;
	portfop_t *pfp;
	char cname[VFS_NAMEMAX + 1];
	int error;

	if (events & ~FILE_EVENTS_MASK)
		return (EINVAL);
	events &= ~FILE_NOFOLLOW; /* no symbolic links to follow here */
	if (path == NULL || path[0] == '\0')
		return (ENOENT);
	/* port_fop_getdvp(): the vnode, its directory and the last name. */
	error = namei(path, &vp);
	if (error)
		return (error);
	if (namei_parent(path, &dvp, cname, sizeof(cname)) != 0)
		dvp = NULL;

	error = port_fop_associate_source(&pfcp, pp, source);
	if (error)
		goto errout;
	mtx_lock(&pfcp->pfc_lock);
	pfp = port_cache_lookup_fop(pfcp, curproc->p_pid, object, path);
	if (pfp != NULL && (pfp->pfop_vp != vp || pfp->pfop_dvp != dvp)) {
		/* The name now refers to another file: start over. */
		(void)port_remove_fop(pfp, pfcp, 1, NULL, &oldvp, &olddvp);
		pfp = NULL;
	}
	if (pfp == NULL) {
		error = port_pfp_setup(&pfp, pp, vp, pfcp, object, events, u,
		    sim_strdup(path), dvp != NULL ? sim_strdup(cname) : NULL,
		    dvp);
		if (error) {
			mtx_unlock(&pfcp->pfc_lock);
			goto errout;
		}
		dvp = NULL; /* the watch holds it now */
		pfp->pfop_callrid = curthread;
		/*
		 * The file may have been removed between the lookup and
		 * the watch: look it up again without the cache lock.
		 */
		mtx_unlock(&pfcp->pfc_lock);
		tvp = NULL;
		if (namei(path, &tvp) == 0)
			vrele(tvp); /* only compared */
		if (tvp == NULL || tvp != vp) {
			mtx_lock(&pfcp->pfc_lock);
			error = 0;
			if (port_cache_lookup_fop(
				pfcp, curproc->p_pid, object, path)
				!= pfp
			    || pfp->pfop_vp != vp
			    || pfp->pfop_callrid != curthread) {
				mtx_unlock(&pfcp->pfc_lock);
				goto errout;
			}
			tvp = tdvp = NULL;
			if (port_remove_fop(pfp, pfcp, 0, NULL, &tvp, &tdvp))
				error = EINVAL;
			mtx_unlock(&pfcp->pfc_lock);
			port_fop_release(tvp, tdvp, NULL, NULL);
			goto errout;
		}
	} else {
		portfop_vp_t *pvp = vp->v_kdata;
		port_kevent_t *pkevp = pfp->pfop_pev;

		/* Re-association of the object. */
		mtx_lock(&pvp->pvp_mutex);
		if (port_remove_done_event(pkevp))
			PFOP_SET_FLAGS(
			    pfp, pfp->pfop_flags & ~PORT_FOP_KEV_ONQ);
		SIM_SET(
		    &pfp->pfop_obj, "pfop_events", pfp->pfop_events, events);
		/*
		 * The illumos#14898 fix: the new association's user
		 * cookie.  Before it (rev_fop_keeps_user) the first one
		 * stayed.
		 */
		if (!PORT_REV(rev_fop_keeps_user)) {
			port_user_free(&pkevp->portkev_user);
			port_user_copy(&pkevp->portkev_user, u);
		}
		/*
		 * Active again even while being removed, so that
		 * port_fop_excep() sends the exception; to the head of the
		 * list unless on port_fop_excep()'s.
		 */
		if (!(pfp->pfop_flags & PORT_FOP_ACTIVE)) {
			PFOP_SET_FLAGS(pfp, pfp->pfop_flags | PORT_FOP_ACTIVE);
			if (!(pfp->pfop_flags & PORT_FOP_REMOVING)) {
				port_fop_listremove(pvp, pfp);
				port_fop_listinsert(pvp, pfp, true);
			}
		}
		pfp->pfop_callrid = curthread;
		mtx_unlock(&pvp->pvp_mutex);
		mtx_unlock(&pfcp->pfc_lock);
	}
	if (stamps != NULL)
		port_check_timestamp(pfcp, vp, pfp, object, path, stamps);
	error = 0;
	port_fop_trimpfplist(vp);
errout:
	port_fop_release(vp, dvp, oldvp, olddvp);
	return (error);
}

/*
 * Models port_dissociate_fop() in uts/common/fs/portfs/port_fop.c:
 * EINVAL if the port never had a file watch, ENOENT if the watch does not
 * exist or already fired and was retrieved; a fired but undelivered watch
 * counts as active.
 */
int
port_dissociate_fop(port_t *pp, uintptr_t object, const char *path)
{
	portfop_cache_t *pfcp;
	portfop_t *pfp;
	struct vnode *tvp = NULL, *tdvp = NULL;
	int active = 0;

	if ((pfcp = pp->port_fopcache) == NULL)
		return (EINVAL);
	mtx_lock(&pfcp->pfc_lock);
	pfp = port_cache_lookup_fop(pfcp, curproc->p_pid, object, path);
	if (pfp == NULL) {
		mtx_unlock(&pfcp->pfc_lock);
		return (ENOENT);
	}
	(void)port_remove_fop(pfp, pfcp, 1, &active, &tvp, &tdvp);
	mtx_unlock(&pfcp->pfc_lock);
	port_fop_release(tvp, tdvp, NULL, NULL);
	return (active ? 0 : ENOENT);
}

/*
 * Models port_fop_excep(): each watch an exception removed is taken off
 * its port under that port's cache lock; one still active, or whose event
 * was queued and is taken back, gets the exception in a slot of its own.
 */
static void
port_fop_excep(struct portfop_list *tlist, int op)
{
	portfop_cache_t *pfcp;
	port_kevent_t *pkevp, *opkevp;
	portfop_t *pfp;
	struct vnode *tdvp;
	int removed;

	while ((pfp = TAILQ_FIRST(tlist)) != NULL) {
		TAILQ_REMOVE(tlist, pfp, pfop_node);
		pfcp = pfp->pfop_pcache;
		mtx_lock(&pfcp->pfc_lock);
		removed = 0;
		if (pfp->pfop_flags & PORT_FOP_KEV_ONQ)
			removed = port_remove_done_event(pfp->pfop_pev);
		if ((pfp->pfop_flags & PORT_FOP_ACTIVE) || removed) {
			PFOP_SET_FLAGS(pfp, pfp->pfop_flags & ~PORT_FOP_ACTIVE);
			opkevp = pfp->pfop_pev;
			if (port_alloc_event_local(pfp->pfop_pp,
				PORT_SOURCE_FILE, PORT_ALLOC_DEFAULT, &pkevp)
			    == 0) {
				pkevp->portkev_pid = opkevp->portkev_pid;
				pkevp->portkev_objname
				    = sim_strdup(pfp->pfop_path);
				port_init_event(pkevp, opkevp->portkev_object,
				    &opkevp->portkev_user, port_fop_callback,
				    NULL);
				PORTKEV_SET_EVENTS(pkevp, op);
				port_send_event(pkevp);
			}
		}
		tdvp = pfp->pfop_dvp;
		port_pcache_remove_fop(pfcp, pfp);
		mtx_unlock(&pfcp->pfc_lock);
		if (tdvp != NULL)
			vrele(tdvp);
	}
}

/* Whether an exception on (dvp, cname) is one on pfp's own name. */
static bool
port_fop_samename(portfop_t *pfp, struct vnode *dvp, const char *cname)
{
	return (pfp->pfop_dvp == NULL
	    || (pfp->pfop_dvp == dvp && pfp->pfop_cname != NULL
		&& strcmp(cname, pfp->pfop_cname) == 0));
}

/*
 * Models port_fop_sendevent() in uts/common/fs/portfs/port_fop.c: every
 * active watch of the vnode whose events match fires once, oldest
 * association first, and goes inactive to the tail of the list.  An
 * exception on the watched name moves the watch, active or not, to a
 * temporary list for port_fop_excep(); for a hard-linked file a watch on
 * another name gets FILE_ATTRIB (the link count changed) and stays.  With
 * no name (dvp or cname NULL) an exception removes every watch.
 */
static void
port_fop_sendevent(
    struct vnode *vp, int events, struct vnode *dvp, const char *cname)
{
	struct portfop_list tmplist;
	portfop_vp_t *pvp = vp->v_kdata;
	port_kevent_t *pkevp;
	portfop_t *pfp, *npfp;
	bool removeall = false;
	int levents;

	if (pvp == NULL)
		return;
	mtx_lock(&pvp->pvp_mutex);
	if (TAILQ_EMPTY(&pvp->pvp_pfoplist)) {
		mtx_unlock(&pvp->pvp_mutex);
		return;
	}
	TAILQ_INIT(&tmplist);
	if ((events & FILE_EXCEPTION) && (dvp == NULL || cname == NULL))
		removeall = true;
	pfp = NULL;
	if (!removeall) {
		/* The active ones lead: deliver from the last of them. */
		for (pfp = TAILQ_LAST(&pvp->pvp_pfoplist, portfop_list);
		     pfp != NULL && !(pfp->pfop_flags & PORT_FOP_ACTIVE);
		     pfp = TAILQ_PREV(pfp, portfop_list, pfop_node))
			;
		for (; pfp != NULL; pfp = npfp) {
			npfp = TAILQ_PREV(pfp, portfop_list, pfop_node);
			levents = events;
			if (events & FILE_EXCEPTION) {
				if (port_fop_samename(pfp, dvp, cname)) {
					port_fop_listremove(pvp, pfp);
					TAILQ_INSERT_TAIL(
					    &tmplist, pfp, pfop_node);
					PFOP_SET_FLAGS(pfp,
					    pfp->pfop_flags
						| PORT_FOP_REMOVING);
					continue;
				}
				levents = FILE_ATTRIB;
			}
			if (pfp->pfop_events & levents) {
				PFOP_SET_FLAGS(
				    pfp, pfp->pfop_flags & ~PORT_FOP_ACTIVE);
				port_fop_listremove(pvp, pfp);
				port_fop_listinsert_tail(pvp, pfp);
				pkevp = pfp->pfop_pev;
				PORTKEV_SET_EVENTS(pkevp,
				    pkevp->portkev_events
					| (levents & pfp->pfop_events));
				port_send_event(pkevp);
				PFOP_SET_FLAGS(
				    pfp, pfp->pfop_flags | PORT_FOP_KEV_ONQ);
			}
		}
	}
	if (!(events & FILE_EXCEPTION)) {
		mtx_unlock(&pvp->pvp_mutex);
		port_fop_trimpfplist(vp);
		return;
	}
	/* The inactive watches on the removed name go too. */
	for (pfp = TAILQ_FIRST(&pvp->pvp_pfoplist); pfp != NULL; pfp = npfp) {
		npfp = TAILQ_NEXT(pfp, pfop_node);
		if (removeall || port_fop_samename(pfp, dvp, cname)) {
			port_fop_listremove(pvp, pfp);
			TAILQ_INSERT_TAIL(&tmplist, pfp, pfop_node);
			PFOP_SET_FLAGS(
			    pfp, pfp->pfop_flags | PORT_FOP_REMOVING);
		}
	}
	if (port_fop_femuninstall(vp))
		vrele(vp);
	port_fop_excep(&tmplist, events);
}

/*
 * Models port_fop() in uts/common/fs/portfs/port_fop.c with the FEM
 * monitors' operation masks: the FILE_* events of a vnode event.
 */
static int
port_fop_events(int ev)
{
	switch (ev) {
	case VNEV_WRITE:
	case VNEV_EXTEND:
		return (FILE_MODIFIED | FILE_ATTRIB);
	case VNEV_TRUNC:
		return (FILE_TRUNC | FILE_MODIFIED | FILE_ATTRIB);
	case VNEV_ATTRIB:
	case VNEV_LINK:
		return (FILE_ATTRIB);
	case VNEV_ACCESS:
		return (FILE_ACCESS);
	case VNEV_DELETE:
		return (FILE_DELETE);
	case VNEV_RENAME_FROM:
		return (FILE_RENAME_FROM);
	case VNEV_RENAME_TO:
		return (FILE_RENAME_TO);
	default:
		return (0);
	}
}

/*
 * A vnode event from the vfs: port_fop() for the operations on the file,
 * port_fop_vnevent() (with the directory and name) for removal and
 * rename.
 */
void
port_fop_vnode_event(
    struct vnode *vp, int ev, struct vnode *dvp, const char *name)
{
	int events = port_fop_events(ev);

	if (events == 0 || vp->v_kdata == NULL)
		return;
	port_fop_sendevent(vp, events, dvp, name);
}

/*
 * Models free_fopdata() in uts/common/fs/vnode.c: the watch list goes
 * with the vnode (no watch is left: each holds the vnode).
 */
void
port_fop_vnode_free(struct vnode *vp)
{
	portfop_vp_t *pvp = vp->v_kdata;

	if (pvp == NULL)
		return;
	KASSERT(TAILQ_EMPTY(&pvp->pvp_pfoplist),
	    ("free_fopdata: %s has watches", vp->v_obj.so_name));
	vp->v_kdata = NULL;
	mtx_destroy(&pvp->pvp_mutex);
	sim_free(pvp);
}

/*
 * Models port_close_fop() in uts/common/fs/portfs/port_fop.c: the closing
 * process's watches go (on the last close every watch), then, on the last
 * close, the cache, after waiting for the watches port_fop_excep() is
 * still removing.  The vnodes are released after the cache lock is
 * dropped, as illumos releases them in batches.
 */
static void
port_close_fop(void *arg, int port, int pid, int lastclose)
{
	port_t *pp = arg;
	portfop_cache_t *pfcp;
	portfop_t *pfp, *next;
	struct vnode **vpl = NULL;
	size_t n = 0, cap = 0;

	(void)port;
	if ((pfcp = pp->port_fopcache) == NULL)
		return;
	mtx_lock(&pfcp->pfc_lock);
	LIST_FOREACH_SAFE(pfp, &pfcp->pfc_list, pfop_hashlink, next) {
		struct vnode *vp = NULL, *dvp = NULL;

		if (!lastclose && pfp->pfop_pid != pid)
			continue;
		(void)port_remove_fop(pfp, pfcp, 1, NULL, &vp, &dvp);
		if (n + 2 > cap) {
			cap = cap == 0 ? 8 : 2 * cap;
			vpl = sim_realloc(vpl, cap * sizeof(*vpl));
			if (vpl == NULL)
				sim_oom();
		}
		if (vp != NULL)
			vpl[n++] = vp;
		if (dvp != NULL)
			vpl[n++] = dvp;
	}
	while (lastclose && pfcp->pfc_objcount != 0)
		(void)cv_wait_sig(&pfcp->pfc_lclosecv, &pfcp->pfc_lock);
	mtx_unlock(&pfcp->pfc_lock);
	while (n > 0)
		vrele(vpl[--n]);
	sim_free(vpl);
	if (lastclose) {
		pp->port_fopcache = NULL;
		cv_destroy(&pfcp->pfc_lclosecv);
		mtx_destroy(&pfcp->pfc_lock);
		sim_free(pfcp);
	}
}
