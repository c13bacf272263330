/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Booting and running one simulated system (see simrun.h and kernel.h):
 * load the scenario in the sandbox, pick the kernel revision, set the
 * tunables, create the scheduler and pid 1, run, and record the outcome.
 */
#include <inttypes.h>
#include <lauxlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evsim_config.h"
#include "fd.h"
#include "kernel.h"
#include "lhost.h"
#include "proc.h"
#include "simrun.h"
#include "sysent.h"
#include "trace.h"
#include "vfs.h"

struct sim_kernel *sim_kern;

/*
 * The kernel revisions.  Each entry is one place where a behaviour switch
 * is named; the models test the flags, never the names.
 */
static const struct sim_revision revisions[] = {
	{
	    .rev_name = "freebsd",
	    .rev_kind = SIM_FREEBSD,
	    .rev_summary = "FreeBSD main (2026, reference/kqueue.md 'M1')",
	},
	{
	    .rev_name = "freebsd@b11289f",
	    .rev_kind = SIM_FREEBSD,
	    .rev_summary = "FreeBSD main at b11289f (2025-10, KQUEUE_CPONFORK "
			   "as committed, reference/kqueue.md 'M0')",
	    /*
	     * reference/kqueue.md section 3.2: kqueue_fork_copy_knote()
	     * keeps the parent's status bits but KN_QUEUED, copies
	     * KN_KQUEUE knotes, and enqueues the copy when the parent's
	     * knote was queued (section 5.2 item 10).
	     */
	    .rev_cponfork_m0 = true,
	},
	{
	    .rev_name = "freebsd@pre-D18316",
	    .rev_kind = SIM_FREEBSD,
	    .rev_summary = "FreeBSD before D18316 (2018): knote_fork() "
			   "racing close(kq)",
	    /*
	     * reference/kqueue.md section 5.2 item 2: knote_fork() drops
	     * its locks and calls kqueue_register() while kqueue_drain()
	     * runs; without KQ_CLOSING checks in kqueue_expand() and
	     * knote_attach() the new knote goes into a closing kqueue, and
	     * knote_fork() leaves flux before it relocks the knlist, so the
	     * drain can free the knote the list walk continues from.
	     */
	    .rev_fork_close_race = true,
	},
	{
	    .rev_name = "freebsd@pre-D8898",
	    .rev_kind = SIM_FREEBSD,
	    .rev_summary = "FreeBSD before D8898 (r310302, 2016): KN_INFLUX "
			   "as a flag",
	    /*
	     * reference/kqueue.md sections 1.4 and 5.2 item 1: in flux was
	     * the status bit KN_INFLUX; knote()/knote_fork() processing a
	     * knote a scan holds (KN_SCAN) set and then cleared the bit,
	     * stealing the scan's ownership.  Fixed by the kn_influx counter.
	     */
	    .rev_influx_flag = true,
	},
	{
	    .rev_name = "freebsd@pre-r295012",
	    .rev_kind = SIM_FREEBSD,
	    .rev_summary = "FreeBSD before r295012 (D4900, 2016): NOTE_CHILD "
			   "merged with NOTE_EXIT (PR 180385)",
	    /*
	     * reference/kqueue.md sections 5.1 (NOTE_TRACK) and 5.2 item 4:
	     * knote_fork() registered one EV_FLAG1 knote on the child that
	     * both reports NOTE_CHILD (data = parent pid) and tracks the
	     * child, so a child exiting before the parent reads NOTE_CHILD
	     * gives one event NOTE_CHILD|NOTE_EXIT whose data is the exit
	     * status.  r295012 split it into the EV_ONESHOT|EV_FLAG2 child
	     * note and the EV_FLAG1 tracking note.
	     */
	    .rev_note_child_merged = true,
	},
	{
	    .rev_name = "illumos",
	    .rev_kind = SIM_ILLUMOS,
	    .rev_summary = "illumos-gate portfs (reference/ports.md)",
	},
	{
	    .rev_name = "illumos@pre-14898",
	    .rev_kind = SIM_ILLUMOS,
	    .rev_summary = "illumos before illumos#14898 (2022): FILE "
			   "re-association keeps the old user cookie",
	    /*
	     * reference/ports.md section 4 P10 (golang/go #54254): the
	     * PORT_SOURCE_FILE re-association branch of
	     * port_associate_fop() updated the events but not portkev_user,
	     * so an event fired after associate(fo, U2) returned U1.
	     */
	    .rev_fop_keeps_user = true,
	},
};
#define NREVISIONS (int)(sizeof(revisions) / sizeof(revisions[0]))

