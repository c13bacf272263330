/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The trace sink: the only user of SQLite in the simulator.  Every modelled
 * state change becomes one transition with a sequence number; its canonical
 * text line (see trace_format_line) feeds a running XXH3-64 hash, is
 * optionally written to a text file (--trace-out), and is optionally recorded
 * into the database (runs, trace, syscalls, decisions, threads, objects and
 * modules tables of trace_schema.h) through prepared statements inside large
 * transactions.
 *
 * The canonical line of a transition is
 *
 *	seq TAB vtime TAB pid TAB tid TAB func TAB object TAB field TAB old
 *	TAB new NEWLINE
 *
 * with integers in decimal and every string escaped so that it holds no TAB
 * or NEWLINE (backslash, tab, newline and carriage return become \\, \t, \n
 * and \r; other bytes below 0x20 and 0x7f become \xHH).  The hash is
 * independent of the database and of the machine.
 */
#ifndef ENGINE_TRACE_H
#define ENGINE_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct trace;

/*
 * Rows (trace, syscalls, decisions, threads) per committed transaction; the
 * recording benchmark's plain SQLite loop uses the same.
 */
#define TRACE_BATCH 65536

/* What a run is, written into its 'runs' row at trace_run_begin(). */
struct trace_run_info {
	const char *scenario; /* the scenario's name */
	size_t scenario_len; /* its length (NUL bytes kept); 0: strlen */
	const char *path; /* the file it was loaded from */
	const char *source; /* its full text, for replay */
	const char *kernel; /* "freebsd", "freebsd@b11289f", "illumos" */
	const char *strategy; /* "fifo", "random", ... */
	const char *args; /* the command line, informational */
	int64_t seed;
};

/*
 * Opens a sink.  With db_path NULL nothing is recorded (but the hash is kept).
 * Otherwise the database is created if missing, or checked to be an evsim
 * database of a known schema version.  Returns 0, or EINVAL with a one-line
 * reason in err when the file is not an evsim database, or EIO when SQLite
 * cannot open or write it.
 */
int trace_open(
    struct trace **ret_t, const char *db_path, char *err, size_t errlen);

/* Commits what is buffered and closes.  NULL is a no-op. */
void trace_close(struct trace *t);

/*
 * Starts a run: inserts its 'runs' row with status 'running' and commits it,
 * so that a crash leaves an honest record.  The run id is 0 without a
 * database.  Returns 0 or EIO (err filled).
 */
int trace_run_begin(struct trace *t, const struct trace_run_info *info,
    int64_t *ret_run_id, char *err, size_t errlen);

/* Finishes the run: flushes every buffered row and updates its 'runs' row. */
int trace_run_end(struct trace *t, const char *status, const char *message,
    const char *fail_func, int64_t vtime_end_ns, char *err, size_t errlen);

/* Appends a transition; returns its sequence number (from 1). */
uint64_t trace_transition(struct trace *t, int64_t vtime_ns, int pid, int tid,
    const char *func, const char *object, const char *field, const char *old,
    const char *new);

/*
 * trace_transition() with a new value of newlen bytes that may hold NUL
 * bytes (print output, sim.label text): the canonical line writes a NUL as
 * \x00 and the database keeps it.
 */
uint64_t trace_transition_n(struct trace *t, int64_t vtime_ns, int pid, int tid,
    const char *func, const char *object, const char *field, const char *old,
    const char *new, size_t newlen);

/*
 * trace_transition() of a field whose old and new values are integers
 * (their decimal text), given the lengths of func, object and field
 * (none NULL).
 */
uint64_t trace_transition_int(struct trace *t, int64_t vtime_ns, int pid,
    int tid, const char *func, size_t funclen, const char *object,
    size_t objlen, const char *field, size_t fieldlen, int64_t old,
    int64_t new);

/*
 * Records a completed syscall that started at transition start_seq; it is
 * numbered sc_seq, from 1 within the run, in the order the calls return.
 * args and result are JSON text (result NULL when err names an errno).
 */
void trace_syscall(struct trace *t, uint64_t start_seq, int64_t start_ns,
    int64_t end_ns, int pid, int tid, const char *name, const char *args,
    const char *result, const char *err);

/* Records a decision (kind "sched" or "choose"). */
void trace_decision(struct trace *t, uint64_t step, int64_t vtime_ns, int tid,
    const char *kind, int64_t chosen, const char *runnable, const char *label);

/* Records a simulated thread (at creation) and, later, its end. */
void trace_thread(
    struct trace *t, int tid, int pid, const char *name, const char *kind);
