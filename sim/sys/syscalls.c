/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The sys.* and sim.* tables for the shared layer: processes, threads,
 * signals, clocks, descriptors, pipes, sockets and files, plus the syscall
 * entry and return path every binding uses (see sysent.h), and sim.inspect
 * through the running kernel's sys_kops.  The kqueue and event-port calls
 * are registered by their bindings (sys_freebsd_register in kqueue_lua.c,
 * sys_illumos_register in port_lua.c).  Part of sim/sys/: imports the
 * shared kernel layer (kernel.h, proc.h, fd.h, ...), thread_lua.h, the
 * engine and Lua; never sim/run/ or sim/cli/.
 */
#include <inttypes.h>
#include <lauxlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fd.h"
#include "kernel.h"
#include "lhost.h"
#include "pipe.h"
#include "proc.h"
#include "socket.h"
#include "sysent.h"
#include "sysjson.h"
#include "thread_lua.h"
#include "trace.h"
#include "vfs.h"

#define SIM_IOMAX (1 << 20) /* largest single read: short reads beyond */
#define SIM_IODUMP 4096 /* bytes of read/write data in a syscall row */

/* Names of the syscall rows' constants (FreeBSD's, as kdump prints them). */
static const struct sim_flagname rfork_names[] = {
	{ RFFDG, "RFFDG" },
	{ RFPROC, "RFPROC" },
	{ RFCFDG, "RFCFDG" },
	{ 0, NULL },
};
static const struct sim_flagname pd_names[] = {
	{ PD_DAEMON, "PD_DAEMON" },
	{ PD_CLOEXEC, "PD_CLOEXEC" },
	{ 0, NULL },
};
static const struct sim_flagname wait_names[] = {
	{ WNOHANG, "WNOHANG" },
	{ WUNTRACED, "WUNTRACED" },
	{ WCONTINUED, "WCONTINUED" },
	{ 0, NULL },
};
static const struct sim_flagname sa_names[] = {
	{ SA_NOCLDSTOP, "SA_NOCLDSTOP" },
	{ 0, NULL },
};
static const struct sim_flagname sig_names[] = {
	{ SIGHUP, "SIGHUP" },
	{ SIGINT, "SIGINT" },
	{ SIGQUIT, "SIGQUIT" },
	{ SIGKILL, "SIGKILL" },
	{ SIGPIPE, "SIGPIPE" },
	{ SIGALRM, "SIGALRM" },
	{ SIGTERM, "SIGTERM" },
	{ SIGSTOP, "SIGSTOP" },
	{ SIGTSTP, "SIGTSTP" },
	{ SIGCONT, "SIGCONT" },
	{ SIGCHLD, "SIGCHLD" },
	{ SIGTTIN, "SIGTTIN" },
	{ SIGTTOU, "SIGTTOU" },
	{ SIGUSR1, "SIGUSR1" },
	{ SIGUSR2, "SIGUSR2" },
	{ 0, NULL },
};
static const struct sim_flagname sighow_names[] = {
	{ 1, "SIG_BLOCK" },
	{ 2, "SIG_UNBLOCK" },
	{ 3, "SIG_SETMASK" },
	{ 0, NULL },
};
static const struct sim_flagname clock_names[] = {
	{ 0, "CLOCK_REALTIME" },
	{ 4, "CLOCK_MONOTONIC" },
	{ 0, NULL },
};
static const struct sim_flagname open_names[] = {
	{ O_NONBLOCK, "O_NONBLOCK" },
	{ O_APPEND, "O_APPEND" },
	{ O_CREAT, "O_CREAT" },
	{ O_TRUNC, "O_TRUNC" },
	{ O_EXCL, "O_EXCL" },
	{ O_CLOEXEC, "O_CLOEXEC" },
	{ O_CLOFORK, "O_CLOFORK" },
	{ 0, NULL },
};
static const struct sim_flagname shut_names[] = {
	{ SHUT_RD, "SHUT_RD" },
	{ SHUT_WR, "SHUT_WR" },
	{ SHUT_RDWR, "SHUT_RDWR" },
	{ 0, NULL },
};
static const struct sim_flagname fcntl_names[] = {
	{ F_DUPFD, "F_DUPFD" },
	{ F_GETFD, "F_GETFD" },
	{ F_SETFD, "F_SETFD" },
	{ F_GETFL, "F_GETFL" },
	{ F_SETFL, "F_SETFL" },
	{ 0, NULL },
};

/* open(2) flags as kdump prints them: the access mode first. */
static struct sysjson *
open_json(lua_Integer flags)
{
	static const char *const acc[]
	    = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };
	struct sysjson *a = sysjson_array();

	sysjson_append(a, sysjson_name(acc[flags & O_ACCMODE]));
	return (sysjson_add_flags(a, open_names, (uint64_t)flags & ~O_ACCMODE));
}

/* A signal set as the array of its signals' names (numbers if unnamed). */
static struct sysjson *
sigset_json(sim_sigset_t set)
{
	struct sysjson *a;
	int sig;

	if (!sysjson_on())
		return (NULL);
	a = sysjson_array();
	for (sig = 1; sig < SIG_MAXSIG; sig++)
		if (set & SIGBIT(sig))
			sysjson_append(a, sysjson_enum(sig_names, sig));
	return (a);
}

/* The second argument of a path call (a string or an integer), or NULL. */
static struct sysjson *
path_arg2(lua_State *L)
{
	size_t len;
	const char *s;

	if (!sysjson_on())
		return (NULL);
	if (lua_type(L, 2) == LUA_TSTRING) {
		s = lua_tolstring(L, 2, &len);
		return (sysjson_str(s, len));
	}
	if (lua_isinteger(L, 2))
		return (sysjson_int(lua_tointeger(L, 2)));
	return (NULL);
}

/*
 * The 'args' of the syscalls in progress, on a list owned here rather than
 * by the callers' stacks: a thread unwound inside a call (its process
 * exits) never returns, and sim_syscall_fini frees what it left.
 */
struct sim_sc_args {
	struct sysjson *args;
	struct sim_syscall sc; /* a copy, for the row of a call cut short */
	struct sim_sc_args *prev, *next;
};
static struct sim_sc_args *sc_pending;

static struct sim_sc_args *
args_hold(struct sysjson *args)
{
	struct sim_sc_args *a = calloc(1, sizeof(*a));

	if (a == NULL)
		sim_oom();
	a->args = args;
	a->next = sc_pending;
	if (sc_pending != NULL)
		sc_pending->prev = a;
	sc_pending = a;
	return (a);
}

static struct sysjson *
args_take(struct sim_syscall *sc)
{
	struct sim_sc_args *a = sc->sc_args;
	struct sysjson *args;

	if (a == NULL)
		return (NULL);
	if (a->prev != NULL)
		a->prev->next = a->next;
	else
		sc_pending = a->next;
	if (a->next != NULL)
		a->next->prev = a->prev;
	args = a->args;
	free(a);
	sc->sc_args = NULL;
	return (args);
}

void
sim_syscall_unfinished(void)
{
	struct sim_sc_args *a;

	/* Oldest first: the list holds the newest at its head. */
	for (a = sc_pending; a != NULL && a->next != NULL; a = a->next)
		;
	for (; a != NULL; a = a->prev) {
		trace_syscall(sched_trace_sink(), a->sc.sc_seq,
		    a->sc.sc_start_ns, sched_now(), a->sc.sc_pid, a->sc.sc_tid,
		    a->sc.sc_name, sysjson_text(a->args), NULL, NULL);
	}
}

