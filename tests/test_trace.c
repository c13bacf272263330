/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tests for engine/trace.c: the escaping of the canonical line, the running
 * hash against XXH3-64 computed here over lines formatted by hand, the
 * database recorder (tables, the 'runs' row before and after a run, and the
 * trace, syscalls, decisions and threads rows read back with SQLite), and the
 * refusal, without touching them, of files that are not evsim databases.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>
#include <xxhash.h>

#include "../engine/errbuf.h"
#include "../engine/sched.h"
#include "../engine/trace.h"

Test(trace_format_line, escapes_exactly_as_documented)
{
	char buf[512];
	const char *want = "7\t-5\t3\t4\t"
			   "a\\tb\t"
			   "c\\nd\\re\t"
			   "back\\\\slash\t"
			   "\\x01\\x1b[0m\\x7f\t"
			   "caf\xc3\xa9 ~\n";
	size_t n;

	n = trace_format_line(buf, sizeof(buf), 7, -5, 3, 4, "a\tb", "c\nd\re",
	    "back\\slash", "\x01\x1b[0m\x7f", "caf\xc3\xa9 ~");
	cr_assert_str_eq(buf, want);
	cr_assert_eq(n, strlen(want));
}

Test(trace_format_line, null_strings_are_empty_and_truncation_reports_need)
{
	char buf[12];
	char full[64];
	size_t n;

	n = trace_format_line(
	    full, sizeof(full), 1, 0, 0, 0, "f", NULL, NULL, NULL, "x");
	cr_assert_str_eq(full, "1\t0\t0\t0\tf\t\t\t\tx\n");
	cr_assert_eq(n, strlen(full));
	memset(buf, 'Z', sizeof(buf));
	n = trace_format_line(
	    buf, sizeof(buf), 1, 0, 0, 0, "f", NULL, NULL, NULL, "x");
	cr_assert_eq(n, strlen(full));
	cr_assert_eq(buf[sizeof(buf) - 1], '\0');
	cr_assert_eq(strncmp(buf, full, sizeof(buf) - 1), 0);
}

struct tr {
	int64_t vtime;
	int pid, tid;
	const char *func, *object, *field, *old, *new;
	const char *line; /* the canonical text, written by hand */
};

static const struct tr seq[] = {
	{ 0, 1, 101, "pipe_write", "pipe#1", "pipe_state", "0", "PIPE_WANTR",
	    "0\t1\t101\tpipe_write\tpipe#1\tpipe_state\t0\tPIPE_WANTR\n" },
	{ 1500, 1, 102, "kqueue_register", "kq#1", "kn_status", "",
	    "KN_ACTIVE|KN_QUEUED",
	    "1500\t1\t102\tkqueue_register\tkq#1\tkn_status\t\t"
	    "KN_ACTIVE|KN_QUEUED\n" },
	{ 1500, 0, 100001, "softclock", "callout#3", "c_flags", "tab\there",
	    "nl\nthere",
	    "1500\t0\t100001\tsoftclock\tcallout#3\tc_flags\ttab\\there\t"
	    "nl\\nthere\n" },
	{ 2000000000, 2, 103, "sim_print", "proc#2", "out", NULL, "a\\b",
	    "2000000000\t2\t103\tsim_print\tproc#2\tout\t\ta\\\\b\n" },
};

#define NSEQ (sizeof(seq) / sizeof(seq[0]))

Test(trace_transition, hash_is_xxh3_of_the_canonical_lines)
{
	struct trace *t;
	char err[256], got[17], want[17], *all;
	size_t i, len = 0, cap = 4096;
	uint64_t s;

	all = calloc(1, cap);
	cr_assert_not_null(all);
	for (i = 0; i < NSEQ; i++)
		len += (size_t)snprintf(
		    all + len, cap - len, "%zu\t%s", i + 1, seq[i].line);
	snprintf(
	    want, sizeof(want), "%016" PRIx64, (uint64_t)XXH3_64bits(all, len));

	cr_assert_eq(trace_open(&t, NULL, err, sizeof(err)), 0);
	cr_assert_not(trace_recording(t));
	for (i = 0; i < NSEQ; i++) {
		s = trace_transition(t, seq[i].vtime, seq[i].pid, seq[i].tid,
		    seq[i].func, seq[i].object, seq[i].field, seq[i].old,
		    seq[i].new);
		cr_assert_eq(s, i + 1);
	}
	cr_assert_eq(trace_seq(t), NSEQ);
	trace_hash_hex(t, got);
	cr_assert_str_eq(got, want);

	/* A new run starts the hash and the sequence again. */
	{
		struct trace_run_info info = { .scenario = "x" };
		int64_t run_id = -1;

		cr_assert_eq(
		    trace_run_begin(t, &info, &run_id, err, sizeof(err)), 0);
		cr_assert_eq(run_id, 0);
		cr_assert_eq(trace_seq(t), 0);
		trace_hash_hex(t, got);
		snprintf(want, sizeof(want), "%016" PRIx64,
		    (uint64_t)XXH3_64bits(NULL, 0));
		cr_assert_str_eq(got, want);
	}
	trace_close(t);
	free(all);
}

