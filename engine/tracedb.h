/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one reader of the trace database that engine/trace.c writes: opening
 * a file and checking that it is an evsim database of this schema version,
 * resolving run ids, a run's header row, its canonical text lines (the form
 * the trace hash is computed over) all at once or streamed through a cursor,
 * its decision log, and copying runs from one database into another
 * (merge).  Every evsim subcommand and replay read through here; reports/
 * reads the schema by itself.  Every connection opened here has temporary
 * views 'trace' and 'syscalls' (trace_schema.h) over the compact tables.
 */
#ifndef ENGINE_TRACEDB_H
#define ENGINE_TRACEDB_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "sched.h"
#include "tracerows.h"

struct tracedb;

/* A run's 'runs' row, the columns replay needs. */
struct tracedb_run {
	int64_t id;
	char *source; /* the scenario's full text */
	char *path; /* the file it was loaded from */
	char *kernel; /* kernel name with revision */
	uint64_t seed;
	char *trace_hash; /* 16 hex digits, or "" while running */
	char *engine_version;
	char *status; /* "running", "passed", ... */
	char *message; /* the status's message, "" for none */
};

/*
 * Makes a connection safe for a database of unknown origin: SQLite's
 * defensive mode, triggers and views disabled, schema functions untrusted,
 * no extensions.  Call right after opening, before any statement.
 */
void tracedb_harden(sqlite3 *db);

/*
 * Checks that the schema of an open database holds only the tables and
 * indexes evsim creates (trace_schema.h; SQLite's own sqlite_stat tables
 * are allowed).  Returns 0, or EINVAL with "PATH: ..." naming every
 * foreign trigger, view, table or index in err.  Reads, never writes.
 */
int tracedb_check_schema(
    sqlite3 *db, const char *path, char *err, size_t errlen);

/*
 * Checks the 'evsim_meta' marker of an open database: the format and the
 * schema version.  Returns 0, or EINVAL with "PATH: why" in err.
 */
int tracedb_check_meta(sqlite3 *db, const char *path, char *err, size_t errlen);

/*
 * Opens path read-only and checks that it is an evsim database of this
 * schema version with every per-run table.  Returns 0, or ENOENT (or the
 * errno of access) when the file cannot be read, or EINVAL when it is not
 * an evsim database; err holds "PATH: why".  Free with tracedb_close.
 */
int tracedb_open(
    struct tracedb **ret_db, const char *path, char *err, size_t errlen);

/* Closes; NULL is a no-op. */
void tracedb_close(struct tracedb *db);

/* The SQLite handle, for queries of one command's own (coverage). */
sqlite3 *tracedb_sqlite(struct tracedb *db);

/*
 * Resolves *run: 0 becomes the latest run, any other id must exist.
 * Returns 0, or ENOENT with "PATH: no runs recorded" or "PATH: no run N"
 * in err.
 */
int tracedb_run_resolve(
    struct tracedb *db, int64_t *run, char *err, size_t errlen);

/*
 * Reads the 'runs' row of run (resolved) into *r; free its strings with
 * tracedb_run_free.  Returns 0, or EINVAL (err filled).
 */
int tracedb_run_header(struct tracedb *db, int64_t run, struct tracedb_run *r,
    char *err, size_t errlen);

void tracedb_run_free(struct tracedb_run *r);

/*
 * Loads the canonical lines of a run, each with its newline, in sequence
 * order.  The caller frees them with tracedb_lines_free.  Out of memory is
 * fatal.  Memory grows with the run: prefer a cursor (below).
 */
void tracedb_lines(
    struct tracedb *db, int64_t run, char ***ret_lines, size_t *ret_n);

void tracedb_lines_free(char **lines, size_t n);

/*
 * Streaming: a cursor over the transitions of a run in sequence order,
 * from transition from_seq (1: the first).  Memory stays bounded however
 * long the run is: rows are read as they are asked for, and the strings
 * they name go through a fixed-size cache.
 */
struct tracedb_cursor;

/* A transition is a struct tracerows_row (tracerows.h). */

/* Opens a cursor on run (resolved).  Out of memory is fatal. */
struct tracedb_cursor *tracedb_cursor_open(
    struct tracedb *db, int64_t run, uint64_t from_seq);

/*
 * Reads the next transition into *row; returns 1, or 0 after the last one,
 * or -1 on an SQLite error (the database changed or is damaged; message
 * on stderr).
 */
int tracedb_cursor_next(struct tracedb_cursor *c, struct tracerows_row *row);

