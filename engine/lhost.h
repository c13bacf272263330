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
	/* Host CPU seconds from lhost_new() (a SIGPROF timer); 0: 300. */
	unsigned cpu_limit_sec;
	const char *scenario_dir; /* require() looks here first */
	const char *lib_dir; /* then here (scenarios/lib) */
	/* print(): receives the formatted line without newline (len bytes). */
	void (*print)(void *arg, const char *text, size_t len);
	void *print_arg;
	/*
	 * require(): with module set, modules come from it alone (a replay
	 * reads them from the database): it returns 0 with a malloc'd text
	 * or ENOENT.  Otherwise they are read from scenario_dir and lib_dir,
	 * never through a symbolic link that leaves them, and each text read
	 * is passed to loaded (the recording).
	 */
	int (*module)(
	    void *arg, const char *name, char **ret_buf, size_t *ret_len);
	void (*loaded)(
	    void *arg, const char *name, const char *src, size_t len);
	void *module_arg;
	/*
	 * When the CPU-time watchdog has expired and no Lua instruction,
	 * pattern step or scheduling point looked at it for cpu_limit_sec
	 * more, the process is stuck in C code: with stuck_dies it dies of
	 * SIGXCPU, without a core file; else stuck is called in the SIGPROF
	 * handler (SIGPROF unblocked), and may end the run without
	 * returning; if it returns, the run goes on and the next such expiry
	 * calls it again.  NULL: nothing is done.
	 */
	bool stuck_dies;
	void (*stuck)(void *arg, unsigned limit_sec);
	void *stuck_arg;
	/* math.random's generator draws: returns 64 random bits. */
	uint64_t (*random)(void *arg);
	void *random_arg;
};

/* Creates the Lua state and sandbox.  Returns 0 or ENOMEM. */
int lhost_new(struct lhost **ret_h, const struct lhost_config *cfg);

/*
 * A state that is built once and then restored for every run (evsim
 * explore): lhost_new_image() makes it as lhost_new() does, but in this
 * process's arena, one mapping at a fixed address that holds the state,
 * its lhost and the allocator's metadata; lhost_save() copies the arena's
 * used bytes aside and lhost_restore() copies them back, so that the
 * state is exactly as it was saved (every pointer in it included) with
 * cfg (the same limits) and a new CPU-time watchdog.  One such state
 * exists per process at a time: lhost_new_image() and lhost_restore()
 * replace the one in the arena.  lhost_free() of it only stops the
 * watchdog (and closes the state when it spilled blocks into malloc).
 * Return 0, or ENOMEM (no arena: use lhost_new()), EINVAL (lhost_save: a
 * state not in the arena, spilled or aborted), ENOENT (lhost_restore: no
 * image saved).
 */
int lhost_new_image(struct lhost **ret_h, const struct lhost_config *cfg);
int lhost_save(struct lhost *h);
int lhost_restore(struct lhost **ret_h, const struct lhost_config *cfg);

/*
 * This process's arena (lhost_new_image): its mapping in *base and
 * *maplen, the bytes in use from its start (the allocator's break) in
 * *used.  Returns false when the process has none.
 */
bool lhost_arena_extent(void **base, size_t *used, size_t *maplen);

/* Forgets the saved image and unmaps the arena (no state may be in it). */
void lhost_image_drop(void);

/*
 * Starts the CPU-time watchdog again with the full limit: in a process
 * forked from the one that made h (fork does not inherit the timer).
 */
void lhost_cpu_rearm(struct lhost *h);

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
 * lhost_load() in two steps: lhost_compile() leaves the compiled chunk on
 * top of the main stack (or returns EINVAL as lhost_load() does), and
 * lhost_run_chunk() runs it as lhost_load() would.
 */
int lhost_compile(struct lhost *h, const char *chunkname, const char *src,
    size_t len, char *err, size_t errlen);
int lhost_run_chunk(struct lhost *h, char *err, size_t errlen);

/*
 * Creates a Lua thread anchored in the registry; *ret_ref releases it with
 * lhost_unref().
 */
lua_State *lhost_newthread(struct lhost *h, int *ret_ref);
void lhost_unref(struct lhost *h, int ref);

enum lhost_result {
	LHOST_OK, /* returned normally */
	LHOST_ERROR, /* error() or assert() raised: err holds file:line: msg */
	/* Any other error (calling nil, a bad argument to a library
	 * function, ...): a script error, err as above. */
	LHOST_SCRIPT_ERROR,
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

/*
 * Ends the run from Lua code as a limit does (LHOST_ABORTED: pcall cannot
 * catch it), with the message and the Lua line of L.
 */
_Noreturn void lhost_fatal(lua_State *L, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Marks what runs now as refusing syscalls (what: "invariant 'x'", NULL:
 * allowed again); fatal: a syscall ends the run (lhost_fatal) rather than
 * raising a catchable error.  Returns the previous context (and its fatal
 * flag in *ret_fatal) for the caller to restore.
 */
const char *lhost_nosys(
    struct lhost *h, const char *what, bool fatal, bool *ret_fatal);

/* The context set by lhost_nosys(), or NULL when syscalls are allowed. */
const char *lhost_nosys_context(const struct lhost *h, bool *ret_fatal);

/*
 * Whether the run was aborted by a limit, and why, after turning an expired
 * CPU-time watchdog into that abort: for the scheduler, which runs outside
 * Lua code.
 */
bool lhost_check_limits(struct lhost *h, const char **why);

/*
 * Installs string.find/match/gmatch/gsub that a limit can stop inside the
 * matcher (lpattern.c) into the string table at index strtbl.
 */
void lhost_open_patterns(lua_State *L, int strtbl);

/* Whether the run was aborted by a limit, and why. */
bool lhost_aborted(const struct lhost *h, const char **why);

/* The deterministic tostring() of the value at idx (pushed on L). */
const char *lhost_tostring(lua_State *L, int idx);

/* Current Lua position of T ("file:line"), or "?" when not in Lua code. */
void lhost_where(lua_State *T, char *buf, size_t len);

/* Bytes allocated by Lua now. */
size_t lhost_memory(const struct lhost *h);

#endif /* ENGINE_LHOST_H */
