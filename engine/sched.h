/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The scheduler: simulated threads as fibers, virtual time, scheduling
 * points and strategies, the decision log, and the end of a run (passed,
 * failed, panic, deadlock, error).
 *
 * Exactly one simulated thread runs at a time.  It gives up the CPU only at
 * a scheduling point (sched_point), by blocking (sched_block, used by the
 * primitives in sync.h) or by exiting.  At each point the strategy picks the
 * next thread among the runnable ones; whenever there is more than one
 * candidate the choice is a decision, appended to the log with the sorted
 * runnable set, so that the 'replay' strategy can follow it.  When no thread
 * can run, virtual time jumps to the earliest pending event (evq.h) and every
 * event due at that instant fires before any thread runs, as a hardclock
 * tick would.  All threads blocked with no event pending is a deadlock.
 *
 * A run has one scheduler; sched_self() returns it, so that the primitives
 * can find the current thread the way kernel code uses 'curthread'.
 */
#ifndef ENGINE_SCHED_H
#define ENGINE_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "evq.h"
#include "rng.h"

struct sched;
struct sched_thread;
struct trace;

enum sched_status {
	SCHED_RUNNING,
	SCHED_PASSED,
	SCHED_FAILED,
	SCHED_PANIC,
	SCHED_DEADLOCK,
	SCHED_ERROR,
	SCHED_DIVERGED,
};

enum sched_strategy {
	SCHED_FIFO,
	SCHED_RANDOM,
	SCHED_PCT,
	SCHED_REPLAY,
	SCHED_DFS,
};

/* One recorded decision, as the replay strategy consumes it. */
struct sched_decision {
	bool is_choose;
	int64_t chosen;
	const char *runnable; /* recorded runnable set, or NULL: not checked */
	int64_t seq; /* transitions before it, or -1: not checked */
};

/*
 * A decision log read in step order, a decision at a time, so that a
 * replay holds only the decision it follows (a log in a database).
 * next() stores the next decision in *d and returns true, or returns false
 * past the log's end; d->runnable stays valid until the next call.
 */
struct sched_replay_src {
	bool (*next)(void *arg, struct sched_decision *d);
	void *arg;
};

/*
 * The schedule prefix driver of `evsim explore --strategy dfs:B` (and the
 * observer the explorer uses to read any run's decisions).
 *
 * Given to a run in 'sched_config.dfs', whatever the strategy, every
 * decision of that run is appended to pts[]: the candidate set (tids sorted, as
 * decisions are made and recorded), the choice as an index into it, the default
 * choice and the running thread.  Under SCHED_DFS the first prefix_len
 * decisions are forced by prefix[] and every later one takes the default, which
 * never preempts: the running thread if it may go on, else the first thread of
 * the run queue (FIFO order, as the fifo strategy); sim.choose takes 1.
 *
 * prefix[] holds 0-based indices into the sorted candidates (choose: value
 * - 1); an index out of range ends the run as SCHED_DIVERGED.  With by_tid,
 * it holds tids (choose: values) instead, and one that is not runnable (out
 * of range) takes the default and counts a fallback: the lenient replay
 * used to shrink a failing schedule.
 */
struct sched_dfs_point {
	bool is_choose;
	int n; /* candidates, or the n of sim.choose(n) */
	int chosen; /* index into the candidates, or value - 1 */
	int def; /* the default choice's index */
	int cur; /* index of the running thread if it may go on, else -1 */
	int tid; /* the chosen thread, or the thread that chose */
	int pid; /* its process */
	uint64_t cand; /* tids[cand .. cand + n): the candidates (sched) */
	bool is_failpoint; /* a fail point's choose (chosen 1: it failed) */
};

struct sched_dfs {
	const int64_t *prefix;
	uint64_t prefix_len;
	bool by_tid;
	/* Filled by the run; the arrays are grown with realloc, caller frees.
	 */
	struct sched_dfs_point *pts;
	uint64_t npts, ptscap;
	int *tids;
	uint64_t ntids, tidscap;
	uint64_t fallbacks; /* by_tid entries that could not be followed */
};

