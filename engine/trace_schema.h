/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The trace database schema (the tables of evsim-db(5)).  This is the
 * one contract between the recorder (engine/trace.c) and its readers
 * (reports/, replay, diff).  Changing a table means bumping
 * TRACE_SCHEMA_VERSION; readers refuse versions they do not know.
 *
 * Extensions to the SPEC minimum, all documented in README.md:
 *   evsim_meta       marks the file as an evsim database (format, version);
 *   runs.*           fail_func/fail_seq (where a failure happened),
 *                    syscalls/decisions (counts), args (command line);
 *   syscalls.*       end_seq/end_vtime (the span of a blocking call);
 *   decisions.*      vtime, tid (thread that reached the point), kind
 *                    ("sched" or "choose"), label;
 *   threads          one row per simulated thread, kernel threads included.
 *
 * 'syscalls' is keyed by sc_seq (every call has its row, also the many that
 * change no kernel state at the same seq); 'objects' holds one row per object
 * named in 'trace' with its current label; 'modules' holds the text of every
 * module the run require()d, which replay loads from here only.
 */
#ifndef ENGINE_TRACE_SCHEMA_H
#define ENGINE_TRACE_SCHEMA_H

#define TRACE_SCHEMA_FORMAT "evsim-trace"
#define TRACE_SCHEMA_VERSION 2

#define TRACE_SCHEMA_SQL                                                       \
	"CREATE TABLE IF NOT EXISTS evsim_meta("                               \
	"  key TEXT PRIMARY KEY, value TEXT NOT NULL);"                        \
	"CREATE TABLE IF NOT EXISTS runs("                                     \
	"  id INTEGER PRIMARY KEY, scenario TEXT, path TEXT, source TEXT,"     \
	"  kernel TEXT, seed INTEGER, strategy TEXT, status TEXT,"             \
	"  message TEXT, vtime_end INTEGER, transitions INTEGER,"              \
	"  trace_hash TEXT, engine_version TEXT, created_at TEXT,"             \
	"  fail_func TEXT, fail_seq INTEGER, syscalls INTEGER,"                \
	"  decisions INTEGER, args TEXT);"                                     \
	"CREATE TABLE IF NOT EXISTS trace_str("                                \
	"  id INTEGER PRIMARY KEY, text TEXT);"                                \
	"CREATE TABLE IF NOT EXISTS trace_chg("                                \
	"  id INTEGER PRIMARY KEY, func INTEGER, field INTEGER, old INTEGER,"  \
	"  new INTEGER);"                                                      \
	"CREATE TABLE IF NOT EXISTS trace_ctx("                                \
	"  id INTEGER PRIMARY KEY, vtime INTEGER, pid INTEGER, tid INTEGER);"  \
	"CREATE TABLE IF NOT EXISTS trace_rows("                               \
	"  id INTEGER PRIMARY KEY, object INTEGER, chg INTEGER);"              \
	"CREATE TABLE IF NOT EXISTS syscall_rows("                             \
	"  id INTEGER PRIMARY KEY, seq INTEGER, vtime INTEGER, pid INTEGER,"   \
	"  tid INTEGER, name INTEGER, args INTEGER, result INTEGER,"           \
	"  errno INTEGER, end_seq INTEGER, end_vtime INTEGER);"                \
	"CREATE TABLE IF NOT EXISTS decisions("                                \
	"  run_id INTEGER NOT NULL, step INTEGER NOT NULL, seq INTEGER,"       \
	"  vtime INTEGER, tid INTEGER, kind TEXT, chosen INTEGER,"             \
	"  runnable TEXT, label TEXT, PRIMARY KEY (run_id, step))"             \
	"  WITHOUT ROWID;"                                                     \
	"CREATE TABLE IF NOT EXISTS threads("                                  \
	"  run_id INTEGER NOT NULL, tid INTEGER NOT NULL, pid INTEGER,"        \
	"  name TEXT, kind TEXT, start_seq INTEGER, end_seq INTEGER,"          \
	"  PRIMARY KEY (run_id, tid)) WITHOUT ROWID;"                          \
	"CREATE TABLE IF NOT EXISTS objects("                                  \
	"  run_id INTEGER NOT NULL, object TEXT NOT NULL, kind TEXT,"          \
	"  label TEXT, created_seq INTEGER, freed_seq INTEGER,"                \
	"  PRIMARY KEY (run_id, object)) WITHOUT ROWID;"                       \
	"CREATE TABLE IF NOT EXISTS modules("                                  \
	"  run_id INTEGER NOT NULL, name TEXT NOT NULL, source TEXT,"          \
	"  PRIMARY KEY (run_id, name)) WITHOUT ROWID;"

