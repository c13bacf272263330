/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PORT_SOURCE_FILE: one-shot watches of files on the in-memory file
 * system.  Models uts/common/fs/portfs/port_fop.c: port_associate_fop,
 * port_dissociate_fop, the delivery callback, exception events (delete,
 * rename) that remove the watch, and the close callback.  The FEM hooks
 * become the ko_vnode hook: the vfs reports each successful operation as a
 * 'sim_vnev', translated here to FILE_* bits as illumos's FEM monitors do.
 *
 * Deviations (XXX): a watch is keyed by (pid, path) because a scenario
 * names the file by path, where illumos keys by (pid, file_obj_t address);
 * one mutex ('portfop_mutex') protects every port's watch
 * cache and every vnode's watch list, where illumos has 'pfc_lock' per port
 * and a per-vnode mutex; re-association updates the user cookie (the
 * illumos#14898 fix; not under illumos@pre-14898, rev_fop_keeps_user);
 * an exception leaves inactive (fired) watches in place, where
 * port_fop_sendevent() removes those on the removed name too (and
 * port_fop_excep() turns a still-queued event into the exception).
 */
#include <stdlib.h>
#include <string.h>

#include "kernel.h"
#include "port_impl.h"
#include "proc.h"
#include "vfs.h"

#define FILE_VALID_EVENTS                                                      \
	(FILE_ACCESS | FILE_MODIFIED | FILE_ATTRIB | FILE_TRUNC | FILE_NOFOLLOW)

static struct {
	uint64_t gen;
	struct mtx m;
} portfop_lock;

static struct mtx *
portfop_mutex(void)
{
	if (portfop_lock.gen != sched_generation()) {
		portfop_lock.gen = sched_generation();
		mtx_init(&portfop_lock.m, "portfop_mutex", NULL, MTX_DEF);
	}
	return (&portfop_lock.m);
}

static void port_close_fop(void *arg, int port, int pid, int lastclose);

/*
 * Models port_fop_callback() in uts/common/fs/portfs/port_fop.c: only the
 * owner sees the events; the accumulated events are reported and cleared.
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
		SIM_SET_FLAGS(&pfp->pfop_obj, "pfop_flags", pfop_flag_names,
		    pfp->pfop_flags, pfp->pfop_flags & ~PORT_FOP_KEV_ONQ);
	return (0);
}

/* The callback of an exception event's own slot: owner only. */
static int
port_fop_excep_callback(void *arg, int *events, int pid, int flag, void *evp)
{
	if (flag == PORT_CALLBACK_DEFAULT && curproc->p_pid != pid)
		return (EACCES);
	return (0);
}

static portfop_cache_t *
port_fop_cache(port_t *pp)
{
	return (pp->port_fopcache);
}

static portfop_t *
port_fop_lookup(portfop_cache_t *pfcp, int pid, const char *name)
{
	portfop_t *pfp;

	LIST_FOREACH(pfp, &pfcp->pfc_list, pfop_hashlink)
		if (pfp->pfop_pid == pid && strcmp(pfp->pfop_cname, name) == 0)
			return (pfp);
	return (NULL);
}

/*
 * Models port_pcache_remove_fop(): unhooks the watch from its vnode and
 * the port's cache, takes a queued event back and frees the slot.
 */
static void
port_pcache_remove_fop(portfop_cache_t *pfcp, portfop_t *pfp)
{
	portfop_vp_t *pvp = pfp->pfop_vp->v_kdata;
	port_kevent_t *pkevp = pfp->pfop_pev;

	mtx_assert(portfop_mutex(), MA_OWNED);
	TAILQ_REMOVE(&pvp->pvp_pfoplist, pfp, pfop_node);
	if (--pvp->pvp_cnt == 0) {
		pfp->pfop_vp->v_kdata = NULL;
		sim_free(pvp);
	}
	LIST_REMOVE(pfp, pfop_hashlink);
	pfcp->pfc_objcount--;
	(void)port_remove_done_event(pkevp);
	pkevp->portkev_arg = NULL;
	port_free_event_local(pkevp, 0);
	vrele(pfp->pfop_vp);
	if (pfp->pfop_dvp != NULL)
		vrele(pfp->pfop_dvp);
	sim_trace_freed(__func__, &pfp->pfop_obj);
	sim_free(pfp->pfop_name);
	sim_free(pfp->pfop_cname);
	sim_free(pfp);
}

/*
 * Models port_check_timestamp() in uts/common/fs/portfs/port_fop.c: a
 * file_obj with any timestamp set is compared with the file's times when
 * associated; an active watch whose asked-for time differs (atime for
 * FILE_ACCESS, mtime for FILE_MODIFIED, ctime for FILE_ATTRIB) fires at
 * once, so a change between stat() and port_associate() is not lost.
 */
static void
port_check_timestamp(portfop_t *pfp, const int64_t *stamps)
{
	struct vnode *vp = pfp->pfop_vp;
	port_kevent_t *pkevp;
	int events = 0;

	mtx_assert(portfop_mutex(), MA_OWNED);
	if (stamps[0] == 0 && stamps[1] == 0 && stamps[2] == 0)
		return;
	if (!(pfp->pfop_flags & PORT_FOP_ACTIVE))
		return;
	if ((pfp->pfop_events & FILE_ACCESS) && stamps[0] != vp->v_atime_ns)
		events |= FILE_ACCESS;
	if ((pfp->pfop_events & FILE_MODIFIED) && stamps[1] != vp->v_mtime_ns)
		events |= FILE_MODIFIED;
	if ((pfp->pfop_events & FILE_ATTRIB) && stamps[2] != vp->v_ctime_ns)
		events |= FILE_ATTRIB;
	if (events == 0)
		return;
	pkevp = pfp->pfop_pev;
	SIM_SET_FLAGS(&pfp->pfop_obj, "pfop_flags", pfop_flag_names,
	    pfp->pfop_flags,
	    (pfp->pfop_flags & ~PORT_FOP_ACTIVE) | PORT_FOP_KEV_ONQ);
	PORTKEV_SET_EVENTS(pkevp, pkevp->portkev_events | events);
	port_send_event(pkevp);
}

/*
 * Models port_associate_fop() in uts/common/fs/portfs/port_fop.c.  Returns
 * 0, EINVAL (bad events), ENOENT/ENOTDIR (lookup), EAGAIN (port full).
 */
int
port_associate_fop(port_t *pp, int source, const char *path,
    const int64_t *stamps, int events, const struct port_user *u)
{
	portfop_cache_t *pfcp;
	portfop_vp_t *pvp;
	port_kevent_t *pkevp;
	struct vnode *vp, *dvp;
	portfop_t *pfp;
	char cname[VFS_NAMEMAX + 1];
	int error;

	if (events & ~FILE_VALID_EVENTS)
		return (EINVAL);
	if (path == NULL || path[0] == '\0')
		return (ENOENT);
	error = namei(path, &vp);
	if (error)
		return (error);

	if (pp->port_fopcache == NULL) {
		error = port_associate_ksource(
		    pp, PORT_SOURCE_FILE, NULL, port_close_fop, pp);
		if (error) {
			vrele(vp);
			return (error);
		}
	}
	mtx_lock(portfop_mutex());
	if (pp->port_fopcache == NULL) {
		pfcp = port_zalloc(sizeof(*pfcp));
		LIST_INIT(&pfcp->pfc_list);
		pfcp->pfc_port = pp;
		pp->port_fopcache = pfcp;
	}
	pfcp = port_fop_cache(pp);
	pfp = port_fop_lookup(pfcp, curproc->p_pid, path);
	if (pfp != NULL && pfp->pfop_vp != vp) {
		/* The name now refers to another file: start over. */
		port_pcache_remove_fop(pfcp, pfp);
		pfp = NULL;
	}
	if (pfp == NULL) {
		error = port_alloc_event_local(
		    pp, source, PORT_ALLOC_CACHED, &pkevp);
		if (error) {
			mtx_unlock(portfop_mutex());
			vrele(vp);
			return (error);
		}
		pfp = port_zalloc(sizeof(*pfp));
		sim_obj_init(&pfp->pfop_obj, "portfop");
		sim_trace_created(__func__, &pfp->pfop_obj);
		sim_obj_label(&pfp->pfop_obj, "\"%s\" of pid %d on %s", path,
		    curproc->p_pid, pp->port_obj.so_name);
		pfp->pfop_pid = curproc->p_pid;
		pfp->pfop_cname = sim_strdup(path);
		/* lookupname()'s dvp and last component. */
		if (namei_parent(path, &dvp, cname, sizeof(cname)) == 0) {
			pfp->pfop_dvp = dvp;
			pfp->pfop_name = sim_strdup(cname);
		}
		pfp->pfop_vp = vp;
		pfp->pfop_pev = pkevp;
		pfp->pfop_pp = pp;
		pkevp->portkev_objname = sim_strdup(path);
		port_init_event(pkevp, 0, u, port_fop_callback, pfp);
		LIST_INSERT_HEAD(&pfcp->pfc_list, pfp, pfop_hashlink);
		pfcp->pfc_objcount++;
		pvp = vp->v_kdata;
		if (pvp == NULL) {
			pvp = port_zalloc(sizeof(*pvp));
			TAILQ_INIT(&pvp->pvp_pfoplist);
			pvp->pvp_vp = vp;
			vp->v_kdata = pvp;
		}
		TAILQ_INSERT_TAIL(&pvp->pvp_pfoplist, pfp, pfop_node);
		pvp->pvp_cnt++;
	} else {
		vrele(vp); /* the watch holds its own reference */
		pkevp = pfp->pfop_pev;
		if (pkevp->portkev_flags & PORT_KEV_DONEQ)
			(void)port_remove_done_event(pkevp);
		SIM_SET_FLAGS(&pfp->pfop_obj, "pfop_flags", pfop_flag_names,
		    pfp->pfop_flags, pfp->pfop_flags & ~PORT_FOP_KEV_ONQ);
		PORTKEV_SET_EVENTS(pkevp, 0);
		/*
		 * illumos#14898: the new association's user cookie.  Before
		 * the fix (rev_fop_keeps_user) the first one stayed
		 * (reference/ports.md section 4 P10).
		 */
		if (!PORT_REV(rev_fop_keeps_user)) {
			port_user_free(&pkevp->portkev_user);
			port_user_copy(&pkevp->portkev_user, u);
		}
	}
	SIM_SET(&pfp->pfop_obj, "pfop_events", pfp->pfop_events, events);
	SIM_SET_FLAGS(&pfp->pfop_obj, "pfop_flags", pfop_flag_names,
	    pfp->pfop_flags, pfp->pfop_flags | PORT_FOP_ACTIVE);
	if (stamps != NULL)
		port_check_timestamp(pfp, stamps);
	mtx_unlock(portfop_mutex());
	return (0);
}

/*
 * Models port_dissociate_fop() in uts/common/fs/portfs/port_fop.c:
 * EINVAL if the port never had a file watch, ENOENT if the watch does not
 * exist or already fired and was retrieved; a fired but undelivered watch
 * counts as active.
 */
int
port_dissociate_fop(port_t *pp, const char *path)
{
	portfop_cache_t *pfcp;
	portfop_t *pfp;
	int active;

	mtx_lock(portfop_mutex());
	pfcp = port_fop_cache(pp);
	if (pfcp == NULL) {
		mtx_unlock(portfop_mutex());
		return (EINVAL);
	}
	pfp = port_fop_lookup(pfcp, curproc->p_pid, path);
	if (pfp == NULL) {
		mtx_unlock(portfop_mutex());
		return (ENOENT);
	}
	active = (pfp->pfop_flags & PORT_FOP_ACTIVE)
	    || (pfp->pfop_pev->portkev_flags & PORT_KEV_DONEQ);
	port_pcache_remove_fop(pfcp, pfp);
	mtx_unlock(portfop_mutex());
	return (active ? 0 : ENOENT);
}

/* The FILE_* events of a vnode event (the FEM monitor operations). */
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
 * Whether an exception on the name 'name' in dvp concerns pfp: no name
 * given, a watch without a directory, or the watched name itself.
 */
static bool
port_fop_name_matches(portfop_t *pfp, struct vnode *dvp, const char *name)
{
	return (dvp == NULL || name == NULL || pfp->pfop_dvp == NULL
	    || (pfp->pfop_dvp == dvp && pfp->pfop_name != NULL
		&& strcmp(name, pfp->pfop_name) == 0));
}

/*
 * Models port_fop_sendevent() in uts/common/fs/portfs/port_fop.c: each
 * active watch of the vnode whose events match fires once; an exception
 * fires on every active watch with its own slot and removes the watch.
 * For a hard-linked file the removed or renamed name (dvp, name) decides:
 * a watch on another name of the file gets FILE_ATTRIB (the link count
 * changed) and stays.  Called with the vnode's interlock held.
 */
void
port_fop_vnode_event(
    struct vnode *vp, int ev, struct vnode *dvp, const char *name)
{
	portfop_vp_t *pvp;
	portfop_t *pfp, *next;
	port_kevent_t *pkevp, *xev;
	int events = port_fop_events(ev), evs, levents;

	if (events == 0 || vp->v_kdata == NULL)
		return;
	mtx_lock(portfop_mutex());
	pvp = vp->v_kdata;
	for (pfp = pvp != NULL ? TAILQ_FIRST(&pvp->pvp_pfoplist) : NULL;
	     pfp != NULL; pfp = next) {
		next = TAILQ_NEXT(pfp, pfop_node);
		if (!(pfp->pfop_flags & PORT_FOP_ACTIVE))
			continue;
		pkevp = pfp->pfop_pev;
		levents = events;
		if ((events & FILE_EXCEPTION)
		    && !port_fop_name_matches(pfp, dvp, name))
			levents = FILE_ATTRIB;
		if (levents & FILE_EXCEPTION) {
			SIM_SET_FLAGS(&pfp->pfop_obj, "pfop_flags",
			    pfop_flag_names, pfp->pfop_flags,
			    (pfp->pfop_flags & ~PORT_FOP_ACTIVE)
				| PORT_FOP_REMOVING);
			if (port_alloc_event_local(pfp->pfop_pp,
				PORT_SOURCE_FILE, PORT_ALLOC_DEFAULT, &xev)
			    == 0) {
				xev->portkev_pid = pfp->pfop_pid;
				xev->portkev_objname
				    = sim_strdup(pfp->pfop_cname);
				port_init_event(xev, 0, &pkevp->portkev_user,
				    port_fop_excep_callback, NULL);
				PORTKEV_SET_EVENTS(xev, events);
				port_send_event(xev);
			}
			port_pcache_remove_fop(
			    pfp->pfop_pp->port_fopcache, pfp);
			if (vp->v_kdata == NULL)
				break;
			continue;
		}
		evs = levents & pfp->pfop_events;
		if (evs == 0)
			continue;
		SIM_SET_FLAGS(&pfp->pfop_obj, "pfop_flags", pfop_flag_names,
		    pfp->pfop_flags,
		    (pfp->pfop_flags & ~PORT_FOP_ACTIVE) | PORT_FOP_KEV_ONQ);
		PORTKEV_SET_EVENTS(pkevp, pkevp->portkev_events | evs);
		port_send_event(pkevp);
	}
	mtx_unlock(portfop_mutex());
}

/*
 * Models port_close_fop() in uts/common/fs/portfs/port_fop.c: the closing
 * process's watches go; on the last close every watch and the cache.
 */
static void
port_close_fop(void *arg, int port, int pid, int lastclose)
{
	port_t *pp = arg;
	portfop_cache_t *pfcp;
	portfop_t *pfp, *next;

	mtx_lock(portfop_mutex());
	pfcp = pp->port_fopcache;
	if (pfcp == NULL) {
		mtx_unlock(portfop_mutex());
		return;
	}
	LIST_FOREACH_SAFE(pfp, &pfcp->pfc_list, pfop_hashlink, next) {
		if (lastclose || pfp->pfop_pid == pid)
			port_pcache_remove_fop(pfcp, pfp);
	}
	if (lastclose) {
		pp->port_fopcache = NULL;
		sim_free(pfcp);
	}
	mtx_unlock(portfop_mutex());
}
