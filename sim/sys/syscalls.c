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
#include "thread_lua.h"
#include "trace.h"
#include "vfs.h"

#define SIM_IOMAX (1 << 20) /* largest single read: short reads beyond */

int
sim_syscall_enter(lua_State *L, struct sim_syscall *sc, const char *name,
    int which, const char *argfmt, ...)
{
	struct thread *td = sched_self() != NULL ? curthread : NULL;
	va_list ap;

	if (td == NULL)
		return (luaL_error(L,
		    "sys.%s called while the scenario file is loading; "
		    "syscalls belong in main and the threads it starts",
		    name));
	if (sched_in_hook())
		/* The thread may be anywhere, even leaving: no syscall. */
		return (luaL_error(L,
		    "sys.%s called inside an invariant; invariants only "
		    "observe",
		    name));
	sc->sc_name = name;
	sc->sc_td = td;
	sc->sc_args[0] = '\0';
	if (trace_recording(sched_trace_sink())) {
		/* Syscall rows are not hashed: format only when recorded. */
		va_start(ap, argfmt);
		vsnprintf(sc->sc_args, sizeof(sc->sc_args), argfmt, ap);
		va_end(ap);
	}
	sched_point(); /* syscall entry */
	sc->sc_seq = trace_seq(sched_trace_sink());
	sc->sc_start_ns = sched_now();
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
	char result[128];
	va_list ap;

	if (error == ERESTART)
		error = EINTR;
	result[0] = '\0';
	if (error == 0 && resfmt != NULL
	    && trace_recording(sched_trace_sink())) {
		va_start(ap, resfmt);
		vsnprintf(result, sizeof(result), resfmt, ap);
		va_end(ap);
	}
	trace_syscall(sched_trace_sink(), sc->sc_seq, sc->sc_start_ns,
	    sched_now(), td->td_proc->p_pid, td->td_tid, sc->sc_name,
	    sc->sc_args, error == 0 ? (resfmt != NULL ? result : "ok") : NULL,
	    error != 0 ? sim_errname(error) : NULL);
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
	int e = sim_syscall_enter(L, &sc, "getpid", SYS_ANY, "%s", "");

	lua_pushinteger(L, curproc->p_pid);
	return (sim_syscall_return(L, &sc, e, 1, "%d", curproc->p_pid));
}

static int
l_getppid(lua_State *L)
{
	struct sim_syscall sc;
	int e = sim_syscall_enter(L, &sc, "getppid", SYS_ANY, "%s", ""), ppid;

	ppid = curproc->p_pptr != NULL ? curproc->p_pptr->p_pid : 0;
	lua_pushinteger(L, ppid);
	return (sim_syscall_return(L, &sc, e, 1, "%d", ppid));
}

static int
l_gettid(lua_State *L)
{
	struct sim_syscall sc;
	int e = sim_syscall_enter(L, &sc, "gettid", SYS_ANY, "%s", "");

	lua_pushinteger(L, curthread->td_tid);
	return (sim_syscall_return(L, &sc, e, 1, "%d", curthread->td_tid));
}