/*
 * The readable forms of the compact tables: 'trace' and 'syscalls' with the
 * columns of evsim-db(5).  Rows are keyed by (run_id - 1) << 32 | seq (sc_seq
 * for syscalls, the string or tuple number for the dictionaries), so a run's
 * rows are one range of the integer key; trace_ctx holds (vtime, pid, tid) from
 * the transition where they last changed. TRACE_VIEW_SELECT is also the
 * temporary view every reader of evsim creates for itself (tracedb_open):
 * readers disable the views stored in a file, which a hostile file could have
 * redefined.
 */
#define TRACE_VIEW_TRACE_SELECT                                                \
	"SELECT r.id AS run_id, t.id - ((r.id - 1) << 32) AS seq, c.vtime AS " \
	"vtime,"                                                               \
	" c.pid AS pid, c.tid AS tid, f.text AS func, o.text AS object,"       \
	" d.text AS field, a.text AS old, b.text AS new"                       \
	" FROM runs r JOIN trace_rows t ON t.id > ((r.id - 1) << 32)"          \
	"  AND t.id < (r.id << 32)"                                            \
	" JOIN trace_ctx c ON c.id = (SELECT max(x.id) FROM trace_ctx x"       \
	"  WHERE x.id <= t.id)"                                                \
	" LEFT JOIN trace_chg g ON g.id = ((r.id - 1) << 32 | t.chg)"          \
	" LEFT JOIN trace_str o ON o.id = ((r.id - 1) << 32 | t.object)"       \
	" LEFT JOIN trace_str f ON f.id = ((r.id - 1) << 32 | g.func)"         \
	" LEFT JOIN trace_str d ON d.id = ((r.id - 1) << 32 | g.field)"        \
	" LEFT JOIN trace_str a ON a.id = ((r.id - 1) << 32 | g.old)"          \
	" LEFT JOIN trace_str b ON b.id = ((r.id - 1) << 32 | g.new)"

#define TRACE_VIEW_SYSCALLS_SELECT                                             \
	"SELECT r.id AS run_id, s.id - ((r.id - 1) << 32) AS sc_seq, s.seq "   \
	"AS seq,"                                                              \
	" s.vtime AS vtime, s.pid AS pid, s.tid AS tid, n.text AS name,"       \
	" a.text AS args, b.text AS result, e.text AS errno,"                  \
	" s.seq + s.end_seq AS end_seq, s.vtime + s.end_vtime AS end_vtime"    \
	" FROM runs r JOIN syscall_rows s ON s.id > ((r.id - 1) << 32)"        \
	"  AND s.id < (r.id << 32)"                                            \
	" LEFT JOIN trace_str n ON n.id = ((r.id - 1) << 32 | s.name)"         \
	" LEFT JOIN trace_str a ON a.id = ((r.id - 1) << 32 | s.args)"         \
	" LEFT JOIN trace_str b ON b.id = ((r.id - 1) << 32 | s.result)"       \
	" LEFT JOIN trace_str e ON e.id = ((r.id - 1) << 32 | s.errno)"

#define TRACE_SCHEMA_VIEWS_SQL                                                 \
	"CREATE VIEW IF NOT EXISTS trace AS " TRACE_VIEW_TRACE_SELECT ";"      \
	"CREATE VIEW IF NOT EXISTS syscalls AS " TRACE_VIEW_SYSCALLS_SELECT    \
	";"

/* The same views for one connection, ahead of the file's own. */
#define TRACE_SCHEMA_TEMP_VIEWS_SQL                                            \
	"CREATE TEMP VIEW IF NOT EXISTS trace AS " TRACE_VIEW_TRACE_SELECT ";" \
	"CREATE TEMP VIEW IF NOT EXISTS syscalls "                             \
	"AS " TRACE_VIEW_SYSCALLS_SELECT ";"

