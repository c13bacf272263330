/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kqueue system calls for scenarios: sys.kqueue, sys.kqueuex,
 * sys.kevent and the EVFILT_*, EV_*, NOTE_* and KQUEUE_* constants with
 * FreeBSD's values, and sim.inspect for a kqueue descriptor
 * (sys_freebsd_kops); also the process-descriptor calls sys.pdgetpid and
 * sys.pdkill (sys.pdfork is with fork in syscalls.c).  Part of sim/sys/:
 * imports the FreeBSD model (event.h, eventvar.h, procdesc.h), the shared
 * kernel layer, sysent.h and Lua.  Models the
 * copyin/copyout side of sys_kevent() in sys/kern/kern_event.c: the changelist
 * is read from Lua before the kernel runs, events are buffered in C while it
 * runs and turned into Lua tables after it returned, so no Lua allocation
 * happens under a kernel lock.
 *
 * 'udata' may be an integer, a string, a boolean or nil; each distinct value
 * is interned in a registry table and the kernel carries its handle (XXX: a
 * user pointer in the kernel), so the same value comes back unchanged.
 */
#include <inttypes.h>
#include <lauxlib.h>
#include <lua.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "eventvar.h"
#include "fd.h"
#include "kernel.h"
#include "proc.h"
#include "procdesc.h"
#include "sim.h"
#include "sysent.h"
#include "sysjson.h"

#define UDATA_KEY "evsim.kqueue.udata"

/*
 * Pushes the registry table of udata values: its array part holds the
 * values by handle, and its field 'ids' maps each value to its handle (a
 * separate table, so that the integer udata 1 and the handle 1 never meet).
 */
static void
udata_table(lua_State *L)
{
	if (lua_getfield(L, LUA_REGISTRYINDEX, UDATA_KEY) == LUA_TTABLE)
		return;
	lua_pop(L, 1);
	lua_newtable(L);
	lua_newtable(L);
	lua_setfield(L, -2, "ids");
	lua_pushvalue(L, -1);
	lua_setfield(L, LUA_REGISTRYINDEX, UDATA_KEY);
}

/*
 * What each handle stands for, as text for the knotes' labels (written
 * when the value is interned, outside any kernel lock; the kernel reads it
 * through sim_udata_describe).  Handles restart from 1 with every run's Lua
 * state, and each is written before it is used.
 */
static char **udata_text;
static size_t udata_ntext;

static void
udata_note(lua_State *L, int idx, lua_Integer id)
{
	char buf[96];
	size_t len, i, n = 0;
	const char *s;

	if ((size_t)id >= udata_ntext) {
		size_t cap = (size_t)id * 2 + 16;
		char **p = realloc(udata_text, cap * sizeof(*p));

		if (p == NULL)
			abort();
		for (i = udata_ntext; i < cap; i++)
			p[i] = NULL;
		udata_text = p;
		udata_ntext = cap;
	}
	switch (lua_type(L, idx)) {
	case LUA_TSTRING:
		s = lua_tolstring(L, idx, &len);
		buf[n++] = '"';
		for (i = 0; i < len && n < 80; i++) {
			unsigned char c = (unsigned char)s[i];

			if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
				n += (size_t)snprintf(
				    buf + n, sizeof(buf) - n, "\\x%02x", c);
			else
				buf[n++] = (char)c;
		}
		if (i < len)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "...");
		buf[n++] = '"';
		buf[n] = '\0';
		break;
	case LUA_TBOOLEAN:
		snprintf(buf, sizeof(buf), "%s",
		    lua_toboolean(L, idx) ? "true" : "false");
		break;
	default:
		snprintf(
		    buf, sizeof(buf), "%lld", (long long)lua_tointeger(L, idx));
	}
	free(udata_text[id]);
	udata_text[id] = strdup(buf);
}

