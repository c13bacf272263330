/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The trace sink (see trace.h): canonical transition lines, the running
 * XXH3-64 hash over them, and the SQLite recorder.  Rows are inserted through
 * prepared statements inside one transaction that is committed every
 * TRACE_BATCH rows and at the end of the run, so recording costs little more
 * than SQLite's own insert rate and a crash loses at most one batch while the
 * 'runs' row (committed at the start) says 'running'.
 */
#include <errno.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

#include "evsim_config.h"
#include "trace.h"
#include "trace_schema.h"
#include "tracedb.h"

#define TRACE_BATCH 65536

struct trace {
	sqlite3 *db;
	sqlite3_stmt *ins_trace;
	sqlite3_stmt *ins_syscall;
	sqlite3_stmt *ins_decision;
	sqlite3_stmt *ins_thread;
	sqlite3_stmt *end_thread;
	bool in_txn;
	uint32_t batch;
	int64_t run_id;
	uint64_t seq;
	uint64_t nsyscalls;
	uint64_t ndecisions;
	XXH3_state_t *hash;
	FILE *text;
	void (*expect)(void *arg, uint64_t seq, const char *line);
	void *expect_arg;
	char *line;
	size_t linecap;
};

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static void
fatal_sql(struct trace *t, const char *what)
{
	fprintf(stderr, "evsim: fatal: trace database: %s: %s\n", what,
	    sqlite3_errmsg(t->db));
	exit(2);
}

static int
exec(struct trace *t, const char *sql)
{
	return (sqlite3_exec(t->db, sql, NULL, NULL, NULL));
}

static void
begin(struct trace *t)
{
	if (t->db == NULL || t->in_txn)
		return;
	if (exec(t, "BEGIN") != SQLITE_OK)
		fatal_sql(t, "BEGIN");
	t->in_txn = true;
	t->batch = 0;
}

static void
commit(struct trace *t)
{
	if (t->db == NULL || !t->in_txn)
		return;
	if (exec(t, "COMMIT") != SQLITE_OK)
		fatal_sql(t, "COMMIT");
	t->in_txn = false;
}

static void
counted(struct trace *t)
{
	if (++t->batch >= TRACE_BATCH) {
		commit(t);
		begin(t);
	}
}

/*
 * Checks that an existing database is ours.  An empty database (no tables)
 * is adopted; one with tables but no evsim_meta, or a different format or
 * version, is refused without being touched.
 */