const struct sim_revision *
sim_revision_find(const char *name)
{
	int i;

	for (i = 0; i < NREVISIONS; i++)
		if (strcmp(revisions[i].rev_name, name) == 0)
			return (&revisions[i]);
	return (NULL);
}

void
sim_revision_names(char *buf, size_t len)
{
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < NREVISIONS && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s",
		    i > 0 ? ", " : "", revisions[i].rev_name);
}

const struct sim_revision *
sim_revision_at(int i)
{
	return (i >= 0 && i < NREVISIONS ? &revisions[i] : NULL);
}

/* Tunables and resource controls, with their defaults and ranges. */
static const struct sim_tunable tunable_defaults[] = {
	{ "kern.kq_calloutmax", 4096, 0, 1 << 24 },
	{ "kern.maxfilesperproc", SIM_MAXFILES, 1, SIM_MAXFILES_MAX },
	{ "process.max-port-events", 65536, 1, 1 << 24 },
	{ "project.max-port-ids", 8192, 1, 1 << 20 },
};
#define NTUNABLES (int)(sizeof(tunable_defaults) / sizeof(tunable_defaults[0]))

static struct sim_tunable tunables[NTUNABLES];

int
sim_tunable_get(const char *name, int64_t *ret)
{
	int i;

	for (i = 0; i < NTUNABLES; i++)
		if (strcmp(tunables[i].name, name) == 0) {
			*ret = tunables[i].value;
			return (0);
		}
	return (ENOENT);
}

int
sim_tunable_set(const char *name, int64_t value)
{
	int i;

	for (i = 0; i < NTUNABLES; i++)
		if (strcmp(tunables[i].name, name) == 0) {
			if (value < tunables[i].min || value > tunables[i].max)
				return (EINVAL);
			tunables[i].value = value;
			return (0);
		}
	return (ENOENT);
}

int64_t
sim_tunable(const char *name)
{
	int64_t v;

	if (sim_tunable_get(name, &v) != 0) {
		fprintf(stderr, "evsim: internal: unknown tunable %s\n", name);
		abort();
	}
	return (v);
}

/*
 * The folder of the bundled Lua helpers: $EVSIM_LIBDIR, else the installed
 * copy, else the source tree's scenarios/lib (running from a build folder).
 */
const char *
sim_lib_dir(void)
{
	const char *env = getenv("EVSIM_LIBDIR");
	FILE *f;

	if (env != NULL && env[0] != '\0')
		return (env);
	f = fopen(EVSIM_LUA_LIBDIR "/evsim.lua", "r");
	if (f != NULL) {
		fclose(f);
		return (EVSIM_LUA_LIBDIR);
	}
	return (EVSIM_SOURCE_LIBDIR);
}

_Noreturn void
sim_oom(void)
{
	fprintf(stderr, "evsim: fatal: out of memory\n");
	exit(2);
}

/* The run in progress. */
static struct {
	struct lhost *lh;
	struct rng lua_rng;
	bool quiet;
	bool check; /* global kernel invariants (sim/invariants.c) */
	int invref; /* scenario.invariants, or LUA_NOREF */
	lua_State *invL;
} run;

struct lhost *
sim_run_lhost(void)
{
	return (run.lh);
}

static uint64_t
lua_random(void *arg)
{
	(void)arg;
	return (rng_next(&run.lua_rng));
}