static void
udata_describe(const void *udata, char *buf, size_t len)
{
	size_t id = (size_t)(intptr_t)udata;

	snprintf(buf, len, "%s",
	    id < udata_ntext && udata_text[id] != NULL ? udata_text[id] : "?");
}

/* The handle of the Lua value at idx (0 for nil); raises for other types. */
static void *
udata_intern(lua_State *L, int idx, const char *where)
{
	lua_Integer id;
	int t = lua_type(L, idx);

	idx = lua_absindex(L, idx);
	if (t == LUA_TNIL)
		return (NULL);
	if (!(t == LUA_TSTRING || t == LUA_TBOOLEAN
		|| (t == LUA_TNUMBER && lua_isinteger(L, idx))))
		luaL_error(L,
		    "%s: udata must be an integer, a string, a "
		    "boolean or nil",
		    where);
	udata_table(L);
	lua_getfield(L, -1, "ids");
	lua_pushvalue(L, idx);
	if (lua_rawget(L, -2) == LUA_TNUMBER) {
		id = lua_tointeger(L, -1);
		lua_pop(L, 3);
		return ((void *)(intptr_t)id);
	}
	lua_pop(L, 1);
	id = (lua_Integer)lua_rawlen(L, -2) + 1;
	udata_note(L, idx, id);
	lua_pushvalue(L, idx);
	lua_rawseti(L, -3, id);
	lua_pushvalue(L, idx);
	lua_pushinteger(L, id);
	lua_rawset(L, -3);
	lua_pop(L, 2);
	return ((void *)(intptr_t)id);
}

/* Pushes the Lua value of a udata handle. */
static void
udata_push(lua_State *L, void *udata)
{
	lua_Integer id = (lua_Integer)(intptr_t)udata;

	if (id == 0) {
		lua_pushnil(L);
		return;
	}
	udata_table(L);
	lua_rawgeti(L, -1, id);
	lua_remove(L, -2);
}

/* kevent(2) constants by name, as kdump prints them. */
#define N(name)                                                                \
	{                                                                      \
		(uint64_t)(name), #name                                        \
	}
static const struct sim_flagname evfilt_names[] = {
	N(EVFILT_READ),
	N(EVFILT_WRITE),
	N(EVFILT_AIO),
	N(EVFILT_VNODE),
	N(EVFILT_PROC),
	N(EVFILT_SIGNAL),
	N(EVFILT_TIMER),
	N(EVFILT_PROCDESC),
	N(EVFILT_FS),
	N(EVFILT_LIO),
	N(EVFILT_USER),
	N(EVFILT_SENDFILE),
	N(EVFILT_EMPTY),
	N(EVFILT_JAIL),
	N(EVFILT_JAILDESC),
	{ 0, NULL },
};
static const struct sim_flagname evflag_names[] = {
	N(EV_ADD),
	N(EV_DELETE),
	N(EV_ENABLE),
	N(EV_DISABLE),
	N(EV_FORCEONESHOT),
	N(EV_KEEPUDATA),
	N(EV_ONESHOT),
	N(EV_CLEAR),
	N(EV_RECEIPT),
	N(EV_DISPATCH),
	N(EV_DROP),
	N(EV_EOF),
	N(EV_ERROR), /* before EV_FLAG2: the same bit, kdump's name */
	N(EV_FLAG1),
	N(EV_FLAG2),
	{ 0, NULL },
};
static const struct sim_flagname note_rw_names[] = {
	N(NOTE_LOWAT),
	N(NOTE_FILE_POLL),
	{ 0, NULL },
};
static const struct sim_flagname note_vnode_names[] = {
	N(NOTE_DELETE),
	N(NOTE_WRITE),
	N(NOTE_EXTEND),
	N(NOTE_ATTRIB),
	N(NOTE_LINK),
	N(NOTE_RENAME),
	N(NOTE_REVOKE),
	N(NOTE_OPEN),
	N(NOTE_CLOSE),
	N(NOTE_CLOSE_WRITE),
	N(NOTE_READ),
	{ 0, NULL },
};
static const struct sim_flagname note_proc_names[] = {
	N(NOTE_EXIT),
	N(NOTE_FORK),
	N(NOTE_EXEC),
	N(NOTE_PDSIGCHLD),
	N(NOTE_SIGNAL),
	N(NOTE_REAP),
	N(NOTE_TRACK),
	N(NOTE_TRACKERR),
	N(NOTE_CHILD),
	{ 0, NULL },
};
static const struct sim_flagname note_timer_names[] = {
	N(NOTE_SECONDS),
	N(NOTE_MSECONDS),
	N(NOTE_USECONDS),
	N(NOTE_NSECONDS),
	N(NOTE_ABSTIME),
	{ 0, NULL },
};
static const struct sim_flagname note_user_names[] = {
	N(NOTE_FFCOPY),
	N(NOTE_FFAND),
	N(NOTE_FFOR),
	N(NOTE_TRIGGER),
	{ 0, NULL },
};
#undef N