static int
check_foreign(struct trace *t, const char *path, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc, ntables = -1;

	rc = sqlite3_prepare_v2(t->db,
	    "SELECT count(*) FROM sqlite_master WHERE type = 'table'", -1, &st,
	    NULL);
	if (rc != SQLITE_OK) {
		seterr(err, errlen, "%s: not an evsim database (%s)", path,
		    sqlite3_errmsg(t->db));
		return (EINVAL);
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		ntables = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (ntables < 0) {
		seterr(err, errlen, "%s: not an evsim database (%s)", path,
		    sqlite3_errmsg(t->db));
		return (EINVAL);
	}
	if (ntables == 0)
		return (0);
	return (tracedb_check_meta(t->db, path, err, errlen));
}

static void
prepare(struct trace *t, sqlite3_stmt **st, const char *sql)
{
	if (sqlite3_prepare_v2(t->db, sql, -1, st, NULL) != SQLITE_OK)
		fatal_sql(t, sql);
}

int
trace_open(struct trace **ret_t, const char *db_path, char *err, size_t errlen)
{
	struct trace *t;
	int rc;

	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return (ENOMEM);
	t->hash = XXH3_createState();
	if (t->hash == NULL) {
		free(t);
		return (ENOMEM);
	}
	XXH3_64bits_reset(t->hash);
	if (db_path == NULL) {
		*ret_t = t;
		return (0);
	}
	rc = sqlite3_open_v2(db_path, &t->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	    NULL);
	if (rc != SQLITE_OK) {
		seterr(err, errlen, "%s: cannot open database: %s", db_path,
		    t->db != NULL ? sqlite3_errmsg(t->db) : "out of memory");
		trace_close(t);
		return (EIO);
	}
	sqlite3_busy_timeout(t->db, 10000);
	rc = check_foreign(t, db_path, err, errlen);
	if (rc != 0) {
		trace_close(t);
		return (rc);
	}
	/*
	 * WAL lets readers (reports, a second evsim) look at a database while
	 * a long run appends to it; NORMAL sync is safe with WAL.
	 */
	if (exec(t, "PRAGMA journal_mode = WAL") != SQLITE_OK
	    || exec(t, "PRAGMA synchronous = NORMAL") != SQLITE_OK
	    || exec(t, "PRAGMA cache_size = -65536") != SQLITE_OK
	    || exec(t, TRACE_SCHEMA_SQL) != SQLITE_OK) {
		seterr(err, errlen, "%s: cannot initialise database: %s",
		    db_path, sqlite3_errmsg(t->db));
		trace_close(t);
		return (EIO);
	}
	{
		char sql[256];

		snprintf(sql, sizeof(sql),
		    "INSERT OR IGNORE INTO evsim_meta VALUES"
		    " ('format', '%s'), ('schema_version', '%d')",
		    TRACE_SCHEMA_FORMAT, TRACE_SCHEMA_VERSION);
		if (exec(t, sql) != SQLITE_OK) {
			seterr(err, errlen, "%s: cannot write: %s", db_path,
			    sqlite3_errmsg(t->db));
			trace_close(t);
			return (EIO);
		}
	}
	prepare(t, &t->ins_trace,
	    "INSERT INTO trace VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	    "?10)");
	prepare(t, &t->ins_syscall,
	    "INSERT OR REPLACE INTO syscalls VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	    "?7, ?8, ?9, ?10, ?11)");
	prepare(t, &t->ins_decision,
	    "INSERT INTO decisions VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
	    "?9)");
	prepare(t, &t->ins_thread,
	    "INSERT OR REPLACE INTO threads VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	    "NULL)");
	prepare(t, &t->end_thread,
	    "UPDATE threads SET end_seq = ?3 WHERE run_id = ?1 AND tid = ?2");
	*ret_t = t;
	return (0);
}

void
trace_close(struct trace *t)
{
	if (t == NULL)
		return;
	if (t->db != NULL) {
		commit(t);
		sqlite3_finalize(t->ins_trace);
		sqlite3_finalize(t->ins_syscall);
		sqlite3_finalize(t->ins_decision);
		sqlite3_finalize(t->ins_thread);
		sqlite3_finalize(t->end_thread);
		sqlite3_close(t->db);
	}
	XXH3_freeState(t->hash);
	free(t->line);
	free(t);
}

static void
iso_now(char *buf, size_t len)
{
	/*
	 * The creation date is metadata about the run, not part of it: it is
	 * not hashed and never visible to the scenario.
	 */
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int
trace_run_begin(struct trace *t, const struct trace_run_info *info,
    int64_t *ret_run_id, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	char created[32];

	t->seq = 0;
	t->nsyscalls = 0;
	t->ndecisions = 0;
	XXH3_64bits_reset(t->hash);
	t->run_id = 0;
	if (t->db == NULL) {
		*ret_run_id = 0;
		return (0);
	}
	commit(t);
	iso_now(created, sizeof(created));
	if (sqlite3_prepare_v2(t->db,
		"INSERT INTO runs (scenario, path, source, kernel, seed,"
		" strategy, status, engine_version, created_at, args,"
		" transitions) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'running', ?7,"
		" ?8, ?9, 0)",
		-1, &st, NULL)
	    != SQLITE_OK) {
		seterr(err, errlen, "cannot record run: %s",
		    sqlite3_errmsg(t->db));
		return (EIO);
	}
	sqlite3_bind_text(st, 1, info->scenario, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, info->path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, info->source, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, info->kernel, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, info->seed);
	sqlite3_bind_text(st, 6, info->strategy, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 7, EVSIM_VERSION, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, created, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 9, info->args, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE) {
		seterr(err, errlen, "cannot record run: %s",
		    sqlite3_errmsg(t->db));
		sqlite3_finalize(st);
		return (EIO);
	}
	sqlite3_finalize(st);
	t->run_id = sqlite3_last_insert_rowid(t->db);
	*ret_run_id = t->run_id;
	begin(t);
	return (0);
}

int
trace_run_end(struct trace *t, const char *status, const char *message,
    const char *fail_func, int64_t vtime_end_ns, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	char hex[17];
	int rc = 0;

	if (t->db == NULL)
		return (0);
	trace_hash_hex(t, hex);
	begin(t);
	if (sqlite3_prepare_v2(t->db,
		"UPDATE runs SET status = ?2, message = ?3, fail_func = ?4,"
		" fail_seq = ?5, vtime_end = ?6, transitions = ?7,"
		" trace_hash = ?8, syscalls = ?9, decisions = ?10"
		" WHERE id = ?1",
		-1, &st, NULL)
	    != SQLITE_OK)
		fatal_sql(t, "UPDATE runs");
	sqlite3_bind_int64(st, 1, t->run_id);
	sqlite3_bind_text(st, 2, status, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, message, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, fail_func, -1, SQLITE_TRANSIENT);
	if (fail_func != NULL)
		sqlite3_bind_int64(st, 5, (sqlite3_int64)t->seq);
	else
		sqlite3_bind_null(st, 5);
	sqlite3_bind_int64(st, 6, vtime_end_ns);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)t->seq);
	sqlite3_bind_text(st, 8, hex, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 9, (sqlite3_int64)t->nsyscalls);
	sqlite3_bind_int64(st, 10, (sqlite3_int64)t->ndecisions);
	if (sqlite3_step(st) != SQLITE_DONE) {
		seterr(err, errlen, "cannot finish run: %s",
		    sqlite3_errmsg(t->db));
		rc = EIO;
	}
	sqlite3_finalize(st);
	commit(t);
	return (rc);
}

