/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Lua half of simulated threads (see thread_lua.h): a thread's start
 * function and arguments moved to its own Lua thread, the call in its
 * fiber, its results kept in a registry table until thread_join() hands
 * them to the joiner.  Imports proc.h, kernel.h and the engine (lhost,
 * sched); the process layer calls it through thread_lua_uops only.
 */
#include <inttypes.h>
#include <lauxlib.h>
#include <stdlib.h>

#include "kernel.h"
#include "lhost.h"
#include "proc.h"
#include "thread_lua.h"

/* A thread's Lua state (td_user). */
struct thread_lua {
	lua_State *tl_L; /* the thread's own Lua thread */
	int tl_lref; /* its registry reference, until it leaves */
	int tl_joinref; /* registry table of its results, until joined */
	int tl_nargs;
};

/* What a new thread starts with: the function at fnidx of L, nargs above. */
struct thread_lua_start {
	lua_State *L;
	int fnidx;
	int nargs;
};

static const struct thread_uops thread_lua_uops;

/* Moves the start function and its arguments to a new Lua thread for td. */
static void
tl_init(struct thread *td, void *arg)
{
	const struct thread_lua_start *ts = arg;
	struct thread_lua *tl = sim_calloc(1, sizeof(*tl));
	int i;

	if (tl == NULL)
		sim_oom();
	tl->tl_joinref = LUA_NOREF;
	tl->tl_L = lhost_newthread(lhost_from(ts->L), &tl->tl_lref);
	/* The caller checked ts->L for nargs + 1 more slots (l_thread). */
	if (!lua_checkstack(tl->tl_L, ts->nargs + 1))
		sim_oom();
	for (i = 0; i <= ts->nargs; i++)
		lua_pushvalue(ts->L, ts->fnidx + i);
	lua_xmove(ts->L, tl->tl_L, ts->nargs + 1);
	tl->tl_nargs = ts->nargs;
	td->td_user = tl;
}

/*
 * Calls the start function; its results become a table for thread_join(),
 * and an integer first result the exit code.
 */
static int
tl_run(struct thread *td)
{
	struct thread_lua *tl = td->td_user;
	lua_State *L = tl->tl_L;
	enum lhost_result res;
	char err[1024];
	int code = 0, n, i;

	res = lhost_call(
	    lhost_from(L), L, tl->tl_nargs, LUA_MULTRET, err, sizeof(err));
	switch (res) {
	case LHOST_OK:
		n = lua_gettop(L);
		if (n >= 1 && lua_isinteger(L, 1))
			code = (int)lua_tointeger(L, 1);
		/* The results may fill the stack: move them, do not copy. */
		if (!lua_checkstack(L, 2))
			sched_fail(SCHED_ERROR, NULL,
			    "too many results (%d) from the function of "
			    "pid %d tid %d",
			    n, td->td_proc->p_pid, td->td_tid);
		lua_createtable(L, n, 0);
		lua_insert(L, 1);
		for (i = n; i >= 1; i--)
			lua_rawseti(L, 1, i);
		tl->tl_joinref = luaL_ref(L, LUA_REGISTRYINDEX);
		break;
	case LHOST_ERROR:
		sched_fail(SCHED_FAILED, NULL,
		    "%s (at vtime %" PRId64 " ns, pid %d tid %d)", err,
		    sched_now(), td->td_proc->p_pid, td->td_tid);
	case LHOST_SCRIPT_ERROR:
	case LHOST_ABORTED:
		sched_fail(SCHED_ERROR, NULL,
		    "%s (at vtime %" PRId64 " ns, pid %d tid %d)", err,
		    sched_now(), td->td_proc->p_pid, td->td_tid);
	case LHOST_UNWOUND:
		break;
	}
	return (code);
}

/* Pushes td2's results on td's Lua stack. */
static int
tl_join(struct thread *td, struct thread *td2)
{
	struct thread_lua *tl2 = td2->td_user;
	lua_State *L = thread_lua_state(td);
	int n, i;

	if (tl2 == NULL || tl2->tl_joinref == LUA_NOREF)
		return (0);
	lua_rawgeti(L, LUA_REGISTRYINDEX, tl2->tl_joinref);
	n = (int)luaL_len(L, -1);
	/* XXX: results beyond what the joiner's stack can hold are dropped. */
	if (!lua_checkstack(L, n + 1))
		n = 0;
	for (i = 1; i <= n; i++)
		lua_rawgeti(L, -1 - (i - 1), i);
	lua_remove(L, -n - 1);
	luaL_unref(L, LUA_REGISTRYINDEX, tl2->tl_joinref);
	tl2->tl_joinref = LUA_NOREF;
	return (n);
}

/* The thread left: its Lua thread may be collected. */
static void
tl_exit(struct thread *td)
{
	struct thread_lua *tl = td->td_user;

	if (tl->tl_lref != LUA_NOREF) {
		lhost_unref(lhost_from(tl->tl_L), tl->tl_lref);
		tl->tl_lref = LUA_NOREF;
	}
}

static void
tl_free(struct thread *td)
{
	sim_free(td->td_user);
	td->td_user = NULL;
}

static const struct thread_uops thread_lua_uops = {
	.tu_init = tl_init,
	.tu_run = tl_run,
	.tu_join = tl_join,
	.tu_exit = tl_exit,
	.tu_free = tl_free,
};

lua_State *
thread_lua_state(struct thread *td)
{
	struct thread_lua *tl = td->td_user;

	return (
	    td->td_uops == &thread_lua_uops && tl != NULL ? tl->tl_L : NULL);
}

int
thread_lua_create_init(lua_State *L, int fnidx)
{
	struct thread_lua_start ts = { L, fnidx, 0 };

	return (proc_create_init(&thread_lua_uops, &ts));
}

int
thread_lua_fork(
    struct thread *td, lua_State *L, int flags, int fnidx, int *ret_pid)
{
	struct thread_lua_start ts = { L, fnidx, 0 };

	return (fork1(td, flags, &thread_lua_uops, &ts, ret_pid));
}

int
thread_lua_pdfork(struct thread *td, lua_State *L, int pdflags, int fnidx,
    int *ret_pid, int *ret_fd)
{
	struct thread_lua_start ts = { L, fnidx, 0 };

	return (pdfork1(td, pdflags, &thread_lua_uops, &ts, ret_pid, ret_fd));
}

int
thread_lua_create(
    struct thread *td, lua_State *L, int fnidx, int nargs, int *ret_tid)
{
	struct thread_lua_start ts = { L, fnidx, nargs };

	return (thread_create(td, &thread_lua_uops, &ts, ret_tid));
}