/* The fflags names of a filter (kdump's per-filter decoding). */
static const struct sim_flagname *
fflag_names(int filter)
{
	switch (filter) {
	case EVFILT_READ:
	case EVFILT_WRITE:
		return (note_rw_names);
	case EVFILT_VNODE:
		return (note_vnode_names);
	case EVFILT_PROC:
	case EVFILT_PROCDESC:
		return (note_proc_names);
	case EVFILT_TIMER:
		return (note_timer_names);
	case EVFILT_USER:
		return (note_user_names);
	default:
		return (NULL);
	}
}

/* The JSON of a udata handle: the Lua value it stands for. */
static struct sysjson *
udata_json(lua_State *L, void *udata)
{
	struct sysjson *v;
	size_t len;
	const char *s;

	if (!sysjson_on())
		return (NULL);
	udata_push(L, udata);
	switch (lua_type(L, -1)) {
	case LUA_TSTRING:
		s = lua_tolstring(L, -1, &len);
		v = sysjson_str(s, len);
		break;
	case LUA_TBOOLEAN:
		v = sysjson_bool(lua_toboolean(L, -1));
		break;
	case LUA_TNUMBER:
		v = sysjson_int(lua_tointeger(L, -1));
		break;
	default:
		v = sysjson_null();
	}
	lua_pop(L, 1);
	return (v);
}

/* A struct kevent decoded as kdump does; EV_ERROR's data by errno name. */
static struct sysjson *
kevent_json(lua_State *L, const struct kevent *kev)
{
	const char *en = NULL;
	struct sysjson *data;

	if ((kev->flags & EV_ERROR) != 0 && kev->data != 0)
		en = sim_errname_of_number((int)kev->data);
	data = en != NULL ? sysjson_name(en) : sysjson_int(kev->data);
	return (sysjson_pack("{s:I, s:o, s:o, s:o, s:o, s:o}", "ident",
	    (int64_t)kev->ident, "filter",
	    sysjson_enum(evfilt_names, kev->filter), "flags",
	    sysjson_flags(evflag_names, kev->flags), "fflags",
	    sysjson_flags(fflag_names(kev->filter), kev->fflags), "data", data,
	    "udata", udata_json(L, kev->udata)));
}

/* An array of n kevents, or NULL when nothing is recorded. */
static struct sysjson *
kevents_json(lua_State *L, const struct kevent *kev, int n)
{
	struct sysjson *a;
	int i;

	if (!sysjson_on())
		return (NULL);
	a = sysjson_array();
	for (i = 0; i < n; i++)
		sysjson_append(a, kevent_json(L, &kev[i]));
	return (a);
}

void
kqueue_udata_push(lua_State *L, void *udata)
{
	udata_push(L, udata);
}

