/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Lua side of illumos event ports: the sys.port_* and sys.timer_*
 * bindings with the libc wrappers' behaviour
 * (usr/src/lib/libc/port/gen/event_port.c: port_get passes the timeout by
 * value, port_getn returns the count with ETIME, port_sendn chunks lists
 * longer than PORT_MAX_LIST), the illumos constants, and sim.inspect for a
 * port fd (sys_illumos_kops).  Part of sim/sys/: imports the illumos model
 * (port_impl.h), the shared kernel layer, sysent.h and Lua.
 *
 * Extension: a timeout may also be a table {sec=, nsec=} (a timespec), so
 * that scenarios can pass the invalid values the kernel checks.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fd.h"
#include "kernel.h"
#include "port_impl.h"
#include "proc.h"
#include "sysent.h"
#include "sysjson.h"
#include "vfs.h"

/* Reads a user cookie: nil, integer, number, boolean or string. */
static void
user_arg(lua_State *L, int idx, const char *fn, struct port_user *u)
{
	memset(u, 0, sizeof(*u));
	switch (lua_type(L, idx)) {
	case LUA_TNONE:
	case LUA_TNIL:
		u->pu_type = PU_NIL;
		break;
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx)) {
			u->pu_type = PU_INT;
			u->pu_int = lua_tointeger(L, idx);
		} else {
			u->pu_type = PU_NUM;
			u->pu_num = lua_tonumber(L, idx);
		}
		break;
	case LUA_TBOOLEAN:
		u->pu_type = PU_BOOL;
		u->pu_int = lua_toboolean(L, idx);
		break;
	case LUA_TSTRING:
		u->pu_type = PU_STR;
		u->pu_str = (char *)lua_tostring(L, idx); /* borrowed */
		break;
	default:
		luaL_error(L,
		    "sys.%s: argument #%d (user) must be nil, a number, a "
		    "boolean or a string",
		    fn, idx);
	}
}

static void
push_user(lua_State *L, const struct port_user *u)
{
	switch (u->pu_type) {
	case PU_INT:
		lua_pushinteger(L, u->pu_int);
		break;
	case PU_NUM:
		lua_pushnumber(L, u->pu_num);
		break;
	case PU_BOOL:
		lua_pushboolean(L, (int)u->pu_int);
		break;
	case PU_STR:
		lua_pushstring(L, u->pu_str);
		break;
	default:
		lua_pushnil(L);
	}
}

static int
int_arg(lua_State *L, int idx)
{
	lua_Integer v = luaL_checkinteger(L, idx);

	return (v < INT32_MIN || v > INT32_MAX ? -1 : (int)v);
}

/*
 * A timeout: nil (block), integer ns (0 polls), or {sec=, nsec=}.  Returns
 * whether one was given.
 */
static bool
timeout_arg(lua_State *L, int idx, struct port_timespec *ts)
{
	lua_Integer ns;

	if (lua_isnoneornil(L, idx))
		return (false);
	if (lua_istable(L, idx)) {
		lua_getfield(L, idx, "sec");
		ts->tv_sec = luaL_optinteger(L, -1, 0);
		lua_getfield(L, idx, "nsec");
		ts->tv_nsec = luaL_optinteger(L, -1, 0);
		lua_pop(L, 2);
		return (true);
	}
	ns = luaL_checkinteger(L, idx);
	/* A negative count stays negative in tv_sec (EINVAL). */
	ts->tv_sec = ns / 1000000000;
	ts->tv_nsec = ns % 1000000000;
	if (ts->tv_nsec < 0) {
		ts->tv_sec -= 1;
		ts->tv_nsec += 1000000000;
	}
	return (true);
}

/* Event-port constants by name, as kdump and truss print them. */
#define N(name)                                                                \
	{                                                                      \
		(uint64_t)(name), #name                                        \
	}