/*
 * Packing rows of the flat form (the columns of the views) into the compact
 * tables, for tests that write a database by hand and for converting a
 * database of schema version 1 (whose trace and syscalls tables had these
 * columns): fill temp.flat_trace and temp.flat_syscalls, then run
 * TRACE_SCHEMA_PACK_SQL, which empties them again.  Runs must not already
 * have compact rows.
 */
#define TRACE_SCHEMA_FLAT_SQL                                                  \
	"CREATE TEMP TABLE IF NOT EXISTS flat_trace(run_id, seq, vtime, pid,"  \
	"  tid, func, object, field, old, new);"                               \
	"CREATE TEMP TABLE IF NOT EXISTS flat_syscalls(run_id, sc_seq, seq,"   \
	"  vtime, pid, tid, name, args, result, errno, end_seq, end_vtime);"

#define TRACE_SCHEMA_PACK_SQL                                                  \
	"CREATE TEMP TABLE flat_str AS SELECT run_id, s, row_number() OVER"    \
	"  (PARTITION BY run_id ORDER BY s) AS n FROM ("                       \
	"  SELECT run_id, func AS s FROM flat_trace"                           \
	"  UNION SELECT run_id, object FROM flat_trace"                        \
	"  UNION SELECT run_id, field FROM flat_trace"                         \
	"  UNION SELECT run_id, old FROM flat_trace"                           \
	"  UNION SELECT run_id, new FROM flat_trace"                           \
	"  UNION SELECT run_id, name FROM flat_syscalls"                       \
	"  UNION SELECT run_id, args FROM flat_syscalls"                       \
	"  UNION SELECT run_id, result FROM flat_syscalls"                     \
	"  UNION SELECT run_id, errno FROM flat_syscalls) WHERE s IS NOT "     \
	"NULL;"                                                                \
	"CREATE INDEX temp.flat_str_s ON flat_str(run_id, s);"                 \
	"INSERT INTO main.trace_str SELECT ((run_id - 1) << 32) | n, s"        \
	"  FROM flat_str ORDER BY 1;"                                          \
	"CREATE TEMP TABLE flat_ids AS SELECT t.run_id AS run_id, t.seq AS "   \
	"seq,"                                                                 \
	"  (SELECT n FROM flat_str x WHERE x.run_id = t.run_id"                \
	"   AND x.s = t.func) AS f,"                                           \
	"  (SELECT n FROM flat_str x WHERE x.run_id = t.run_id"                \
	"   AND x.s = t.object) AS ob,"                                        \
	"  (SELECT n FROM flat_str x WHERE x.run_id = t.run_id"                \
	"   AND x.s = t.field) AS d,"                                          \
	"  (SELECT n FROM flat_str x WHERE x.run_id = t.run_id"                \
	"   AND x.s = t.old) AS o,"                                            \
	"  (SELECT n FROM flat_str x WHERE x.run_id = t.run_id"                \
	"   AND x.s = t.new) AS w FROM flat_trace t;"                          \
	"CREATE TEMP TABLE flat_chg AS SELECT run_id, f, d, o, w,"             \
	"  row_number() OVER (PARTITION BY run_id ORDER BY min(seq)) AS n"     \
	"  FROM flat_ids GROUP BY run_id, f, d, o, w;"                         \
	"INSERT INTO main.trace_chg SELECT ((run_id - 1) << 32) | n, f, d, o," \
	"  w FROM flat_chg ORDER BY 1;"                                        \
	"INSERT INTO main.trace_ctx SELECT ((run_id - 1) << 32) | seq, vtime," \
	"  pid, tid FROM (SELECT run_id, seq, vtime, pid, tid,"                \
	"  lag(vtime) OVER w AS pv, lag(pid) OVER w AS pp, lag(tid) OVER w"    \
	"  AS pt, row_number() OVER w AS k FROM flat_trace"                    \
	"  WINDOW w AS (PARTITION BY run_id ORDER BY seq))"                    \
	"  WHERE k = 1 OR pv IS NOT vtime OR pp IS NOT pid OR pt IS NOT tid"   \
	"  ORDER BY 1;"                                                        \
	"INSERT INTO main.trace_rows SELECT ((i.run_id - 1) << 32) | i.seq,"   \
	"  i.ob, c.n FROM flat_ids i JOIN flat_chg c ON c.run_id = i.run_id"   \
	"  AND c.f IS i.f AND c.d IS i.d AND c.o IS i.o AND c.w IS i.w"        \
	"  ORDER BY 1;"                                                        \
	"INSERT INTO main.syscall_rows SELECT ((s.run_id - 1) << 32)"          \
	"  | s.sc_seq, s.seq, s.vtime, s.pid, s.tid,"                          \
	"  (SELECT n FROM flat_str x WHERE x.run_id = s.run_id"                \
	"   AND x.s = s.name),"                                                \
	"  (SELECT n FROM flat_str x WHERE x.run_id = s.run_id"                \
	"   AND x.s = s.args),"                                                \
	"  (SELECT n FROM flat_str x WHERE x.run_id = s.run_id"                \
	"   AND x.s = s.result),"                                              \
	"  (SELECT n FROM flat_str x WHERE x.run_id = s.run_id"                \
	"   AND x.s = s.errno),"                                               \
	"  s.end_seq - s.seq, s.end_vtime - s.vtime FROM flat_syscalls s"      \
	"  ORDER BY 1;"                                                        \
	"DROP TABLE temp.flat_ids; DROP TABLE temp.flat_chg;"                  \
	"DROP TABLE temp.flat_str; DELETE FROM temp.flat_trace;"               \
	"DELETE FROM temp.flat_syscalls;"