static void
lua_print(void *arg, const char *text)
{
	struct sched_thread *st
	    = sched_self() != NULL ? sched_curthread() : NULL;
	char obj[32];

	(void)arg;
	if (st != NULL) {
		snprintf(obj, sizeof(obj), "thread#%d", sched_thread_tid(st));
		sched_trace("print", obj, "stdout", "", text);
		if (!run.quiet)
			printf("[%" PRId64 " ns %d:%d] %s\n", sched_now(),
			    sched_thread_pid(st), sched_thread_tid(st), text);
	} else if (!run.quiet) {
		printf("[load] %s\n", text);
	}
}

static void
kernel_boot(const struct sim_revision *rev)
{
	static struct sim_kernel k;

	memset(&k, 0, sizeof(k));
	k.k_rev = rev;
	k.k_ops = rev->rev_kind == SIM_FREEBSD ? &freebsd_kops : &illumos_kops;
	memcpy(tunables, tunable_defaults, sizeof(tunables));
	k.k_tunables = tunables;
	k.k_ntunables = NTUNABLES;
	k.k_nextpid = 1;
	k.k_nexttid = 100100;
	k.k_perturb = getenv("EVSIM_TEST_PERTURB");
	sim_kern = &k;
}

bool
sim_perturbed(const char *name)
{
	return (sim_kern->k_perturb != NULL
	    && strcmp(sim_kern->k_perturb, name) == 0);
}

static int seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return (EINVAL);
}

/* Checks scenario.invariants at every decision (sched's on_decision). */
static void
check_invariants(void *arg, uint64_t step)
{
	lua_State *L = run.invL;
	char err[1024];

	(void)arg;
	(void)step;
	if (run.check)
		sim_invariants_check();
	if (run.invref == LUA_NOREF)
		return;
	lua_rawgeti(L, LUA_REGISTRYINDEX, run.invref);
	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		const char *name;
		enum lhost_result r;

		lua_pushvalue(L, -2);
		name = lua_tostring(L, -1);
		lua_pop(L, 1);
		r = lhost_call(run.lh, L, 0, 1, err, sizeof(err));
		if (r == LHOST_OK && lua_toboolean(L, -1)) {
			lua_pop(L, 1);
			continue;
		}
		if (r == LHOST_OK)
			snprintf(err, sizeof(err), "returned false");
		sched_fail(SCHED_FAILED, "invariant",
		    "invariant '%s' failed: %s", name != NULL ? name : "?",
		    err);
	}
	lua_pop(L, 1);
}

void sim_lua_register(lua_State *L);

