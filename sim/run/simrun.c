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
#include "sim.h"
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
	int invref; /* array of scenario.invariants in name order, or NOREF */
	char **inv_names; /* their names, same order */
	size_t ninv;
	lua_State *invL;
	struct trace *trace;
	bool begun; /* the run's row exists: modules are written at once */
	struct run_module {
		char *name, *src;
		size_t len;
	} * mods; /* required before the run's row existed */
	size_t nmods;
	bool in_check; /* an invariant is running */
	/* Livelock: consecutive points with no transition, no time passing. */
	uint64_t idle_points;
	uint64_t idle_seq;
	int64_t idle_now;
	uint64_t lua_draws; /* math.random draws since the sandbox was made */
	bool restarted; /* a forked copy (sim_run_restart): no teardown */
	int nfailpoints; /* set for the run (scenario and command line) */
} run;

/* Consecutive idle scheduling points that make a livelock. */
#define SIM_LIVELOCK_POINTS 1000000

/* lhost's loaded(): records a module the run required. */
static void
module_loaded(void *arg, const char *name, const char *src, size_t len)
{
	struct run_module *m;

	(void)arg;
	if (!trace_recording(run.trace))
		return;
	if (run.begun) {
		trace_module(run.trace, name, src, len);
		return;
	}
	m = realloc(run.mods, (run.nmods + 1) * sizeof(*m));
	if (m == NULL)
		sim_oom();
	run.mods = m;
	m = &run.mods[run.nmods++];
	m->name = strdup(name);
	m->src = malloc(len + 1);
	if (m->name == NULL || m->src == NULL)
		sim_oom();
	memcpy(m->src, src, len);
	m->len = len;
}

/* Writes the buffered modules (at the run's start) and frees them. */
static void
modules_flush(bool write)
{
	size_t i;

	for (i = 0; i < run.nmods; i++) {
		if (write)
			trace_module(run.trace, run.mods[i].name,
			    run.mods[i].src, run.mods[i].len);
		free(run.mods[i].name);
		free(run.mods[i].src);
	}
	free(run.mods);
	run.mods = NULL;
	run.nmods = 0;
}

/*
 * The folder of the bundled Lua helpers: $EVSIM_LIBDIR, else the installed
 * copy, else the source tree's scenarios/lib (running from a build folder).
 */
const char *
sim_lib_dir(void)
{
	static int installed = -1; /* looked for once per process */
	const char *env = getenv("EVSIM_LIBDIR");
	FILE *f;

	if (env != NULL && env[0] != '\0')
		return (env);
	if (installed < 0) {
		f = fopen(EVSIM_LUA_LIBDIR "/evsim.lua", "r");
		installed = f != NULL;
		if (f != NULL)
			fclose(f);
	}
	return (installed ? EVSIM_LUA_LIBDIR : EVSIM_SOURCE_LIBDIR);
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
	run.lua_draws++;
	return (rng_next(&run.lua_rng));
}

static void
lua_print(void *arg, const char *text, size_t len)
{
	struct sched_thread *st
	    = sched_self() != NULL ? sched_curthread() : NULL;
	char obj[32];

	(void)arg;
	if (st != NULL) {
		snprintf(obj, sizeof(obj), "thread#%d", sched_thread_tid(st));
		sched_trace_n("print", obj, "stdout", "", text, len);
		if (!run.quiet)
			printf("[%" PRId64 " ns %d:%d] %s\n", sched_now(),
			    sched_thread_pid(st), sched_thread_tid(st), text);
	} else if (!run.quiet) {
		printf("[load] %s\n", text);
	}
}

/* The Lua line the running thread is at, or "?" (kernel threads too). */
static void
run_where(char *buf, size_t len)
{
	struct thread *td = curthread;
	lua_State *T = td != NULL ? thread_lua_state(td) : NULL;

	if (T != NULL)
		lhost_where(T, buf, len);
	else
		snprintf(buf, len, "?");
}