/* Appends s escaped per the canonical form; returns the new length. */
static size_t
put_escaped(char *buf, size_t len, size_t n, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p;

	if (s == NULL)
		return (n);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		char esc[4];
		size_t k = 0, i;

		switch (*p) {
		case '\\':
			esc[k++] = '\\';
			esc[k++] = '\\';
			break;
		case '\t':
			esc[k++] = '\\';
			esc[k++] = 't';
			break;
		case '\n':
			esc[k++] = '\\';
			esc[k++] = 'n';
			break;
		case '\r':
			esc[k++] = '\\';
			esc[k++] = 'r';
			break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				esc[k++] = '\\';
				esc[k++] = 'x';
				esc[k++] = hex[*p >> 4];
				esc[k++] = hex[*p & 0xf];
			} else {
				esc[k++] = (char)*p;
			}
		}
		for (i = 0; i < k; i++, n++)
			if (n + 1 < len)
				buf[n] = esc[i];
	}
	return (n);
}

static size_t
put_str(char *buf, size_t len, size_t n, const char *s)
{
	for (; *s != '\0'; s++, n++)
		if (n + 1 < len)
			buf[n] = *s;
	return (n);
}

size_t
trace_fmt_i64(char *buf, int64_t v)
{
	char tmp[24];
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	size_t n = 0, i = 0;

	do {
		tmp[i++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		buf[n++] = '-';
	while (i > 0)
		buf[n++] = tmp[--i];
	buf[n] = '\0';
	return (n);
}

size_t
trace_format_line(char *buf, size_t len, uint64_t seq, int64_t vtime_ns,
    int pid, int tid, const char *func, const char *object, const char *field,
    const char *old, const char *new)
{
	char num[100];
	size_t n, k = 0;

	k += trace_fmt_i64(num + k, (int64_t)seq);
	num[k++] = '\t';
	k += trace_fmt_i64(num + k, vtime_ns);
	num[k++] = '\t';
	k += trace_fmt_i64(num + k, pid);
	num[k++] = '\t';
	k += trace_fmt_i64(num + k, tid);
	num[k++] = '\t';
	num[k] = '\0';
	n = put_str(buf, len, 0, num);
	n = put_escaped(buf, len, n, func);
	n = put_str(buf, len, n, "\t");
	n = put_escaped(buf, len, n, object);
	n = put_str(buf, len, n, "\t");
	n = put_escaped(buf, len, n, field);
	n = put_str(buf, len, n, "\t");
	n = put_escaped(buf, len, n, old);
	n = put_str(buf, len, n, "\t");
	n = put_escaped(buf, len, n, new);
	n = put_str(buf, len, n, "\n");
	if (len > 0)
		buf[n < len ? n : len - 1] = '\0';
	return (n);
}

uint64_t
trace_transition(struct trace *t, int64_t vtime_ns, int pid, int tid,
    const char *func, const char *object, const char *field, const char *old,
    const char *new)
{
	size_t need;

	t->seq++;
	need = trace_format_line(t->line, t->linecap, t->seq, vtime_ns, pid,
	    tid, func, object, field, old, new);
	if (need + 1 > t->linecap) {
		size_t cap = need + 1 > 256 ? need + 1 : 256;
		char *p = realloc(t->line, cap);

		if (p == NULL) {
			fprintf(stderr, "evsim: fatal: out of memory\n");
			exit(2);
		}
		t->line = p;
		t->linecap = cap;
		trace_format_line(t->line, t->linecap, t->seq, vtime_ns, pid,
		    tid, func, object, field, old, new);
	}
	XXH3_64bits_update(t->hash, t->line, need);
	if (t->text != NULL)
		fwrite(t->line, 1, need, t->text);
	if (t->expect != NULL)
		t->expect(t->expect_arg, t->seq, t->line);
	if (t->db != NULL) {
		sqlite3_stmt *st = t->ins_trace;

		sqlite3_bind_int64(st, 1, t->run_id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)t->seq);
		sqlite3_bind_int64(st, 3, vtime_ns);
		sqlite3_bind_int(st, 4, pid);
		sqlite3_bind_int(st, 5, tid);
		sqlite3_bind_text(st, 6, func, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, object, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, field, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 9, old, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 10, new, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			fatal_sql(t, "INSERT INTO trace");
		sqlite3_reset(st);
		counted(t);
	}
	return (t->seq);
}

void
trace_syscall(struct trace *t, uint64_t start_seq, int64_t start_ns,
    int64_t end_ns, int pid, int tid, const char *name, const char *args,
    const char *result, const char *err)
{
	t->nsyscalls++;
	if (t->db != NULL) {
		sqlite3_stmt *st = t->ins_syscall;

		sqlite3_bind_int64(st, 1, t->run_id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)start_seq);
		sqlite3_bind_int64(st, 3, start_ns);
		sqlite3_bind_int(st, 4, pid);
		sqlite3_bind_int(st, 5, tid);
		sqlite3_bind_text(st, 6, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, args, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, result, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 9, err, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 10, (sqlite3_int64)t->seq);
		sqlite3_bind_int64(st, 11, end_ns);
		if (sqlite3_step(st) != SQLITE_DONE)
			fatal_sql(t, "INSERT INTO syscalls");
		sqlite3_reset(st);
		counted(t);
	}
}

void
trace_decision(struct trace *t, uint64_t step, int64_t vtime_ns, int tid,
    const char *kind, int64_t chosen, const char *runnable, const char *label)
{
	t->ndecisions++;
	if (t->db != NULL) {
		sqlite3_stmt *st = t->ins_decision;

		sqlite3_bind_int64(st, 1, t->run_id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)step);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)t->seq);
		sqlite3_bind_int64(st, 4, vtime_ns);
		sqlite3_bind_int(st, 5, tid);
		sqlite3_bind_text(st, 6, kind, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 7, chosen);
		sqlite3_bind_text(st, 8, runnable, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 9, label, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			fatal_sql(t, "INSERT INTO decisions");
		sqlite3_reset(st);
		counted(t);
	}
}