static int
do_fork(lua_State *L, const char *name, int flags, int fnidx)
{
	struct sim_syscall sc;
	int e, pid = 0;

	luaL_checktype(L, fnidx, LUA_TFUNCTION);
	e = sim_syscall_enter(L, &sc, name, SYS_ANY, "0x%x", flags);
	if (e == 0)
		e = thread_lua_fork(curthread, L, flags, fnidx, &pid);
	lua_pushinteger(L, pid);
	return (sim_syscall_return(L, &sc, e, 1, "%d", pid));
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

static int
l_thread(lua_State *L)
{
	struct sim_syscall sc;
	int e, tid = 0;

	luaL_checktype(L, 1, LUA_TFUNCTION);
	/* thread_lua_create() copies the function and every argument. */
	luaL_checkstack(L, lua_gettop(L) + 1, "too many arguments");
	e = sim_syscall_enter(L, &sc, "thr_new", SYS_ANY, "%s", "");
	if (e == 0)
		e = thread_lua_create(curthread, L, 1, lua_gettop(L) - 1, &tid);
	lua_pushinteger(L, tid);
	return (sim_syscall_return(L, &sc, e, 1, "%d", tid));
}

static int
l_join(lua_State *L)
{
	struct sim_syscall sc;
	lua_Integer tid = luaL_checkinteger(L, 1);
	int e, n = 0;

	e = sim_syscall_enter(
	    L, &sc, "thr_join", SYS_ANY, "%" PRId64, (int64_t)tid);
	if (e == 0)
		e = tid < 0 || tid > INT32_MAX
		    ? ESRCH
		    : thread_join(curthread, (int)tid, &n);
	return (sim_syscall_return(L, &sc, e, n, "%d values", n));
}

static int
l_exit(lua_State *L)
{
	struct sim_syscall sc;
	lua_Integer status = luaL_optinteger(L, 1, 0);
	int e = sim_syscall_enter(
	    L, &sc, "exit", SYS_ANY, "%" PRId64, (int64_t)status);

	(void)e;
	trace_syscall(sched_trace_sink(), sc.sc_seq, sc.sc_start_ns,
	    sched_now(), curproc->p_pid, curthread->td_tid, "exit", sc.sc_args,
	    "does not return", NULL);
	exit1(curthread, (int)status, 0);
}

static int
l_waitpid(lua_State *L)
{
	struct sim_syscall sc;
	lua_Integer pid = luaL_optinteger(L, 1, -1);
	lua_Integer options = luaL_optinteger(L, 2, 0);
	int e, status = 0, rpid = 0;

	e = sim_syscall_enter(L, &sc, "wait4", SYS_ANY, "%" PRId64 ", %" PRId64,
	    (int64_t)pid, (int64_t)options);
	if (e == 0)
		e = pid < -1 || pid > INT32_MAX || options < 0
			|| options > INT32_MAX
		    ? EINVAL
		    : kern_wait(
			curthread, (int)pid, &status, (int)options, &rpid);
	lua_pushinteger(L, rpid);
	lua_pushinteger(L, status);
	return (sim_syscall_return(L, &sc, e, 2, "%d, 0x%x", rpid, status));
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

static int
l_wifsignaled(lua_State *L)
{
	lua_Integer s = luaL_checkinteger(L, 1) & 0x7f;

	lua_pushboolean(L, s != 0 && s != 0x7f);
	return (1);
}

static int
l_wtermsig(lua_State *L)
{
	lua_pushinteger(L, luaL_checkinteger(L, 1) & 0x7f);
	return (1);
}

static int
l_kill(lua_State *L)
{
	struct sim_syscall sc;
	lua_Integer pid = luaL_checkinteger(L, 1),
		    sig = luaL_checkinteger(L, 2);
	int e = sim_syscall_enter(L, &sc, "kill", SYS_ANY,
	    "%" PRId64 ", %" PRId64, (int64_t)pid, (int64_t)sig);

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
	int e = sim_syscall_enter(L, &sc, "sigprocmask", SYS_ANY,
	    "%" PRId64 ", 0x%" PRIx64, (int64_t)how, set);

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
	int e = sim_syscall_enter(L, &sc, "sigaction", SYS_ANY,
	    "%" PRId64 ", %s", (int64_t)sig, disps[disp]);

	if (e == 0)
		e = sig < 1 || sig >= SIG_MAXSIG
		    ? EINVAL
		    : kern_sigaction(curthread, (int)sig, disp, NULL);
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
	    L, &sc, "nanosleep", SYS_ANY, "%" PRId64, (int64_t)ns);

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
	int e = sim_syscall_enter(L, &sc, "sched_yield", SYS_ANY, "%s", "");

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
	int e = sim_syscall_enter(
	    L, &sc, "clock_gettime", SYS_ANY, "%" PRId64, (int64_t)clk);

	if (e == 0) {
		if (clk == CLOCK_REALTIME)
			v = sched_realtime();
		else if (clk == CLOCK_MONOTONIC)
			v = sched_now();
		else
			e = EINVAL;
	}
	lua_pushinteger(L, v);
	return (sim_syscall_return(L, &sc, e, 1, "%" PRId64, v));
}

static int
l_clock_settime(lua_State *L)
{
	struct sim_syscall sc;
	lua_Integer clk = luaL_checkinteger(L, 1), ns = luaL_checkinteger(L, 2);
	int e = sim_syscall_enter(L, &sc, "clock_settime", SYS_ANY,
	    "%" PRId64 ", %" PRId64, (int64_t)clk, (int64_t)ns);

	if (e == 0) {
		if (clk != CLOCK_REALTIME || ns < 0)
			e = EINVAL;
		else {
			char o[24], n[24];

			snprintf(o, sizeof(o), "%" PRId64, sched_realtime());
			snprintf(n, sizeof(n), "%" PRId64, (int64_t)ns);
			sched_trace("kern_clock_settime", "clock#realtime",
			    "time_ns", o, n);
			sched_set_realtime(ns);
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
	int e = sim_syscall_enter(L, &sc, "pipe2", SYS_ANY, "0");

	if (e == 0)
		e = kern_pipe(curthread, fds, 0);
	lua_pushinteger(L, fds[0]);
	lua_pushinteger(L, fds[1]);
	return (sim_syscall_return(L, &sc, e, 2, "%d, %d", fds[0], fds[1]));
}

static int
l_socketpair(lua_State *L)
{
	struct sim_syscall sc;
	int fds[2] = { -1, -1 };
	int e = sim_syscall_enter(
	    L, &sc, "socketpair", SYS_ANY, "AF_UNIX, SOCK_STREAM");

	if (e == 0)
		e = kern_socketpair(curthread, fds);
	lua_pushinteger(L, fds[0]);
	lua_pushinteger(L, fds[1]);
	return (sim_syscall_return(L, &sc, e, 2, "%d, %d", fds[0], fds[1]));
}

static int
l_open(lua_State *L)
{
	struct sim_syscall sc;
	const char *path = luaL_checkstring(L, 1);
	lua_Integer flags = luaL_checkinteger(L, 2);
	lua_Integer mode = luaL_optinteger(L, 3, 0644);
	int e, fd = -1;

	e = sim_syscall_enter(L, &sc, "open", SYS_ANY, "\"%s\", 0x%" PRIx64,
	    path, (uint64_t)flags);
	if (e == 0)
		e = flags < 0 || flags > INT32_MAX
		    ? EINVAL
		    : kern_openat(curthread, path, (int)flags, (int)mode, &fd);
	lua_pushinteger(L, fd);
	return (sim_syscall_return(L, &sc, e, 1, "%d", fd));
}

#define PATH_CALL(fname, kname, expr)                                          \
	static int fname(lua_State *L)                                         \
	{                                                                      \
		struct sim_syscall sc;                                         \
		const char *a = luaL_checkstring(L, 1);                        \
		int e                                                          \
		    = sim_syscall_enter(L, &sc, kname, SYS_ANY, "\"%s\"", a);  \
		if (e == 0)                                                    \
			e = (expr);                                            \
		lua_pushboolean(L, 1);                                         \
		return (sim_syscall_return(L, &sc, e, 1, NULL));               \
	}

PATH_CALL(l_mkdir, "mkdir",
    kern_mkdirat(curthread, a, (int)luaL_optinteger(L, 2, 0755)))
PATH_CALL(l_unlink, "unlink", kern_unlinkat(curthread, a))
PATH_CALL(
    l_rename, "rename", kern_renameat(curthread, a, luaL_checkstring(L, 2)))
PATH_CALL(l_link, "link", kern_linkat(curthread, a, luaL_checkstring(L, 2)))
PATH_CALL(
    l_chmod, "chmod", kern_chmodat(curthread, a, (int)luaL_checkinteger(L, 2)))
PATH_CALL(l_truncate, "truncate",
    kern_truncate(curthread, a, luaL_checkinteger(L, 2)))

static int
l_read(lua_State *L)
{
	struct sim_syscall sc;
	int fd = fd_arg(L, 1);
	lua_Integer n = luaL_checkinteger(L, 2);
	struct file *fp = NULL;
	size_t got = 0;
	char *buf = NULL;
	int e;

	e = sim_syscall_enter(
	    L, &sc, "read", SYS_ANY, "%d, %" PRId64, fd, (int64_t)n);
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
	sim_free(buf);
	return (sim_syscall_return(L, &sc, e, 1, "%zu bytes", got));
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

	e = sim_syscall_enter(
	    L, &sc, "write", SYS_ANY, "%d, %zu bytes", fd, len);
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
	return (sim_syscall_return(L, &sc, e, 1, "%zu", put));
}

static int
l_shutdown(lua_State *L)
{
	struct sim_syscall sc;
	int fd = fd_arg(L, 1);
	lua_Integer how = luaL_checkinteger(L, 2);
	int e = sim_syscall_enter(
	    L, &sc, "shutdown", SYS_ANY, "%d, %" PRId64, fd, (int64_t)how);

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
	int e = sim_syscall_enter(L, &sc, "close", SYS_ANY, "%d", fd);

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
	int e = sim_syscall_enter(L, &sc, "dup", SYS_ANY, "%d", fd);

	if (e == 0)
		e = kern_dup(curthread, fd, -1, &nfd);
	lua_pushinteger(L, nfd);
	return (sim_syscall_return(L, &sc, e, 1, "%d", nfd));
}

static int
l_dup2(lua_State *L)
{
	struct sim_syscall sc;
	int fd = fd_arg(L, 1), nfd = -1;
	lua_Integer want = luaL_checkinteger(L, 2);
	int e = sim_syscall_enter(
	    L, &sc, "dup2", SYS_ANY, "%d, %" PRId64, fd, (int64_t)want);

	if (e == 0)
		e = want < 0 || want >= fd_maxfiles()
		    ? EBADF
		    : kern_dup(curthread, fd, (int)want, &nfd);
	lua_pushinteger(L, nfd);
	return (sim_syscall_return(L, &sc, e, 1, "%d", nfd));
}

static int
l_fcntl(lua_State *L)
{
	struct sim_syscall sc;
	int fd = fd_arg(L, 1);
	lua_Integer cmd = luaL_checkinteger(L, 2);
	lua_Integer arg = luaL_optinteger(L, 3, 0);
	int64_t ret = 0;
	int e = sim_syscall_enter(L, &sc, "fcntl", SYS_ANY,
	    "%d, %" PRId64 ", %" PRId64, fd, (int64_t)cmd, (int64_t)arg);

	if (e == 0)
		e = cmd < 0 || cmd > 64
		    ? EINVAL
		    : kern_fcntl(curthread, fd, (int)cmd, arg, &ret);
	lua_pushinteger(L, ret);
	return (sim_syscall_return(L, &sc, e, 1, "%" PRId64, ret));
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
	{ "thread", l_thread },
	{ "join", l_join },
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
	{ NULL, NULL },
};

static const struct sim_const sys_consts[] = {
	{ "RFPROC", RFPROC },
	{ "RFFDG", RFFDG },
	{ "RFCFDG", RFCFDG },
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
	const char *text = luaL_checkstring(L, 1);
	char obj[32];

	if (sched_self() == NULL || sched_curthread() == NULL)
		return (luaL_error(L,
		    "sim.label: only inside a running "
		    "scenario thread"));
	snprintf(
	    obj, sizeof(obj), "thread#%d", sched_thread_tid(sched_curthread()));
	sched_trace("sim_label", obj, "label", "", text);
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
	{ NULL, NULL },
};

static const struct sim_const sim_consts[] = {
	{ "NSEC", 1 },
	{ "USEC", 1000 },
	{ "MSEC", 1000000 },
	{ "SEC", 1000000000 },
	{ NULL, 0 },
};

/* Installs the sys and sim tables as globals of L. */
void sim_lua_register(lua_State *L);

void
sim_lua_register(lua_State *L)
{
	lua_newtable(L);
	sim_sys_register(L, -1, sys_fns, sys_consts);
	sys_freebsd_register(L, lua_gettop(L));
	sys_illumos_register(L, lua_gettop(L));
	lua_setglobal(L, "sys");
	lua_newtable(L);
	sim_sys_register(L, -1, sim_fns, sim_consts);
	lua_setglobal(L, "sim");
}
