/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Lua half of simulated threads: each thread runs a Lua function on its
 * own Lua thread of the run's sandbox; its return values are kept for
 * thread_join().  The process layer (sim/proc.c) reaches it only through
 * struct thread_uops.  Imports proc.h and the engine's Lua host.
 */
#ifndef SIM_SYS_THREAD_LUA_H
#define SIM_SYS_THREAD_LUA_H

#include <lua.h>

#include "proc.h"

/* td's Lua thread, or NULL when td runs a C body. */
lua_State *thread_lua_state(struct thread *td);

/* Creates pid 1 running the Lua function at fnidx of L (proc_create_init). */
int thread_lua_create_init(lua_State *L, int fnidx);

/*
 * fork1() whose child's main thread runs the Lua function at fnidx of L, the
 * Lua thread (td's own or a coroutine of it) making the call.  Errors as
 * fork1().
 */
int thread_lua_fork(
    struct thread *td, lua_State *L, int flags, int fnidx, int *ret_pid);

/* pdfork1() whose child runs the Lua function at fnidx of L, as above. */
int thread_lua_pdfork(struct thread *td, lua_State *L, int pdflags, int fnidx,
    int *ret_pid, int *ret_fd);

/*
 * thread_create() of a thread running the Lua function at fnidx of L (td's
 * Lua thread or a coroutine of it) with the nargs values above it as
 * arguments; L has room for nargs + 1 more values.  Errors as
 * thread_create().
 */
int thread_lua_create(
    struct thread *td, lua_State *L, int fnidx, int nargs, int *ret_tid);

#endif /* SIM_SYS_THREAD_LUA_H */
