/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one reader of a run's transitions in the compact tables of
 * trace_schema.h: a cursor over the key range (run - 1) << 32 | seq of
 * trace_rows, decoding trace_chg and trace_str through fixed-size caches and
 * carrying trace_ctx's (vtime, pid, tid) from the transition where they last
 * changed.  Memory stays bounded however long the run is, and a window
 * from..to costs a seek, not a scan of the run.  It needs SQLite only, so
 * that both engine/tracedb.c (trace, replay, diff) and reports/ read rows
 * the same way.
 */
#ifndef ENGINE_TRACEROWS_H
#define ENGINE_TRACEROWS_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

struct tracerows;

/* One transition; the strings are valid until the next call. */
struct tracerows_row {
	uint64_t seq;
	int64_t vtime;
	int pid;
	int tid;
	const char *func, *object, *field, *old, *new; /* NULL: SQL NULL */
	size_t newlen; /* bytes of new (which may hold NUL bytes) */
	uint32_t object_id; /* the string number of object (0: NULL) */
};

/*
 * Opens a cursor on the transitions of run with from_seq <= seq <= to_seq
 * (to_seq 0: to the end) in db, which the caller keeps open.  Returns 0,
 * ENOMEM, or EIO (the statements cannot be prepared: not an evsim database
 * of this schema; sqlite3_errmsg(db) says why).  Free with tracerows_close.
 */
int tracerows_open(struct tracerows **ret_c, sqlite3 *db, int64_t run,
    uint64_t from_seq, uint64_t to_seq);

/*
 * Keeps only the transitions on the object with string number object_id
 * (tracerows_str_id) and the one at keep_seq (0: none); object_id 0 keeps
 * every transition.  Rows of other objects are skipped without decoding.
 */
void tracerows_filter(
    struct tracerows *c, uint32_t object_id, uint64_t keep_seq);

/*
 * Reads the next transition into *row.  Returns 0, ENOENT after the last
 * one, EIO on an SQLite error (the database changed or is damaged), or
 * ENOMEM.
 */
int tracerows_next(struct tracerows *c, struct tracerows_row *row);

/* Closes; NULL is a no-op. */
void tracerows_close(struct tracerows *c);

/*
 * The string number of text in run's dictionary (trace_str), or 0 when the
 * run has no such string (then no transition names it).
 */
uint32_t tracerows_str_id(sqlite3 *db, int64_t run, const char *text);

/*
 * The first and last seq of run's transitions into *first and *last (both
 * 0 for a run without any).  Returns 0 or EIO.
 */
int tracerows_range(sqlite3 *db, int64_t run, uint64_t *first, uint64_t *last);

/*
 * The number of run's transitions on object object_id (0: of every
 * object), counted on the integer keys without decoding.  Returns 0 or EIO.
 */
int tracerows_count(
    sqlite3 *db, int64_t run, uint32_t object_id, uint64_t *ret_n);

#endif /* ENGINE_TRACEROWS_H */