void
sim_syscall_fini(void)
{
	struct sim_sc_args *a;

	while ((a = sc_pending) != NULL) {
		sc_pending = a->next;
		sysjson_free(a->args);
		free(a);
	}
}

int
sim_syscall_enter(lua_State *L, struct sim_syscall *sc, const char *name,
    int which, const char *argfmt, ...)
{
	struct thread *td = sched_self() != NULL ? curthread : NULL;
	const char *ctx;
	bool fatal;
	va_list ap;

	if (td == NULL)
		return (luaL_error(L,
		    "sys.%s called while the scenario file is loading; "
		    "syscalls belong in main and the threads it starts",
		    name));
	ctx = lhost_nosys_context(lhost_from(L), &fatal);
	if (ctx != NULL && fatal)
		lhost_fatal(L,
		    "sys.%s called in %s (it may call sim.* but not sys.*)",
		    name, ctx);
	if (ctx != NULL)
		return (
		    luaL_error(L, "sys.%s may not be called in %s", name, ctx));
	sc->sc_name = name;
	sc->sc_td = td;
	sc->sc_args = NULL;
	if (sysjson_on()) {
		/* Syscall rows are not hashed: built only when recorded. */
		va_start(ap, argfmt);
		sc->sc_args = args_hold(sysjson_vpack(argfmt, ap));
		va_end(ap);
	}
	sched_point(); /* syscall entry */
	sim_syscall_ast(td);
	sc->sc_seq = trace_seq(sched_trace_sink());
	sc->sc_start_ns = sched_now();
	sc->sc_pid = td->td_proc->p_pid;
	sc->sc_tid = td->td_tid;
	if (sc->sc_args != NULL)
		sc->sc_args->sc = *sc;
	if ((which == SYS_FREEBSD && !sim_is_freebsd())
	    || (which == SYS_ILLUMOS && sim_is_freebsd()))
		return (ENOSYS);
	return (0);
}

int
sim_syscall_return(lua_State *L, struct sim_syscall *sc, int error,
    int nresults, const char *resfmt, ...)
{
	struct thread *td = sc->sc_td;
	struct sysjson *result = NULL, *args;
	va_list ap;

	if (error == ERESTART)
		error = EINTR;
	if (sysjson_on()) {
		if (resfmt != NULL) {
			va_start(ap, resfmt);
			result = sysjson_vpack(resfmt, ap);
			va_end(ap);
		} else {
			result = sysjson_pack("{s:i}", "retval", 0);
		}
		if (error != 0) {
			sysjson_free(result);
			result = NULL;
		}
	}
	args = args_take(sc);
	trace_syscall(sched_trace_sink(), sc->sc_seq, sc->sc_start_ns,
	    sched_now(), td->td_proc->p_pid, td->td_tid, sc->sc_name,
	    sysjson_text(args), sysjson_text(result),
	    error != 0 ? sim_errname(error) : NULL);
	sysjson_free(args);
	sysjson_free(result);
	userret(td);
	sched_point(); /* syscall return */
	if (error != 0) {
		lua_pushnil(L);
		lua_pushstring(L, sim_errname(error));
		return (2);
	}
	return (nresults);
}

void
sim_syscall_noreturn(struct sim_syscall *sc, const char *result)
{
	struct sysjson *args = args_take(sc);

	trace_syscall(sched_trace_sink(), sc->sc_seq, sc->sc_start_ns,
	    sched_now(), curproc->p_pid, curthread->td_tid, sc->sc_name,
	    sysjson_text(args), result, NULL);
	sysjson_free(args);
}

void
sim_sys_register(
    lua_State *L, int t, const luaL_Reg *fns, const struct sim_const *consts)
{
	t = lua_absindex(L, t);
	for (; fns != NULL && fns->name != NULL; fns++) {
		lua_pushcfunction(L, fns->func);
		lua_setfield(L, t, fns->name);
	}
	for (; consts != NULL && consts->name != NULL; consts++) {
		lua_pushinteger(L, consts->value);
		lua_setfield(L, t, consts->name);
	}
}

/* Processes and threads */

static int
l_getpid(lua_State *L)
{
	struct sim_syscall sc;
	int e = sim_syscall_enter(L, &sc, "getpid", SYS_ANY, "{}");

	lua_pushinteger(L, curproc->p_pid);
	return (sim_syscall_return(
	    L, &sc, e, 1, "{s:i}", "retval", curproc->p_pid));
}

static int
l_getppid(lua_State *L)
{
	struct sim_syscall sc;
	int e = sim_syscall_enter(L, &sc, "getppid", SYS_ANY, "{}"), ppid;

	ppid = curproc->p_pptr != NULL ? curproc->p_pptr->p_pid : 0;
	lua_pushinteger(L, ppid);
	return (sim_syscall_return(L, &sc, e, 1, "{s:i}", "retval", ppid));
}

static int
l_gettid(lua_State *L)
{
	struct sim_syscall sc;
	int e = sim_syscall_enter(L, &sc, "gettid", SYS_ANY, "{}");

	lua_pushinteger(L, curthread->td_tid);
	return (sim_syscall_return(
	    L, &sc, e, 1, "{s:i}", "retval", curthread->td_tid));
}

static void thread_label_fn(lua_State *L, int fnidx, int tid);

/* The tid of the first thread of process pid, or 0. */
static int
fork_tid(int pid)
{
	struct proc *p = pfind_any(pid);
	struct thread *td = p != NULL ? TAILQ_FIRST(&p->p_threads) : NULL;

	return (td != NULL ? td->td_tid : 0);
}

static int
do_fork(lua_State *L, const char *name, int flags, int fnidx)
{
	struct sim_syscall sc;
	int e, pid = 0;

	luaL_checktype(L, fnidx, LUA_TFUNCTION);
	e = sim_syscall_enter(L, &sc, name, SYS_ANY, "{s:o}", "flags",
	    sysjson_flags(rfork_names, (uint64_t)(unsigned)flags));
	if (e == 0)
		e = thread_lua_fork(curthread, L, flags, fnidx, &pid);
	if (e == 0)
		thread_label_fn(L, fnidx, fork_tid(pid));
	lua_pushinteger(L, pid);
	return (sim_syscall_return(L, &sc, e, 1, "{s:i}", "retval", pid));
}

static int
l_fork(lua_State *L)
{
	return (do_fork(L, "fork", RFPROC | RFFDG, 1));
}

static int
l_rfork(lua_State *L)
{
	lua_Integer flags = luaL_checkinteger(L, 1);

	return (do_fork(L, "rfork", (int)flags, 2));
}

/*
 * Models sys_pdfork(): sys.pdfork(fn [, flags]) returns the child's pid and
 * the process descriptor (the C call's return value and *fdp).
 */
static int
l_pdfork(lua_State *L)
{
	struct sim_syscall sc;
	lua_Integer flags;
	int e, pid = 0, fd = -1;

	luaL_checktype(L, 1, LUA_TFUNCTION);
	flags = luaL_optinteger(L, 2, 0);
	e = sim_syscall_enter(L, &sc, "pdfork", SYS_FREEBSD, "{s:o}", "flags",
	    sysjson_flags(pd_names, (uint64_t)flags));
	if (e == 0 && (flags < INT32_MIN || flags > INT32_MAX))
		e = EINVAL;
	if (e == 0)
		e = thread_lua_pdfork(curthread, L, (int)flags, 1, &pid, &fd);
	if (e != 0)
		return (sim_syscall_return(L, &sc, e, 0, NULL));
	thread_label_fn(L, 1, fork_tid(pid));
	lua_pushinteger(L, pid);
	lua_pushinteger(L, fd);
	return (sim_syscall_return(
	    L, &sc, 0, 2, "{s:i, s:i}", "retval", pid, "fd", fd));
}

