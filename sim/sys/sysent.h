/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The system-call layer between Lua and the simulated kernel, as sysent and
 * the syscall entry path are in the kernel: each sys.* binding checks its
 * arguments with luaL_check* (misuse a C compiler would reject raises a Lua
 * error naming the function and argument), then calls the kernel function
 * between sim_syscall_enter() and sim_syscall_return().  Entry and return
 * are scheduling points; the return records the syscall row, converts an
 * errno to `nil, "ENAME"`, and lets an exiting thread leave (userret).
 *
 * Bindings must push nothing on the Lua stack while they hold a kernel lock:
 * a Lua allocation failure would unwind through the kernel.
 *
 * sim/sys/ is the only part of sim/ below sim/run/ that includes Lua; it
 * imports the shared kernel layer and the models' headers, never sim/run/
 * or sim/cli/.
 */
#ifndef SIM_SYS_SYSENT_H
#define SIM_SYS_SYSENT_H

#include <lauxlib.h>
#include <lua.h>
#include <stdint.h>

#include "kernel.h"

struct thread;
struct sim_sc_args;

struct sim_syscall {
	const char *sc_name;
	struct thread *sc_td;
	uint64_t sc_seq;
	int64_t sc_start_ns;
	int sc_pid, sc_tid;
	/* The row's 'args' (NULL when not recorded), see sim_syscall_fini. */
	struct sim_sc_args *sc_args;
};

/* Which kernels provide a syscall. */
#define SYS_ANY 0
#define SYS_FREEBSD 1
#define SYS_ILLUMOS 2

/*
 * Enters syscall name on behalf of the calling simulated thread; raises a
 * Lua error when called outside a simulated thread (while the scenario file
 * is loading).  Returns ENOSYS when the running kernel lacks the call (the
 * binding must then return sim_syscall_return(L, &sc, ENOSYS, 0, NULL)), else
 * 0.  argfmt is a sysjson_pack() format for the syscall row's 'args' (a JSON
 * object whose members are named as the C prototype's parameters); it is
 * used only when the run records syscall rows (sysjson_on()), and its "o"
 * values come from the sysjson_* builders, which are NULL otherwise.
 */
int sim_syscall_enter(lua_State *L, struct sim_syscall *sc, const char *name,
    int which, const char *argfmt, ...);

/*
 * Finishes a syscall.  On error pushes nil and the errno name and returns 2
 * (nresults and pushed values are ignored; a binding may have pushed
 * nothing).  On success returns nresults, which the binding has pushed.
 * resfmt is a sysjson_pack() format for the row's 'result' (an object with
 * 'retval' and what the call copied out; NULL: {"retval":0}); its values
 * are consumed also when error is set, and the row's result is then NULL.
 */
int sim_syscall_return(lua_State *L, struct sim_syscall *sc, int error,
    int nresults, const char *resfmt, ...);

/*
 * Records the row of a syscall that does not return (exit): result holds
 * what it did, as JSON text.
 */
void sim_syscall_noreturn(struct sim_syscall *sc, const char *result);

/*
 * Frees the 'args' of syscalls that never returned (their thread was
 * unwound inside the call); called when a run ends.
 */
void sim_syscall_fini(void);

/*
 * Records the rows of the syscalls still in progress when a run ends (a
 * thread ended inside them, or the run stopped): result and errno NULL.
 */
void sim_syscall_unfinished(void);

/* A named integer constant of the sys table. */
struct sim_const {
	const char *name;
	int64_t value;
};

/* Installs the sys and sim tables as globals of L (sim/sys/syscalls.c). */
void sim_lua_register(lua_State *L);

/* Registers functions and constants into the table at index t. */
void sim_sys_register(
    lua_State *L, int t, const luaL_Reg *fns, const struct sim_const *consts);

/*
 * Each model registers its syscalls and constants into the sys table at
 * index t (all kernels' calls are registered; the wrong kernel's calls
 * answer ENOSYS).
 */
/*
 * Pushes the flag set v of table names for sim.inspect: {NAME = true, ...}
 * for every name whose bits are all set, and the raw number as '_value'.
 */
struct sim_flagname;
void sys_push_flagset(
    lua_State *L, const struct sim_flagname *names, uint64_t v);

void sys_freebsd_register(lua_State *L, int t);
void sys_illumos_register(lua_State *L, int t);

struct file;
/* Pushes the Lua value of a kevent 'udata' handle (kqueue_lua.c). */
void kqueue_udata_push(lua_State *L, void *udata);

/*
 * The Lua-facing hooks of a kernel model, chosen by the running kernel as
 * its sim_kops are: each binding file (kqueue_lua.c, port_lua.c) defines
 * one.
 */
struct sys_kops {
	/*
	 * sim.inspect of fp: pushes the model's snapshot of fp and returns 1,
	 * or returns 0 (pushing nothing) when fp is not one of the model's
	 * objects.  Optional arguments (a kqueue's ident and filter) start
	 * at index argidx of L.
	 */
	int (*ko_inspect)(lua_State *L, struct file *fp, int argidx);
	/* The field of a process snapshot's descriptor that holds it. */
	const char *ko_inspect_field;
};
extern const struct sys_kops sys_freebsd_kops;
extern const struct sys_kops sys_illumos_kops;
/* freebsd@7773002's kqueue, a model of its own (kqueue_7773002_lua.c). */
extern const struct sys_kops sys_freebsd_7773002_kops;

/* The Lua-facing hooks of the running kernel. */
const struct sys_kops *sys_kops(void);

#endif /* SIM_SYS_SYSENT_H */
