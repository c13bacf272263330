/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * System snapshots (see snapshot.h).  Keys are written in a canonical order
 * (array parts by index, other keys sorted as strings) so that two
 * snapshots of the same state are byte-identical.
 * Pending callouts are listed in arming order with their deadline, state
 * and owning object (a knote or a port timer).  Where a field names an
 * object that has a label (replay keeps them, sim_labels_keep), a field
 * "FIELD_label" beside it holds the label; a thread has its own "label".  Part
 * of sim/sys/: imports the shared kernel layer, sysent.h, thread_lua.h, the
 * engine and Lua.
 */
#include <inttypes.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fd.h"
#include "lhost.h"
#include "proc.h"
#include "snapshot.h"
#include "sysent.h"
#include "thread_lua.h"

static const char *const pstates[] = { "NEW", "NORMAL", "ZOMBIE" };

static void
setstr(lua_State *L, const char *k, const char *v)
{
	lua_pushstring(L, v);
	lua_setfield(L, -2, k);
}

static void
setint(lua_State *L, const char *k, int64_t v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, k);
}

/* The thread's label, when it has one, as field "label". */
static void
thread_label(lua_State *L, int tid)
{
	char name[32];

	snprintf(name, sizeof(name), "thread#%d", tid);
	if (sim_label_of(name) != NULL)
		setstr(L, "label", sim_label_of(name));
}

static void
push_thread(lua_State *L, struct thread *td)
{
	struct sched_thread *st = td->td_st;
	char where[256];

	lua_createtable(L, 0, 5);
	setint(L, "tid", td->td_tid);
	if (st == sched_curthread())
		setstr(L, "state", "running");
	else if (sched_thread_blocked(st))
		setstr(L, "state", "blocked");
	else
		setstr(L, "state", "runnable");
	if (sched_thread_wmesg(st) != NULL)
		setstr(L, "wchan", sched_thread_wmesg(st));
	if (thread_lua_state(td) != NULL) {
		lhost_where(thread_lua_state(td), where, sizeof(where));
		setstr(L, "lua", where);
	}
	setint(L, "sigmask", (int64_t)td->td_sigmask);
	thread_label(L, td->td_tid);
}

static void
push_fd(lua_State *L, int fd, struct filedescent *fde)
{
	struct file *fp = fde->fde_file;
	int top;

	lua_createtable(L, 0, 6);
	setint(L, "fd", fd);
	setstr(L, "file", fp->f_obj.so_name);
	setstr(L, "type", fp->f_ops != NULL ? fp->f_ops->fo_name : "?");
	setint(L, "f_count", fp->f_count);
	setint(L, "f_flag", fp->f_flag);
	if (fde->fde_flags & UF_EXCLOSE)
		setint(L, "cloexec", 1);
	if (fde->fde_flags & UF_FOCLOSE)
		setint(L, "clofork", 1);
	top = lua_gettop(L);
	if (sys_kops()->ko_inspect(L, fp, top + 1) == 1)
		lua_setfield(L, top, sys_kops()->ko_inspect_field);
	lua_settop(L, top);
}

static void
push_callout(const struct callout *c, const char *state, void *arg)
{
	lua_State *L = arg;
	int n = (int)lua_rawlen(L, -1);

	lua_createtable(L, 0, 3);
	setint(L, "deadline", c->c_time_ns);
	setstr(L, "state", state);
	setstr(L, "owner",
	    c->c_owner != NULL && c->c_owner[0] != '\0' ? c->c_owner : "?");
	lua_rawseti(L, -2, n + 1);
}

/*
 * Adds "KEY_label" beside every string field KEY whose value names an
 * object with a label (sim_label_of), in the table at the top of the stack
 * and in every table below it.  The keys are collected first: a table must
 * not gain keys while lua_next() walks it.
 */
static void
add_labels(lua_State *L, int depth)
{
	int t = lua_gettop(L), n = 0, i;

	if (depth > 16)
		return;
	lua_newtable(L); /* t + 1: pending {key, label} pairs */
	lua_pushnil(L);
	while (lua_next(L, t) != 0) {
		if (lua_type(L, -1) == LUA_TTABLE)
			add_labels(L, depth + 1);
		else if (lua_type(L, -1) == LUA_TSTRING
		    && lua_type(L, -2) == LUA_TSTRING
		    && sim_label_of(lua_tostring(L, -1)) != NULL) {
			lua_pushfstring(L, "%s_label", lua_tostring(L, -2));
			lua_rawseti(L, t + 1, ++n);
			lua_pushstring(L, sim_label_of(lua_tostring(L, -1)));
			lua_rawseti(L, t + 1, ++n);
		}
		lua_pop(L, 1);
	}
	for (i = 1; i < n; i += 2) {
		lua_rawgeti(L, t + 1, i);
		lua_rawgeti(L, t + 1, i + 1);
		lua_rawset(L, t);
	}
	lua_settop(L, t);
}