/*
 * The searches of evsim explore, one row each, kept up to date while it
 * runs so that --resume can continue one: 'next' is the first schedule of
 * the shard (in the shard's own numbering) not yet explored by every
 * worker, for dfs the first part (bound << 32 | slice); status is running,
 * interrupted, stopped (a failure ended it), error or complete.
 * failpoints are the search's --failpoint settings, NAME=SPEC sorted by
 * name and separated by spaces ('' for none), fp_budget its --fp-budget (0:
 * the default); databases made before these two columns get them added
 * (TRACE_SCHEMA_EXPLORE_ADD_SQL) when opened for writing.
 * What each invocation of a search found, so that evsim merge can combine
 * the searches of many shards as one: 'explore_stats' (one row per
 * invocation: its workers' sums; per_bound the dfs counts by preemptions,
 * space-separated) and 'explore_sigs' (one row per failure signature it
 * reported: the signature, its count, its first schedule key and seed, the
 * recorded minimal run 'rec_run', the sizes "decisions preemptions
 * choose-deviations other-deviations transitions" before and after
 * shrinking, and up to 16 failing schedule numbers, space-separated).
 */
#define TRACE_SCHEMA_EXPLORE_SQL                                               \
	"CREATE TABLE IF NOT EXISTS explore("                                  \
	"  id INTEGER PRIMARY KEY, path TEXT, source_hash TEXT, kernel TEXT,"  \
	"  strategy TEXT, seed_base INTEGER, runs INTEGER, shard TEXT,"        \
	"  keep_going INTEGER, status TEXT, next INTEGER, done INTEGER,"       \
	"  failures INTEGER, crashes INTEGER, started_at TEXT,"                \
	"  updated_at TEXT, failpoints TEXT, fp_budget INTEGER);"              \
	"CREATE TABLE IF NOT EXISTS explore_stats("                            \
	"  id INTEGER PRIMARY KEY, explore_id INTEGER, done INTEGER,"          \
	"  failures INTEGER, pruned INTEGER, beyond INTEGER,"                  \
	"  exhausted INTEGER, steps INTEGER, per_bound TEXT);"                 \
	"CREATE TABLE IF NOT EXISTS explore_sigs("                             \
	"  id INTEGER PRIMARY KEY, explore_id INTEGER, status TEXT,"           \
	"  func TEXT, message TEXT, count INTEGER, first_key INTEGER,"         \
	"  first_seed INTEGER, first_preempt INTEGER, rec_run INTEGER,"        \
	"  orig TEXT, min TEXT, attempts INTEGER, replay_ok INTEGER,"          \
	"  seeds TEXT);"

#define TRACE_SCHEMA_EXPLORE_ADD_SQL                                           \
	"ALTER TABLE explore ADD COLUMN failpoints TEXT;"                      \
	"ALTER TABLE explore ADD COLUMN fp_budget INTEGER;"

/* Everything a database of this version may hold. */
#define TRACE_SCHEMA_ALL_SQL                                                   \
	TRACE_SCHEMA_SQL TRACE_SCHEMA_VIEWS_SQL TRACE_SCHEMA_EXPLORE_SQL

#endif /* ENGINE_TRACE_SCHEMA_H */
