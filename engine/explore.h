/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The schedule search: random and PCT schedules by seed, and a stateless
 * DFS over the scheduler's decisions with iterative preemption bounding and
 * sleep-set reduction, failure signatures, shrinking of each first failure
 * to a minimal schedule, and the slicing of the search among workers and
 * shards.  It knows nothing of Lua, scenarios or processes: every run is
 * made by the caller's run callback (which drives the scheduler through
 * 'sched_config.dfs' and reports the objects each step touches with
 * explore_touch), and the results go into a struct explore_result that the
 * caller may place in memory shared between workers.  See explore.c for the
 * algorithm and its soundness limits.
 */
#ifndef ENGINE_EXPLORE_H
#define ENGINE_EXPLORE_H

#include <stdbool.h>
#include <stdint.h>

#include "sched.h"

#define EXPLORE_MAXSIG 64
#define EXPLORE_MAXSEEDS 16
#define EXPLORE_MAXPOISON 64 /* slices in explore_opts.dfs_poison */
#define EXPLORE_MAXBOUND 16

struct explore;

enum explore_kind { EXPLORE_RANDOM, EXPLORE_PCT, EXPLORE_DFS };

/* The size of a schedule, for shrinking (compared in this order). */
struct explore_size {
	uint64_t preemptions;
	uint64_t failpoints; /* 'explore' fail points taken to fail */
	uint64_t choose_devs; /* other sim.choose values than 1 */
	uint64_t other_devs; /* non-default choices that do not preempt */
	uint64_t decisions;
	uint64_t transitions;
};

/* One failure signature as a worker found it. */
struct explore_sig {
	char status[16];
	char func[64];
	char msg[512];
	uint64_t count;
	uint64_t first_key; /* schedule number, or bound << 32 | rank0 */
	uint64_t first_seed;
	int first_preempt;
	int64_t run_id; /* of the recorded minimal run, 0: not recorded */
	struct explore_size orig, min;
	int attempts;
	bool replay_ok;
	int nseeds;
	uint64_t seeds[EXPLORE_MAXSEEDS]; /* failing schedule numbers */
};

/* A worker's results; counters marked atomic are read while it runs. */
struct explore_result {
	uint64_t done; /* schedules explored (atomic) */
	uint64_t pruned; /* dfs: branches pruned by the reduction (atomic) */
	uint64_t beyond; /* dfs: preempting branches beyond the bound */
	uint64_t nfail;
	uint64_t steps_total;
	uint64_t per_bound[EXPLORE_MAXBOUND + 1];
	/*
	 * random, pct: the next schedule number this worker runs; dfs: the
	 * key (bound << 32 | slice) of the next part it explores (atomic).
	 */
	uint64_t next;
	bool exhausted;
	bool finished;
	int error; /* exit code on a scenario error */
	char errmsg[1300];
	int nsigs;
	struct explore_sig sigs[EXPLORE_MAXSIG];
};

/* What the search asks of one run. */
struct explore_run_req {
	enum sched_strategy strategy; /* RANDOM, PCT, DFS or REPLAY */
	uint64_t seed;
	int pct_depth;
	/* Given to the scheduler as 'sched_config.dfs', or NULL. */
	struct sched_dfs *dfs;
	/* SCHED_REPLAY: the decision log to follow. */
	const struct sched_decision *replay;
	uint64_t replay_len;
	/* Record the run (the minimal failing schedule) with this label. */
	const char *record;
	/* Report each step's objects with explore_touch. */
	bool footprints;
	/* The schedule's key (see explore_sig.first_key) and base seed. */
	uint64_t key;
	/* Made while shrinking (or checking) the failure of schedule key. */
	bool shrinking;
	/* dfs: the forced prefix (indices into the candidates). */
	const int64_t *prefix;
	uint64_t prefix_len;
};