/*
 * The reference formatter for the tests below: snprintf and a byte-by-byte
 * escaper written here from the documented canonical form, independent of
 * trace.c.
 */
static size_t
ref_escape(char *d, const char *s)
{
	size_t n = 0;

	for (; s != NULL && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\\')
			n += (size_t)sprintf(d + n, "\\\\");
		else if (c == '\t')
			n += (size_t)sprintf(d + n, "\\t");
		else if (c == '\n')
			n += (size_t)sprintf(d + n, "\\n");
		else if (c == '\r')
			n += (size_t)sprintf(d + n, "\\r");
		else if (c < 0x20 || c == 0x7f)
			n += (size_t)sprintf(d + n, "\\x%02x", c);
		else
			d[n++] = (char)c;
	}
	d[n] = '\0';
	return (n);
}

static size_t
ref_line(char *d, uint64_t sq, int64_t vtime, int pid, int tid,
    const char *const f[5])
{
	size_t n, i;

	n = (size_t)sprintf(
	    d, "%" PRIu64 "\t%" PRId64 "\t%d\t%d", sq, vtime, pid, tid);
	for (i = 0; i < 5; i++) {
		d[n++] = '\t';
		n += ref_escape(d + n, f[i]);
	}
	d[n++] = '\n';
	d[n] = '\0';
	return (n);
}

/* A deterministic generator for the fields (xorshift64). */
static uint64_t
xs(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return (*x);
}

struct expect_ctx {
	const char *want;
	uint64_t sq;
	int calls;
};

static void
expect_line(void *arg, uint64_t sq, const char *line)
{
	struct expect_ctx *e = arg;

	e->calls++;
	cr_assert_eq(sq, e->sq);
	cr_assert_str_eq(line, e->want, "sq %" PRIu64, sq);
}

/*
 * The fast path (verbatim copies checked a block at a time, the sequence
 * number incremented as text, the vtime/pid/tid text reused, lines hashed
 * in blocks) against the reference: every length from 0 to 70, bytes that
 * need escaping at every position, sequence numbers across 9/10, 99/100 and
 * 999/1000, extreme and negative numbers, and the hash read in mid-run.
 */
Test(trace_transition, fast_path_equals_reference_formatting)
{
	static const char special[] = { '\\', '\t', '\n', '\r', 0x01, 0x1b,
		0x1f, 0x7f, ' ', '~', (char)0x80, (char)0xff };
	static const int64_t vtimes[]
	    = { 0, 7, -1, 1000000000, INT64_MAX, INT64_MIN };
	static const int ids[] = { 0, 1, 100100, -3, 2147483647 };
	struct trace *t;
	struct expect_ctx e = { 0 };
	char err[256], got[17], want[17], fields[5][80], line[1024];
	char *all;
	const char *f[5];
	size_t len = 0, cap = 1 << 22, i, k, n;
	uint64_t x = 88172645463325252ULL, sq;

	all = malloc(cap);
	cr_assert_not_null(all);
	cr_assert_eq(trace_open(&t, NULL, err, sizeof(err)), 0);
	trace_set_expect(t, expect_line, &e);
	for (sq = 1; sq <= 3000; sq++) {
		int64_t vtime = vtimes[(sq / 7) % 6];
		int pid = ids[(sq / 3) % 5], tid = ids[(sq / 11) % 5];

		for (k = 0; k < 5; k++) {
			size_t flen = (sq + 13 * k) % 71;

			for (i = 0; i < flen; i++)
				fields[k][i] = (char)('a' + xs(&x) % 26);
			/* One field in four holds a byte to escape. */
			if (flen > 0 && xs(&x) % 4 == 0)
				fields[k][xs(&x) % flen]
				    = special[xs(&x) % sizeof(special)];
			fields[k][flen] = '\0';
			f[k] = sq % 17 == k ? NULL : fields[k];
		}
		n = ref_line(line, sq, vtime, pid, tid, f);
		cr_assert_lt(len + n, cap);
		memcpy(all + len, line, n);
		len += n;
		e.want = line;
		e.sq = sq;
		cr_assert_eq(trace_transition(t, vtime, pid, tid, f[0], f[1],
				 f[2], f[3], f[4]),
		    sq);
		{
			char buf[1024];

			cr_assert_eq(
			    trace_format_line(buf, sizeof(buf), sq, vtime, pid,
				tid, f[0], f[1], f[2], f[3], f[4]),
			    n);
			cr_assert_str_eq(buf, line);
		}
		if (sq % 500 == 0) {
			snprintf(want, sizeof(want), "%016" PRIx64,
			    (uint64_t)XXH3_64bits(all, len));
			trace_hash_hex(t, got);
			cr_assert_str_eq(
			    got, want, "mid-run hash at %" PRIu64, sq);
		}
	}
	cr_assert_eq(e.calls, 3000);
	snprintf(
	    want, sizeof(want), "%016" PRIx64, (uint64_t)XXH3_64bits(all, len));
	trace_hash_hex(t, got);
	cr_assert_str_eq(got, want);
	trace_close(t);
	free(all);
}