static lua_Integer
field_int(lua_State *L, int t, const char *name, const char *where)
{
	lua_Integer v;

	switch (lua_getfield(L, t, name)) {
	case LUA_TNIL:
		v = 0;
		break;
	case LUA_TNUMBER:
		if (!lua_isinteger(L, -1))
			luaL_error(L, "%s: field '%s' must be an integer",
			    where, name);
		v = lua_tointeger(L, -1);
		break;
	default:
		v = luaL_error(
		    L, "%s: field '%s' must be an integer", where, name);
	}
	lua_pop(L, 1);
	return (v);
}

/*
 * Reads one kevent table at index t.  Of several bad keys the error names
 * the same one in every process: a key that is not a name first, else the
 * first unknown field in name order (never lua_next() order).
 */
static void
kevent_from_lua(lua_State *L, int t, struct kevent *kev, const char *where)
{
	static const char *const known[]
	    = { "ident", "filter", "flags", "fflags", "data", "udata", NULL };
	const char *unknown = NULL, *k;
	bool notname = false;
	int i;

	t = lua_absindex(L, t);
	if (!lua_istable(L, t))
		luaL_error(L, "%s: a kevent must be a table", where);
	lua_pushnil(L);
	while (lua_next(L, t) != 0) {
		lua_pop(L, 1);
		if (lua_type(L, -1) != LUA_TSTRING) {
			notname = true;
			continue;
		}
		k = lua_tostring(L, -1); /* anchored by the table */
		for (i = 0; known[i] != NULL; i++)
			if (strcmp(known[i], k) == 0)
				break;
		if (known[i] == NULL
		    && (unknown == NULL || strcmp(k, unknown) < 0))
			unknown = k;
	}
	if (notname)
		luaL_error(L, "%s: kevent keys must be field names", where);
	if (unknown != NULL)
		luaL_error(L, "%s: unknown kevent field '%s'", where, unknown);
	memset(kev, 0, sizeof(*kev));
	kev->ident = (uint64_t)field_int(L, t, "ident", where);
	kev->filter = (int16_t)field_int(L, t, "filter", where);
	kev->flags = (uint16_t)field_int(L, t, "flags", where);
	kev->fflags = (uint32_t)field_int(L, t, "fflags", where);
	kev->data = (int64_t)field_int(L, t, "data", where);
	lua_getfield(L, t, "udata");
	kev->udata = udata_intern(L, -1, where);
	lua_pop(L, 1);
}

/* Pushes a kevent as a Lua table. */
static void
kevent_to_lua(lua_State *L, const struct kevent *kev)
{
	lua_createtable(L, 0, 6);
	lua_pushinteger(L, (lua_Integer)kev->ident);
	lua_setfield(L, -2, "ident");
	lua_pushinteger(L, kev->filter);
	lua_setfield(L, -2, "filter");
	lua_pushinteger(L, kev->flags);
	lua_setfield(L, -2, "flags");
	lua_pushinteger(L, kev->fflags);
	lua_setfield(L, -2, "fflags");
	lua_pushinteger(L, kev->data);
	lua_setfield(L, -2, "data");
	udata_push(L, kev->udata);
	lua_setfield(L, -2, "udata");
}

/* The user buffers of one kevent() call. */
struct kevent_args {
	struct kevent *changes;
	int nchanges, changepos;
	struct kevent *events;
	int nevents, eventcap;
};

/* Models kevent_copyin(). */
static int
kevent_copyin(void *arg, struct kevent *kevp, int count)
{
	struct kevent_args *a = arg;

	KASSERT(count <= KQ_NEVENTS, ("count (%d) > KQ_NEVENTS", count));
	memcpy(kevp, a->changes + a->changepos, sizeof(*kevp) * (size_t)count);
	a->changepos += count;
	return (0);
}

/* Models kevent_copyout(). */
static int
kevent_copyout(void *arg, struct kevent *kevp, int count)
{
	struct kevent_args *a = arg;

	KASSERT(count <= KQ_NEVENTS, ("count (%d) > KQ_NEVENTS", count));
	if (a->nevents + count > a->eventcap) {
		a->eventcap = (a->nevents + count) * 2;
		a->events = sim_realloc(
		    a->events, sizeof(*a->events) * (size_t)a->eventcap);
		if (a->events == NULL)
			abort();
	}
	memcpy(a->events + a->nevents, kevp, sizeof(*kevp) * (size_t)count);
	a->nevents += count;
	return (0);
}

