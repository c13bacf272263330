/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Running a scenario: boots the simulated system (scheduler, trace sink, Lua
 * host, kernel, pid 1), runs it to the end and reports the outcome.  Used by
 * `evsim run`, replay, explore and the unit tests.  sim/run/ imports
 * sim/sys/, the shared kernel layer and the engine; only sim/cli/ and the
 * tests import it.
 */
#ifndef SIM_RUN_SIMRUN_H
#define SIM_RUN_SIMRUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kernel.h"
#include "sched.h"

struct lhost;
struct trace;

struct sim_run_opts {
	const char *path; /* scenario file (for messages and require) */
	const char *source; /* its text */
	size_t source_len;
	const char *kernel; /* NULL: the scenario's, else override */
	bool have_seed;
	uint64_t seed;
	enum sched_strategy strategy;
	int pct_depth;
	struct trace *trace; /* required */
	const char *args; /* command line for the runs row */
	const struct sched_decision *replay;
	uint64_t replay_len;
	const struct sched_replay_src *replay_src; /* or the log from here */
	struct sched_dfs *dfs; /* decision prefix and log (explore), or NULL */
	bool quiet; /* no print() echo on stdout */
	bool check; /* global kernel invariants at every decision */
	size_t mem_limit_bytes;
	uint64_t instr_budget;
	/*
	 * Fail points set after the scenario's, in order: "NAME=SPEC"
	 * (evsim run --failpoint; replay passes the recorded ones).
	 */
	const char *const *failpoints;
	int nfailpoints;
	/*
	 * random and pct: at most this many failing branches of 'explore'
	 * fail points per run (sched_config.fp_budget; 0: SCHED_FP_BUDGET).
	 */
	uint64_t fp_budget;
	/*
	 * A replay from a database: path is the recorded one, and require()
	 * never reads its folder (a database must not choose which host
	 * folder is read); only scenarios/lib.
	 */
	bool from_db;
	/*
	 * require()'s source when set (a replay: the modules recorded with
	 * the run), see lhost_config.module; else the scenario's folder and
	 * scenarios/lib, and every module read is recorded.
	 */
	int (*module)(
	    void *arg, const char *name, char **ret_buf, size_t *ret_len);
	void *module_arg;
	unsigned cpu_limit_sec; /* host CPU-time watchdog; 0: 300 s */
	/*
	 * When the watchdog finds the process stuck in C code (twice the
	 * limit without a scheduling point): die of SIGXCPU (evsim explore,
	 * which records the schedule as crashed) instead of ending the run
	 * with status error.
	 */
	bool stuck_dies;
	/*
	 * Called at the run's first decision, before it is made (see
	 * sched_config.on_first_decision): a fork server's snapshot point.
	 */
	void (*at_first_decision)(void *arg);
	void *first_decision_arg;
	/*
	 * The Lua state, up to the scenario compiled but not run, built once
	 * per process and restored from its saved image for every later run
	 * of the same scenario (lhost_new_image, lhost_restore): the same
	 * run as built anew, without building it.
	 */
	bool image;
};

struct sim_run_result {
	enum sched_status status;
	char message[1100];
	char scenario[256]; /* NUL bytes kept: scenario_len bytes */
	size_t scenario_len;
	char kernel[64];
	char fail_func[64];
	uint64_t seed;
	int64_t run_id;
	int64_t vtime_end_ns;
	uint64_t transitions;
	uint64_t syscalls;
	uint64_t decisions;
	char trace_hash[17];
};

/*
 * Loads the scenario, runs it and records it.  Returns 0 with *res filled
 * (whatever the scenario's status), or EINVAL when the scenario cannot be
 * loaded (syntax error, not a table, bad fields; err holds the one-line
 * reason), or EIO when recording failed.
 */
int sim_run(const struct sim_run_opts *o, struct sim_run_result *res, char *err,
    size_t errlen);

/*
 * From at_first_decision: whether the run so far is the same under any
 * seed and strategy -- not recorded, no fail point set, no draw from
 * math.random or any scheduler stream, not PCT -- so that sim_run_restart
 * may give it another schedule.
 */
bool sim_run_restartable(void);

/*
 * From at_first_decision of a restartable run (in a process forked there):
 * the run goes on as a run of o (its seed, strategy, pct_depth, replay and
 * dfs; the rest as the run's own options) would from this point, with the
 * same trace.  sim_run() then returns its result (res->seed is the seed
 * the run was started with) without tearing the run down: the process is
 * to end.
 */
void sim_run_restart(const struct sim_run_opts *o);

/*
 * Loads the scenario of o (path, source, kernel override) exactly as
 * sim_run() does -- the same sandbox, require() paths, seeded math.random
 * and booted kernel for sim.sysctl -- and reads its table, without running
 * it: *name and *kernel (the revision's name) are set.  Returns 0, or
 * EINVAL with err set as sim_run().  Nothing of the load is kept.
 */
int sim_run_peek(const struct sim_run_opts *o, char *name, size_t namelen,
    char *kernel, size_t kernellen, char *err, size_t errlen);

/* Forgets the saved Lua image of sim_run_opts.image and its arena. */
void sim_run_image_drop(void);

/*
 * Boots a kernel without Lua scenario and runs fn(arg) as pid 1's main
 * thread (unit tests).  Returns the final status.
 */
enum sched_status sim_test_run(
    const char *kernel, void (*fn)(void *), void *arg);

/*
 * sim_test_run() with the CPU-time watchdog at cpu_limit_sec (0: 300),
 * sim_run_opts.stuck_dies, and the run's message copied to msg.
 */
enum sched_status sim_test_run_cpu(const char *kernel, unsigned cpu_limit_sec,
    bool stuck_dies, void (*fn)(void *), void *arg, char *msg, size_t msglen);

/* The Lua host of the run in progress. */
struct lhost *sim_run_lhost(void);

/* Where require() finds the bundled helpers (scenarios/lib). */
const char *sim_lib_dir(void);

#endif /* SIM_RUN_SIMRUN_H */