struct sched_config {
	uint64_t seed;
	enum sched_strategy strategy;
	int pct_depth; /* PCT: number of priority change points + 1 */
	int64_t pct_steps; /* PCT: estimated number of steps */
	struct trace *trace; /* where transitions go; required */
	int64_t vtime_limit_ns; /* 0 = none */
	int64_t realtime_offset_ns;
	const struct sched_decision *replay; /* SCHED_REPLAY: the log */
	uint64_t replay_len;
	/* SCHED_REPLAY: the log read from here instead, when not NULL. */
	const struct sched_replay_src *replay_src;
	/*
	 * Called for a thread about to sleep interruptibly, with the owner
	 * set by sched_thread_set_owner: returns EINTR or ERESTART when a
	 * signal (or a pending exit) must interrupt the sleep, 0 otherwise.
	 */
	int (*sigcheck)(void *owner);
	/*
	 * Called in a thread whose sleep just ended, before it retakes the
	 * sleep's mutex: may sleep again (a suspended thread waits there
	 * until it may run); may be NULL.
	 */
	void (*suspcheck)(void *owner);
	/* Called (on the host stack) after each decision; may be NULL. */
	void (*on_decision)(void *arg, uint64_t step);
	void *on_decision_arg;
	/*
	 * Called at every scheduling point, whether or not there is a
	 * choice: in the running thread at a syscall's entry and return
	 * (sched_point), before a thread blocks (sched_block) and when
	 * sched_checkpoint() asks, with host false; on the host stack before
	 * each pick of sched_run(), with host true.  Never from a decision
	 * itself (sim.choose).  May call sched_fail(); may be NULL.
	 */
	void (*on_point)(void *arg, bool host);
	void *on_point_arg;
	/*
	 * The decision prefix to follow (SCHED_DFS) and the log every
	 * decision is appended to, whatever the strategy; may be NULL.  Its
	 * counters are reset by sched_new.
	 */
	struct sched_dfs *dfs;
	/*
	 * random and pct: at most this many failing branches of 'explore'
	 * fail points per run (0: SCHED_FP_BUDGET).
	 */
	uint64_t fp_budget;
	/*
	 * Called once, at the first decision (a pick among two or more
	 * threads, or a choose) before it is made; may be NULL.  A fork
	 * server snapshots the run there: each child calls sched_restart
	 * with its own schedule and returns.
	 */
	void (*on_first_decision)(void *arg);
	void *on_first_decision_arg;
};

/* Defaults for 'explore' fail points under random and pct. */
#define SCHED_FP_BUDGET 1 /* failing branches per run */
#define SCHED_FP_ODDS 4 /* each evaluation fails with probability 1/4 */

/* Creates a scheduler and makes it sched_self().  Returns 0 or ENOMEM. */
int sched_new(struct sched **ret_s, const struct sched_config *cfg);

/*
 * Whether the run so far is the same under any seed and strategy: no
 * decision made, no random stream drawn from, and not PCT (whose
 * priorities are drawn at thread creation).
 */
bool sched_restartable(const struct sched *s);

/*
 * Gives a restartable scheduler (before its first decision) cfg's seed,
 * strategy, pct_depth, pct_steps, replay, dfs and fp_budget, as if
 * sched_new had been called with them: the run goes on exactly as that
 * run would (PCT's priorities are drawn again in thread creation order).
 */
void sched_restart(struct sched *s, const struct sched_config *cfg);

/* Frees the scheduler and every thread's stack.  NULL is a no-op. */
void sched_free(struct sched *s);

/* Runs the on_point hook in the running thread now (no switch). */
void sched_checkpoint(void);

/* The scheduler of the run in progress. */
struct sched *sched_self(void);

/*
 * Creates a runnable thread that will call fn(arg) on its own fiber; when fn
 * returns the thread exits.  'kernel' threads (softclock, taskqueue) do not
 * keep a run alive and are never reported in a deadlock.  name is copied.
 * Returns 0 or ENOMEM.
 */
int sched_thread_new(struct sched_thread **ret_td, int pid, int tid,
    const char *name, bool kernel, void (*fn)(void *), void *arg);

void sched_thread_set_owner(struct sched_thread *td, void *owner);
void *sched_thread_owner(const struct sched_thread *td);
void sched_thread_set_pid(struct sched_thread *td, int pid);
int sched_thread_pid(const struct sched_thread *td);
int sched_thread_tid(const struct sched_thread *td);
const char *sched_thread_name(const struct sched_thread *td);
/* The wait message of a blocked thread ("pipe_rd", "kqread"), else NULL. */
const char *sched_thread_wmesg(const struct sched_thread *td);
bool sched_thread_blocked(const struct sched_thread *td);

/* The thread running now (NULL on the host stack). */
struct sched_thread *sched_curthread(void);

/* Ends the calling thread.  Never returns. */
_Noreturn void sched_thread_exit(void);

/*
 * Runs the simulation until every non-kernel thread has exited or the run
 * failed.  Returns the final status.
 */
enum sched_status sched_run(struct sched *s);

/* The failure message of a finished run ("" when it passed). */
const char *sched_message(const struct sched *s);

/* The kernel function that failed, or NULL. */
const char *sched_fail_func(const struct sched *s);