static int
l_kqueue(lua_State *L)
{
	struct sim_syscall sc;
	int e, fd = -1;

	e = sim_syscall_enter(L, &sc, "kqueue", SYS_FREEBSD, "{}");
	if (e == 0)
		e = sim_kern->k_ops->ko_kqueue(curthread, 0, false, &fd);
	if (e != 0)
		return (sim_syscall_return(L, &sc, e, 0, NULL));
	lua_pushinteger(L, fd);
	return (sim_syscall_return(L, &sc, 0, 1, "{s:i}", "retval", fd));
}

static const struct sim_flagname kqueuex_names[] = {
	{ KQUEUE_CLOEXEC, "KQUEUE_CLOEXEC" },
	{ KQUEUE_CPONFORK, "KQUEUE_CPONFORK" },
	{ 0, NULL },
};

/* Models sys_kqueuex(): EINVAL for an unknown flag. */
static int
l_kqueuex(lua_State *L)
{
	struct sim_syscall sc;
	lua_Integer flags = luaL_checkinteger(L, 1);
	int e, fd = -1;

	e = sim_syscall_enter(L, &sc, "kqueuex", SYS_FREEBSD, "{s:o}", "flags",
	    sysjson_flags(kqueuex_names, (uint64_t)flags));
	if (e == 0 && sim_kern->k_ops->ko_kqueuex == NULL)
		e = ENOSYS;
	if (e == 0
	    && (flags & ~(lua_Integer)(KQUEUE_CLOEXEC | KQUEUE_CPONFORK)) != 0)
		e = EINVAL;
	if (e == 0)
		e = sim_kern->k_ops->ko_kqueuex(curthread,
		    (flags & KQUEUE_CLOEXEC) ? O_CLOEXEC : 0,
		    (flags & KQUEUE_CPONFORK) != 0, &fd);
	if (e != 0)
		return (sim_syscall_return(L, &sc, e, 0, NULL));
	lua_pushinteger(L, fd);
	return (sim_syscall_return(L, &sc, 0, 1, "{s:i}", "retval", fd));
}

/*
 * sys.kevent(kq, changes, nevents, timeout): the array of events (error
 * entries included), or nil and the errno name.
 */
