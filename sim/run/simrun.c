/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One simulated run (see simrun.h), in three steps: run_boot() loads the
 * scenario in the Lua sandbox, reads its table (scenario.c), boots the
 * kernel revision with the scenario's tunables, creates the scheduler and
 * pid 1; sched_run() runs it; run_finish() applies the checks at exit and
 * records the outcome.  Imports the shared kernel layer, the syscall layer
 * (sim/sys/: the Lua registration) and the engine; nothing imports it but
 * sim/cli/ and the tests.
 */
#include <inttypes.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evsim_config.h"
#include "kernel.h"
#include "lhost.h"
#include "proc.h"
#include "scenario.h"
#include "simrun.h"
#include "sysent.h"
#include "thread_lua.h"
#include "trace.h"
#include "vfs.h"

/* The run in progress. */
static struct {
	struct lhost *lh;
	struct rng lua_rng;
	bool quiet;
	bool check; /* global kernel invariants (sim/invariants.c) */
	int invref; /* scenario.invariants, or LUA_NOREF */
	lua_State *invL;
} run;

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

/*
 * The Lua sandbox of a run, with the sys.* and sim.* tables registered
 * against a default kernel (the scenario may choose another).
 */
static lua_State *
run_lua_new(const struct sim_run_opts *o, char *dir, size_t dirlen)
{
	struct lhost_config lc;
	char *slash;

	snprintf(dir, dirlen, "%s", o->path);
	slash = strrchr(dir, '/');
	if (slash != NULL)
		*slash = '\0';
	else
		snprintf(dir, dirlen, ".");
	memset(&lc, 0, sizeof(lc));
	lc.mem_limit_bytes = o->mem_limit_bytes;
	lc.instr_budget = o->instr_budget;
	lc.scenario_dir = o->from_db ? NULL : dir;
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
	/* A kernel must exist for constants; the scenario may change it. */
	sim_kernel_boot(sim_revision_find("freebsd"));
	sim_lua_register(lhost_lua(run.lh));
	return (lhost_lua(run.lh));
}

/*
 * Boots the run: loads and checks the scenario (the table stays at top of
 * L's stack), boots its kernel with its limits, creates the scheduler,
 * opens the run in the trace and creates pid 1 running main.  Returns 0,
 * EINVAL (bad scenario) or EIO (recording failed) with err set.
 */
static int
run_boot(const struct sim_run_opts *o, struct sim_run_result *res,
    struct sched **sp, char *err, size_t errlen)
{
	struct scenario scn;
	struct sched_config sc;
	struct trace_run_info info;
	lua_State *L;
	char dir[4096];
	int64_t seed;
	int error, top, i;

	L = run_lua_new(o, dir, sizeof(dir));
	if (lhost_load(run.lh, o->path, o->source, o->source_len, err, errlen)
	    != 0)
		return (EINVAL);
	top = lua_gettop(L);
	error = scenario_parse(L, top, o->path, o->kernel, &scn, err, errlen);
	if (error != 0)
		return (error);
	snprintf(res->scenario, sizeof(res->scenario), "%s", scn.sc_name);
	snprintf(res->kernel, sizeof(res->kernel), "%s", scn.sc_rev->rev_name);
	seed = o->have_seed ? (int64_t)o->seed : scn.sc_seed;
	sim_kernel_boot(scn.sc_rev);
	for (i = 0; i < scn.sc_nlimits; i++)
		if (sim_tunable_set(
			scn.sc_limits[i].sl_name, scn.sc_limits[i].sl_value)
		    != 0)
			abort(); /* scenario_parse() checked it */
	if (scn.sc_has_invariants) {
		lua_getfield(L, top, "invariants");
		run.invL = lhost_newthread(run.lh, &error);
		error = 0;
		lua_pushvalue(L, -1);
		run.invref = luaL_ref(L, LUA_REGISTRYINDEX);
		lua_pop(L, 1);
	}

	rng_init(&run.lua_rng, (uint64_t)seed, RNG_STREAM_LUA);
	memset(&sc, 0, sizeof(sc));
	sc.seed = (uint64_t)seed;
	sc.strategy = o->strategy;
	sc.pct_depth = o->pct_depth;
	sc.trace = o->trace;
	sc.vtime_limit_ns = scn.sc_vtime_limit_ns;
	sc.replay = o->replay;
	sc.replay_len = o->replay_len;
	sc.dfs = o->dfs;
	sc.sigcheck = sim_sigcheck;
	if (run.invref != LUA_NOREF || run.check)
		sc.on_decision = check_invariants;
	if (sched_new(sp, &sc) != 0)
		sim_oom();
	memset(&info, 0, sizeof(info));
	info.scenario = res->scenario;
	info.path = o->path;
	info.source = o->source;
	info.kernel = scn.sc_rev->rev_name;
	info.strategy = sched_strategy_name(o->strategy);
	info.args = o->args;
	info.seed = seed;
	if (trace_run_begin(o->trace, &info, &res->run_id, err, errlen) != 0)
		return (EIO);
	res->seed = (uint64_t)seed;
	proc_init_all();
	vfs_init();
	lua_getfield(L, top, "main");
	thread_lua_create_init(L, lua_gettop(L));
	lua_pop(L, 1);
	return (0);
}

/*
 * Ends a run that ran: the global invariants at exit (a run that passed
 * must leave balanced reference counts), the outcome and counters into
 * res and the trace's run row, and the kernel's teardown.
 */
static int
run_finish(const struct sim_run_opts *o, struct sched *s,
    struct sim_run_result *res, char *err, size_t errlen)
{
	int error = 0;

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
	return (error);
}

int
sim_run(const struct sim_run_opts *o, struct sim_run_result *res, char *err,
    size_t errlen)
{
	struct sched *s = NULL;
	int error;

	memset(res, 0, sizeof(*res));
	error = run_boot(o, res, &s, err, errlen);
	if (error == 0) {
		res->status = sched_run(s);
		error = run_finish(o, s, res, err, errlen);
	}
	sched_free(s);
	lhost_free(run.lh);
	run.lh = NULL;
	/* Whatever the run left behind (its threads stopped anywhere). */
	sim_mem_release();
	return (error);
}

int
sim_run_peek(const struct sim_run_opts *o, char *name, size_t namelen,
    char *kernel, size_t kernellen, char *err, size_t errlen)
{
	struct scenario scn;
	lua_State *L;
	char dir[4096];
	int error;

	L = run_lua_new(o, dir, sizeof(dir));
	error = lhost_load(
	    run.lh, o->path, o->source, o->source_len, err, errlen);
	if (error == 0)
		error = scenario_parse(
		    L, lua_gettop(L), o->path, o->kernel, &scn, err, errlen);
	if (error == 0) {
		snprintf(name, namelen, "%s", scn.sc_name);
		snprintf(kernel, kernellen, "%s", scn.sc_rev->rev_name);
	}
	lhost_free(run.lh);
	run.lh = NULL;
	sim_mem_release();
	return (error != 0 ? EINVAL : 0);
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
	sim_kernel_boot(sim_revision_find(kernel));
	memset(&sc, 0, sizeof(sc));
	sc.seed = 1;
	sc.trace = t;
	sc.sigcheck = sim_sigcheck;
	if (sched_new(&s, &sc) != 0)
		sim_oom();
	proc_init_all();
	vfs_init();
	proc_create_init_c(fn, arg);
	st = sched_run(s);
	proc_fini_all();
	vfs_fini();
	sched_free(s);
	trace_close(t);
	lhost_free(run.lh);
	run.lh = NULL;
	sim_mem_release();
	return (st);
}