static int
l_thread(lua_State *L)
{
	struct sim_syscall sc;
	int e, tid = 0;

	luaL_checktype(L, 1, LUA_TFUNCTION);
	/* thread_lua_create() copies the function and every argument. */
	luaL_checkstack(L, lua_gettop(L) + 1, "too many arguments");
	e = sim_syscall_enter(
	    L, &sc, "thr_new", SYS_ANY, "{s:i}", "nargs", lua_gettop(L) - 1);
	if (e == 0)
		e = thread_lua_create(curthread, L, 1, lua_gettop(L) - 1, &tid);
	if (e == 0)
		thread_label_fn(L, 1, tid);
	lua_pushinteger(L, tid);
	return (sim_syscall_return(
	    L, &sc, e, 1, "{s:i, s:i}", "retval", 0, "child_tid", tid));
}

/* sys.thr_set_name(tid, name): FreeBSD thr_set_name(2), also on illumos. */
static int
l_thr_set_name(lua_State *L)
{
	struct sim_syscall sc;
	lua_Integer id = luaL_checkinteger(L, 1);
	size_t len;
	const char *name = luaL_checklstring(L, 2, &len);
	int e = sim_syscall_enter(L, &sc, "thr_set_name", SYS_ANY, "{s:I, s:o}",
	    "id", (int64_t)id, "name", sysjson_str(name, len));

	if (e == 0)
		e = sys_thr_set_name(curthread, id, name, len);
	lua_pushboolean(L, 1);
	return (sim_syscall_return(L, &sc, e, 1, NULL));
}

/*
 * Labels a new thread with the name Lua knows for the function it runs: a
 * global variable holding it (the first such name in byte order), else
 * Lua's "function <file:line>".
 */
static void
thread_label_fn(lua_State *L, int fnidx, int tid)
{
	struct sim_obj o;
	lua_Debug ar;
	const char *best = NULL;

	if (!sim_labels_on() || tid <= 0)
		return;
	fnidx = lua_absindex(L, fnidx);
	lua_pushglobaltable(L);
	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		if (lua_type(L, -2) == LUA_TSTRING && lua_rawequal(L, -1, fnidx)
		    && (best == NULL || strcmp(lua_tostring(L, -2), best) < 0))
			best = lua_tostring(L, -2); /* a key of _G: stays */
		lua_pop(L, 1);
	}
	sim_obj_name(&o, "thread", tid);
	if (best != NULL) {
		sim_obj_label(&o, "%s", best);
	} else {
		lua_pushvalue(L, fnidx);
		if (lua_getinfo(L, ">S", &ar) && ar.linedefined > 0) {
			const char *base = strrchr(ar.short_src, '/');

			sim_obj_label(&o, "function <%s:%d>",
			    base != NULL ? base + 1 : ar.short_src,
			    ar.linedefined);
		}
	}
	lua_pop(L, 1);
}

static int
l_join(lua_State *L)
{
	struct sim_syscall sc;
	lua_Integer tid = luaL_checkinteger(L, 1);
	int e, n = 0;

	e = sim_syscall_enter(
	    L, &sc, "thr_join", SYS_ANY, "{s:I}", "tid", (int64_t)tid);
	if (e == 0)
		e = tid < 0 || tid > INT32_MAX
		    ? ESRCH
		    : thread_join(curthread, (int)tid, &n);
	return (sim_syscall_return(
	    L, &sc, e, n, "{s:i, s:i}", "retval", 0, "nvalues", n));
}

static int
l_exit(lua_State *L)
{
	struct sim_syscall sc;
	lua_Integer status = luaL_optinteger(L, 1, 0);
	int e = sim_syscall_enter(
	    L, &sc, "exit", SYS_ANY, "{s:I}", "rval", (int64_t)status);

	(void)e;
	sim_syscall_noreturn(&sc, "{\"returns\":false}");
	exit1(curthread, (int)status, 0);
}

static int
l_waitpid(lua_State *L)
{
	struct sim_syscall sc;
	lua_Integer pid = luaL_optinteger(L, 1, -1);
	lua_Integer options = luaL_optinteger(L, 2, 0);
	int e, status = 0, rpid = 0;

	e = sim_syscall_enter(L, &sc, "wait4", SYS_ANY, "{s:I, s:o}", "pid",
	    (int64_t)pid, "options",
	    sysjson_flags(wait_names, (uint64_t)options));
	if (e == 0)
		e = pid < -1 || pid > INT32_MAX || options < 0
			|| options > INT32_MAX
		    ? EINVAL
		    : kern_wait(
			curthread, (int)pid, &status, (int)options, &rpid);
	lua_pushinteger(L, rpid);
	lua_pushinteger(L, status);
	return (sim_syscall_return(
	    L, &sc, e, 2, "{s:i, s:i}", "retval", rpid, "status", status));
}

static int
l_wifexited(lua_State *L)
{
	lua_pushboolean(L, (luaL_checkinteger(L, 1) & 0x7f) == 0);
	return (1);
}

static int
l_wexitstatus(lua_State *L)
{
	lua_pushinteger(L, (luaL_checkinteger(L, 1) >> 8) & 0xff);
	return (1);
}

/* WIFSIGNALED() of FreeBSD's <sys/wait.h>: neither stopped nor continued. */
static int
l_wifsignaled(lua_State *L)
{
	lua_Integer x = luaL_checkinteger(L, 1), s = x & 0x7f;

	lua_pushboolean(L, s != 0 && s != 0x7f && x != 0x13);
	return (1);
}

static int
l_wtermsig(lua_State *L)
{
	lua_pushinteger(L, luaL_checkinteger(L, 1) & 0x7f);
	return (1);
}

/* Job control: a stopped or continued child's status. */

static int
l_wifstopped(lua_State *L)
{
	lua_pushboolean(L, (luaL_checkinteger(L, 1) & 0x7f) == 0x7f);
	return (1);
}

static int
l_wstopsig(lua_State *L)
{
	lua_pushinteger(L, luaL_checkinteger(L, 1) >> 8);
	return (1);
}

static int
l_wifcontinued(lua_State *L)
{
	lua_pushboolean(L, luaL_checkinteger(L, 1) == 0x13);
	return (1);
}

/* Credentials: sys.getuid() and friends, sys.setuid(uid), sys.setgid(gid). */

static int
cred_get(lua_State *L, const char *name, int which)
{
	struct sim_syscall sc;
	const struct ucred *cr;
	int e = sim_syscall_enter(L, &sc, name, SYS_ANY, "{}"), v = 0;

	if (e == 0) {
		cr = &curproc->p_ucred;
		v = which == 0	 ? cr->cr_ruid
		    : which == 1 ? cr->cr_uid
		    : which == 2 ? cr->cr_rgid
				 : cr->cr_gid;
	}
	lua_pushinteger(L, v);
	return (sim_syscall_return(L, &sc, e, 1, "{s:i}", "retval", v));
}

static int
l_getuid(lua_State *L)
{
	return (cred_get(L, "getuid", 0));
}

static int
l_geteuid(lua_State *L)
{
	return (cred_get(L, "geteuid", 1));
}