void
sim_snapshot(lua_State *L)
{
	struct proc *p;
	struct thread *td;
	int np = 0, n, fd;

	lua_createtable(L, 0, 3);
	setint(L, "vtime", sched_now());
	setint(L, "realtime", sched_realtime());
	lua_newtable(L);
	for (p = proc_first(); p != NULL; p = proc_next(p)) {
		if (p->p_pid == 0)
			continue;
		lua_createtable(L, 0, 8);
		setint(L, "pid", p->p_pid);
		if (sim_label_of(p->p_obj.so_name) != NULL)
			setstr(L, "label", sim_label_of(p->p_obj.so_name));
		setint(L, "ppid", p->p_pptr != NULL ? p->p_pptr->p_pid : 0);
		setstr(L, "state", pstates[p->p_state]);
		if (p->p_state == PRS_ZOMBIE) {
			setint(L, "xexit", p->p_xexit);
			setint(L, "xsig", p->p_xsig);
		}
		setint(L, "siglist", (int64_t)p->p_siglist);
		lua_newtable(L);
		n = 0;
		TAILQ_FOREACH(td, &p->p_threads, td_plist) {
			push_thread(L, td);
			lua_rawseti(L, -2, ++n);
		}
		lua_setfield(L, -2, "threads");
		if (p->p_fd != NULL)
			setstr(L, "fd_table", p->p_fd->fd_obj.so_name);
		lua_newtable(L);
		n = 0;
		if (p->p_fd != NULL) {
			for (fd = 0; fd < p->p_fd->fd_nfiles; fd++) {
				if (p->p_fd->fd_ofiles[fd].fde_file == NULL)
					continue;
				push_fd(L, fd, &p->p_fd->fd_ofiles[fd]);
				lua_rawseti(L, -2, ++n);
			}
		}
		lua_setfield(L, -2, "fds");
		lua_rawseti(L, -2, ++np);
	}
	lua_setfield(L, -2, "processes");
	lua_newtable(L);
	callout_foreach(push_callout, L);
	lua_setfield(L, -2, "callouts");
	add_labels(L, 0);
}

/* Collects the table's non-array keys as strings, sorted. */
static int
keycmp(const void *a, const void *b)
{
	return (strcmp(*(const char *const *)a, *(const char *const *)b));
}

static void
json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void write_value(lua_State *L, int idx, bool json, FILE *out, int depth);

static void
write_table(lua_State *L, int idx, bool json, FILE *out, int depth)
{
	lua_Integer n = (lua_Integer)lua_rawlen(L, idx), i;
	const char **keys = NULL;
	size_t nk = 0, cap = 0, k;

	idx = lua_absindex(L, idx);
	lua_pushnil(L);
	while (lua_next(L, idx) != 0) {
		lua_pop(L, 1);
		if (lua_isinteger(L, -1) && lua_tointeger(L, -1) >= 1
		    && lua_tointeger(L, -1) <= n)
			continue;
		if (lua_type(L, -1) != LUA_TSTRING)
			continue;
		if (nk == cap) {
			cap = cap ? cap * 2 : 16;
			keys = realloc(keys, cap * sizeof(*keys));
			if (keys == NULL)
				abort();
		}
		keys[nk++] = lua_tostring(L, -1);
	}
	/* qsort(NULL, 0, ...) is undefined (C11 7.22.5). */
	if (nk > 0)
		qsort(keys, nk, sizeof(*keys), keycmp);
	if (json) {
		if (nk == 0) {
			fputc('[', out);
			for (i = 1; i <= n; i++) {
				if (i > 1)
					fputc(',', out);
				lua_rawgeti(L, idx, i);
				write_value(L, -1, json, out, depth + 1);
				lua_pop(L, 1);
			}
			fputc(']', out);
		} else {
			fputc('{', out);
			for (k = 0; k < nk; k++) {
				if (k > 0)
					fputc(',', out);
				json_string(out, keys[k]);
				fputc(':', out);
				lua_getfield(L, idx, keys[k]);
				write_value(L, -1, json, out, depth + 1);
				lua_pop(L, 1);
			}
			fputc('}', out);
		}
	} else {
		for (k = 0; k < nk; k++) {
			lua_getfield(L, idx, keys[k]);
			fprintf(out, "\n%*s%s:", depth * 2, "", keys[k]);
			if (!lua_istable(L, -1))
				fputc(' ', out);
			write_value(L, -1, json, out, depth + 1);
			lua_pop(L, 1);
		}
		for (i = 1; i <= n; i++) {
			lua_rawgeti(L, idx, i);
			fprintf(out, "\n%*s-", depth * 2, "");
			if (!lua_istable(L, -1))
				fputc(' ', out);
			write_value(L, -1, json, out, depth + 1);
			lua_pop(L, 1);
		}
	}
	free(keys);
}

static void
write_value(lua_State *L, int idx, bool json, FILE *out, int depth)
{
	switch (lua_type(L, idx)) {
	case LUA_TTABLE:
		write_table(L, idx, json, out, depth);
		break;
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx))
			fprintf(
			    out, "%" PRId64, (int64_t)lua_tointeger(L, idx));
		else
			fprintf(out, "%.17g", lua_tonumber(L, idx));
		break;
	case LUA_TBOOLEAN:
		fputs(lua_toboolean(L, idx) ? "true" : "false", out);
		break;
	case LUA_TSTRING:
		if (json)
			json_string(out, lua_tostring(L, idx));
		else
			fputs(lua_tostring(L, idx), out);
		break;
	default:
		fputs(json ? "null" : "nil", out);
	}
}

void
sim_snapshot_write(lua_State *L, int idx, bool json, FILE *out)
{
	write_value(L, idx, json, out, 0);
	fputc('\n', out);
}