int
sim_run(const struct sim_run_opts *o, struct sim_run_result *res, char *err,
    size_t errlen)
{
	struct lhost_config lc;
	struct sched_config sc;
	const struct sim_revision *rev;
	struct trace_run_info info;
	struct sched *s = NULL;
	lua_State *L;
	char dir[4096], *slash;
	const char *kname, *name;
	int64_t seed = 1, vlimit = 0;
	int error = 0, top;

	memset(res, 0, sizeof(*res));
	snprintf(dir, sizeof(dir), "%s", o->path);
	slash = strrchr(dir, '/');
	if (slash != NULL)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	memset(&lc, 0, sizeof(lc));
	lc.mem_limit_bytes = o->mem_limit_bytes;
	lc.instr_budget = o->instr_budget;
	lc.scenario_dir = dir;
	lc.lib_dir = sim_lib_dir();
	lc.print = lua_print;
	lc.random = lua_random;
	run.quiet = o->quiet;
	/*
	 * A replay checks too: the checks only observe, and a run that
	 * failed an invariant must fail again at the same decision.
	 */
	run.check = o->check || o->strategy == SCHED_REPLAY;
	run.invref = LUA_NOREF;
	rng_init(&run.lua_rng, o->have_seed ? o->seed : 0, RNG_STREAM_LUA);
	if (lhost_new(&run.lh, &lc) != 0)
		sim_oom();
	L = lhost_lua(run.lh);
	/* A kernel must exist for constants; the scenario may change it. */
	kernel_boot(sim_revision_find("freebsd"));
	sim_lua_register(L);
	if (lhost_load(run.lh, o->path, o->source, o->source_len, err, errlen)
	    != 0) {
		error = EINVAL;
		goto out;
	}
	top = lua_gettop(L);
	if (!lua_istable(L, top)) {
		error = seterr(err, errlen,
		    "%s: the scenario must return a table, not %s", o->path,
		    luaL_typename(L, top));
		goto out;
	}
	if (lua_getfield(L, top, "name") != LUA_TSTRING) {
		error = seterr(err, errlen,
		    "%s: the scenario table needs a 'name' string", o->path);
		goto out;
	}
	name = lua_tostring(L, -1);
	snprintf(res->scenario, sizeof(res->scenario), "%s", name);
	lua_pop(L, 1);
	if (lua_getfield(L, top, "main") != LUA_TFUNCTION) {
		error = seterr(err, errlen,
		    "%s: the scenario table needs a 'main' function", o->path);
		goto out;
	}
	lua_pop(L, 1);
	lua_getfield(L, top, "kernel");
	if (!lua_isnil(L, -1) && !lua_isstring(L, -1)) {
		error = seterr(
		    err, errlen, "%s: 'kernel' must be a string", o->path);
		goto out;
	}
	kname = o->kernel != NULL ? o->kernel
	    : lua_isstring(L, -1) ? lua_tostring(L, -1)
				  : "freebsd";
	rev = sim_revision_find(kname);
	if (rev == NULL) {
		char known[512];

		sim_revision_names(known, sizeof(known));
		error
		    = seterr(err, errlen, "%s: unknown kernel '%s' (known: %s)",
			o->path, kname, known);
		goto out;
	}
	snprintf(res->kernel, sizeof(res->kernel), "%s", rev->rev_name);
	lua_pop(L, 1);
	if (lua_getfield(L, top, "seed") != LUA_TNIL) {
		if (!lua_isinteger(L, -1)) {
			error = seterr(err, errlen,
			    "%s: 'seed' must be an integer", o->path);
			goto out;
		}
		seed = lua_tointeger(L, -1);
	}
	lua_pop(L, 1);
	if (o->have_seed)
		seed = (int64_t)o->seed;
	if (lua_getfield(L, top, "vtime_limit") != LUA_TNIL) {
		if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) <= 0) {
			error = seterr(err, errlen,
			    "%s: 'vtime_limit' must be a positive integer "
			    "(ns)",
			    o->path);
			goto out;
		}
		vlimit = lua_tointeger(L, -1);
	}
	lua_pop(L, 1);
	kernel_boot(rev);
	if (lua_getfield(L, top, "limits") != LUA_TNIL) {
		if (!lua_istable(L, -1)) {
			error = seterr(err, errlen,
			    "%s: 'limits' must be a table", o->path);
			goto out;
		}
		lua_pushnil(L);
		while (lua_next(L, -2) != 0) {
			const char *k = lua_type(L, -2) == LUA_TSTRING
			    ? lua_tostring(L, -2)
			    : "?";
			int e;

			if (!lua_isinteger(L, -1)) {
				error = seterr(err, errlen,
				    "%s: limit '%s' must be an integer",
				    o->path, k);
				goto out;
			}
			e = sim_tunable_set(k, lua_tointeger(L, -1));
			if (e != 0) {
				error = seterr(err, errlen,
				    "%s: limit '%s': %s", o->path, k,
				    e == ENOENT ? "unknown tunable"
						: "value out of range");
				goto out;
			}
			lua_pop(L, 1);
		}
	}
	lua_pop(L, 1);
	if (lua_getfield(L, top, "invariants") != LUA_TNIL) {
		if (!lua_istable(L, -1)) {
			error = seterr(err, errlen,
			    "%s: 'invariants' must be a table of functions",
			    o->path);
			goto out;
		}
		run.invL = lhost_newthread(run.lh, &error);
		error = 0;
		lua_pushvalue(L, -1);
		run.invref = luaL_ref(L, LUA_REGISTRYINDEX);
	}
	lua_pop(L, 1);

	rng_init(&run.lua_rng, (uint64_t)seed, RNG_STREAM_LUA);
	memset(&sc, 0, sizeof(sc));
	sc.seed = (uint64_t)seed;
	sc.strategy = o->strategy;
	sc.pct_depth = o->pct_depth;
	sc.trace = o->trace;
	sc.vtime_limit_ns = vlimit;
	sc.replay = o->replay;
	sc.replay_len = o->replay_len;
	sc.dfs = o->dfs;
	sc.sigcheck = sim_sigcheck;
	if (run.invref != LUA_NOREF || run.check)
		sc.on_decision = check_invariants;
	if (sched_new(&s, &sc) != 0)
		sim_oom();
	memset(&info, 0, sizeof(info));
	info.scenario = res->scenario;
	info.path = o->path;
	info.source = o->source;
	info.kernel = rev->rev_name;
	info.strategy = sched_strategy_name(o->strategy);
	info.args = o->args;
	info.seed = seed;
	if (trace_run_begin(o->trace, &info, &res->run_id, err, errlen) != 0) {
		error = EIO;
		goto out;
	}
	proc_init_all();
	vfs_init();
	lua_getfield(L, top, "main");
	proc_create_init(L, lua_gettop(L), NULL, NULL);
	lua_pop(L, 1);
	res->status = sched_run(s);
	res->seed = (uint64_t)seed;
	snprintf(res->message, sizeof(res->message), "%s", sched_message(s));
	if (res->status == SCHED_PASSED && run.check
	    && sim_invariants_at_exit(res->fail_func, sizeof(res->fail_func),
		res->message, sizeof(res->message)))
		res->status = SCHED_FAILED;
	else if (sched_fail_func(s) != NULL)
		snprintf(res->fail_func, sizeof(res->fail_func), "%s",
		    sched_fail_func(s));
	else if (res->status == SCHED_DEADLOCK)
		snprintf(res->fail_func, sizeof(res->fail_func), "deadlock");
	res->vtime_end_ns = sched_now();
	res->transitions = trace_seq(o->trace);
	res->syscalls = trace_nsyscalls(o->trace);
	res->decisions = trace_ndecisions(o->trace);
	trace_hash_hex(o->trace, res->trace_hash);
	if (trace_run_end(o->trace, sched_status_name(res->status),
		res->message[0] ? res->message : NULL,
		res->fail_func[0] ? res->fail_func : NULL, res->vtime_end_ns,
		err, errlen)
	    != 0)
		error = EIO;
	proc_fini_all();
	vfs_fini();
out:
	sched_free(s);
	lhost_free(run.lh);
	run.lh = NULL;
	return (error);
}

enum sched_status
sim_test_run(const char *kernel, void (*fn)(void *), void *arg)
{
	struct lhost_config lc;
	struct sched_config sc;
	struct trace *t;
	struct sched *s;
	enum sched_status st;
	char err[256];

	memset(&lc, 0, sizeof(lc));
	lc.random = lua_random;
	lc.print = lua_print;
	run.quiet = true;
	run.invref = LUA_NOREF;
	if (lhost_new(&run.lh, &lc) != 0
	    || trace_open(&t, NULL, err, sizeof(err)) != 0)
		sim_oom();
	kernel_boot(sim_revision_find(kernel));
	memset(&sc, 0, sizeof(sc));
	sc.seed = 1;
	sc.trace = t;
	sc.sigcheck = sim_sigcheck;
	if (sched_new(&s, &sc) != 0)
		sim_oom();
	proc_init_all();
	vfs_init();
	proc_create_init(NULL, 0, fn, arg);
	st = sched_run(s);
	proc_fini_all();
	vfs_fini();
	sched_free(s);
	trace_close(t);
	lhost_free(run.lh);
	run.lh = NULL;
	return (st);
}
