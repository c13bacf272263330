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
#define TRACE_SCHEMA_VERSION 1

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
	"CREATE TABLE IF NOT EXISTS trace("                                    \
	"  run_id INTEGER NOT NULL, seq INTEGER NOT NULL, vtime INTEGER,"      \
	"  pid INTEGER, tid INTEGER, func TEXT, object TEXT, field TEXT,"      \
	"  old TEXT, new TEXT, PRIMARY KEY (run_id, seq)) WITHOUT ROWID;"      \
	"CREATE TABLE IF NOT EXISTS syscalls("                                 \
	"  run_id INTEGER NOT NULL, sc_seq INTEGER NOT NULL, seq INTEGER,"     \
	"  vtime INTEGER, pid INTEGER, tid INTEGER, name TEXT, args TEXT,"     \
	"  result TEXT, errno TEXT, end_seq INTEGER, end_vtime INTEGER,"       \
	"  PRIMARY KEY (run_id, sc_seq)) WITHOUT ROWID;"                       \
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
#define TRACE_SCHEMA_ALL_SQL TRACE_SCHEMA_SQL TRACE_SCHEMA_EXPLORE_SQL

#endif /* ENGINE_TRACE_SCHEMA_H */