static const struct sim_flagname source_names[] = {
	N(PORT_SOURCE_AIO),
	N(PORT_SOURCE_TIMER),
	N(PORT_SOURCE_USER),
	N(PORT_SOURCE_FD),
	N(PORT_SOURCE_ALERT),
	N(PORT_SOURCE_MQ),
	N(PORT_SOURCE_FILE),
	{ 0, NULL },
};
static const struct sim_flagname poll_names[] = {
	N(POLLIN),
	N(POLLPRI),
	N(POLLOUT),
	N(POLLERR),
	N(POLLHUP),
	N(POLLNVAL),
	{ ILLUMOS_POLLRDNORM, "POLLRDNORM" },
	{ ILLUMOS_POLLRDBAND, "POLLRDBAND" },
	{ ILLUMOS_POLLWRBAND, "POLLWRBAND" },
	{ ILLUMOS_POLLREMOVE, "POLLREMOVE" },
	{ ILLUMOS_POLLRDHUP, "POLLRDHUP" },
	{ 0, NULL },
};
static const struct sim_flagname file_names[] = {
	N(FILE_ACCESS),
	N(FILE_MODIFIED),
	N(FILE_ATTRIB),
	N(FILE_TRUNC),
	N(FILE_NOFOLLOW),
	N(FILE_DELETE),
	N(FILE_RENAME_TO),
	N(FILE_RENAME_FROM),
	N(UNMOUNTED),
	N(MOUNTEDOVER),
	{ 0, NULL },
};
static const struct sim_flagname alert_names[] = {
	N(PORT_ALERT_SET),
	N(PORT_ALERT_UPDATE),
	N(PORT_ALERT_INVALID),
	{ 0, NULL },
};
static const struct sim_flagname pclock_names[] = {
	{ 0, "CLOCK_REALTIME" },
	{ 4, "CLOCK_HIGHRES" },
	{ 0, NULL },
};
static const struct sim_flagname timer_flag_names[] = {
	{ ILLUMOS_TIMER_ABSTIME, "TIMER_ABSTIME" },
	{ 0, NULL },
};
#undef N

/* The events of a source: poll(2) events, file events, else a number. */
static struct sysjson *
events_json(int source, int events)
{
	if (source == PORT_SOURCE_FD)
		return (sysjson_flags(poll_names, (uint32_t)events));
	if (source == PORT_SOURCE_FILE)
		return (sysjson_flags(file_names, (uint32_t)events));
	return (sysjson_int(events));
}

/* A user cookie as JSON. */
static struct sysjson *
user_json(const struct port_user *u)
{
	if (!sysjson_on())
		return (NULL);
	switch (u->pu_type) {
	case PU_INT:
		return (sysjson_int(u->pu_int));
	case PU_NUM:
		/* JSON has no NaN or infinity: those as strings. */
		if (isnan(u->pu_num))
			return (sysjson_name("nan"));
		if (isinf(u->pu_num))
			return (sysjson_name(u->pu_num > 0 ? "inf" : "-inf"));
		return (sysjson_real(u->pu_num));
	case PU_BOOL:
		return (sysjson_bool(u->pu_int));
	case PU_STR:
		return (sysjson_str(u->pu_str, strlen(u->pu_str)));
	default:
		return (sysjson_null());
	}
}

/* A timeout: null, nanoseconds, or {tv_sec, tv_nsec} when not valid. */
static struct sysjson *
timeout_json(bool hasto, const struct port_timespec *ts)
{
	if (!sysjson_on())
		return (NULL);
	if (!hasto)
		return (sysjson_null());
	if (ts->tv_sec >= 0 && ts->tv_sec < INT64_MAX / 1000000000 - 1
	    && ts->tv_nsec >= 0 && ts->tv_nsec < 1000000000)
		return (sysjson_int(ts->tv_sec * 1000000000 + ts->tv_nsec));
	return (sysjson_pack("{s:I, s:I}", "tv_sec", (int64_t)ts->tv_sec,
	    "tv_nsec", (int64_t)ts->tv_nsec));
}

/* A port object: a file name, or a number (a descriptor for FD). */
static struct sysjson *
object_json(const char *path, lua_Integer obj)
{
	if (path != NULL)
		return (sysjson_str(path, strlen(path)));
	return (sysjson_int(obj));
}

/*
 * The identity of a file_obj table, as the kernel keys a watch by the
 * file_obj_t's address: numbers from 1 in the order tables are first
 * passed (the same in every run), kept both ways in a registry table for
 * the run, so an event returns the very table that was associated.
 */
#define FILEOBJ_REG "evsim.port_fileobjs"

static uintptr_t
fileobj_id(lua_State *L, int idx)
{
	lua_Integer id;

	idx = lua_absindex(L, idx);
	if (lua_getfield(L, LUA_REGISTRYINDEX, FILEOBJ_REG) != LUA_TTABLE) {
		lua_pop(L, 1);
		lua_createtable(L, 0, 1);
		lua_pushvalue(L, -1);
		lua_setfield(L, LUA_REGISTRYINDEX, FILEOBJ_REG);
	}
	lua_pushvalue(L, idx);
	if (lua_rawget(L, -2) == LUA_TNUMBER) {
		id = lua_tointeger(L, -1);
		lua_pop(L, 2);
		return ((uintptr_t)id);
	}
	lua_pop(L, 1);
	id = (lua_Integer)lua_rawlen(L, -1) + 1;
	lua_pushvalue(L, idx);
	lua_rawseti(L, -2, id); /* [id] = table */
	lua_pushvalue(L, idx);
	lua_pushinteger(L, id);
	lua_rawset(L, -3); /* [table] = id */
	lua_pop(L, 1);
	return ((uintptr_t)id);
}