void
trace_thread(
    struct trace *t, int tid, int pid, const char *name, const char *kind)
{
	if (t->db != NULL) {
		sqlite3_stmt *st = t->ins_thread;

		sqlite3_bind_int64(st, 1, t->run_id);
		sqlite3_bind_int(st, 2, tid);
		sqlite3_bind_int(st, 3, pid);
		sqlite3_bind_text(st, 4, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 5, kind, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 6, (sqlite3_int64)t->seq);
		if (sqlite3_step(st) != SQLITE_DONE)
			fatal_sql(t, "INSERT INTO threads");
		sqlite3_reset(st);
		counted(t);
	}
}

void
trace_thread_end(struct trace *t, int tid)
{
	if (t->db != NULL) {
		sqlite3_stmt *st = t->end_thread;

		sqlite3_bind_int64(st, 1, t->run_id);
		sqlite3_bind_int(st, 2, tid);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)t->seq);
		if (sqlite3_step(st) != SQLITE_DONE)
			fatal_sql(t, "UPDATE threads");
		sqlite3_reset(st);
	}
}

uint64_t
trace_seq(const struct trace *t)
{
	return (t->seq);
}

uint64_t
trace_nsyscalls(const struct trace *t)
{
	return (t->nsyscalls);
}

uint64_t
trace_ndecisions(const struct trace *t)
{
	return (t->ndecisions);
}

void
trace_hash_hex(const struct trace *t, char out[17])
{
	snprintf(out, 17, "%016" PRIx64, (uint64_t)XXH3_64bits_digest(t->hash));
}

void
trace_set_expect(struct trace *t,
    void (*fn)(void *arg, uint64_t seq, const char *line), void *arg)
{
	t->expect = fn;
	t->expect_arg = arg;
}

void
trace_set_text_out(struct trace *t, FILE *f)
{
	t->text = f;
}

bool
trace_recording(const struct trace *t)
{
	return (t->db != NULL);
}