static int
l_kevent(lua_State *L)
{
	struct kevent_copyops k_ops;
	struct kevent_args a;
	struct sim_syscall sc;
	struct thread *td;
	lua_Integer kq, nevents, timeout;
	struct sysjson *evjson;
	int e, i, n, nchanges;
	bool tv_invalid, has_timeout;

	kq = luaL_checkinteger(L, 1);
	if (!lua_isnoneornil(L, 2))
		luaL_checktype(L, 2, LUA_TTABLE);
	nevents = luaL_optinteger(L, 3, 0);
	timeout = -1;
	if (!lua_isnoneornil(L, 4))
		timeout = luaL_checkinteger(L, 4);
	if (nevents > INT32_MAX || nevents < INT32_MIN)
		return (luaL_argerror(L, 3, "out of range"));
	if (!lua_isnoneornil(L, 2)
	    && (lua_getfield(L, 2, "filter") != LUA_TNIL
		|| lua_getfield(L, 2, "ident") != LUA_TNIL))
		return (luaL_argerror(L, 2, "an array of kevent tables"));
	if (!lua_isnoneornil(L, 2))
		lua_pop(L, 2);
	nchanges = lua_isnoneornil(L, 2) ? 0 : (int)luaL_len(L, 2);
	/* Before the changelist buffer is pushed (it may land at index 4). */
	has_timeout = !lua_isnoneornil(L, 4);
	tv_invalid = has_timeout && timeout < 0;

	memset(&a, 0, sizeof(a));
	if (nchanges > 0) {
		a.changes = lua_newuserdatauv(
		    L, sizeof(*a.changes) * (size_t)nchanges, 0);
		for (i = 0; i < nchanges; i++) {
			lua_geti(L, 2, i + 1);
			kevent_from_lua(L, -1, &a.changes[i], "sys.kevent");
			lua_pop(L, 1);
		}
	}
	a.nchanges = nchanges;

	e = sim_syscall_enter(L, &sc, "kevent", SYS_FREEBSD,
	    "{s:I, s:o, s:i, s:I, s:o}", "kq", (int64_t)kq, "changelist",
	    kevents_json(L, a.changes, nchanges), "nchanges", nchanges,
	    "nevents", (int64_t)nevents, "timeout",
	    has_timeout ? sysjson_int(timeout) : sysjson_null());
	if (e != 0)
		return (sim_syscall_return(L, &sc, e, 0, NULL));
	td = curthread;
	kqueue_ast(td);
	k_ops.arg = &a;
	k_ops.k_copyin = kevent_copyin;
	k_ops.k_copyout = kevent_copyout;
	n = 0;
	if (kq < INT32_MIN || kq > INT32_MAX)
		e = EBADF;
	else
		e = sim_kern->k_ops->ko_kevent(td, (int)kq, nchanges,
		    (int)nevents, &k_ops,
		    tv_invalid ? 0 : (timeout < 0 ? -1 : timeout), tv_invalid,
		    &n);
	kqueue_ast(td);
	if (e != 0) {
		sim_free(a.events);
		return (sim_syscall_return(L, &sc, e, 0, NULL));
	}
	evjson = kevents_json(L, a.events, a.nevents);
	lua_createtable(L, a.nevents, 0);
	for (i = 0; i < a.nevents; i++) {
		kevent_to_lua(L, &a.events[i]);
		lua_rawseti(L, -2, i + 1);
	}
	sim_free(a.events);
	return (sim_syscall_return(
	    L, &sc, 0, 1, "{s:i, s:o}", "retval", n, "eventlist", evjson));
}

static void
push_knote(lua_State *L, const struct knote *kn)
{
	lua_createtable(L, 0, 12);
	lua_pushinteger(L, (lua_Integer)kn->kn_id);
	lua_setfield(L, -2, "ident");
	lua_pushinteger(L, kn->kn_filter);
	lua_setfield(L, -2, "filter");
	sys_push_flagset(L, kn_status_names, (uint64_t)kn->kn_status);
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
	lua_pushinteger(L, kn->kn_influx);
	lua_setfield(L, -2, "kn_influx");
	udata_push(L, kn->kn_kevent.udata);
	lua_setfield(L, -2, "udata");
	lua_pushstring(L, kn->kn_obj.so_name);
	lua_setfield(L, -2, "name");
}

/* Visits the knotes of kq in list order (fd lists, then the hash). */
static const struct knote *
kq_find(const struct kqueue *kq, uint64_t ident, int filter)
{
	const struct knote *kn;
	int i;

	for (i = 0; i < kq->kq_knlistsize; i++)
		SLIST_FOREACH(kn, &kq->kq_knlist[i], kn_link)
			if (kn->kn_status != KN_MARKER && kn->kn_id == ident
			    && kn->kn_filter == filter)
				return (kn);
	for (i = 0; kq->kq_knhashmask != 0 && i <= (int)kq->kq_knhashmask; i++)
		SLIST_FOREACH(kn, &kq->kq_knhash[i], kn_link)
			if (kn->kn_status != KN_MARKER && kn->kn_id == ident
			    && kn->kn_filter == filter)
				return (kn);
	return (NULL);
}