/* Pushes the file_obj table of identity id (nil if there is none). */
static void
fileobj_push(lua_State *L, uintptr_t id)
{
	if (lua_getfield(L, LUA_REGISTRYINDEX, FILEOBJ_REG) != LUA_TTABLE) {
		lua_pop(L, 1);
		lua_pushnil(L);
		return;
	}
	lua_rawgeti(L, -1, (lua_Integer)id);
	lua_remove(L, -2);
}

/*
 * A PORT_SOURCE_FILE object argument: a path string (its own object, 0)
 * or a file_obj table {name=, atime=, mtime=, ctime=} (times in ns).
 * Returns the name, or NULL when the argument is neither.
 */
static const char *
fileobj_arg(lua_State *L, int idx, const char *fn, uintptr_t *object,
    int64_t *stamps, bool *have_stamps)
{
	static const char *const stampf[3] = { "atime", "mtime", "ctime" };
	const char *path;

	*object = 0;
	if (have_stamps != NULL)
		*have_stamps = false;
	if (lua_type(L, idx) == LUA_TSTRING)
		return (lua_tostring(L, idx));
	if (lua_type(L, idx) != LUA_TTABLE)
		return (NULL);
	/*
	 * The name stays on the stack until the call returns: the table need
	 * not hold the string lua_tostring() gives (a number converted, or a
	 * value an __index function made), and the collector would free it
	 * under us once popped.
	 */
	lua_getfield(L, idx, "name");
	path = lua_tostring(L, -1);
	if (path == NULL)
		luaL_error(L, "sys.%s: a file_obj needs a string 'name'", fn);
	for (int i = 0; stamps != NULL && i < 3; i++) {
		lua_getfield(L, idx, stampf[i]);
		stamps[i] = (int64_t)luaL_optinteger(L, -1, 0);
		lua_pop(L, 1);
	}
	if (have_stamps != NULL)
		*have_stamps = true;
	*object = fileobj_id(L, idx);
	return (path);
}

/* A retrieved port_event_t, with the member names of port_get(3C). */
static struct sysjson *
event_json(const port_event_t *ev)
{
	if (!sysjson_on())
		return (NULL);
	return (sysjson_pack("{s:o, s:o, s:o, s:o}", "portev_source",
	    sysjson_enum(source_names, ev->portev_source), "portev_events",
	    events_json(ev->portev_source, ev->portev_events), "portev_object",
	    object_json(ev->portev_objname, (lua_Integer)ev->portev_object),
	    "portev_user", user_json(&ev->portev_user)));
}

/*
 * Sets the four fields of a port event table (port_event_t's portev_source,
 * portev_events, portev_object, portev_user) in the table on top of L, from
 * a delivered event or a queued one.
 */
static void
set_event_fields(lua_State *L, int source, int events, const char *objname,
    uintptr_t object, const struct port_user *user)
{
	lua_pushinteger(L, source);
	lua_setfield(L, -2, "source");
	lua_pushinteger(L, events);
	lua_setfield(L, -2, "events");
	if (source == PORT_SOURCE_FILE && object != 0)
		fileobj_push(L, object); /* the associated file_obj */
	else if (objname != NULL)
		lua_pushstring(L, objname);
	else
		lua_pushinteger(L, (lua_Integer)object);
	lua_setfield(L, -2, "object");
	push_user(L, user);
	lua_setfield(L, -2, "user");
}

static void
push_event(lua_State *L, const port_event_t *ev)
{
	lua_createtable(L, 0, 4);
	set_event_fields(L, ev->portev_source, ev->portev_events,
	    ev->portev_objname, ev->portev_object, &ev->portev_user);
}

/* sys.port_create() */
static int
l_port_create(lua_State *L)
{
	struct sim_syscall sc;
	int fd = -1, e;

	e = sim_syscall_enter(L, &sc, "port_create", SYS_ILLUMOS, "{}");
	if (e == 0)
		e = port_create(curthread, &fd);
	lua_pushinteger(L, fd);
	return (sim_syscall_return(L, &sc, e, 1, "{s:i}", "retval", fd));
}