/* A scheduling point: the strategy may switch to another thread. */
void sched_point(void);

/*
 * A nondeterministic choice in [1, n], n >= 1: a 'choose' decision, made by
 * the strategy (fifo: 1) and recorded.
 */
int64_t sched_choose(int64_t n, const char *label);

/*
 * An evaluation of a fail point set to 'explore': a 'choose' decision of n =
 * 2 labelled label ("failpoint:kqueue_register:knote_alloc"), chosen 1 when
 * the evaluation passes and 2 when it fails.  fifo and dfs without a forced
 * prefix pass; random and pct fail with probability 1/SCHED_FP_ODDS while
 * the run's budget (sched_config.fp_budget) lasts, drawing from
 * RNG_STREAM_FAILPOINT_EXPLORE; replay follows the log.  True: it fails.
 */
bool sched_failpoint(const char *label);

/* The run's seed. */
uint64_t sched_seed(void);

/* Whether a run exists and has not ended yet. */
bool sched_running(void);

/*
 * Ends the run with status (not SCHED_PASSED) and a message, attributing it
 * to kernel function func.  Called from a simulated thread it never returns;
 * the thread is abandoned with the rest of the run.
 */
_Noreturn void sched_fail(enum sched_status status, const char *func,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * Whether the decision hook (sched_config.on_decision) is running: it may
 * observe, not block or switch threads.
 */
bool sched_in_hook(void);

/*
 * sched_fail() where it may be called (a simulated thread, or the host
 * inside sched_run()); before sched_run() (while a run boots) it only sets
 * the status and message and returns, and sched_run() then returns at once.
 */
void sched_fail_soon(enum sched_status status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Blocks the calling thread (wait channel chan, message wmesg) until
 * sched_wakeup() makes it runnable again.  For sync.c.
 */
void sched_block(const void *chan, const char *wmesg);

/* Makes a blocked thread runnable (no effect on a runnable one). */
void sched_wakeup(struct sched_thread *td);

/* Asks the configured sigcheck hook whether td's sleep must be interrupted. */
int sched_sigcheck(struct sched_thread *td);
/* Runs the configured suspcheck hook for td (after its sleep ended). */
void sched_suspcheck(struct sched_thread *td);
/* Whether td sleeps interruptibly (TD_IS_SLEEPING() with TDF_SINTR). */
bool sched_thread_sleeping_catch(const struct sched_thread *td);

/*
 * Time arithmetic never overflows: a sum beyond the largest representable
 * instant is SCHED_NEVER, a deadline that never comes (the scheduler never
 * advances virtual time to it: a run waiting only for it is a deadlock).
 */
#define SCHED_NEVER INT64_MAX

/* a + b in ns, saturating at INT64_MIN and SCHED_NEVER. */
static inline int64_t
sched_add_ns(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return (b > 0 ? SCHED_NEVER : INT64_MIN);
	return (r);
}

/* Virtual monotonic time in ns. */
int64_t sched_now(void);

/* CLOCK_REALTIME: monotonic time plus the settable offset (saturating). */
int64_t sched_realtime(void);
void sched_set_realtime(int64_t realtime_ns);

/* Arms ev at absolute virtual time deadline_ns (clamped to now). */
void sched_timer(struct evq_event *ev, int64_t deadline_ns);
bool sched_timer_cancel(struct evq_event *ev);

/* The generator of one purpose. */
struct rng *sched_rng(enum rng_stream stream);

/* Emits a transition attributed to the current thread and time. */
uint64_t sched_trace(const char *func, const char *object, const char *field,
    const char *old, const char *new);
/* sched_trace() with a new value of newlen bytes (trace_transition_n). */
uint64_t sched_trace_n(const char *func, const char *object, const char *field,
    const char *old, const char *new, size_t newlen);
/* sched_trace() of integer values, lengths given (trace_transition_int). */
uint64_t sched_trace_int(const char *func, size_t funclen, const char *object,
    size_t objlen, const char *field, size_t fieldlen, int64_t old,
    int64_t new);

/* The trace sink of the run. */
struct trace *sched_trace_sink(void);

/* Number of decisions made so far. */
uint64_t sched_steps(void);

/* Visits every thread that has not exited, in creation order. */
void sched_foreach_thread(
    void (*fn)(struct sched_thread *td, void *arg), void *arg);

/*
 * A number that changes with every sched_new(), so that per-run state kept
 * by other engine modules can tell a new run from the old one.
 */
uint64_t sched_generation(void);

const char *sched_status_name(enum sched_status st);
const char *sched_strategy_name(enum sched_strategy st);

#endif /* ENGINE_SCHED_H */