/*
 * The host-side limits at a scheduling point: a limit the Lua host hit
 * (--cpu-limit, ...) and a livelock.  Ends the run with status error.
 */
static void
check_limits(bool host)
{
	const char *why;
	char where[256];
	uint64_t seq;

	if (lhost_check_limits(run.lh, &why)) {
		run_where(where, sizeof(where));
		sched_fail(SCHED_ERROR, NULL, "%s: %s", where, why);
	}
	if (host)
		return;
	seq = trace_seq(sched_trace_sink());
	if (seq != run.idle_seq || sched_now() != run.idle_now) {
		run.idle_seq = seq;
		run.idle_now = sched_now();
		run.idle_points = 0;
		return;
	}
	if (++run.idle_points >= SIM_LIVELOCK_POINTS) {
		run_where(where, sizeof(where));
		sched_fail(SCHED_ERROR, NULL,
		    "%s: livelock: %d consecutive scheduling points with no "
		    "transition and no advance of virtual time (at vtime "
		    "%" PRId64 " ns)",
		    where, SIM_LIVELOCK_POINTS, sched_now());
	}
}

/*
 * The CPU-time watchdog expired and nothing read it for as long again
 * (lhost_config.stuck, in the SIGPROF handler): the process is in a loop
 * of C code that reaches no scheduling point, a bug of evsim's models,
 * never the scenario's (Lua is read by the instruction hook).  Under
 * evsim explore (stuck_dies) lhost kills the process with SIGXCPU, so that
 * explore records the schedule as crashed with the command that
 * reproduces it and goes on.  Otherwise the run ends here with
 * status error, the stuck thread abandoned where it is, as a panic
 * abandons the thread that panicked, and the run is torn down as a
 * panicked one is.  Outside sched_run() (a teardown) nothing is done.
 */
static void
run_stuck(void *arg, unsigned limit)
{
	char where[256];

	(void)arg;
	if (!sched_running())
		return;
	run_where(where, sizeof(where));
	sched_fail_soon(SCHED_ERROR,
	    "%s: CPU limit of %u s exceeded (--cpu-limit) and %u s more "
	    "without reaching a scheduling point: evsim is stuck in its own "
	    "C code (a bug in evsim, not in the scenario)",
	    where, limit, limit);
}

/*
 * Checks scenario.invariants in name order.  An invariant may call sim.*
 * but no syscall: sys.* inside one ends the run as a script error naming
 * it (lhost_nosys).  An invariant that returns false or raises with
 * error()/assert() fails the run; any other error is a script error.
 */
static void
check_invariants(void)
{
	lua_State *L = run.invL;
	char err[1024], ctx[300];
	size_t i;

	if (run.invref == LUA_NOREF || run.in_check)
		return;
	run.in_check = true;
	lua_rawgeti(L, LUA_REGISTRYINDEX, run.invref);
	for (i = 0; i < run.ninv; i++) {
		const char *name = run.inv_names[i];
		enum lhost_result r;

		snprintf(ctx, sizeof(ctx), "an invariant");
		lhost_nosys(run.lh, ctx, true, NULL);
		lua_rawgeti(L, -1, (lua_Integer)i + 1);
		r = lhost_call(run.lh, L, 0, 1, err, sizeof(err));
		lhost_nosys(run.lh, NULL, false, NULL);
		if (r == LHOST_OK && lua_toboolean(L, -1)) {
			lua_pop(L, 1);
			continue;
		}
		if (r == LHOST_OK)
			lua_pop(L, 1);
		run.in_check = false;
		lua_pop(L, 1);
		switch (r) {
		case LHOST_OK:
			sched_fail(SCHED_FAILED, "invariant",
			    "invariant '%s' failed: returned false", name);
		case LHOST_ERROR:
			sched_fail(SCHED_FAILED, "invariant",
			    "invariant '%s' failed: %s", name, err);
		default:
			sched_fail(SCHED_ERROR, "invariant",
			    "invariant '%s': %s", name, err);
		}
	}
	lua_pop(L, 1);
	run.in_check = false;
}