static int
l_getgid(lua_State *L)
{
	return (cred_get(L, "getgid", 2));
}

static int
l_getegid(lua_State *L)
{
	return (cred_get(L, "getegid", 3));
}

static int
cred_set(lua_State *L, const char *name, bool uid)
{
	struct sim_syscall sc;
	lua_Integer id = luaL_checkinteger(L, 1);
	int e;

	luaL_argcheck(L, id >= 0 && id <= INT32_MAX, 1,
	    "id out of range (0 to 2147483647)");
	e = sim_syscall_enter(
	    L, &sc, name, SYS_ANY, "{s:I}", uid ? "uid" : "gid", (int64_t)id);
	if (e == 0)
		e = uid ? kern_setuid(curthread, (int)id)
			: kern_setgid(curthread, (int)id);
	lua_pushboolean(L, 1);
	return (sim_syscall_return(L, &sc, e, 1, NULL));
}

static int
l_setuid(lua_State *L)
{
	return (cred_set(L, "setuid", true));
}

static int
l_setgid(lua_State *L)
{
	return (cred_set(L, "setgid", false));
}

static int
l_kill(lua_State *L)
{
	struct sim_syscall sc;
	lua_Integer pid = luaL_checkinteger(L, 1),
		    sig = luaL_checkinteger(L, 2);
	int e = sim_syscall_enter(L, &sc, "kill", SYS_ANY, "{s:I, s:o}", "pid",
	    (int64_t)pid, "signum", sysjson_enum(sig_names, sig));

	if (e == 0)
		e = pid < INT32_MIN || pid > INT32_MAX ? ESRCH
		    : sig < 0 || sig >= SIG_MAXSIG
		    ? EINVAL
		    : kern_kill(curthread, (int)pid, (int)sig);
	lua_pushboolean(L, 1);
	return (sim_syscall_return(L, &sc, e, 1, NULL));
}

static sim_sigset_t
check_sigset(lua_State *L, int idx)
{
	sim_sigset_t set = 0;
	lua_Integer n, i, sig;

	luaL_checktype(L, idx, LUA_TTABLE);
	n = luaL_len(L, idx);
	for (i = 1; i <= n; i++) {
		lua_rawgeti(L, idx, i);
		sig = luaL_checkinteger(L, -1);
		lua_pop(L, 1);
		if (sig < 1 || sig >= SIG_MAXSIG)
			luaL_error(L, "bad signal number %d in set", (int)sig);
		set |= SIGBIT(sig);
	}
	return (set);
}

static int
l_sigprocmask(lua_State *L)
{
	struct sim_syscall sc;
	lua_Integer how = luaL_checkinteger(L, 1);
	sim_sigset_t set = check_sigset(L, 2);
	int e = sim_syscall_enter(L, &sc, "sigprocmask", SYS_ANY, "{s:o, s:o}",
	    "how", sysjson_enum(sighow_names, how), "set", sigset_json(set));

	if (e == 0)
		e = kern_sigprocmask(curthread, (int)how, set, NULL);
	lua_pushboolean(L, 1);
	return (sim_syscall_return(L, &sc, e, 1, NULL));
}

static int
l_sigaction(lua_State *L)
{
	static const char *const disps[]
	    = { "default", "ignore", "catch", NULL };
	struct sim_syscall sc;
	lua_Integer sig = luaL_checkinteger(L, 1);
	int disp = luaL_checkoption(L, 2, NULL, disps);
	bool hasflags = !lua_isnoneornil(L, 3);
	lua_Integer flags = luaL_optinteger(L, 3, 0);
	int e;

	luaL_argcheck(L, (flags & ~(lua_Integer)SA_NOCLDSTOP) == 0, 3,
	    "unknown sa_flags (only sys.SA_NOCLDSTOP)");
	if (hasflags)
		e = sim_syscall_enter(L, &sc, "sigaction", SYS_ANY,
		    "{s:o, s:s, s:o}", "sig", sysjson_enum(sig_names, sig),
		    "act", disps[disp], "flags",
		    sysjson_flags(sa_names, (uint64_t)flags));
	else
		e = sim_syscall_enter(L, &sc, "sigaction", SYS_ANY,
		    "{s:o, s:s}", "sig", sysjson_enum(sig_names, sig), "act",
		    disps[disp]);

	if (e == 0)
		e = sig < 1 || sig >= SIG_MAXSIG
		    ? EINVAL
		    : kern_sigaction_flags(
			curthread, (int)sig, disp, (int)flags, NULL);
	lua_pushboolean(L, 1);
	return (sim_syscall_return(L, &sc, e, 1, NULL));
}

/* Models kern_nanosleep(): sleeps in virtual time, EINTR by a signal. */
static int
l_sleep(lua_State *L)
{
	struct sim_syscall sc;
	lua_Integer ns = luaL_checkinteger(L, 1);
	int e = sim_syscall_enter(
	    L, &sc, "nanosleep", SYS_ANY, "{s:I}", "rqtp", (int64_t)ns);

	if (e == 0) {
		if (ns < 0)
			e = EINVAL;
		else if (ns > 0) {
			e = msleep(&sc, NULL, PCATCH, "nanslp", ns);
			if (e == EWOULDBLOCK)
				e = 0;
		}
	}
	lua_pushboolean(L, 1);
	return (sim_syscall_return(L, &sc, e, 1, NULL));
}

static int
l_sched_yield(lua_State *L)
{
	struct sim_syscall sc;
	int e = sim_syscall_enter(L, &sc, "sched_yield", SYS_ANY, "{}");

	lua_pushboolean(L, 1);
	return (sim_syscall_return(L, &sc, e, 1, NULL));
}

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 4

static int
l_clock_gettime(lua_State *L)
{
	struct sim_syscall sc;
	lua_Integer clk = luaL_checkinteger(L, 1);
	int64_t v = 0;
	int e = sim_syscall_enter(L, &sc, "clock_gettime", SYS_ANY, "{s:o}",
	    "clock_id", sysjson_enum(clock_names, clk));

	if (e == 0) {
		if (clk == CLOCK_REALTIME)
			v = sched_realtime();
		else if (clk == CLOCK_MONOTONIC)
			v = sched_now();
		else
			e = EINVAL;
	}
	lua_pushinteger(L, v);
	return (sim_syscall_return(
	    L, &sc, e, 1, "{s:i, s:I}", "retval", 0, "tp", (int64_t)v));
}

static int
l_clock_settime(lua_State *L)
{
	struct sim_syscall sc;
	lua_Integer clk = luaL_checkinteger(L, 1), ns = luaL_checkinteger(L, 2);
	int e
	    = sim_syscall_enter(L, &sc, "clock_settime", SYS_ANY, "{s:o, s:I}",
		"clock_id", sysjson_enum(clock_names, clk), "tp", (int64_t)ns);

	if (e == 0) {
		if (clk != CLOCK_REALTIME || ns < 0)
			e = EINVAL;
		else {
			char o[24], n[24];

			snprintf(o, sizeof(o), "%" PRId64, sched_realtime());
			snprintf(n, sizeof(n), "%" PRId64, (int64_t)ns);
			sched_trace("kern_clock_settime", "clock#realtime",
			    "time_ns", o, n);
			sim_name_label("clock#realtime", "CLOCK_REALTIME");
			sched_set_realtime(ns);
			if (sim_kern->k_ops->ko_clock_settime != NULL)
				sim_kern->k_ops->ko_clock_settime();
		}
	}
	lua_pushboolean(L, 1);
	return (sim_syscall_return(L, &sc, e, 1, NULL));
}