/* sys.port_associate(port, source, object, events, user) */
static int
l_port_associate(lua_State *L)
{
	struct sim_syscall sc;
	struct port_active pa;
	struct port_user u;
	const char *path = NULL;
	lua_Integer obj = 0;
	uintptr_t fobj_id = 0;
	int port = int_arg(L, 1), source = int_arg(L, 2), events, e;
	int64_t stamps[3] = { 0, 0, 0 };
	bool have_stamps;
	port_t *pp;

	path = fileobj_arg(
	    L, 3, "port_associate", &fobj_id, stamps, &have_stamps);
	if (path == NULL)
		obj = luaL_checkinteger(L, 3);
	events = int_arg(L, 4);
	user_arg(L, 5, "port_associate", &u);
	e = sim_syscall_enter(L, &sc, "port_associate", SYS_ILLUMOS,
	    "{s:i, s:o, s:o, s:o, s:o}", "port", port, "source",
	    sysjson_enum(source_names, source), "object",
	    object_json(path, obj), "events", events_json(source, events),
	    "user", user_json(&u));
	if (e != 0)
		return (sim_syscall_return(L, &sc, e, 0, NULL));
	e = portfs_enter(curthread, port, &pp, &pa);
	if (e == 0) {
		switch (source) {
		case PORT_SOURCE_FD:
			e = path != NULL
			    ? EBADFD
			    : port_associate_fd(pp, source,
				(uintptr_t)(obj < 0 ? INT64_MAX : obj), events,
				&u);
			break;
		case PORT_SOURCE_FILE:
			e = path == NULL
			    ? EFAULT
			    : port_associate_fop(pp, source, fobj_id, path,
				have_stamps ? stamps : NULL, events, &u);
			break;
		default:
			e = EINVAL;
		}
		e = portfs_leave(curthread, pp, &pa, e);
	}
	lua_pushboolean(L, 1);
	return (sim_syscall_return(L, &sc, e, 1, NULL));
}

/* sys.port_dissociate(port, source, object) */
static int
l_port_dissociate(lua_State *L)
{
	struct sim_syscall sc;
	struct port_active pa;
	const char *path = NULL;
	lua_Integer obj = 0;
	uintptr_t fobj_id = 0;
	int port = int_arg(L, 1), source = int_arg(L, 2), e;
	port_t *pp;

	path = fileobj_arg(L, 3, "port_dissociate", &fobj_id, NULL, NULL);
	if (path == NULL)
		obj = luaL_checkinteger(L, 3);
	e = sim_syscall_enter(L, &sc, "port_dissociate", SYS_ILLUMOS,
	    "{s:i, s:o, s:o}", "port", port, "source",
	    sysjson_enum(source_names, source), "object",
	    object_json(path, obj));
	if (e != 0)
		return (sim_syscall_return(L, &sc, e, 0, NULL));
	e = portfs_enter(curthread, port, &pp, &pa);
	if (e == 0) {
		switch (source) {
		case PORT_SOURCE_FD:
			e = path != NULL
			    ? EBADFD
			    : port_dissociate_fd(
				pp, (uintptr_t)(obj < 0 ? INT64_MAX : obj));
			break;
		case PORT_SOURCE_FILE:
			e = path == NULL
			    ? EFAULT
			    : port_dissociate_fop(pp, fobj_id, path);
			break;
		default:
			e = EINVAL;
		}
		e = portfs_leave(curthread, pp, &pa, e);
	}
	lua_pushboolean(L, 1);
	return (sim_syscall_return(L, &sc, e, 1, NULL));
}

/* sys.port_send(port, events, user) */
static int
l_port_send(lua_State *L)
{
	struct sim_syscall sc;
	struct port_active pa;
	struct port_user u;
	int port = int_arg(L, 1), events = int_arg(L, 2), e;
	port_t *pp;

	user_arg(L, 3, "port_send", &u);
	e = sim_syscall_enter(L, &sc, "port_send", SYS_ILLUMOS,
	    "{s:i, s:i, s:o}", "port", port, "events", events, "user",
	    user_json(&u));
	if (e != 0)
		return (sim_syscall_return(L, &sc, e, 0, NULL));
	e = portfs_enter(curthread, port, &pp, &pa);
	if (e == 0) {
		e = port_send(pp, PORT_SOURCE_USER, events, &u);
		e = portfs_leave(curthread, pp, &pa, e);
	}
	lua_pushboolean(L, 1);
	return (sim_syscall_return(L, &sc, e, 1, NULL));
}