/* What a run reports back. */
struct explore_run_res {
	enum sched_status status;
	char fail_func[64];
	char message[1100];
	uint64_t transitions;
	uint64_t decisions;
	int64_t run_id; /* when recorded */
	char trace_hash[17];
};

struct explore_ops {
	/*
	 * Makes one run as asked.  Must not return on an error that ends
	 * the search (a scenario that no longer loads).
	 */
	void (*run)(void *arg, struct explore *ex,
	    const struct explore_run_req *req, struct explore_run_res *res);
	/* Whether the time budget is spent; may be NULL. */
	bool (*out_of_time)(void *arg);
	/* An internal error (a dfs prefix that does not apply): ends. */
	void (*fatal)(void *arg, const char *msg);
	/*
	 * Whether shrinking must stop at once (the user is in a hurry): the
	 * best schedule so far is recorded.  May be NULL.
	 */
	bool (*hurry)(void *arg);
	void *arg;
};

struct explore_opts {
	enum explore_kind kind;
	int pct_depth; /* pct:D */
	int bound; /* dfs:B */
	uint64_t runs; /* random, pct: schedules; dfs: a budget when given */
	bool runs_given;
	uint64_t base; /* the seed of schedule 0 */
	/*
	 * random, pct: the first schedule of the shard (in the shard's own
	 * numbering: schedule shard_i + shard_n * start) this worker's slice
	 * starts from (a resumed search, or a worker restarted after a
	 * crash); the worker runs start + worker, start + worker + nworkers...
	 */
	uint64_t start;
	/*
	 * random, pct: when set, shared by the workers and first set to
	 * start: the next schedule of the shard (its own numbering) no worker
	 * has taken.  Each worker takes the next one whenever it is free, so
	 * none idles while schedules are left (one shrinking a failure, one
	 * on slower schedules); NULL: the fixed slices above.
	 */
	uint64_t *next_claim;
	/*
	 * dfs: resume at this key (bound << 32 | slice): the schedules of
	 * lower bounds, and of lower slices in this bound, were explored
	 * before.  They are skipped, and run again without being counted
	 * where a later bound's branches come from them.  0: from the start.
	 */
	uint64_t resume_key;
	/*
	 * dfs: when set, shared by the workers (zeroed before the first
	 * starts): per bound b (1..bound), dfs_claims[b] counts the slices
	 * of the shard taken in that bound.  A worker takes the next slice
	 * whenever it is free, so none idles while slices are left; NULL:
	 * slice j of the shard is worker j % nworkers's.
	 */
	uint64_t *dfs_claims;
	/*
	 * dfs: slices whose schedules made evsim die (set by the caller,
	 * shared): their next bounds are not explored (the crashing
	 * schedule would be run again to make them).  dfs_poison[0] is the
	 * count, the slices follow; NULL: none.
	 */
	const uint64_t *dfs_poison;
	bool keep_going; /* do not stop at the first failure */
	bool reduction; /* dfs: sleep sets */
	int shrink_max; /* runs a shrink may take */
	int shard_i, shard_n; /* this shard of shard_n */
	int worker, nworkers; /* this worker of nworkers */
	/*
	 * The earliest failure key of every worker, shared by them (when
	 * not keep_going); updated atomically.
	 */
	uint64_t *min_fail;
};

/*
 * Runs this worker's part of the search, filling *res.  The options and
 * ops must outlive the call.
 */
void explore_run(const struct explore_opts *o, const struct explore_ops *ops,
    struct explore_result *res);

/*
 * Called by the run callback during a run made with 'footprints': the step
 * (sched_steps()) touched the object named by the len bytes at name.
 */
void explore_touch(
    struct explore *ex, uint64_t step, const char *name, size_t len);

/*
 * The message as failures are grouped: without the "(at vtime ...)" suffix
 * that varies by run, and with every "seq N" written "seq #" (the
 * use-after-free panic's "freed at seq 91" varies by schedule too).
 */
void explore_signature_msg(char *dst, size_t len, const char *msg);

#endif /* ENGINE_EXPLORE_H */