/* Descriptors */

static int
fd_arg(lua_State *L, int idx)
{
	lua_Integer fd = luaL_checkinteger(L, idx);

	return (fd < INT32_MIN || fd > INT32_MAX ? -1 : (int)fd);
}

static int
l_pipe(lua_State *L)
{
	struct sim_syscall sc;
	int fds[2] = { -1, -1 };
	int e = sim_syscall_enter(L, &sc, "pipe2", SYS_ANY, "{s:[]}", "flags");

	if (e == 0)
		e = kern_pipe(curthread, fds, 0);
	lua_pushinteger(L, fds[0]);
	lua_pushinteger(L, fds[1]);
	return (sim_syscall_return(L, &sc, e, 2, "{s:i, s:[i, i]}", "retval", 0,
	    "fildes", fds[0], fds[1]));
}

static int
l_socketpair(lua_State *L)
{
	struct sim_syscall sc;
	int fds[2] = { -1, -1 };
	int e = sim_syscall_enter(L, &sc, "socketpair", SYS_ANY,
	    "{s:s, s:s, s:i}", "domain", "AF_UNIX", "type", "SOCK_STREAM",
	    "protocol", 0);

	if (e == 0)
		e = kern_socketpair(curthread, fds);
	lua_pushinteger(L, fds[0]);
	lua_pushinteger(L, fds[1]);
	return (sim_syscall_return(L, &sc, e, 2, "{s:i, s:[i, i]}", "retval", 0,
	    "sv", fds[0], fds[1]));
}

static int
l_open(lua_State *L)
{
	struct sim_syscall sc;
	size_t plen;
	const char *path = luaL_checklstring(L, 1, &plen);
	lua_Integer flags = luaL_checkinteger(L, 2);
	lua_Integer mode = luaL_optinteger(L, 3, 0644);
	int e, fd = -1;

	e = sim_syscall_enter(L, &sc, "open", SYS_ANY, "{s:o, s:o, s:I}",
	    "path", sysjson_str(path, plen), "flags", open_json(flags), "mode",
	    (int64_t)mode);
	if (e == 0)
		e = flags < 0 || flags > INT32_MAX
		    ? EINVAL
		    : kern_openat(curthread, path, (int)flags, (int)mode, &fd);
	lua_pushinteger(L, fd);
	return (sim_syscall_return(L, &sc, e, 1, "{s:i}", "retval", fd));
}

#define PATH_CALL(fname, kname, arg2, expr)                                    \
	static int fname(lua_State *L)                                         \
	{                                                                      \
		struct sim_syscall sc;                                         \
		size_t alen;                                                   \
		const char *a = luaL_checklstring(L, 1, &alen);                \
		int e                                                          \
		    = sim_syscall_enter(L, &sc, kname, SYS_ANY, "{s:o, s:o*}", \
			"path", sysjson_str(a, alen), arg2, path_arg2(L));     \
		if (e == 0)                                                    \
			e = (expr);                                            \
		lua_pushboolean(L, 1);                                         \
		return (sim_syscall_return(L, &sc, e, 1, NULL));               \
	}

PATH_CALL(l_mkdir, "mkdir", "mode",
    kern_mkdirat(curthread, a, (int)luaL_optinteger(L, 2, 0755)))
PATH_CALL(l_unlink, "unlink", "arg2", kern_unlinkat(curthread, a))
PATH_CALL(l_rename, "rename", "to",
    kern_renameat(curthread, a, luaL_checkstring(L, 2)))
PATH_CALL(
    l_link, "link", "to", kern_linkat(curthread, a, luaL_checkstring(L, 2)))
PATH_CALL(l_chmod, "chmod", "mode",
    kern_chmodat(curthread, a, (int)luaL_checkinteger(L, 2)))
PATH_CALL(l_truncate, "truncate", "length",
    kern_truncate(curthread, a, luaL_checkinteger(L, 2)))

/*
 * sys.stat(path): {size=, mode=, nlink=, ino=, atime=, mtime=, ctime=}
 * (times in ns; ino is the vnode's number).
 */
static int
l_stat(lua_State *L)
{
	struct sim_syscall sc;
	const char *a = luaL_checkstring(L, 1);
	struct vnode *vp;
	int64_t st[7];
	const char *hash;
	int e;

	e = sim_syscall_enter(L, &sc, "stat", SYS_ANY, "\"%s\"", a);
	if (e == 0)
		e = namei(a, &vp);
	if (e != 0)
		return (sim_syscall_return(L, &sc, e, 0, NULL));
	hash = strchr(vp->v_obj.so_name, '#');
	st[0] = vp->v_size;
	st[1] = vp->v_mode;
	st[2] = vp->v_nlink;
	st[3] = hash != NULL ? strtoll(hash + 1, NULL, 10) : 0;
	st[4] = vp->v_atime_ns;
	st[5] = vp->v_mtime_ns;
	st[6] = vp->v_ctime_ns;
	vrele(vp);
	lua_createtable(L, 0, 7);
	lua_pushinteger(L, st[0]);
	lua_setfield(L, -2, "size");
	lua_pushinteger(L, st[1]);
	lua_setfield(L, -2, "mode");
	lua_pushinteger(L, st[2]);
	lua_setfield(L, -2, "nlink");
	lua_pushinteger(L, st[3]);
	lua_setfield(L, -2, "ino");
	lua_pushinteger(L, st[4]);
	lua_setfield(L, -2, "atime");
	lua_pushinteger(L, st[5]);
	lua_setfield(L, -2, "mtime");
	lua_pushinteger(L, st[6]);
	lua_setfield(L, -2, "ctime");
	return (sim_syscall_return(L, &sc, 0, 1, NULL));
}

static int
l_read(lua_State *L)
{
	struct sim_syscall sc;
	int fd = fd_arg(L, 1);
	lua_Integer n = luaL_checkinteger(L, 2);
	struct file *fp = NULL;
	size_t got = 0;
	char *buf = NULL;
	struct sysjson *res;
	int e;

	e = sim_syscall_enter(L, &sc, "read", SYS_ANY, "{s:i, s:I}", "fd", fd,
	    "nbyte", (int64_t)n);
	if (e == 0 && n < 0)
		e = EINVAL;
	if (e == 0)
		e = fget(curthread, fd, &fp);
	if (e == 0) {
		size_t want = n > SIM_IOMAX ? SIM_IOMAX : (size_t)n;

		if ((fp->f_flag & FREAD) == 0)
			e = EBADF;
		else if (fp->f_ops->fo_read == NULL)
			e = fp->f_type == DTYPE_KQUEUE ? ENXIO : EINVAL;
		else if ((buf = sim_malloc(want + 1)) == NULL)
			sim_oom();
		else
			e = fp->f_ops->fo_read(fp, buf, want, &got, curthread);
		fdrop(fp, curthread);
	}
	if (e == 0)
		lua_pushlstring(L, buf, got);
	res = e == 0 ? sysjson_str(buf, got < SIM_IODUMP ? got : SIM_IODUMP)
		     : NULL;
	sim_free(buf);
	if (res == NULL)
		return (sim_syscall_return(
		    L, &sc, e, 1, "{s:I}", "retval", (int64_t)got));
	return (sim_syscall_return(
	    L, &sc, e, 1, "{s:I, s:o}", "retval", (int64_t)got, "buf", res));
}