/*
 * The canonical line of the transition last read (with its newline and a
 * NUL); *len (when not NULL) receives its length.  Valid until the next
 * call.
 */
const char *tracedb_cursor_line(struct tracedb_cursor *c, size_t *len);

/* Closes; NULL is a no-op. */
void tracedb_cursor_close(struct tracedb_cursor *c);

/*
 * The number of transitions recorded for run: the last seq (a run still
 * 'running' has fewer than it will have).
 */
uint64_t tracedb_transitions(struct tracedb *db, int64_t run);

/*
 * Loads the decision log of a run in step order, in the form the 'replay'
 * strategy follows.  Free with tracedb_decisions_free.  Out of memory is
 * fatal.
 */
void tracedb_decisions(struct tracedb *db, int64_t run,
    struct sched_decision **ret_log, size_t *ret_n);

void tracedb_decisions_free(struct sched_decision *log, size_t n);

/*
 * Streaming: the decision log of a run (resolved) read in step order a
 * decision at a time, so memory does not grow with the log.  A log that
 * cannot be read ends there, as tracedb_decisions's does.  Out of memory is
 * fatal.
 */
struct tracedb_decisions_cursor;

struct tracedb_decisions_cursor *tracedb_decisions_open(
    struct tracedb *db, int64_t run);

/*
 * Stores the next decision in *d and returns true, or returns false past
 * the log's end; d->runnable is valid until the next call or the close.
 */
bool tracedb_decisions_next(
    struct tracedb_decisions_cursor *c, struct sched_decision *d);

void tracedb_decisions_close(struct tracedb_decisions_cursor *c);

/* A module a run require()d: its name and len bytes of source. */
struct tracedb_module {
	char *name;
	char *source;
	size_t len;
};

/*
 * Loads the modules recorded with run (none from a database that predates
 * the 'modules' table).  Free with tracedb_modules_free.
 */
void tracedb_modules(struct tracedb *db, int64_t run,
    struct tracedb_module **ret_mods, size_t *ret_n);
void tracedb_modules_free(struct tracedb_module *mods, size_t n);

/*
 * Loads the fail-point settings a run made before its first thread started
 * (the scenario's 'failpoints' field, then the command line), as NAME=SPEC
 * in sequence order: what a re-execution applies again.  Free with
 * tracedb_lines_free.  Out of memory is fatal.
 */
void tracedb_failpoints(
    struct tracedb *db, int64_t run, char ***ret_specs, size_t *ret_n);

/*
 * The latest search of evsim explore in db with the same path, source hash,
 * kernel, strategy, seed base, shard and keep_going as key (its other
 * fields ignored): fills key->id, next, done, failures, crashes,
 * *status and *failpoints (malloc'd; '' when it had none or its database
 * predates the column) and *fp_budget.  Returns 0, or ENOENT when there is
 * none.
 */
struct trace_explore;
int tracedb_explore_find(struct tracedb *db, struct trace_explore *key,
    char **status, char **failpoints, uint64_t *fp_budget);

/*
 * Whether in is a readable evsim database of this schema version (the
 * check of tracedb_open).  Returns 0, or an errno with err filled.
 */
int tracedb_check_file(const char *in, char *err, size_t errlen);

/*
 * Copies runs (all when runs is NULL) of the database in into out, which is
 * created if missing, numbering them after out's highest run id, with the
 * rows of every per-run table both have.  new_ids[i] receives the new id of
 * the i-th copied run in id order (when not NULL; room for nruns, or for
 * *ret_n runs when runs is NULL).  *ret_n (when not NULL) receives the
 * number copied.  Returns 0, or EINVAL (in is not an evsim database, or a
 * table's columns differ) or EIO (SQLite), with err filled.
 */
int tracedb_merge(const char *out, const char *in, const int64_t *runs,
    size_t nruns, int64_t *new_ids, size_t *ret_n, char *err, size_t errlen);

/*
 * tracedb_merge of the runs runs[0..nruns) of in, run runs[i] numbered
 * *base + ranks[i] in out (ranks distinct and positive); *base, when
 * negative, is first set to out's highest run id.  So that runs of several
 * inputs get the ids of one order, each input in one merge: the caller
 * keeps *base for the next input.  For databases this process made or
 * checked (evsim explore's --db, opened with trace_open, and its workers'
 * files): neither is checked again, and out must exist.
 */
int tracedb_merge_ranked(const char *out, const char *in, const int64_t *runs,
    const int64_t *ranks, size_t nruns, int64_t *base, char *err,
    size_t errlen);

#endif /* ENGINE_TRACEDB_H */