static void tmp_path(char *path, size_t len);
static void tmp_remove(const char *path);

/*
 * trace_transition_int() writes the line trace_transition() writes for the
 * decimal text of its values, interleaved with generic lines: func, object
 * and field of every length from 0 to 70 with bytes to escape, extreme
 * numbers; with a database (where it takes the generic path) too.
 */
static void
int_lines(struct trace *t)
{
	static const char special[] = { '\\', '\t', '\n', 0x01, 0x7f, ' ' };
	static const int64_t vals[] = { 0, 1, -1, 9, 10, 99, 100, -100,
		INT64_MAX, INT64_MIN, 1000000007, -42 };
	struct expect_ctx e = { 0 };
	char got[17], want[17], fields[5][80], line[1024];
	char *all;
	const char *f[5];
	size_t len = 0, cap = 1 << 22, i, k, n, flen;
	uint64_t x = 2463534242ULL, sq;

	all = malloc(cap);
	cr_assert_not_null(all);
	trace_set_expect(t, expect_line, &e);
	for (sq = 1; sq <= 2000; sq++) {
		int64_t o = vals[xs(&x) % 12], nv = vals[xs(&x) % 12];
		bool as_int = sq % 3 != 0;

		for (k = 0; k < 5; k++) {
			flen = (sq + 7 * k) % 71;
			for (i = 0; i < flen; i++)
				fields[k][i] = (char)('a' + xs(&x) % 26);
			if (flen > 0 && xs(&x) % 5 == 0)
				fields[k][xs(&x) % flen]
				    = special[xs(&x) % sizeof(special)];
			fields[k][flen] = '\0';
			f[k] = fields[k];
		}
		if (as_int) {
			snprintf(fields[3], sizeof(fields[3]), "%" PRId64, o);
			snprintf(fields[4], sizeof(fields[4]), "%" PRId64, nv);
		}
		n = ref_line(line, sq, (int64_t)(sq / 5), 1, (int)(sq / 9), f);
		cr_assert_lt(len + n, cap);
		memcpy(all + len, line, n);
		len += n;
		e.want = line;
		e.sq = sq;
		if (as_int)
			cr_assert_eq(
			    trace_transition_int(t, (int64_t)(sq / 5), 1,
				(int)(sq / 9), f[0], strlen(f[0]), f[1],
				strlen(f[1]), f[2], strlen(f[2]), o, nv),
			    sq);
		else
			cr_assert_eq(
			    trace_transition(t, (int64_t)(sq / 5), 1,
				(int)(sq / 9), f[0], f[1], f[2], f[3], f[4]),
			    sq);
		if (sq % 400 == 0 || sq == 3) {
			snprintf(want, sizeof(want), "%016" PRIx64,
			    (uint64_t)XXH3_64bits(all, len));
			trace_hash_hex(t, got);
			cr_assert_str_eq(
			    got, want, "mid-run hash at %" PRIu64, sq);
		}
	}
	cr_assert_eq(e.calls, 2000);
	free(all);
}