/* The global kernel invariants at every decision (sched's on_decision). */
static void
check_kernel(void *arg, uint64_t step)
{
	(void)arg;
	(void)step;
	sim_invariants_check();
}

/*
 * sched's on_point: limits, then the invariants in a thread of the
 * scenario.  Not in a kernel thread (softclock, taskqueue), which belongs
 * to no process, nor in a process tearing itself down in exit1() (its
 * descriptors are being freed): sim.inspect would have no descriptors to
 * look at.  What they change is checked at the next point of another
 * scenario thread (pid 1's main was checked when it returned).
 */
static void
run_on_point(void *arg, bool host)
{
	struct thread *td;

	(void)arg;
	check_limits(host);
	if (host || (td = curthread) == NULL
	    || (td->td_proc->p_flag & P_WEXIT) != 0)
		return;
	check_invariants();
}

/*
 * Keeps the scenario's invariants (the table at idx) as an array in name
 * order, with their names: checked in the same order in every process.
 */
static void
run_keep_invariants(lua_State *L, int idx)
{
	struct scenario_key *keys;
	size_t n, i;
	int ref;

	idx = lua_absindex(L, idx);
	if (scenario_sorted_keys(L, idx, &keys, &n) != 0)
		sim_oom(); /* scenario_parse() checked the keys */
	run.inv_names = calloc(n > 0 ? n : 1, sizeof(*run.inv_names));
	if (run.inv_names == NULL)
		sim_oom();
	lua_createtable(L, (int)n, 0);
	for (i = 0; i < n; i++) {
		run.inv_names[i] = strndup(keys[i].sk_name, keys[i].sk_len);
		if (run.inv_names[i] == NULL)
			sim_oom();
		lua_getfield(L, idx, run.inv_names[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	run.ninv = n;
	free(keys);
	run.invL = lhost_newthread(run.lh, &ref);
	(void)ref; /* released with the Lua state */
	run.invref = luaL_ref(L, LUA_REGISTRYINDEX);
}

static void
run_free_invariants(void)
{
	size_t i;

	for (i = 0; i < run.ninv; i++)
		free(run.inv_names[i]);
	free(run.inv_names);
	run.inv_names = NULL;
	run.ninv = 0;
	run.invref = LUA_NOREF;
	run.invL = NULL;
}

/*
 * The scenario the saved Lua image was made for (sim_run_opts.image): its
 * path and text and what else the state depends on.
 */
static struct {
	bool valid;
	char *path, *source;
	size_t source_len, mem_limit_bytes;
	uint64_t instr_budget;
	bool from_db;
} img;

static void
img_forget(void)
{
	free(img.path);
	free(img.source);
	memset(&img, 0, sizeof(img));
}

static bool
img_matches(const struct sim_run_opts *o)
{
	return (img.valid && strcmp(img.path, o->path) == 0
	    && img.source_len == o->source_len
	    && memcmp(img.source, o->source, o->source_len) == 0
	    && img.mem_limit_bytes == o->mem_limit_bytes
	    && img.instr_budget == o->instr_budget
	    && img.from_db == o->from_db);
}

static void
img_keep(const struct sim_run_opts *o)
{
	img.path = strdup(o->path);
	img.source = malloc(o->source_len + 1);
	if (img.path == NULL || img.source == NULL) {
		img_forget();
		return;
	}
	memcpy(img.source, o->source, o->source_len);
	img.source_len = o->source_len;
	img.mem_limit_bytes = o->mem_limit_bytes;
	img.instr_budget = o->instr_budget;
	img.from_db = o->from_db;
	img.valid = true;
}

void
sim_run_image_drop(void)
{
	img_forget();
	lhost_image_drop();
}

/*
 * The Lua state of a run with the scenario compiled on top of its stack:
 * the sandbox, the sys.* and sim.* tables registered against a default
 * kernel (the scenario may choose another), the chunk compiled from the
 * scenario's text.  With image, the state is the saved image of the same
 * scenario restored (lhost_restore), else built in the arena and saved
 * there: the same state as built anew, every byte, and the kernel booted
 * as it would have been.  Returns 0 or EINVAL (err set: a syntax error).
 */
static int
run_lua_state(const struct sim_run_opts *o, const struct lhost_config *lc,
    bool image, char *err, size_t errlen)
{
	int error;

	if (image && img_matches(o) && lhost_restore(&run.lh, lc) == 0) {
		sim_kernel_boot(sim_revision_find("freebsd"));
		return (0);
	}
	if (image) {
		img_forget();
		if (lhost_new_image(&run.lh, lc) != 0)
			image = false;
	}
	if (!image && lhost_new(&run.lh, lc) != 0)
		sim_oom();
	/* A kernel must exist for constants; the scenario may change it. */
	sim_kernel_boot(sim_revision_find("freebsd"));
	sim_lua_register(lhost_lua(run.lh));
	error = lhost_compile(
	    run.lh, o->path, o->source, o->source_len, err, errlen);
	if (error == 0 && image && lhost_save(run.lh) == 0)
		img_keep(o);
	return (error);
}

/*
 * The Lua state of a run (run_lua_state) and the run's host-side state.
 * *ret_error: 0 or EINVAL with err set.
 */
static lua_State *
run_lua_new(const struct sim_run_opts *o, bool image, char *dir, size_t dirlen,
    int *ret_error, char *err, size_t errlen)
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
	lc.module = o->module;
	lc.module_arg = o->module_arg;
	lc.loaded = module_loaded;
	run.trace = o->trace;
	run.begun = false;
	lc.cpu_limit_sec = o->cpu_limit_sec;
	lc.stuck = run_stuck;
	lc.stuck_dies = o->stuck_dies;
	run.quiet = o->quiet;
	/*
	 * A replay checks too: the checks only observe, and a run that
	 * failed an invariant must fail again at the same decision.
	 */
	run.check = o->check || o->strategy == SCHED_REPLAY;
	run.invref = LUA_NOREF;
	run.in_check = false;
	run.idle_points = 0;
	run.idle_seq = 0;
	run.idle_now = 0;
	run.lua_draws = 0;
	run.nfailpoints = 0;
	rng_init(&run.lua_rng, o->have_seed ? o->seed : 0, RNG_STREAM_LUA);
	*ret_error = run_lua_state(o, &lc, image, err, errlen);
	return (lhost_lua(run.lh));
}

/*
 * Checks (set false) or applies (set true) the fail points of the scenario
 * and then of the command line.  Returns 0 or EINVAL with err set.
 */
static int
run_failpoints(const struct sim_run_opts *o, const struct scenario *scn,
    uint64_t seed, bool set, char *err, size_t errlen)
{
	char name[128];
	const char *eq;
	int i;

	for (i = 0; set && i < scn->sc_nfailpoints; i++)
		if (sim_failpoint_set(scn->sc_failpoints[i].sf_name,
			scn->sc_failpoints[i].sf_spec, seed)
		    != 0)
			abort(); /* scenario_parse() checked it */
	for (i = 0; i < o->nfailpoints; i++) {
		eq = strchr(o->failpoints[i], '=');
		if (eq == NULL
		    || (size_t)(eq - o->failpoints[i]) >= sizeof(name)) {
			snprintf(err, errlen,
			    "--failpoint: '%s' is not NAME=SPEC",
			    o->failpoints[i]);
			return (EINVAL);
		}
		snprintf(name, sizeof(name), "%.*s",
		    (int)(eq - o->failpoints[i]), o->failpoints[i]);
		if (sim_failpoint_check(name, scn->sc_rev) != 0) {
			snprintf(err, errlen,
			    "--failpoint: unknown fail point '%s' for kernel "
			    "%s (see evsim failpoints --kernel %s)",
			    name, scn->sc_rev->rev_name, scn->sc_rev->rev_name);
			return (EINVAL);
		}
		if (sim_failpoint_spec_check(eq + 1) != 0) {
			snprintf(err, errlen,
			    "--failpoint: %s: bad spec '%s' (off, return, "
			    "N*return, P%%return, explore)",
			    name, eq + 1);
			return (EINVAL);
		}
		if (set && sim_failpoint_set(name, eq + 1, seed) != 0)
			abort();
	}
	return (0);
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

	L = run_lua_new(o, o->image, dir, sizeof(dir), &error, err, errlen);
	if (error != 0 || lhost_run_chunk(run.lh, err, errlen) != 0)
		return (EINVAL);
	top = lua_gettop(L);
	error = scenario_parse(L, top, o->path, o->kernel, &scn, err, errlen);
	if (error != 0)
		return (error);
	memcpy(res->scenario, scn.sc_name, scn.sc_namelen + 1);
	res->scenario_len = scn.sc_namelen;
	snprintf(res->kernel, sizeof(res->kernel), "%s", scn.sc_rev->rev_name);
	seed = o->have_seed ? (int64_t)o->seed : scn.sc_seed;
	error = run_failpoints(o, &scn, (uint64_t)seed, false, err, errlen);
	if (error != 0)
		return (error);
	sim_kernel_boot(scn.sc_rev);
	for (i = 0; i < scn.sc_nlimits; i++)
		if (sim_tunable_set(
			scn.sc_limits[i].sl_name, scn.sc_limits[i].sl_value)
		    != 0)
			abort(); /* scenario_parse() checked it */
	if (scn.sc_has_invariants) {
		lua_getfield(L, top, "invariants");
		run_keep_invariants(L, -1);
		lua_pop(L, 1);
	}

	rng_init(&run.lua_rng, (uint64_t)seed, RNG_STREAM_LUA);
	memset(&sc, 0, sizeof(sc));
	sc.seed = (uint64_t)seed;
	sc.strategy = o->strategy;
	sc.pct_depth = o->pct_depth;
	sc.trace = o->trace;
	sc.vtime_limit_ns = scn.sc_vtime_limit_ns;
	/* The clock starts at 0: the offset is the realtime at boot. */
	sc.realtime_offset_ns = scn.sc_realtime_start_ns;
	sc.replay = o->replay;
	sc.replay_len = o->replay_len;
	sc.replay_src = o->replay_src;
	sc.dfs = o->dfs;
	sc.fp_budget = o->fp_budget;
	sc.sigcheck = sim_sigcheck;
	sc.suspcheck = sim_suspcheck;
	sc.on_point = run_on_point;
	if (run.check)
		sc.on_decision = check_kernel;
	sc.on_first_decision = o->at_first_decision;
	sc.on_first_decision_arg = o->first_decision_arg;
	run.nfailpoints = scn.sc_nfailpoints + o->nfailpoints;
	if (sched_new(sp, &sc) != 0)
		sim_oom();
	memset(&info, 0, sizeof(info));
	info.scenario = res->scenario;
	info.scenario_len = res->scenario_len;
	info.path = o->path;
	info.source = o->source;
	info.kernel = scn.sc_rev->rev_name;
	info.strategy = sched_strategy_name(o->strategy);
	info.args = o->args;
	info.seed = seed;
	if (trace_run_begin(o->trace, &info, &res->run_id, err, errlen) != 0)
		return (EIO);
	run.begun = true;
	modules_flush(true);
	res->seed = (uint64_t)seed;
	(void)run_failpoints(o, &scn, (uint64_t)seed, true, err, errlen);
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
	int error = 0, xexit, xsig;

	snprintf(res->message, sizeof(res->message), "%s", sched_message(s));
	/*
	 * A run passes only when pid 1's main returned or pid 1 exited 0:
	 * killed by a signal or exiting non-zero, it failed.
	 */
	if (res->status == SCHED_PASSED && proc_init_exit(&xexit, &xsig)
	    && (xsig != 0 || xexit != 0)) {
		res->status = SCHED_FAILED;
		if (xsig != 0 && sim_signame(xsig) != NULL)
			snprintf(res->message, sizeof(res->message),
			    "pid 1 killed by %s", sim_signame(xsig));
		else if (xsig != 0)
			snprintf(res->message, sizeof(res->message),
			    "pid 1 killed by signal %d", xsig);
		else
			snprintf(res->message, sizeof(res->message),
			    "pid 1 exited with status %d", xexit);
		snprintf(res->fail_func, sizeof(res->fail_func), "exit1");
	} else if (res->status == SCHED_PASSED && run.check
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
	sim_syscall_unfinished();
	res->syscalls = trace_nsyscalls(o->trace);
	if (trace_run_end(o->trace, sched_status_name(res->status),
		res->message[0] ? res->message : NULL,
		res->fail_func[0] ? res->fail_func : NULL, res->vtime_end_ns,
		err, errlen)
	    != 0)
		error = EIO;
	if (run.restarted)
		return (error); /* the process ends with the run */
	proc_fini_all();
	vfs_fini();
	sim_quarantine_drain();
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
	if (run.restarted)
		return (error); /* the process ends with the run: no teardown */
	sched_free(s);
	lhost_free(run.lh);
	run.lh = NULL;
	modules_flush(false);
	run.begun = false;
	sim_syscall_fini();
	run_free_invariants();
	/* Whatever the run left behind (its threads stopped anywhere). */
	sim_mem_release();
	return (error);
}

bool
sim_run_restartable(void)
{
	struct sched *s = sched_self();

	return (s != NULL && run.lh != NULL && !trace_recording(run.trace)
	    && run.nfailpoints == 0 && run.lua_draws == 0
	    && sched_restartable(s));
}

void
sim_run_restart(const struct sim_run_opts *o)
{
	struct sched_config sc;

	if (!sim_run_restartable())
		abort();
	memset(&sc, 0, sizeof(sc));
	sc.seed = o->seed;
	sc.strategy = o->strategy;
	sc.pct_depth = o->pct_depth;
	sc.replay = o->replay;
	sc.replay_len = o->replay_len;
	sc.replay_src = o->replay_src;
	sc.dfs = o->dfs;
	sched_restart(sched_self(), &sc);
	rng_init(&run.lua_rng, o->seed, RNG_STREAM_LUA);
	lhost_cpu_rearm(run.lh);
	run.restarted = true;
}

int
sim_run_peek(const struct sim_run_opts *o, char *name, size_t namelen,
    char *kernel, size_t kernellen, char *err, size_t errlen)
{
	struct scenario scn;
	lua_State *L;
	char dir[4096];
	int error;

	L = run_lua_new(o, false, dir, sizeof(dir), &error, err, errlen);
	if (error == 0)
		error = lhost_run_chunk(run.lh, err, errlen);
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
	return (sim_test_run_cpu(kernel, 0, false, fn, arg, NULL, 0));
}

enum sched_status
sim_test_run_cpu(const char *kernel, unsigned cpu_limit_sec, bool stuck_dies,
    void (*fn)(void *), void *arg, char *msg, size_t msglen)
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
	lc.cpu_limit_sec = cpu_limit_sec;
	lc.stuck = run_stuck;
	lc.stuck_dies = stuck_dies;
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
	sc.suspcheck = sim_suspcheck;
	if (sched_new(&s, &sc) != 0)
		sim_oom();
	proc_init_all();
	vfs_init();
	proc_create_init_c(fn, arg);
	st = sched_run(s);
	if (msg != NULL)
		snprintf(msg, msglen, "%s", sched_message(s));
	proc_fini_all();
	vfs_fini();
	sim_quarantine_drain();
	sched_free(s);
	trace_close(t);
	lhost_free(run.lh);
	run.lh = NULL;
	sim_mem_release();
	return (st);
}