/* sim.inspect of a kqueue: the kqueue, or one knote (ident, filter). */
static int
kqueue_inspect(lua_State *L, struct file *fp, int identidx)
{
	const struct kqueue *kq = kqueue_of_file(fp);
	const struct knote *kn;
	lua_Integer n;
	int i;

	if (kq == NULL)
		return (0);
	if (!lua_isnoneornil(L, identidx)) {
		uint64_t ident = (uint64_t)luaL_checkinteger(L, identidx);
		int filter = (int)luaL_checkinteger(L, identidx + 1);

		kn = kq_find(kq, ident, filter);
		if (kn == NULL)
			lua_pushnil(L);
		else
			push_knote(L, kn);
		return (1);
	}
	lua_createtable(L, 0, 6);
	lua_pushinteger(L, kq->kq_count);
	lua_setfield(L, -2, "kq_count");
	sys_push_flagset(L, kq_state_names, (uint64_t)kq->kq_state);
	lua_setfield(L, -2, "kq_state");
	lua_pushinteger(L, kq->kq_refcnt);
	lua_setfield(L, -2, "kq_refcnt");
	lua_pushstring(L, kq->kq_obj.so_name);
	lua_setfield(L, -2, "name");
	lua_newtable(L);
	n = 0;
	for (i = 0; i < kq->kq_knlistsize; i++)
		SLIST_FOREACH(kn, &kq->kq_knlist[i], kn_link)
			if (kn->kn_status != KN_MARKER) {
				push_knote(L, kn);
				lua_rawseti(L, -2, ++n);
			}
	for (i = 0; kq->kq_knhashmask != 0 && i <= (int)kq->kq_knhashmask; i++)
		SLIST_FOREACH(kn, &kq->kq_knhash[i], kn_link)
			if (kn->kn_status != KN_MARKER) {
				push_knote(L, kn);
				lua_rawseti(L, -2, ++n);
			}
	lua_setfield(L, -2, "knotes");
	/* The queue, head first. */
	lua_newtable(L);
	n = 0;
	TAILQ_FOREACH(kn, &kq->kq_head, kn_tqe)
		if (kn->kn_status != KN_MARKER) {
			lua_pushstring(L, kn->kn_obj.so_name);
			lua_rawseti(L, -2, ++n);
		}
	lua_setfield(L, -2, "queue");
	return (1);
}

/* Models sys_pdgetpid(): sys.pdgetpid(fd) returns the pid. */
static int
l_pdgetpid(lua_State *L)
{
	struct sim_syscall sc;
	lua_Integer fd = luaL_checkinteger(L, 1);
	int e, pid = 0;

	e = sim_syscall_enter(
	    L, &sc, "pdgetpid", SYS_FREEBSD, "{s:I}", "fd", (int64_t)fd);
	if (e == 0 && sim_kern->k_ops->ko_procdesc_falloc == NULL)
		e = ENOSYS;
	if (e == 0)
		e = fd < 0 || fd > INT32_MAX
		    ? EBADF
		    : kern_pdgetpid(curthread, (int)fd, &pid);
	if (e != 0)
		return (sim_syscall_return(L, &sc, e, 0, NULL));
	lua_pushinteger(L, pid);
	return (sim_syscall_return(
	    L, &sc, 0, 1, "{s:i, s:i}", "retval", 0, "pid", pid));
}

/* Models sys_pdkill(): sys.pdkill(fd, sig) returns true. */
static int
l_pdkill(lua_State *L)
{
	struct sim_syscall sc;
	lua_Integer fd = luaL_checkinteger(L, 1), sig = luaL_checkinteger(L, 2);
	int e;

	e = sim_syscall_enter(L, &sc, "pdkill", SYS_FREEBSD, "{s:I, s:I}", "fd",
	    (int64_t)fd, "signum", (int64_t)sig);
	if (e == 0 && sim_kern->k_ops->ko_procdesc_falloc == NULL)
		e = ENOSYS;
	if (e == 0)
		e = sig < 0 || sig > INT32_MAX ? EINVAL
		    : fd < 0 || fd > INT32_MAX
		    ? EBADF
		    : sys_pdkill(curthread, (int)fd, (int)sig);
	lua_pushboolean(L, 1);
	return (sim_syscall_return(L, &sc, e, 1, NULL));
}