/* sys.port_sendn(ports, events, user) -> nsent, errors */
static int
l_port_sendn(lua_State *L)
{
	struct sim_syscall sc;
	struct port_user u;
	lua_Integer n, i, off;
	uint_t nsent = 0, total = 0, chunk;
	int *ports, *errors, events, e = 0;
	struct sysjson *jports = NULL, *jerrors = NULL;

	luaL_checktype(L, 1, LUA_TTABLE);
	events = int_arg(L, 2);
	user_arg(L, 3, "port_sendn", &u);
	n = (lua_Integer)lua_rawlen(L, 1);
	ports = port_zalloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
	errors = port_zalloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
	for (i = 0; i < n; i++) {
		lua_rawgeti(L, 1, i + 1);
		if (!lua_isinteger(L, -1)) {
			sim_free(ports);
			sim_free(errors);
			return (luaL_error(L,
			    "sys.port_sendn: ports[%d] is not an integer",
			    (int)i + 1));
		}
		ports[i] = (int)lua_tointeger(L, -1);
		lua_pop(L, 1);
	}
	if (sysjson_on()) {
		jports = sysjson_array();
		for (i = 0; i < n; i++)
			sysjson_append(jports, sysjson_int(ports[i]));
	}
	e = sim_syscall_enter(L, &sc, "port_sendn", SYS_ILLUMOS,
	    "{s:o, s:I, s:i, s:o}", "ports", jports, "nent", (int64_t)n,
	    "events", events, "user", user_json(&u));
	if (e == 0) {
		/* libc splits a long list into PORT_MAX_LIST chunks. */
		off = 0;
		do {
			chunk = (uint_t)(n - off > PORT_MAX_LIST ? PORT_MAX_LIST
								 : n - off);
			e = port_sendn(curthread, ports + off, errors + off,
			    chunk, events, &u, &nsent);
			if (e == EIO)
				e = 0;
			total += nsent;
			off += chunk;
		} while (e == 0 && off < n);
	}
	if (e != 0) {
		sim_free(ports);
		sim_free(errors);
		return (sim_syscall_return(L, &sc, e, 0, NULL));
	}
	if (sysjson_on()) {
		jerrors = sysjson_array();
		for (i = 0; i < n; i++)
			sysjson_append(jerrors,
			    errors[i] != 0
				? sysjson_name(sim_errname(errors[i]))
				: sysjson_null());
	}
	lua_pushinteger(L, total);
	lua_createtable(L, (int)n, 0);
	for (i = 0; i < n; i++) {
		if (errors[i] != 0)
			lua_pushstring(L, sim_errname(errors[i]));
		else
			lua_pushboolean(L, 0);
		lua_rawseti(L, -2, i + 1);
	}
	sim_free(ports);
	sim_free(errors);
	return (sim_syscall_return(L, &sc, 0, 2, "{s:i, s:o}", "retval",
	    (int)total, "errors", jerrors));
}

/* sys.port_alert(port, flags, events, user) */
static int
l_port_alert(lua_State *L)
{
	struct sim_syscall sc;
	struct port_active pa;
	struct port_user u;
	int port = int_arg(L, 1), flags = int_arg(L, 2), events = int_arg(L, 3);
	int e;
	port_t *pp;

	user_arg(L, 4, "port_alert", &u);
	e = sim_syscall_enter(L, &sc, "port_alert", SYS_ILLUMOS,
	    "{s:i, s:o, s:i, s:o}", "port", port, "flags",
	    sysjson_enum(alert_names, flags), "events", events, "user",
	    user_json(&u));
	if (e != 0)
		return (sim_syscall_return(L, &sc, e, 0, NULL));
	e = portfs_enter(curthread, port, &pp, &pa);
	if (e == 0) {
		/* portfs(): events 0 clears the alert, flags unchecked. */
		if (events)
			e = port_alert(pp, flags, events, &u);
		else
			port_remove_alert(&pp->port_queue);
		e = portfs_leave(curthread, pp, &pa, e);
	}
	lua_pushboolean(L, 1);
	return (sim_syscall_return(L, &sc, e, 1, NULL));
}

/* sys.port_get(port, timeout) -> event | nil */
static int
l_port_get(lua_State *L)
{
	struct sim_syscall sc;
	struct port_active pa;
	struct port_timespec ts;
	port_gettimer_t pgt;
	port_event_t ev;
	struct sysjson *jev;
	uint_t nget;
	int port = int_arg(L, 1), e;
	bool hasto = timeout_arg(L, 2, &ts);
	port_t *pp;

	memset(&ev, 0, sizeof(ev));
	e = sim_syscall_enter(L, &sc, "port_get", SYS_ILLUMOS, "{s:i, s:o}",
	    "port", port, "timeout", timeout_json(hasto, &ts));
	if (e != 0)
		return (sim_syscall_return(L, &sc, e, 0, NULL));
	e = portfs_enter(curthread, port, &pp, &pa);
	if (e != 0)
		return (sim_syscall_return(L, &sc, e, 0, NULL));
	memset(&pgt, 0, sizeof(pgt));
	pgt.pgt_flags = PORTGET_ONE;
	pgt.pgt_timeout = hasto ? &ts : NULL;
	do {
		nget = 1;
		e = port_getn(pp, &ev, 1, &nget, &pgt);
	} while (nget == 0 && e == 0 && pgt.pgt_loop);
	e = portfs_leave(curthread, pp, &pa, e);
	if (e != 0) {
		if (nget > 0)
			port_event_free(&ev);
		return (sim_syscall_return(L, &sc, e, 0, NULL));
	}
	if (nget == 0) {
		/* Sun bug 6456558: success without an event. */
		lua_pushnil(L);
		return (sim_syscall_return(
		    L, &sc, 0, 1, "{s:i, s:n}", "retval", 0, "pe"));
	}
	push_event(L, &ev);
	jev = event_json(&ev);
	port_event_free(&ev);
	return (sim_syscall_return(
	    L, &sc, 0, 1, "{s:i, s:o}", "retval", 0, "pe", jev));
}

