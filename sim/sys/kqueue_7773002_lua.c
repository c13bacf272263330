/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim.inspect for a kqueue of revision freebsd@7773002 (the FreeBSD 5.x
 * kern_event.c of seeds/000_18ff6dd3fccf25ff.txt, modelled in
 * kern_event_7773002.c): the same table as for today's kqueue, read from
 * that era's structures.  Knotes are listed as the seed keeps them, in
 * the descriptor table's 'fd_knlist' (by fd) and then 'fd_knhash' (by
 * bucket), restricted to this kqueue; 'kn_influx' is always 0 (no flux in
 * 2003) and 'kq_refcnt' absent.  The sys.kqueue/sys.kevent bindings are
 * today's (kqueue_lua.c), which reach this model through its sim_kops;
 * sim.inspect reaches this file through sys_freebsd_7773002_kops, which
 * sys_kops() picks when the running kernel is freebsd@7773002.  Part of
 * sim/sys/: imports the 7773002 model (event_7773002.h), the shared kernel
 * layer, sysent.h and Lua.
 */
#include <lauxlib.h>
#include <lua.h>

#include "event_7773002.h"
#include "fd.h"
#include "sysent.h"

static void
push_knote(lua_State *L, const struct knote *kn)
{
	lua_createtable(L, 0, 12);
	lua_pushinteger(L, (lua_Integer)kn->kn_id);
	lua_setfield(L, -2, "ident");
	lua_pushinteger(L, kn->kn_filter);
	lua_setfield(L, -2, "filter");
	sys_push_flagset(L, kn_status_names_7773002, (uint64_t)kn->kn_status);
	lua_setfield(L, -2, "kn_status");
	lua_pushinteger(L, kn->kn_flags);
	lua_setfield(L, -2, "kn_flags");
	lua_pushinteger(L, kn->kn_data);
	lua_setfield(L, -2, "kn_data");
	lua_pushinteger(L, kn->kn_fflags);
	lua_setfield(L, -2, "kn_fflags");
	lua_pushinteger(L, (lua_Integer)(uint32_t)kn->kn_sfflags);
	lua_setfield(L, -2, "kn_sfflags");
	lua_pushinteger(L, kn->kn_sdata);
	lua_setfield(L, -2, "kn_sdata");
	lua_pushinteger(L, 0);
	lua_setfield(L, -2, "kn_influx");
	kqueue_udata_push(L, kn->kn_kevent.udata);
	lua_setfield(L, -2, "udata");
	lua_pushstring(L, kn->kn_obj.so_name);
	lua_setfield(L, -2, "name");
}

/*
 * Walks the knotes of kq in the table's lists: with match, returns the one
 * for (ident, filter); without, appends each to the table on top of L.
 * kqueue() sets kq_fdp only after FILEDESC_UNLOCK(), a scheduling point: a
 * kqueue seen before then has no table and so no knotes.
 */
static const struct knote *
kq_walk(const struct kqueue *kq, uint64_t ident, int filter, bool match,
    lua_State *L, lua_Integer *n)
{
	const struct filedesc *fdp = kq->kq_fdp;
	const struct knote *kn;
	int i, nl;

	if (fdp == NULL)
		return (NULL);
	nl = fdp->fd_knlistsize;
	for (i = 0;
	     i < nl + (int)(fdp->fd_knhashmask ? fdp->fd_knhashmask + 1 : 0);
	     i++) {
		const struct klist *list
		    = i < nl ? &fdp->fd_knlist[i] : &fdp->fd_knhash[i - nl];

		SLIST_FOREACH(kn, list, kn_link) {
			if (kn->kn_kq != kq)
				continue;
			if (match) {
				if (kn->kn_id == ident
				    && kn->kn_filter == filter)
					return (kn);
				continue;
			}
			push_knote(L, kn);
			lua_rawseti(L, -2, ++*n);
		}
	}
	return (NULL);
}

/* sim.inspect of a kqueue: the kqueue, or one knote (ident, filter). */
static int
kqueue_inspect_7773002(lua_State *L, struct file *fp, int identidx)
{
	const struct kqueue *kq = kqueue_of_file_7773002(fp);
	const struct knote *kn;
	lua_Integer n;

	if (kq == NULL)
		return (0);
	if (!lua_isnoneornil(L, identidx)) {
		uint64_t ident = (uint64_t)luaL_checkinteger(L, identidx);
		int filter = (int)luaL_checkinteger(L, identidx + 1);

		kn = kq_walk(kq, ident, filter, true, L, NULL);
		if (kn == NULL)
			lua_pushnil(L);
		else
			push_knote(L, kn);
		return (1);
	}
	lua_createtable(L, 0, 5);
	lua_pushinteger(L, kq->kq_count);
	lua_setfield(L, -2, "kq_count");
	sys_push_flagset(L, kq_state_names_7773002, (uint64_t)kq->kq_state);
	lua_setfield(L, -2, "kq_state");
	lua_pushstring(L, kq->kq_obj.so_name);
	lua_setfield(L, -2, "name");
	lua_newtable(L);
	n = 0;
	(void)kq_walk(kq, 0, 0, false, L, &n);
	lua_setfield(L, -2, "knotes");
	/* The queue, head first. */
	lua_newtable(L);
	n = 0;
	TAILQ_FOREACH(kn, &kq->kq_head, kn_tqe)
		if (!kn->kn_marker) {
			lua_pushstring(L, kn->kn_obj.so_name);
			lua_rawseti(L, -2, ++n);
		}
	lua_setfield(L, -2, "queue");
	return (1);
}

const struct sys_kops sys_freebsd_7773002_kops = {
	.ko_inspect = kqueue_inspect_7773002,
	.ko_inspect_field = "kqueue",
};