static int
l_write(lua_State *L)
{
	struct sim_syscall sc;
	int fd = fd_arg(L, 1);
	size_t len, put = 0;
	const char *data = luaL_checklstring(L, 2, &len);
	struct file *fp = NULL;
	int e;

	e = sim_syscall_enter(L, &sc, "write", SYS_ANY, "{s:i, s:o, s:I}", "fd",
	    fd, "buf", sysjson_str(data, len < SIM_IODUMP ? len : SIM_IODUMP),
	    "nbyte", (int64_t)len);
	if (e == 0)
		e = fget(curthread, fd, &fp);
	if (e == 0) {
		if ((fp->f_flag & FWRITE) == 0)
			e = EBADF;
		else if (fp->f_ops->fo_write == NULL)
			e = fp->f_type == DTYPE_KQUEUE ? ENXIO : EINVAL;
		else
			e = fp->f_ops->fo_write(fp, data, len, &put, curthread);
		fdrop(fp, curthread);
	}
	lua_pushinteger(L, (lua_Integer)put);
	return (
	    sim_syscall_return(L, &sc, e, 1, "{s:I}", "retval", (int64_t)put));
}

static int
l_shutdown(lua_State *L)
{
	struct sim_syscall sc;
	int fd = fd_arg(L, 1);
	lua_Integer how = luaL_checkinteger(L, 2);
	int e = sim_syscall_enter(L, &sc, "shutdown", SYS_ANY, "{s:i, s:o}",
	    "s", fd, "how", sysjson_enum(shut_names, how));

	if (e == 0)
		e = how < 0 || how > 2 ? EINVAL
				       : kern_shutdown(curthread, fd, (int)how);
	lua_pushboolean(L, 1);
	return (sim_syscall_return(L, &sc, e, 1, NULL));
}

static int
l_close(lua_State *L)
{
	struct sim_syscall sc;
	int fd = fd_arg(L, 1);
	int e = sim_syscall_enter(L, &sc, "close", SYS_ANY, "{s:i}", "fd", fd);

	if (e == 0)
		e = kern_close(curthread, fd);
	lua_pushboolean(L, 1);
	return (sim_syscall_return(L, &sc, e, 1, NULL));
}

static int
l_dup(lua_State *L)
{
	struct sim_syscall sc;
	int fd = fd_arg(L, 1), nfd = -1;
	int e = sim_syscall_enter(L, &sc, "dup", SYS_ANY, "{s:i}", "oldd", fd);

	if (e == 0)
		e = kern_dup(curthread, fd, -1, &nfd);
	lua_pushinteger(L, nfd);
	return (sim_syscall_return(L, &sc, e, 1, "{s:i}", "retval", nfd));
}

static int
l_dup2(lua_State *L)
{
	struct sim_syscall sc;
	int fd = fd_arg(L, 1), nfd = -1;
	lua_Integer want = luaL_checkinteger(L, 2);
	int e = sim_syscall_enter(L, &sc, "dup2", SYS_ANY, "{s:i, s:I}", "from",
	    fd, "to", (int64_t)want);

	if (e == 0)
		e = want < 0 || want >= fd_maxfiles()
		    ? EBADF
		    : kern_dup(curthread, fd, (int)want, &nfd);
	lua_pushinteger(L, nfd);
	return (sim_syscall_return(L, &sc, e, 1, "{s:i}", "retval", nfd));
}

static int
l_fcntl(lua_State *L)
{
	struct sim_syscall sc;
	int fd = fd_arg(L, 1);
	lua_Integer cmd = luaL_checkinteger(L, 2);
	lua_Integer arg = luaL_optinteger(L, 3, 0);
	int64_t ret = 0;
	int e = sim_syscall_enter(L, &sc, "fcntl", SYS_ANY, "{s:i, s:o, s:I}",
	    "fd", fd, "cmd", sysjson_enum(fcntl_names, cmd), "arg",
	    (int64_t)arg);

	if (e == 0)
		e = cmd < 0 || cmd > 64
		    ? EINVAL
		    : kern_fcntl(curthread, fd, (int)cmd, arg, &ret);
	lua_pushinteger(L, ret);
	return (
	    sim_syscall_return(L, &sc, e, 1, "{s:I}", "retval", (int64_t)ret));
}

/*
 * Socket options, FIFOs, revoke(2): sys.setsockopt, sys.getsockopt,
 * sys.mkfifo, sys.revoke.
 */

static const struct sim_flagname sockopt_names[] = {
	{ SO_SNDBUF, "SO_SNDBUF" },
	{ SO_RCVBUF, "SO_RCVBUF" },
	{ SO_SNDLOWAT, "SO_SNDLOWAT" },
	{ SO_RCVLOWAT, "SO_RCVLOWAT" },
	{ SO_ERROR, "SO_ERROR" },
	{ SO_TYPE, "SO_TYPE" },
	{ 0, NULL },
};
static const struct sim_flagname solevel_names[] = {
	{ SOL_SOCKET, "SOL_SOCKET" },
	{ SOL_LOCAL, "SOL_LOCAL" },
	{ 0, NULL },
};

/* sys.setsockopt(fd, level, name, value): true or nil, err. */
static int
l_setsockopt(lua_State *L)
{
	struct sim_syscall sc;
	int fd = fd_arg(L, 1);
	lua_Integer level = luaL_checkinteger(L, 2);
	lua_Integer name = luaL_checkinteger(L, 3);
	lua_Integer val = luaL_checkinteger(L, 4);
	int e = sim_syscall_enter(L, &sc, "setsockopt", SYS_FREEBSD,
	    "{s:i, s:o, s:o, s:I}", "s", fd, "level",
	    sysjson_enum(solevel_names, level), "name",
	    sysjson_enum(sockopt_names, name), "val", (int64_t)val);

	if (e == 0)
		e = level < INT32_MIN || level > INT32_MAX || name < INT32_MIN
			|| name > INT32_MAX
		    ? EINVAL
		    : kern_setsockopt(
			curthread, fd, (int)level, (int)name, (int64_t)val);
	lua_pushboolean(L, 1);
	return (sim_syscall_return(L, &sc, e, 1, NULL));
}

/* sys.getsockopt(fd, level, name): the value, or nil, err. */
static int
l_getsockopt(lua_State *L)
{
	struct sim_syscall sc;
	int fd = fd_arg(L, 1);
	lua_Integer level = luaL_checkinteger(L, 2);
	lua_Integer name = luaL_checkinteger(L, 3);
	int64_t val = 0;
	int e = sim_syscall_enter(L, &sc, "getsockopt", SYS_FREEBSD,
	    "{s:i, s:o, s:o}", "s", fd, "level",
	    sysjson_enum(solevel_names, level), "name",
	    sysjson_enum(sockopt_names, name));

	if (e == 0)
		e = level < INT32_MIN || level > INT32_MAX || name < INT32_MIN
			|| name > INT32_MAX
		    ? EINVAL
		    : kern_getsockopt(
			curthread, fd, (int)level, (int)name, &val);
	lua_pushinteger(L, (lua_Integer)val);
	return (sim_syscall_return(
	    L, &sc, e, 1, "{s:i, s:I}", "retval", 0, "val", (int64_t)val));
}