Test(trace_transition, int_path_equals_reference_formatting)
{
	struct trace_run_info info = { .scenario = "s",
		.path = "s.lua",
		.source = "return 1",
		.kernel = "freebsd",
		.strategy = "fifo",
		.args = "evsim run" };
	struct trace *t;
	char err[256], path[64];
	int64_t run_id;

	cr_assert_eq(trace_open(&t, NULL, err, sizeof(err)), 0);
	int_lines(t);
	trace_close(t);

	tmp_path(path, sizeof(path));
	cr_assert_eq(trace_open(&t, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(
	    trace_run_begin(t, &info, &run_id, err, sizeof(err)), 0, "%s", err);
	int_lines(t);
	cr_assert_eq(
	    trace_run_end(t, "passed", NULL, NULL, 0, err, sizeof(err)), 0,
	    "%s", err);
	trace_close(t);
	tmp_remove(path);
}

/* A line longer than the hash buffer (a long print) grows it. */
Test(trace_transition, line_longer_than_the_buffer)
{
	struct trace *t;
	char err[256], got[17], want[17], *big, *line;
	size_t n, blen = 100000;

	big = malloc(blen + 1);
	line = malloc(4 * blen + 256);
	cr_assert(big != NULL && line != NULL);
	memset(big, 'y', blen);
	big[blen / 2] = '\n';
	big[blen] = '\0';
	cr_assert_eq(trace_open(&t, NULL, err, sizeof(err)), 0);
	trace_transition(
	    t, 1, 1, 100001, "sim_print", "proc#1", "out", "", "short");
	trace_transition(
	    t, 1, 1, 100001, "sim_print", "proc#1", "out", "", big);
	n = (size_t)sprintf(line,
	    "1\t1\t1\t100001\tsim_print\tproc#1\tout\t\t"
	    "short\n2\t1\t1\t100001\tsim_print\tproc#1\t"
	    "out\t\t");
	n += ref_escape(line + n, big);
	line[n++] = '\n';
	snprintf(
	    want, sizeof(want), "%016" PRIx64, (uint64_t)XXH3_64bits(line, n));
	trace_hash_hex(t, got);
	cr_assert_str_eq(got, want);
	trace_close(t);
	free(big);
	free(line);
}

/* trace_fmt_i64 against printf at every power of ten and its neighbours. */
Test(trace_fmt_i64, equals_printf)
{
	char got[32], want[32];
	int64_t p = 1;
	int i, d;

	/* 10^0 .. 10^18; the last step does not compute 10^19. */
	for (i = 0; i < 19; i++, p = i < 19 ? p * 10 : p) {
		for (d = -1; d <= 1; d++) {
			int64_t v = p + d;

			snprintf(want, sizeof(want), "%" PRId64, v);
			cr_assert_eq(trace_fmt_i64(got, v), strlen(want));
			cr_assert_str_eq(got, want);
			snprintf(want, sizeof(want), "%" PRId64, -v);
			cr_assert_eq(trace_fmt_i64(got, -v), strlen(want));
			cr_assert_str_eq(got, want);
		}
	}
	trace_fmt_i64(got, INT64_MIN);
	cr_assert_str_eq(got, "-9223372036854775808");
	trace_fmt_i64(got, INT64_MAX);
	cr_assert_str_eq(got, "9223372036854775807");
}

/* Temporary database paths and their WAL side files. */
static void
tmp_path(char *path, size_t len)
{
	int fd;

	snprintf(path, len, "/tmp/evsim-test-trace-XXXXXX");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
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

/* Runs one query returning one text cell (NULL as "(null)"). */
static void
query1(sqlite3 *db, const char *sql, char *out, size_t len)
{
	sqlite3_stmt *st;
	const unsigned char *v;

	cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK,
	    "%s: %s", sql, sqlite3_errmsg(db));
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s: no row", sql);
	v = sqlite3_column_text(st, 0);
	snprintf(out, len, "%s", v != NULL ? (const char *)v : "(null)");
	sqlite3_finalize(st);
}

Test(trace_run_begin, records_runs_and_rows_into_the_database)
{
	struct trace_run_info info = { .scenario = "pipes/basic",
		.path = "scenarios/pipes/basic.lua",
		.source = "return 1",
		.kernel = "freebsd",
		.strategy = "random",
		.args = "evsim run",
		.seed = 42 };
	char path[64], err[256], cell[512], hex[17], sql[256];
	struct trace *t;
	sqlite3 *db;
	int64_t run_id;
	static const char *const tables[]
	    = { "evsim_meta", "runs", "trace_rows", "trace_ctx", "trace_chg",
		      "trace_str", "syscall_rows", "decisions", "threads" };
	size_t i;
	uint64_t s;

	tmp_path(path, sizeof(path));
	cr_assert_eq(trace_open(&t, path, err, sizeof(err)), 0, "%s", err);
	cr_assert(trace_recording(t));
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
		snprintf(sql, sizeof(sql),
		    "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
		    " AND name = '%s'",
		    tables[i]);
		query1(db, sql, cell, sizeof(cell));
		cr_assert_str_eq(cell, "1", "table %s missing", tables[i]);
		sqlite3_close(db);
	}

	cr_assert_eq(
	    trace_run_begin(t, &info, &run_id, err, sizeof(err)), 0, "%s", err);
	cr_assert_gt(run_id, 0);
	/* Committed: another connection sees a 'running' run. */
	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	snprintf(sql, sizeof(sql),
	    "SELECT status || '|' || scenario || '|' || seed || '|' || kernel"
	    " || '|' || strategy FROM runs WHERE id = %" PRId64,
	    run_id);
	query1(db, sql, cell, sizeof(cell));
	cr_assert_str_eq(cell, "running|pipes/basic|42|freebsd|random");
	sqlite3_close(db);

	trace_thread(t, 101, 1, "main", "user");
	for (i = 0; i < NSEQ; i++) {
		s = trace_transition(t, seq[i].vtime, seq[i].pid, seq[i].tid,
		    seq[i].func, seq[i].object, seq[i].field, seq[i].old,
		    seq[i].new);
		cr_assert_eq(s, i + 1);
	}
	trace_syscall(t, 2, 1500, 3000, 1, 101, "read", "fd=3", "-1", "EAGAIN");
	trace_decision(t, 1, 1500, 101, "sched", 102, "101,102", NULL);
	trace_decision(t, 2, 1500, 102, "choose", 2, "3", "pick");
	trace_thread_end(t, 101);
	cr_assert_eq(trace_nsyscalls(t), 1);
	cr_assert_eq(trace_ndecisions(t), 2);
	trace_hash_hex(t, hex);
	cr_assert_eq(trace_run_end(t, "failed", "boom", "kqueue_scan", 777, err,
			 sizeof(err)),
	    0, "%s", err);

	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	snprintf(sql, sizeof(sql),
	    "SELECT status || '|' || message || '|' || fail_func || '|' ||"
	    " fail_seq || '|' || vtime_end || '|' || transitions || '|' ||"
	    " trace_hash || '|' || syscalls || '|' || decisions"
	    " FROM runs WHERE id = %" PRId64,
	    run_id);
	query1(db, sql, cell, sizeof(cell));
	{
		char want[256];

		snprintf(want, sizeof(want),
		    "failed|boom|kqueue_scan|%zu|777|"
		    "%zu|%s|1|2",
		    NSEQ, NSEQ, hex);
		cr_assert_str_eq(cell, want);
	}
	snprintf(sql, sizeof(sql),
	    "SELECT group_concat(seq || ':' || vtime || ':' || tid || ':' ||"
	    " func || ':' || coalesce(old, 'NULL') || ':' || new, ';')"
	    " FROM (SELECT * FROM trace WHERE run_id = %" PRId64
	    " ORDER BY seq)",
	    run_id);
	query1(db, sql, cell, sizeof(cell));
	cr_assert_str_eq(cell,
	    "1:0:101:pipe_write:0:PIPE_WANTR;"
	    "2:1500:102:kqueue_register::KN_ACTIVE|KN_QUEUED;"
	    "3:1500:100001:softclock:tab\there:nl\nthere;"
	    "4:2000000000:103:sim_print:NULL:a\\b");
	snprintf(sql, sizeof(sql),
	    "SELECT seq || ':' || vtime || ':' || name || ':' || args || ':' ||"
	    " result || ':' || errno || ':' || end_seq || ':' || end_vtime"
	    " FROM syscalls WHERE run_id = %" PRId64,
	    run_id);
	query1(db, sql, cell, sizeof(cell));
	cr_assert_str_eq(cell, "2:1500:read:fd=3:-1:EAGAIN:4:3000");
	snprintf(sql, sizeof(sql),
	    "SELECT group_concat(step || ':' || seq || ':' || tid || ':' ||"
	    " kind || ':' || chosen || ':' || runnable || ':' ||"
	    " coalesce(label, 'NULL'), ';')"
	    " FROM (SELECT * FROM decisions WHERE run_id = %" PRId64
	    " ORDER BY step)",
	    run_id);
	query1(db, sql, cell, sizeof(cell));
	cr_assert_str_eq(
	    cell, "1:4:101:sched:102:101,102:NULL;2:4:102:choose:2:3:pick");
	snprintf(sql, sizeof(sql),
	    "SELECT tid || ':' || pid || ':' || name || ':' || kind || ':' ||"
	    " start_seq || ':' || end_seq FROM threads WHERE run_id = %" PRId64,
	    run_id);
	query1(db, sql, cell, sizeof(cell));
	cr_assert_str_eq(cell, "101:1:main:user:0:4");
	query1(db, "SELECT value FROM evsim_meta WHERE key = 'format'", cell,
	    sizeof(cell));
	cr_assert_str_eq(cell, "evsim-trace");
	sqlite3_close(db);
	trace_close(t);

	/* The file is now an evsim database: reopening it adds a run. */
	cr_assert_eq(trace_open(&t, path, err, sizeof(err)), 0, "%s", err);
	{
		int64_t run2;

		cr_assert_eq(
		    trace_run_begin(t, &info, &run2, err, sizeof(err)), 0);
		cr_assert_gt(run2, run_id);
	}
	trace_close(t);
	tmp_remove(path);
}

/* Reads a whole file into a malloc'd buffer. */
static char *
slurp(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	cr_assert_not_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*ret_len = (size_t)n;
	return (buf);
}

static void
assert_refused_untouched(const char *path)
{
	struct trace *t = NULL;
	char err[256] = "", side[128];
	char *before, *after;
	size_t nbefore, nafter;

	before = slurp(path, &nbefore);
	cr_assert_gt(nbefore, 0);
	cr_assert_eq(trace_open(&t, path, err, sizeof(err)), EINVAL);
	cr_assert(strstr(err, "not an evsim database") != NULL, "err: %s", err);
	after = slurp(path, &nafter);
	cr_assert_eq(nafter, nbefore);
	cr_assert_eq(
	    memcmp(before, after, nbefore), 0, "the refused file was modified");
	snprintf(side, sizeof(side), "%s-wal", path);
	cr_assert_neq(access(side, F_OK), 0, "a WAL file was left behind");
	free(before);
	free(after);
}

Test(trace_open, refuses_a_file_that_is_not_sqlite_without_touching_it)
{
	char path[64];
	FILE *f;
	int i;

	tmp_path(path, sizeof(path));
	f = fopen(path, "wb");
	cr_assert_not_null(f);
	for (i = 0; i < 200; i++)
		fprintf(f, "line %d of a plain text file, not a database\n", i);
	fclose(f);
	assert_refused_untouched(path);
	tmp_remove(path);
}

Test(trace_open, refuses_a_foreign_sqlite_database_without_touching_it)
{
	char path[64], err[256];
	sqlite3 *db;

	tmp_path(path, sizeof(path));
	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db,
			 "CREATE TABLE accounts(id INTEGER PRIMARY KEY, name);"
			 "INSERT INTO accounts VALUES (1, 'alice');",
			 NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	assert_refused_untouched(path);
	{
		struct trace *t;

		cr_assert_eq(trace_open(&t, path, err, sizeof(err)), EINVAL);
		cr_assert(strstr(err, "evsim_meta") != NULL, "err: %s", err);
	}
	tmp_remove(path);
}

Test(trace_open, refuses_an_evsim_database_of_another_version)
{
	char path[64], err[256];
	struct trace *t;
	sqlite3 *db;

	tmp_path(path, sizeof(path));
	cr_assert_eq(trace_open(&t, path, err, sizeof(err)), 0, "%s", err);
	trace_close(t);
	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db,
			 "UPDATE evsim_meta SET value = '999'"
			 " WHERE key = 'schema_version'",
			 NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	cr_assert_eq(trace_open(&t, path, err, sizeof(err)), EINVAL);
	cr_assert(strstr(err, "999") != NULL, "err: %s", err);
	tmp_remove(path);
}

/* The scheduler's decisions and threads reach the database too. */
static void
two_points(void *arg)
{
	sched_point();
	sched_point();
}

Test(trace_decision, scheduler_decisions_and_threads_are_recorded)
{
	struct trace_run_info info = { .scenario = "sched", .seed = 3 };
	struct sched_config cfg = { .seed = 3, .strategy = SCHED_RANDOM };
	struct sched_thread *td;
	char path[64], err[256], cell[512], sql[256];
	struct trace *t;
	struct sched *s;
	sqlite3 *db;
	int64_t run_id;
	uint64_t ndec;

	tmp_path(path, sizeof(path));
	cr_assert_eq(trace_open(&t, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(trace_run_begin(t, &info, &run_id, err, sizeof(err)), 0);
	cfg.trace = t;
	cr_assert_eq(sched_new(&s, &cfg), 0);
	cr_assert_eq(
	    sched_thread_new(&td, 1, 101, "a", false, two_points, NULL), 0);
	cr_assert_eq(
	    sched_thread_new(&td, 1, 102, "b", false, two_points, NULL), 0);
	cr_assert_eq(sched_run(s), SCHED_PASSED);
	ndec = trace_ndecisions(t);
	cr_assert_gt(ndec, 0);
	cr_assert_eq(
	    trace_run_end(t, "passed", "", NULL, 0, err, sizeof(err)), 0);
	sched_free(s);
	trace_close(t);

	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	snprintf(sql, sizeof(sql),
	    "SELECT count(*) || ':' || min(step) || ':' || max(step) || ':' ||"
	    " sum(kind = 'sched') || ':' || min(runnable)"
	    " FROM decisions WHERE run_id = %" PRId64,
	    run_id);
	query1(db, sql, cell, sizeof(cell));
	{
		char want[64];

		snprintf(want, sizeof(want),
		    "%" PRIu64 ":1:%" PRIu64 ":%" PRIu64 ":101,102", ndec, ndec,
		    ndec);
		cr_assert_str_eq(cell, want);
	}
	snprintf(sql, sizeof(sql),
	    "SELECT group_concat(tid || name || kind, ',') FROM (SELECT *"
	    " FROM threads WHERE run_id = %" PRId64 " ORDER BY tid)",
	    run_id);
	query1(db, sql, cell, sizeof(cell));
	cr_assert_str_eq(cell, "101auser,102buser");
	snprintf(sql, sizeof(sql),
	    "SELECT decisions FROM runs WHERE id = %" PRId64, run_id);
	query1(db, sql, cell, sizeof(cell));
	{
		char want[32];

		snprintf(want, sizeof(want), "%" PRIu64, ndec);
		cr_assert_str_eq(cell, want);
	}
	sqlite3_close(db);
	tmp_remove(path);
}

/*
 * The 'objects' rows are kept by the recorder and written at each commit:
 * what they hold must be what the calls in their order say.  A label before
 * "created" and one after it, "created" again after "freed" (the row
 * reopened, its label kept), "freed" of an object without a row (its row,
 * from the transition, has no freed_seq), a label alone, and an object named
 * only by a transition (its kind the whole name when it has no '#').
 */
Test(trace_object_label, rows_follow_the_calls_in_order)
{
	struct trace_run_info info = { .scenario = "objects",
		.kernel = "freebsd",
		.strategy = "random",
		.seed = 1 };
	char path[64], err[256], cell[512];
	struct trace *t;
	sqlite3 *db;
	int64_t run_id;

	tmp_path(path, sizeof(path));
	cr_assert_eq(trace_open(&t, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(
	    trace_run_begin(t, &info, &run_id, err, sizeof(err)), 0, "%s", err);
	trace_object_label(t, "pipe#1", "first");
	trace_transition(t, 0, 1, 1, "f", "pipe#1", "(life)", NULL, "created");
	trace_object_label(t, "pipe#1", "second");
	trace_transition(t, 0, 1, 1, "f", "pipe#1", "(life)", NULL, "freed");
	trace_transition(t, 0, 1, 1, "f", "pipe#1", "(life)", NULL, "created");
	trace_transition(t, 0, 1, 1, "f", "knote#2", "(life)", NULL, "freed");
	trace_object_label(t, "kqueue#3", "alone");
	trace_transition(t, 0, 1, 1, "f", "realtime", "now", "1", "2");
	cr_assert_eq(
	    trace_run_end(t, "passed", NULL, NULL, 0, err, sizeof(err)), 0,
	    "%s", err);
	trace_close(t);

	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	query1(db,
	    "SELECT group_concat(object || ':' || kind || ':' ||"
	    " coalesce(label, 'NULL') || ':' || coalesce(created_seq, 'NULL')"
	    " || ':' || coalesce(freed_seq, 'NULL'), ';') FROM (SELECT * FROM"
	    " objects ORDER BY object)",
	    cell, sizeof(cell));
	cr_assert_str_eq(cell,
	    "knote#2:knote:NULL:NULL:NULL;"
	    "kqueue#3:kqueue:alone:NULL:NULL;"
	    "pipe#1:pipe:second:3:NULL;"
	    "realtime:realtime:NULL:NULL:NULL");
	sqlite3_close(db);
	tmp_remove(path);
}

/*
 * The ids of transitions: objects and (func, field, old, new) tuples are
 * cached apart, and every combination of a known or new object with a known
 * or new tuple, NULL against empty fields, escaped bytes and keys too long
 * to cache must give the rows and ids that interning each string afresh
 * gives: strings numbered in the order they first appear (func, object,
 * field, old, new), tuples likewise.
 */
Test(trace_transition, cached_ids_equal_fresh_interning)
{
	struct trace_run_info info = { .scenario = "ids",
		.kernel = "freebsd",
		.strategy = "random",
		.seed = 1 };
	static char big[400];
	const char *tr[][5] = {
		{ "f", "a#1", "x", "0", "1" },
		{ "f", "a#2", "x", "0", "1" }, /* new object, known tuple */
		{ "f", "a#1", "x", "1", "2" }, /* known object, new tuple */
		{ "f", "a#2", "x", "1", "2" }, /* both known, never together */
		{ "f", NULL, "x", "0", "1" }, /* NULL object */
		{ "f", "", "x", "0", "1" }, /* empty object */
		{ "f", "a#1", "x", NULL, "1" }, /* NULL old */
		{ "f", "a#1", "x", "", "1" }, /* empty old */
		{ "f", "a\t#3", "x\n", "0", "1" }, /* escaped bytes */
		{ "g", "a\t#3", "x", "0", "1" },
		{ "f", big, "x", "0", "1" }, /* too long to cache */
		{ "f", "a#1", "x", big, "1" },
		{ "f", big, "x", big, "1" },
		{ "f", "a#1", "x", "0", "1" },
		{ "f", NULL, "x", "0", "1" },
		{ NULL, NULL, NULL, NULL, NULL },
		{ "f", "", "x", "", "1" },
		{ "f", "a#2", "x", "0", "1" },
		{ "f", big, "x", big, "1" },
	};
	const size_t n = sizeof(tr) / sizeof(tr[0]);
	char path[64], err[256], sql[256], cell[2048], want[2048];
	const char *strs[5 * 32];
	size_t nstrs = 0, i, j, k, w;
	struct trace *t;
	sqlite3 *db;
	int64_t run_id;

	memset(big, 'b', sizeof(big) - 1);
	tmp_path(path, sizeof(path));
	cr_assert_eq(trace_open(&t, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(
	    trace_run_begin(t, &info, &run_id, err, sizeof(err)), 0, "%s", err);
	for (i = 0; i < n; i++)
		trace_transition(t, 0, 1, 1, tr[i][0], tr[i][1], tr[i][2],
		    tr[i][3], tr[i][4]);
	cr_assert_eq(
	    trace_run_end(t, "passed", NULL, NULL, 0, err, sizeof(err)), 0,
	    "%s", err);
	trace_close(t);
	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	/* Every row reads back as it was given, NULL as NULL. */
	for (i = 0; i < n; i++) {
		for (j = 0; j < 5; j++) {
			static const char *const col[]
			    = { "func", "object", "field", "old", "new" };

			snprintf(sql, sizeof(sql),
			    "SELECT coalesce(%s, '(NULL)') FROM trace"
			    " WHERE seq = %zu",
			    col[j], i + 1);
			query1(db, sql, cell, sizeof(cell));
			cr_assert_str_eq(cell,
			    tr[i][j] != NULL ? tr[i][j] : "(NULL)",
			    "row %zu, %s", i + 1, col[j]);
		}
	}
	/* The strings in the order they first appear. */
	for (i = 0; i < n; i++)
		for (j = 0; j < 5; j++) {
			if (tr[i][j] == NULL)
				continue;
			for (k = 0; k < nstrs; k++)
				if (strcmp(strs[k], tr[i][j]) == 0)
					break;
			if (k == nstrs)
				strs[nstrs++] = tr[i][j];
		}
	w = 0;
	for (k = 0; k < nstrs; k++)
		w += (size_t)snprintf(want + w, sizeof(want) - w, "%s%s",
		    k > 0 ? "|" : "", strs[k] == big ? "BIG" : strs[k]);
	query1(db,
	    "SELECT group_concat(CASE WHEN length(text) > 300 THEN 'BIG' ELSE"
	    " text END, '|') FROM (SELECT text FROM trace_str ORDER BY id)",
	    cell, sizeof(cell));
	cr_assert_str_eq(cell, want);
	/* One tuple per distinct (func, field, old, new), in order. */
	query1(db,
	    "SELECT group_concat(chg, ',') FROM (SELECT chg FROM trace_rows"
	    " ORDER BY id)",
	    cell, sizeof(cell));
	cr_assert_str_eq(cell, "1,1,2,2,1,1,3,4,5,6,1,7,7,1,1,8,4,1,7");
	sqlite3_close(db);
	tmp_remove(path);
}

/* errbuf_set: the caller's buffer, cut to its size; none, nothing. */
Test(errbuf, formats_cuts_and_ignores_no_buffer)
{
	char err[8];

	memset(err, 'x', sizeof(err));
	errbuf_set(err, sizeof(err), "%s: %d", "file", 12345);
	cr_assert_str_eq(err, "file: 1");
	errbuf_set(NULL, 0, "%s", "nowhere");
	errbuf_set(err, 0, "%s", "nowhere");
	cr_assert_str_eq(err, "file: 1");
}