void trace_thread_end(struct trace *t, int tid);

/*
 * Sets the label of object ("knote#2") in the 'objects' table, creating its
 * row if needed; the latest label wins.  Not hashed; a no-op without a
 * database.  Rows for objects created and freed ("(life)" transitions) and
 * for every other object the run's trace names are kept by the sink itself.
 * The rows are written when the batch is committed (the label is copied).
 */
void trace_object_label(struct trace *t, const char *object, const char *label);

/*
 * Records a module the run require()d: its name and len bytes of source
 * (NUL bytes included).  The first text recorded under a name is kept.
 */
void trace_module(
    struct trace *t, const char *name, const char *source, size_t len);

/* Sequence number of the last transition (0 before the first). */
uint64_t trace_seq(const struct trace *t);

/* Number of syscalls and decisions recorded so far in this run. */
uint64_t trace_nsyscalls(const struct trace *t);
uint64_t trace_ndecisions(const struct trace *t);

/* The running hash as 16 lower-case hex digits plus NUL. */
void trace_hash_hex(const struct trace *t, char out[17]);

/*
 * Calls fn(arg, seq, line) with every canonical line as it is emitted (the
 * replay's online comparison); NULL stops.
 */
void trace_set_expect(struct trace *t,
    void (*fn)(void *arg, uint64_t seq, const char *line), void *arg);

/* Also writes every canonical line to f (not owned); NULL stops. */
void trace_set_text_out(struct trace *t, FILE *f);

/*
 * Formats the canonical line of a transition into buf (NUL-terminated,
 * truncated to len), returning the length it needs without the NUL.
 */
size_t trace_format_line(char *buf, size_t len, uint64_t seq, int64_t vtime_ns,
    int pid, int tid, const char *func, const char *object, const char *field,
    const char *old, const char *new);

/*
 * trace_format_line() with a new value of newlen bytes, NUL bytes written
 * \x00 (the line of a trace_transition_n() transition).
 */
size_t trace_format_line_n(char *buf, size_t len, uint64_t seq,
    int64_t vtime_ns, int pid, int tid, const char *func, const char *object,
    const char *field, const char *old, const char *new, size_t newlen);

/*
 * Formats v in decimal into buf (at least 21 bytes), NUL-terminated;
 * returns the length.  snprintf is the simulator's hottest cost otherwise.
 */
size_t trace_fmt_i64(char *buf, int64_t v);

/* A search of evsim explore: its 'explore' row (trace_schema.h). */
struct trace_explore {
	int64_t id; /* 0 until first saved */
	const char *path, *source_hash, *kernel, *strategy, *shard, *status;
	const char *failpoints; /* NAME=SPEC ..., sorted by name; "" none */
	uint64_t seed_base, runs, next, done, failures, crashes;
	uint64_t fp_budget; /* 0: the default */
	bool keep_going;
};

/*
 * Inserts (id 0: *e->id is set) or updates the row of a search, and
 * commits.  Returns 0 or EIO (err filled).
 */
int trace_explore_save(
    struct trace *t, struct trace_explore *e, char *err, size_t errlen);

/*
 * What one invocation of a search found: its 'explore_stats' row (the
 * workers' sums; per_bound: nbounds dfs counts by preemptions).
 */
struct trace_explore_stats {
	uint64_t done, failures, pruned, beyond, steps;
	bool exhausted;
	const uint64_t *per_bound;
	int nbounds;
};

/* One failure signature a search reported: its 'explore_sigs' row. */
struct trace_explore_sig {
	const char *status, *func, *message;
	uint64_t count, first_key, first_seed;
	int first_preempt;
	int64_t rec_run; /* the recorded minimal run, 0: none */
	uint64_t orig[6], min[6]; /* decisions, preemptions, choose, other,
				     transitions, failing fail points */
	int attempts;
	bool replay_ok;
	const uint64_t *seeds;
	int nseeds;
};

/*
 * Adds the row of one invocation of search explore_id, or of one of its
 * signatures, and commits.  Return 0 or EIO (err filled).
 */
int trace_explore_stats_save(struct trace *t, int64_t explore_id,
    const struct trace_explore_stats *s, char *err, size_t errlen);
int trace_explore_sig_save(struct trace *t, int64_t explore_id,
    const struct trace_explore_sig *g, char *err, size_t errlen);

/* Whether the sink records into a database (false for NULL: no sink). */
bool trace_recording(const struct trace *t);

#endif /* ENGINE_TRACE_H */
