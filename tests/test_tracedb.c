/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tests for engine/tracedb.c, the reader: a run written by engine/trace.c
 * reads back as the very lines the writer hashed (same XXH3), with its
 * header and decision log; run ids resolve (0: the latest); files that are
 * not evsim databases, of another schema version or missing a table are
 * refused with a one-line reason; merge renumbers runs after the output's
 * highest and copies their rows.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>
#include <stdbool.h>
#include <xxhash.h>

#include "../engine/trace.h"
#include "../engine/tracedb.h"

static void
tmp_path(char *path, size_t len)
{
	int fd;

	snprintf(path, len, "/tmp/evsim-test-tracedb-XXXXXX");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
	unlink(path); /* trace_open creates it */
}

static void
tmp_remove(const char *path)
{
	char side[128];

	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
}

/* Writes one run of n transitions with seed; returns its trace hash. */
static void
write_run(const char *path, uint64_t seed, int n, char hex[17])
{
	struct trace_run_info info = { .scenario = "s",
		.path = "scenarios/s.lua",
		.source = "return {}",
		.kernel = "freebsd",
		.strategy = "fifo",
		.args = "test",
		.seed = (int64_t)seed };
	struct trace *t;
	char err[256], obj[32], val[32];
	int64_t run_id;
	int i;

	cr_assert_eq(trace_open(&t, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(trace_run_begin(t, &info, &run_id, err, sizeof(err)), 0);
	trace_thread(t, 100, 1, "main", "user");
	for (i = 0; i < n; i++) {
		snprintf(obj, sizeof(obj), "knote#%d", i % 3);
		snprintf(val, sizeof(val), "v%" PRIu64 "\t%d", seed, i);
		trace_transition(t, i * 10, 1, 100, "knote_enqueue", obj,
		    "kn_status", "", val);
		if (i % 2 == 0)
			trace_decision(t, (uint64_t)i / 2 + 1, i * 10, 100,
			    i % 4 == 0 ? "sched" : "choose", 100 + i, "100,101",
			    NULL);
	}
	trace_hash_hex(t, hex);
	cr_assert_eq(
	    trace_run_end(t, "passed", "", NULL, n * 10, err, sizeof(err)), 0);
	trace_close(t);
}

Test(tracedb, lines_read_back_hash_as_written)
{
	struct tracedb *db;
	struct tracedb_run r;
	struct sched_decision *log;
	char path[64], err[256], hex[17], got[17];
	char **lines;
	size_t n, k, nlog;
	int64_t run = 0;
	XXH3_state_t *h;

	tmp_path(path, sizeof(path));
	write_run(path, 7, 9, hex);
	write_run(path, 8, 5, hex);
	cr_assert_eq(tracedb_open(&db, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(tracedb_run_resolve(db, &run, err, sizeof(err)), 0);
	cr_assert_eq(run, 2, "0 resolves to the latest run");
	cr_assert_eq(tracedb_run_header(db, run, &r, err, sizeof(err)), 0);
	cr_assert_eq(r.seed, 8);
	cr_assert_str_eq(r.kernel, "freebsd");
	cr_assert_str_eq(r.source, "return {}");
	cr_assert_str_eq(r.status, "passed");
	cr_assert_str_eq(r.trace_hash, hex);
	tracedb_run_free(&r);
	tracedb_lines(db, run, &lines, &n);
	cr_assert_eq(n, 5);
	cr_assert_str_eq(lines[1],
	    "2\t10\t1\t100\tknote_enqueue\tknote#1\tkn_status\t\tv8\\t1\n");
	h = XXH3_createState();
	XXH3_64bits_reset(h);
	for (k = 0; k < n; k++)
		XXH3_64bits_update(h, lines[k], strlen(lines[k]));
	snprintf(
	    got, sizeof(got), "%016" PRIx64, (uint64_t)XXH3_64bits_digest(h));
	XXH3_freeState(h);
	cr_assert_str_eq(got, hex, "the lines are the ones the writer hashed");
	tracedb_lines_free(lines, n);
	tracedb_decisions(db, run, &log, &nlog);
	cr_assert_eq(nlog, 3);
	cr_assert(!log[0].is_choose);
	cr_assert_str_eq(log[0].runnable, "100,101");
	cr_assert(log[1].is_choose);
	cr_assert_null(
	    log[1].runnable, "a choice's runnable set is not checked");
	cr_assert_eq(log[2].chosen, 104);
	tracedb_decisions_free(log, nlog);
	run = 3;
	cr_assert_eq(tracedb_run_resolve(db, &run, err, sizeof(err)), ENOENT);
	cr_assert(strstr(err, "no run 3") != NULL, "err: %s", err);
	tracedb_close(db);
	tracedb_close(NULL);
	tmp_remove(path);
}

static void
exec_sql(const char *path, const char *sql)
{
	sqlite3 *db;

	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK, "%s",
	    sqlite3_errmsg(db));
	sqlite3_close(db);
}

static void
refused(const char *path, const char *needle)
{
	struct tracedb *db = NULL;
	char err[512];

	cr_assert_neq(tracedb_open(&db, path, err, sizeof(err)), 0);
	cr_assert(strstr(err, needle) != NULL, "err: %s", err);
	cr_assert(strchr(err, '\n') == NULL, "one line: %s", err);
	cr_assert_eq(tracedb_check_file(path, err, sizeof(err)) != 0, true);
}

Test(tracedb, refuses_what_is_not_an_evsim_database)
{
	char path[64], hex[17];
	FILE *f;

	tmp_path(path, sizeof(path));
	refused(path, "No such file");
	f = fopen(path, "w");
	fputs("not a database\n", f);
	fclose(f);
	refused(path, "not an evsim database");
	unlink(path);
	exec_sql(path, "CREATE TABLE t(x)");
	refused(path, "not an evsim database (no evsim_meta table)");
	tmp_remove(path);

	write_run(path, 1, 2, hex);
	exec_sql(path,
	    "UPDATE evsim_meta SET value = '999'"
	    " WHERE key = 'schema_version'");
	refused(path, "schema version 999");
	tmp_remove(path);

	write_run(path, 1, 2, hex);
	exec_sql(path, "DROP TABLE decisions");
	refused(path, "missing table decisions");
	tmp_remove(path);
}

Test(tracedb, merge_renumbers_after_the_output)
{
	struct tracedb *db;
	char in[64], out[64], err[256], hex[17], hin[17];
	int64_t ids[4], run;
	size_t n = 4, nl;
	char **lines;

	tmp_path(in, sizeof(in));
	tmp_path(out, sizeof(out));
	write_run(out, 1, 3, hex);
	write_run(in, 2, 4, hex);
	write_run(in, 3, 6, hin);
	cr_assert_eq(tracedb_merge(out, in, NULL, 0, ids, &n, err, sizeof(err)),
	    0, "%s", err);
	cr_assert_eq(n, 2);
	cr_assert_eq(ids[0], 2);
	cr_assert_eq(ids[1], 3);
	cr_assert_eq(tracedb_open(&db, out, err, sizeof(err)), 0, "%s", err);
	run = 0;
	cr_assert_eq(tracedb_run_resolve(db, &run, err, sizeof(err)), 0);
	cr_assert_eq(run, 3);
	tracedb_lines(db, 3, &lines, &nl);
	cr_assert_eq(nl, 6, "the trace rows came along");
	tracedb_lines_free(lines, nl);
	tracedb_close(db);
	/* Only the runs asked for. */
	run = 2;
	n = 1;
	cr_assert_eq(
	    tracedb_merge(out, in, &run, 1, ids, &n, err, sizeof(err)), 0);
	cr_assert_eq(n, 1);
	cr_assert_eq(ids[0], 4);
	tmp_remove(in);
	tmp_remove(out);
}

/*
 * tracedb_merge_ranked: runs of two inputs take the ids of one series,
 * after what the output held, whatever order the inputs come in.
 */
Test(tracedb, merge_ranked_numbers_across_inputs)
{
	struct tracedb *db;
	char a[64], b[64], out[64], err[256], hex[17];
	int64_t runs[2], ranks[2], base = -1, id;
	size_t nl;
	char **lines;
	static const int want[] = { 4, 3, 2 }; /* transitions of ids 2, 3, 4 */

	tmp_path(a, sizeof(a));
	tmp_path(b, sizeof(b));
	tmp_path(out, sizeof(out));
	write_run(out, 1, 1, hex);
	write_run(a, 11, 2, hex); /* a's run 1 */
	write_run(a, 12, 4, hex); /* a's run 2 */
	write_run(b, 21, 3, hex); /* b's run 1 */
	runs[0] = 2;
	ranks[0] = 1;
	runs[1] = 1;
	ranks[1] = 3;
	cr_assert_eq(tracedb_merge_ranked(
			 out, a, runs, ranks, 2, &base, err, sizeof(err)),
	    0, "%s", err);
	cr_assert_eq(base, 1, "after the output's run 1");
	runs[0] = 1;
	ranks[0] = 2;
	cr_assert_eq(tracedb_merge_ranked(
			 out, b, runs, ranks, 1, &base, err, sizeof(err)),
	    0, "%s", err);
	cr_assert_eq(base, 1, "kept for the next input");
	cr_assert_eq(tracedb_open(&db, out, err, sizeof(err)), 0, "%s", err);
	for (id = 2; id <= 4; id++) {
		tracedb_lines(db, id, &lines, &nl);
		cr_assert_eq(
		    nl, (size_t)want[id - 2], "run %d: %zu lines", (int)id, nl);
		tracedb_lines_free(lines, nl);
	}
	tracedb_close(db);
	tmp_remove(a);
	tmp_remove(b);
	tmp_remove(out);
}

/*
 * The value of transition i of cursor_run(): unique strings (so string ids
 * pass the cursor's cache size and collide in its slots within one row),
 * repeats, NULL old values and NUL bytes.
 */
static void
cursor_vals(int run, int i, char *obj, char *old, char *new, size_t *newlen,
    bool *oldnull)
{
	snprintf(obj, 32, "obj#%d", i % 7 == 0 ? i : i % 5);
	*oldnull = i % 11 == 3;
	snprintf(old, 32, "o%d", i % 13);
	if (i % 17 == 5) {
		memcpy(new, "a\0b", 3);
		*newlen = 3;
	} else {
		*newlen = (size_t)snprintf(new, 32, "r%d-n%d", run, i);
	}
}

/* Records run (1 or 2 in one file) of n transitions. */
static void
cursor_run(const char *path, int run, int n)
{
	struct trace_run_info info = { .scenario = "c",
		.path = "c.lua",
		.source = "return {}",
		.kernel = "freebsd",
		.strategy = "fifo",
		.args = "test",
		.seed = 1 };
	struct trace *t;
	char err[256], obj[32], old[32], new[32];
	int64_t run_id;
	size_t newlen;
	bool oldnull;
	int i;

	cr_assert_eq(trace_open(&t, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(trace_run_begin(t, &info, &run_id, err, sizeof(err)), 0);
	cr_assert_eq(run_id, run);
	for (i = 1; i <= n; i++) {
		cursor_vals(run, i, obj, old, new, &newlen, &oldnull);
		trace_transition_n(t, (i / 3) * 1000, 1 + i % 2, 100 + i / 50,
		    "f", obj, "fld", oldnull ? NULL : old, new, newlen);
	}
	cr_assert_eq(
	    trace_run_end(t, "passed", "", NULL, 0, err, sizeof(err)), 0);
	trace_close(t);
}

/* Checks the rows of run from seq from on against what was written. */
static void
cursor_check(struct tracedb *db, int run, int n, uint64_t from)
{
	struct tracedb_cursor *c = tracedb_cursor_open(db, run, from);
	struct tracerows_row row;
	char obj[32], old[32], new[32], want[256];
	const char *line;
	size_t newlen, len;
	bool oldnull;
	int i = (int)from;

	while (tracedb_cursor_next(c, &row) == 1) {
		cursor_vals(run, i, obj, old, new, &newlen, &oldnull);
		cr_assert_eq(row.seq, (uint64_t)i);
		cr_assert_eq(row.vtime, (i / 3) * 1000);
		cr_assert_eq(row.pid, 1 + i % 2);
		cr_assert_eq(row.tid, 100 + i / 50);
		cr_assert_str_eq(row.object, obj);
		cr_assert_str_eq(row.func, "f");
		cr_assert_str_eq(row.field, "fld");
		if (oldnull)
			cr_assert_null(row.old);
		else
			cr_assert_str_eq(row.old, old);
		cr_assert_eq(row.newlen, newlen);
		cr_assert_eq(memcmp(row.new, new, newlen), 0, "seq %d", i);
		trace_format_line_n(want, sizeof(want), (uint64_t)i,
		    (i / 3) * 1000, 1 + i % 2, 100 + i / 50, "f", obj, "fld",
		    oldnull ? NULL : old, new, newlen);
		line = tracedb_cursor_line(c, &len);
		cr_assert_str_eq(line, want);
		cr_assert_eq(len, strlen(want));
		i++;
	}
	cr_assert_eq(i, n + 1, "run %d read to %d of %d", run, i - 1, n);
	tracedb_cursor_close(c);
}

Test(tracedb, cursor_streams_every_row_of_each_run)
{
	char path[64], err[256];
	struct tracedb *db;
	/* Past the cursor's 65536 cached strings: slots are reused. */
	int n1 = 80000, n2 = 3000;

	tmp_path(path, sizeof(path));
	cursor_run(path, 1, n1);
	cursor_run(path, 2, n2);
	cr_assert_eq(tracedb_open(&db, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(tracedb_transitions(db, 1), (uint64_t)n1);
	cr_assert_eq(tracedb_transitions(db, 2), (uint64_t)n2);
	cursor_check(db, 1, n1, 1);
	cursor_check(db, 2, n2, 1);
	/* From the middle: the context in effect there, not the first. */
	cursor_check(db, 1, n1, 77777);
	cursor_check(db, 2, n2, n2);
	tracedb_close(db);
	tmp_remove(path);
}