/* sys.port_getn(port, max, nget, timeout) */
static int
l_port_getn(lua_State *L)
{
	struct sim_syscall sc;
	struct port_active pa;
	struct port_timespec ts;
	port_gettimer_t pgt;
	port_event_t *evs;
	lua_Integer max = luaL_checkinteger(L, 2),
		    want = luaL_checkinteger(L, 3);
	struct sysjson *jlist;
	uint_t nget, i;
	int port = int_arg(L, 1), e, nres;
	bool hasto = timeout_arg(L, 4, &ts);
	port_t *pp;

	luaL_argcheck(
	    L, max >= 0 && max <= (1 << 24), 2, "max must be in [0, 2^24]");
	luaL_argcheck(
	    L, want >= 0 && want <= UINT32_MAX, 3, "nget must be non-negative");
	e = sim_syscall_enter(L, &sc, "port_getn", SYS_ILLUMOS,
	    "{s:i, s:I, s:I, s:o}", "port", port, "max", (int64_t)max, "nget",
	    (int64_t)want, "timeout", timeout_json(hasto, &ts));
	if (e != 0)
		return (sim_syscall_return(L, &sc, e, 0, NULL));
	e = portfs_enter(curthread, port, &pp, &pa);
	if (e != 0)
		return (sim_syscall_return(L, &sc, e, 0, NULL));
	evs = port_zalloc(sizeof(*evs) * (size_t)(max > 0 ? max : 1));
	memset(&pgt, 0, sizeof(pgt));
	pgt.pgt_timeout = hasto ? &ts : NULL;
	do {
		nget = (uint_t)want;
		e = port_getn(pp, evs, (uint_t)max, &nget, &pgt);
	} while (nget == 0 && e == 0 && pgt.pgt_loop);
	e = portfs_leave(curthread, pp, &pa, e);
	if (e == 0 && max == 0) {
		sim_free(evs);
		lua_pushinteger(L, nget);
		return (sim_syscall_return(L, &sc, 0, 1, "{s:i, s:I}", "retval",
		    0, "nget", (int64_t)nget));
	}
	if (e != 0 && e != ETIME) {
		sim_free(evs);
		return (sim_syscall_return(L, &sc, e, 0, NULL));
	}
	jlist = sysjson_on() ? sysjson_array() : NULL;
	lua_createtable(L, (int)nget, 0);
	for (i = 0; i < nget; i++) {
		if (jlist != NULL)
			sysjson_append(jlist, event_json(&evs[i]));
		push_event(L, &evs[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
		port_event_free(&evs[i]);
	}
	sim_free(evs);
	if (e == ETIME) {
		/* libc: -1/ETIME, with *nget events retrieved (P2). */
		int t = lua_gettop(L);

		sysjson_free(jlist);
		nres = sim_syscall_return(L, &sc, e, 0, NULL);
		lua_pushvalue(L, t);
		return (nres + 1);
	}
	return (sim_syscall_return(L, &sc, 0, 1, "{s:i, s:I, s:o}", "retval", 0,
	    "nget", (int64_t)nget, "list", jlist));
}

/* sys.timer_create(clock, {port=, user=}) */
static int
l_timer_create(lua_State *L)
{
	struct sim_syscall sc;
	struct port_user u;
	int clock = int_arg(L, 1), port, id = -1, e;

	luaL_checktype(L, 2, LUA_TTABLE);
	lua_getfield(L, 2, "port");
	if (!lua_isinteger(L, -1))
		return (luaL_error(L,
		    "sys.timer_create: argument #2 needs an integer 'port'"));
	port = (int)lua_tointeger(L, -1);
	lua_getfield(L, 2, "user");
	user_arg(L, lua_gettop(L), "timer_create", &u);
	e = sim_syscall_enter(L, &sc, "timer_create", SYS_ILLUMOS,
	    "{s:o, s:{s:s, s:i, s:o}}", "clockid",
	    sysjson_enum(pclock_names, clock), "evp", "sigev_notify",
	    "SIGEV_PORT", "portnfy_port", port, "portnfy_user", user_json(&u));
	if (e == 0)
		e = port_timer_create(curthread, clock, port, &u, &id);
	lua_pushinteger(L, id);
	return (sim_syscall_return(
	    L, &sc, e, 1, "{s:i, s:i}", "retval", 0, "timerid", id));
}

/* sys.timer_settime(id, flags, value, interval) */
static int
l_timer_settime(lua_State *L)
{
	struct sim_syscall sc;
	int id = int_arg(L, 1), flags = int_arg(L, 2), e;
	lua_Integer value = luaL_checkinteger(L, 3);
	lua_Integer interval = luaL_optinteger(L, 4, 0);

	e = sim_syscall_enter(L, &sc, "timer_settime", SYS_ILLUMOS,
	    "{s:i, s:o, s:I, s:I}", "timerid", id, "flags",
	    sysjson_flags(timer_flag_names, (uint32_t)flags), "value",
	    (int64_t)value, "interval", (int64_t)interval);
	if (e == 0)
		e = port_timer_settime(curthread, id, flags, value, interval);
	lua_pushboolean(L, 1);
	return (sim_syscall_return(L, &sc, e, 1, NULL));
}

/* sys.timer_delete(id) */
static int
l_timer_delete(lua_State *L)
{
	struct sim_syscall sc;
	int id = int_arg(L, 1), e;

	e = sim_syscall_enter(
	    L, &sc, "timer_delete", SYS_ILLUMOS, "{s:i}", "timerid", id);
	if (e == 0)
		e = port_timer_delete(curthread, id);
	lua_pushboolean(L, 1);
	return (sim_syscall_return(L, &sc, e, 1, NULL));
}

static const luaL_Reg port_fns[] = {
	{ "port_create", l_port_create },
	{ "port_associate", l_port_associate },
	{ "port_dissociate", l_port_dissociate },
	{ "port_send", l_port_send },
	{ "port_sendn", l_port_sendn },
	{ "port_alert", l_port_alert },
	{ "port_get", l_port_get },
	{ "port_getn", l_port_getn },
	{ "timer_create", l_timer_create },
	{ "timer_settime", l_timer_settime },
	{ "timer_delete", l_timer_delete },
	{ NULL, NULL },
};

static const struct sim_const port_consts[] = {
	{ "PORT_SOURCE_AIO", PORT_SOURCE_AIO },
	{ "PORT_SOURCE_TIMER", PORT_SOURCE_TIMER },
	{ "PORT_SOURCE_USER", PORT_SOURCE_USER },
	{ "PORT_SOURCE_FD", PORT_SOURCE_FD },
	{ "PORT_SOURCE_ALERT", PORT_SOURCE_ALERT },
	{ "PORT_SOURCE_MQ", PORT_SOURCE_MQ },
	{ "PORT_SOURCE_FILE", PORT_SOURCE_FILE },
	{ "PORT_ALERT_SET", PORT_ALERT_SET },
	{ "PORT_ALERT_UPDATE", PORT_ALERT_UPDATE },
	{ "PORT_ALERT_INVALID", PORT_ALERT_INVALID },
	{ "POLLIN", POLLIN },
	{ "POLLPRI", POLLPRI },
	{ "POLLOUT", POLLOUT },
	{ "POLLERR", POLLERR },
	{ "POLLHUP", POLLHUP },
	{ "POLLNVAL", POLLNVAL },
	{ "POLLRDNORM", ILLUMOS_POLLRDNORM },
	{ "POLLWRNORM", ILLUMOS_POLLWRNORM },
	{ "POLLRDBAND", ILLUMOS_POLLRDBAND },
	{ "POLLWRBAND", ILLUMOS_POLLWRBAND },
	{ "POLLNORM", ILLUMOS_POLLNORM },
	{ "POLLRDHUP", ILLUMOS_POLLRDHUP },
	{ "FILE_ACCESS", FILE_ACCESS },
	{ "FILE_MODIFIED", FILE_MODIFIED },
	{ "FILE_ATTRIB", FILE_ATTRIB },
	{ "FILE_TRUNC", FILE_TRUNC },
	{ "FILE_NOFOLLOW", FILE_NOFOLLOW },
	{ "FILE_DELETE", FILE_DELETE },
	{ "FILE_RENAME_TO", FILE_RENAME_TO },
	{ "FILE_RENAME_FROM", FILE_RENAME_FROM },
	{ "UNMOUNTED", UNMOUNTED },
	{ "MOUNTEDOVER", MOUNTEDOVER },
	{ "FILE_EXCEPTION", FILE_EXCEPTION },
	{ "TIMER_ABSTIME", ILLUMOS_TIMER_ABSTIME },
	{ "PORT_MAX_LIST", PORT_MAX_LIST },
	{ NULL, 0 },
};

void
sys_illumos_register(lua_State *L, int t)
{
	sim_sys_register(L, t, port_fns, port_consts);
}

static void
push_kev(lua_State *L, const port_kevent_t *pkevp)
{
	lua_createtable(L, 0, 6);
	set_event_fields(L, pkevp->portkev_source, pkevp->portkev_events,
	    pkevp->portkev_objname, pkevp->portkev_object,
	    &pkevp->portkev_user);
	lua_pushinteger(L, pkevp->portkev_pid);
	lua_setfield(L, -2, "pid");
	sys_push_flagset(L, portkev_flag_names, (uint64_t)pkevp->portkev_flags);
	lua_setfield(L, -2, "portkev_flags");
}

/*
 * sim.inspect for a port fd: the queue (main queue, then what a retriever
 * still holds in the temporary queue), flags, counters and the waiters from
 * the head.  Reads without locks: inspecting is not a scheduling point.
 */
static int
port_inspect(lua_State *L, struct file *fp, int argidx)
{
	port_t *pp = port_from_file(fp);
	port_queue_t *portq;
	port_kevent_t *pkevp;
	portget_t *pgetp;
	int i;

	(void)argidx;
	if (pp == NULL)
		return (0);
	portq = &pp->port_queue;
	lua_createtable(L, 0, 12);
	lua_pushinteger(L, portq->portq_nent);
	lua_setfield(L, -2, "portq_nent");
	lua_pushinteger(L, portq->portq_tnent);
	lua_setfield(L, -2, "portq_tnent");
	lua_pushinteger(L, portq->portq_nget);
	lua_setfield(L, -2, "portq_nget");
	lua_pushinteger(L, portq->portq_thrcnt);
	lua_setfield(L, -2, "portq_thrcnt");
	lua_pushinteger(L, portq->portq_getn);
	lua_setfield(L, -2, "portq_getn");
	lua_pushinteger(L, pp->port_curr);
	lua_setfield(L, -2, "port_curr");
	lua_pushinteger(L, pp->port_max_events);
	lua_setfield(L, -2, "port_max_events");
	lua_pushinteger(L, pp->port_fd);
	lua_setfield(L, -2, "port_fd");
	sys_push_flagset(L, portq_flag_names, (uint64_t)portq->portq_flags);
	lua_setfield(L, -2, "portq_flags");
	if (portq->portq_flags & PORTQ_ALERT) {
		lua_createtable(L, 0, 3);
		lua_pushinteger(L, portq->portq_alert.portal_events);
		lua_setfield(L, -2, "events");
		lua_pushinteger(L, portq->portq_alert.portal_pid);
		lua_setfield(L, -2, "pid");
		push_user(L, &portq->portq_alert.portal_user);
		lua_setfield(L, -2, "user");
		lua_setfield(L, -2, "alert");
	}
	lua_newtable(L);
	i = 1;
	if ((pgetp = portq->portq_thread) != NULL) {
		do {
			lua_createtable(L, 0, 3);
			lua_pushinteger(L,
			    pgetp->portget_td != NULL
				? pgetp->portget_td->td_tid
				: 0);
			lua_setfield(L, -2, "tid");
			lua_pushinteger(L, pgetp->portget_nget);
			lua_setfield(L, -2, "nget");
			lua_pushinteger(L, pgetp->portget_pid);
			lua_setfield(L, -2, "pid");
			lua_pushboolean(
			    L, (pgetp->portget_state & PORTGET_ALERT) != 0);
			lua_setfield(L, -2, "alerted");
			lua_rawseti(L, -2, i++);
		} while ((pgetp = pgetp->portget_next) != portq->portq_thread);
	}
	lua_setfield(L, -2, "waiters");
	lua_newtable(L);
	i = 1;
	TAILQ_FOREACH(pkevp, &portq->portq_list, portkev_node) {
		push_kev(L, pkevp);
		lua_rawseti(L, -2, i++);
	}
	lua_setfield(L, -2, "events");
	lua_newtable(L);
	i = 1;
	TAILQ_FOREACH(pkevp, &portq->portq_get_list, portkev_node) {
		push_kev(L, pkevp);
		lua_rawseti(L, -2, i++);
	}
	lua_setfield(L, -2, "get_events");
	return (1);
}

const struct sys_kops sys_illumos_kops = {
	.ko_inspect = port_inspect,
	.ko_inspect_field = "port",
};