/* sys.mkfifo(path [, mode]): true or nil, err (FreeBSD kernels). */
static int
l_mkfifo(lua_State *L)
{
	struct sim_syscall sc;
	size_t alen;
	const char *a = luaL_checklstring(L, 1, &alen);
	lua_Integer mode = luaL_optinteger(L, 2, 0644);
	int e = sim_syscall_enter(L, &sc, "mkfifo", SYS_FREEBSD, "{s:o, s:I}",
	    "path", sysjson_str(a, alen), "mode", (int64_t)mode);

	if (e == 0)
		e = kern_mkfifoat(curthread, a, (int)(mode & 07777));
	lua_pushboolean(L, 1);
	return (sim_syscall_return(L, &sc, e, 1, NULL));
}

/* sys.revoke(path): true or nil, err (FreeBSD kernels). */
static int
l_revoke(lua_State *L)
{
	struct sim_syscall sc;
	size_t alen;
	const char *a = luaL_checklstring(L, 1, &alen);
	int e = sim_syscall_enter(L, &sc, "revoke", SYS_FREEBSD, "{s:o}",
	    "path", sysjson_str(a, alen));

	if (e == 0)
		e = kern_revokeat(curthread, a);
	lua_pushboolean(L, 1);
	return (sim_syscall_return(L, &sc, e, 1, NULL));
}

static int
l_errname(lua_State *L)
{
	const char *n = sim_errname_of_number((int)luaL_checkinteger(L, 1));

	if (n == NULL)
		lua_pushnil(L);
	else
		lua_pushstring(L, n);
	return (1);
}

static const luaL_Reg sys_fns[] = {
	{ "getpid", l_getpid },
	{ "getppid", l_getppid },
	{ "gettid", l_gettid },
	{ "fork", l_fork },
	{ "rfork", l_rfork },
	{ "pdfork", l_pdfork },
	{ "thread", l_thread },
	{ "join", l_join },
	{ "thr_set_name", l_thr_set_name },
	{ "exit", l_exit },
	{ "waitpid", l_waitpid },
	{ "WIFEXITED", l_wifexited },
	{ "WEXITSTATUS", l_wexitstatus },
	{ "WIFSIGNALED", l_wifsignaled },
	{ "WTERMSIG", l_wtermsig },
	{ "kill", l_kill },
	{ "sigprocmask", l_sigprocmask },
	{ "sigaction", l_sigaction },
	{ "sleep", l_sleep },
	{ "sched_yield", l_sched_yield },
	{ "clock_gettime", l_clock_gettime },
	{ "clock_settime", l_clock_settime },
	{ "pipe", l_pipe },
	{ "socketpair", l_socketpair },
	{ "open", l_open },
	{ "mkdir", l_mkdir },
	{ "unlink", l_unlink },
	{ "rename", l_rename },
	{ "link", l_link },
	{ "stat", l_stat },
	{ "chmod", l_chmod },
	{ "truncate", l_truncate },
	{ "read", l_read },
	{ "write", l_write },
	{ "shutdown", l_shutdown },
	{ "close", l_close },
	{ "dup", l_dup },
	{ "dup2", l_dup2 },
	{ "fcntl", l_fcntl },
	{ "errname", l_errname },
	/* Job control and credentials. */
	{ "WIFSTOPPED", l_wifstopped },
	{ "WSTOPSIG", l_wstopsig },
	{ "WIFCONTINUED", l_wifcontinued },
	{ "getuid", l_getuid },
	{ "geteuid", l_geteuid },
	{ "getgid", l_getgid },
	{ "getegid", l_getegid },
	{ "setuid", l_setuid },
	{ "setgid", l_setgid },
	{ "setsockopt", l_setsockopt },
	{ "getsockopt", l_getsockopt },
	{ "mkfifo", l_mkfifo },
	{ "revoke", l_revoke },
	{ NULL, NULL },
};

static const struct sim_const sys_consts[] = {
	{ "RFPROC", RFPROC },
	{ "RFFDG", RFFDG },
	{ "RFCFDG", RFCFDG },
	{ "PD_DAEMON", PD_DAEMON },
	{ "PD_CLOEXEC", PD_CLOEXEC },
	{ "WNOHANG", WNOHANG },
	{ "SIGHUP", SIGHUP },
	{ "SIGINT", SIGINT },
	{ "SIGQUIT", SIGQUIT },
	{ "SIGKILL", SIGKILL },
	{ "SIGPIPE", SIGPIPE },
	{ "SIGALRM", SIGALRM },
	{ "SIGTERM", SIGTERM },
	{ "SIGCHLD", SIGCHLD },
	{ "SIGUSR1", SIGUSR1 },
	{ "SIGUSR2", SIGUSR2 },
	{ "SIG_BLOCK", 1 },
	{ "SIG_UNBLOCK", 2 },
	{ "SIG_SETMASK", 3 },
	{ "CLOCK_REALTIME", CLOCK_REALTIME },
	{ "CLOCK_MONOTONIC", CLOCK_MONOTONIC },
	{ "O_RDONLY", O_RDONLY },
	{ "O_WRONLY", O_WRONLY },
	{ "O_RDWR", O_RDWR },
	{ "O_NONBLOCK", O_NONBLOCK },
	{ "O_APPEND", O_APPEND },
	{ "O_CREAT", O_CREAT },
	{ "O_TRUNC", O_TRUNC },
	{ "O_EXCL", O_EXCL },
	{ "O_CLOEXEC", O_CLOEXEC },
	{ "O_CLOFORK", O_CLOFORK },
	{ "F_DUPFD", F_DUPFD },
	{ "F_GETFD", F_GETFD },
	{ "F_SETFD", F_SETFD },
	{ "F_GETFL", F_GETFL },
	{ "F_SETFL", F_SETFL },
	{ "FD_CLOEXEC", FD_CLOEXEC },
	{ "FD_CLOFORK", FD_CLOFORK },
	{ "SHUT_RD", SHUT_RD },
	{ "SHUT_WR", SHUT_WR },
	{ "SHUT_RDWR", SHUT_RDWR },
	/* Job control. */
	{ "WUNTRACED", WUNTRACED },
	{ "WCONTINUED", WCONTINUED },
	{ "SIGSTOP", SIGSTOP },
	{ "SIGTSTP", SIGTSTP },
	{ "SIGCONT", SIGCONT },
	{ "SIGTTIN", SIGTTIN },
	{ "SIGTTOU", SIGTTOU },
	{ "SA_NOCLDSTOP", SA_NOCLDSTOP },
	{ "SOL_SOCKET", SOL_SOCKET },
	{ "SOL_LOCAL", SOL_LOCAL },
	{ "SO_SNDBUF", SO_SNDBUF },
	{ "SO_RCVBUF", SO_RCVBUF },
	{ "SO_SNDLOWAT", SO_SNDLOWAT },
	{ "SO_RCVLOWAT", SO_RCVLOWAT },
	{ "SO_ERROR", SO_ERROR },
	{ "SO_TYPE", SO_TYPE },
	{ NULL, 0 },
};

/* sim.* */

static int
l_now(lua_State *L)
{
	if (sched_self() == NULL)
		return (luaL_error(L, "sim.now: no run in progress"));
	lua_pushinteger(L, sched_now());
	return (1);
}

static int
l_random(lua_State *L)
{
	struct rng *r;
	lua_Integer lo = 1, hi;

	if (sched_self() == NULL)
		return (luaL_error(L, "sim.random: no run in progress"));
	r = sched_rng(RNG_STREAM_SIM);
	if (lua_gettop(L) == 0) {
		lua_pushnumber(L, rng_double(r));
		return (1);
	}
	hi = luaL_checkinteger(L, 1);
	if (lua_gettop(L) >= 2) {
		lo = hi;
		hi = luaL_checkinteger(L, 2);
	}
	luaL_argcheck(L, lo <= hi, 1, "interval is empty");
	lua_pushinteger(L, rng_range(r, lo, hi));
	return (1);
}