static const luaL_Reg kqueue_fns[] = {
	{ "kqueue", l_kqueue },
	{ "kqueuex", l_kqueuex },
	{ "kevent", l_kevent },
	{ "pdgetpid", l_pdgetpid },
	{ "pdkill", l_pdkill },
	{ NULL, NULL },
};

#define C(name)                                                                \
	{                                                                      \
#name, (int64_t)(name)                                         \
	}
static const struct sim_const kqueue_consts[] = {
	C(EVFILT_READ),
	C(EVFILT_WRITE),
	C(EVFILT_AIO),
	C(EVFILT_VNODE),
	C(EVFILT_PROC),
	C(EVFILT_SIGNAL),
	C(EVFILT_TIMER),
	C(EVFILT_PROCDESC),
	C(EVFILT_FS),
	C(EVFILT_LIO),
	C(EVFILT_USER),
	C(EVFILT_SENDFILE),
	C(EVFILT_EMPTY),
	C(EVFILT_JAIL),
	C(EVFILT_JAILDESC),
	C(EVFILT_SYSCOUNT),
	C(EV_ADD),
	C(EV_DELETE),
	C(EV_ENABLE),
	C(EV_DISABLE),
	C(EV_FORCEONESHOT),
	C(EV_KEEPUDATA),
	C(EV_ONESHOT),
	C(EV_CLEAR),
	C(EV_RECEIPT),
	C(EV_DISPATCH),
	C(EV_SYSFLAGS),
	C(EV_DROP),
	C(EV_FLAG1),
	C(EV_FLAG2),
	C(EV_EOF),
	C(EV_ERROR),
	C(NOTE_FFNOP),
	C(NOTE_FFAND),
	C(NOTE_FFOR),
	C(NOTE_FFCOPY),
	C(NOTE_FFCTRLMASK),
	C(NOTE_FFLAGSMASK),
	C(NOTE_TRIGGER),
	C(NOTE_LOWAT),
	C(NOTE_FILE_POLL),
	C(NOTE_DELETE),
	C(NOTE_WRITE),
	C(NOTE_EXTEND),
	C(NOTE_ATTRIB),
	C(NOTE_LINK),
	C(NOTE_RENAME),
	C(NOTE_REVOKE),
	C(NOTE_OPEN),
	C(NOTE_CLOSE),
	C(NOTE_CLOSE_WRITE),
	C(NOTE_READ),
	C(NOTE_EXIT),
	C(NOTE_FORK),
	C(NOTE_EXEC),
	C(NOTE_PDSIGCHLD),
	C(NOTE_SIGNAL),
	C(NOTE_REAP),
	C(NOTE_PCTRLMASK),
	C(NOTE_PDATAMASK),
	C(NOTE_TRACK),
	C(NOTE_TRACKERR),
	C(NOTE_CHILD),
	C(NOTE_SECONDS),
	C(NOTE_MSECONDS),
	C(NOTE_USECONDS),
	C(NOTE_NSECONDS),
	C(NOTE_ABSTIME),
	C(NOTE_JAIL_CHILD),
	C(NOTE_JAIL_SET),
	C(NOTE_JAIL_ATTACH),
	C(NOTE_JAIL_REMOVE),
	C(NOTE_JAIL_MULTI),
	C(NOTE_JAIL_CTRLMASK),
	C(KQUEUE_CLOEXEC),
	C(KQUEUE_CPONFORK),
	{ NULL, 0 },
};
#undef C

const struct sys_kops sys_freebsd_kops = {
	.ko_inspect = kqueue_inspect,
	.ko_inspect_field = "kqueue",
};

void
sys_freebsd_register(lua_State *L, int t)
{
	sim_sys_register(L, t, kqueue_fns, kqueue_consts);
	sim_udata_describe = udata_describe;
}
