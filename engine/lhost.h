/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Lua host: the only place in engine/ that knows Lua.  It builds the
 * scenario sandbox (evsim-scenario(5)) and runs Lua functions on simulated
 * threads, each on its own Lua thread (lua_newthread) inside its own fiber.
 *
 * The sandbox is deterministic by construction: 'pairs' visits keys in a
 * canonical order (numbers ascending, then strings bytewise, then booleans)
 * and refuses tables keyed by tables or functions, whose order would depend
 * on host addresses; 'tostring' and 'print' name tables and functions by a
 * per-run counter instead of their address; string.format refuses %p;
 * math.random draws from the run's seeded generator; __gc finalisers are
 * refused because their timing belongs to the collector.  An instruction
 * budget and a memory limit turn a runaway scenario into a clean error.
 */
#ifndef ENGINE_LHOST_H
#define ENGINE_LHOST_H

#include <lua.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lhost;

struct lhost_config {
	size_t mem_limit_bytes; /* 0: 512 MiB */
	uint64_t instr_budget; /* VM instructions; 0: 2e9 */
	const char *scenario_dir; /* require() looks here first */
	const char *lib_dir; /* then here (scenarios/lib) */
	/* print(): receives the formatted line without newline. */
	void (*print)(void *arg, const char *text);
	void *print_arg;
	/* math.random's generator draws: returns 64 random bits. */
	uint64_t (*random)(void *arg);
	void *random_arg;
};

/* Creates the Lua state and sandbox.  Returns 0 or ENOMEM. */
int lhost_new(struct lhost **ret_h, const struct lhost_config *cfg);

/* Closes the Lua state.  NULL is a no-op. */
void lhost_free(struct lhost *h);

lua_State *lhost_lua(struct lhost *h);

/* The lhost a Lua state belongs to. */
struct lhost *lhost_from(lua_State *L);

/*
 * Compiles and runs a scenario chunk (text only, named "@" chunkname) and
 * leaves the value it returned on top of the main stack.  Returns 0, or
 * EINVAL with "file:line: message" in err.
 */
int lhost_load(struct lhost *h, const char *chunkname, const char *src,
    size_t len, char *err, size_t errlen);

/*
 * Creates a Lua thread anchored in the registry; *ret_ref releases it with
 * lhost_unref().
 */
lua_State *lhost_newthread(struct lhost *h, int *ret_ref);
void lhost_unref(struct lhost *h, int ref);

enum lhost_result {
	LHOST_OK, /* returned normally */
	LHOST_ERROR, /* raised an error: err holds file:line: message */
	LHOST_UNWOUND, /* unwound by lhost_unwind() (thread exit) */
	LHOST_ABORTED, /* instruction budget or memory limit exceeded */
};

/*
 * Calls the function below nargs arguments on T in protected mode, leaving
 * nres results (LUA_MULTRET for all).
 */
enum lhost_result lhost_call(struct lhost *h, lua_State *T, int nargs, int nres,
    char *err, size_t errlen);

/*
 * Unwinds the calling Lua thread to its lhost_call() (pcall in the scenario
 * cannot stop it).  Used when a simulated thread must exit.
 */
_Noreturn void lhost_unwind(lua_State *L);

/* Whether the run was aborted by a limit, and why. */
bool lhost_aborted(const struct lhost *h, const char **why);

/* The deterministic tostring() of the value at idx (pushed on L). */
const char *lhost_tostring(lua_State *L, int idx);

/* Current Lua position of T ("file:line"), or "?" when not in Lua code. */
void lhost_where(lua_State *T, char *buf, size_t len);

/* Bytes allocated by Lua now. */
size_t lhost_memory(const struct lhost *h);

#endif /* ENGINE_LHOST_H */