static int
l_choose(lua_State *L)
{
	lua_Integer n = luaL_checkinteger(L, 1);
	const char *label = luaL_optstring(L, 2, NULL);

	luaL_argcheck(L, n >= 1 && n <= 1000000, 1, "must be 1..1000000");
	if (sched_self() == NULL || sched_curthread() == NULL)
		return (luaL_error(L,
		    "sim.choose: only inside a running "
		    "scenario thread"));
	lua_pushinteger(L, sched_choose(n, label));
	return (1);
}

static int
l_label(lua_State *L)
{
	size_t len;
	const char *text = luaL_checklstring(L, 1, &len);
	char obj[32];

	if (sched_self() == NULL || sched_curthread() == NULL)
		return (luaL_error(L,
		    "sim.label: only inside a running "
		    "scenario thread"));
	snprintf(
	    obj, sizeof(obj), "thread#%d", sched_thread_tid(sched_curthread()));
	sched_trace_n("sim_label", obj, "label", "", text, len);
	return (0);
}

static int
l_trace_hash(lua_State *L)
{
	char hex[17];

	if (sched_self() == NULL)
		return (luaL_error(L, "sim.trace_hash: no run in progress"));
	trace_hash_hex(sched_trace_sink(), hex);
	lua_pushstring(L, hex);
	return (1);
}

static int
l_sysctl(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	int64_t v;
	int e;

	if (lua_gettop(L) >= 2) {
		e = sim_tunable_set(name, luaL_checkinteger(L, 2));
		if (e != 0) {
			lua_pushnil(L);
			lua_pushstring(L, sim_errname(e));
			return (2);
		}
	}
	e = sim_tunable_get(name, &v);
	if (e != 0) {
		lua_pushnil(L);
		lua_pushstring(L, sim_errname(e));
		return (2);
	}
	lua_pushinteger(L, v);
	return (1);
}

/*
 * sim.failpoint(name [, spec]): the fail point's spec after setting it to
 * spec; nil and "ENOENT" for a name the run's kernel does not have.  A bad
 * spec is an argument error.  Setting one needs a running scenario (the
 * run's seed drives 'P%return').
 */
static int
l_failpoint(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	const char *spec = luaL_optstring(L, 2, NULL);
	const char *cur;

	if (spec != NULL) {
		if (sim_failpoint_spec_check(spec) != 0)
			return (luaL_argerror(L, 2,
			    "not off, return, N*return, P%return or explore"));
		if (sched_self() == NULL || sched_curthread() == NULL)
			return (luaL_error(L,
			    "sim.failpoint: setting one only inside a running "
			    "scenario thread"));
		if (sim_failpoint_set(name, spec, sched_seed()) != 0) {
			lua_pushnil(L);
			lua_pushstring(L, "ENOENT");
			return (2);
		}
	}
	cur = sim_failpoint_get(name);
	if (cur == NULL) {
		lua_pushnil(L);
		lua_pushstring(L, "ENOENT");
		return (2);
	}
	lua_pushstring(L, cur);
	return (1);
}

const struct sys_kops *
sys_kops(void)
{
	if (sim_kern->k_ops == &freebsd7773002_kops)
		return (&sys_freebsd_7773002_kops);
	return (sim_is_freebsd() ? &sys_freebsd_kops : &sys_illumos_kops);
}

static int
l_inspect(lua_State *L)
{
	int fd = fd_arg(L, 1);
	struct file *fp;

	if (sched_self() == NULL || sched_curthread() == NULL)
		return (luaL_error(L,
		    "sim.inspect: only inside a running "
		    "scenario thread"));
	/* An exiting process (fdescfree() done) has no table left. */
	fp = curproc->p_fd != NULL ? fget_noref(curproc->p_fd, fd) : NULL;
	if (fp == NULL) {
		lua_pushnil(L);
		lua_pushstring(L, "EBADF");
		return (2);
	}
	if (sys_kops()->ko_inspect(L, fp, 2) == 1)
		return (1);
	lua_createtable(L, 0, 3);
	lua_pushstring(L, fp->f_ops->fo_name);
	lua_setfield(L, -2, "type");
	lua_pushstring(L, fp->f_obj.so_name);
	lua_setfield(L, -2, "file");
	lua_pushinteger(L, fp->f_count);
	lua_setfield(L, -2, "f_count");
	return (1);
}

static const luaL_Reg sim_fns[] = {
	{ "now", l_now },
	{ "random", l_random },
	{ "choose", l_choose },
	{ "label", l_label },
	{ "inspect", l_inspect },
	{ "trace_hash", l_trace_hash },
	{ "sysctl", l_sysctl },
	{ "failpoint", l_failpoint },
	{ NULL, NULL },
};

static const struct sim_const sim_consts[] = {
	{ "NSEC", 1 },
	{ "USEC", 1000 },
	{ "MSEC", 1000000 },
	{ "SEC", 1000000000 },
	{ NULL, 0 },
};

/* Calls the function in upvalue 1 (see name_functions()). */
static int
named_entry(lua_State *L)
{
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return (lua_gettop(L));
}

/*
 * Makes argument errors name the functions of table t as "prefix.name"
 * however they are called (directly or through pcall): each C function of
 * t is stored, under its name, in the table loaded[prefix] of the registry
 * and replaced in t by a closure calling it.  Called from a C function, it
 * has no name of its own, and luaL_argerror() then finds it in the loaded
 * table, where nothing else holds it.
 */
static void
name_functions(lua_State *L, int t, const char *prefix)
{
	int hidden;

	t = lua_absindex(L, t);
	lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
	lua_newtable(L);
	hidden = lua_gettop(L);
	lua_pushnil(L);
	/* Each key is handled alone: the traversal order does not matter. */
	while (lua_next(L, t) != 0) {
		if (lua_type(L, -2) == LUA_TSTRING && lua_iscfunction(L, -1)) {
			lua_pushvalue(L, -2);
			lua_pushvalue(L, -2);
			lua_rawset(L, hidden);
			lua_pushvalue(L, -2);
			lua_pushvalue(L, -2);
			lua_pushcclosure(L, named_entry, 1);
			lua_rawset(L, t);
		}
		lua_pop(L, 1);
	}
	lua_setfield(L, -2, prefix);
	lua_pop(L, 1);
}

void
sim_lua_register(lua_State *L)
{
	lua_newtable(L);
	sim_sys_register(L, -1, sys_fns, sys_consts);
	sys_freebsd_register(L, lua_gettop(L));
	sys_illumos_register(L, lua_gettop(L));
	name_functions(L, -1, "sys");
	lua_setglobal(L, "sys");
	lua_newtable(L);
	sim_sys_register(L, -1, sim_fns, sim_consts);
	name_functions(L, -1, "sim");
	lua_setglobal(L, "sim");
}

void
sys_push_flagset(lua_State *L, const struct sim_flagname *names, uint64_t v)
{
	lua_newtable(L);
	for (; names->name != NULL; names++) {
		if (names->bit != 0 && (v & names->bit) == names->bit) {
			lua_pushboolean(L, 1);
			lua_setfield(L, -2, names->name);
		}
	}
	lua_pushinteger(L, (lua_Integer)v);
	lua_setfield(L, -2, "_value");
}
