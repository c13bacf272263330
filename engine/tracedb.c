/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The reader of the trace database (see tracedb.h).  Every query is by
 * table and column name of trace_schema.h; the canonical lines are built
 * with trace_format_line, the formatter the writer hashes, so a line read
 * back is byte-identical to the one hashed during the run.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trace.h"
#include "trace_schema.h"
#include "tracedb.h"
#include "tracerows.h"

struct tracedb {
	sqlite3 *db;
	char *path;
};

/* The per-run tables every reader relies on. */
static const char *const tables[]
    = { "runs", "trace_rows", "trace_ctx", "trace_chg", "trace_str",
	      "syscall_rows", "decisions", "threads", NULL };

static _Noreturn void
oom(void)
{
	fprintf(stderr, "evsim: fatal: out of memory\n");
	exit(2);
}

static char *
xstrdup(const char *s)
{
	char *d = strdup(s != NULL ? s : "");

	if (d == NULL)
		oom();
	return (d);
}

void
tracedb_harden(sqlite3 *db)
{
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, (int *)NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, (int *)NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
	sqlite3_db_config(
	    db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, (int *)NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FKEY, 0, (int *)NULL);
}

/* The "type name" of every object the evsim schema creates, sorted. */
static char **
schema_objects(size_t *ret_n)
{
	sqlite3 *mem;
	sqlite3_stmt *st;
	char **v = NULL;
	size_t n = 0;

	if (sqlite3_open(":memory:", &mem) != SQLITE_OK
	    || sqlite3_exec(mem, TRACE_SCHEMA_ALL_SQL, NULL, NULL, NULL)
		!= SQLITE_OK
	    || sqlite3_prepare_v2(mem,
		   "SELECT type || ' ' || name || CASE type WHEN 'view' THEN"
		   " ' ' || sql ELSE '' END FROM sqlite_master ORDER BY 1",
		   -1, &st, NULL)
		!= SQLITE_OK) {
		fprintf(stderr, "evsim: fatal: trace schema: %s\n",
		    sqlite3_errmsg(mem));
		exit(2);
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		if ((v = realloc(v, (n + 1) * sizeof(*v))) == NULL)
			oom();
		v[n++] = xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	sqlite3_close(mem);
	*ret_n = n;
	return (v);
}

int
tracedb_check_schema(sqlite3 *db, const char *path, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	char **known, *bad = NULL;
	size_t nknown, i, len = 0;
	int rc, nbad = 0;

	rc = sqlite3_prepare_v2(db,
	    "SELECT type, name, sql FROM main.sqlite_master ORDER BY type, "
	    "name",
	    -1, &st, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: not an evsim database (%s)", path,
		    sqlite3_errmsg(db));
		return (EINVAL);
	}
	known = schema_objects(&nknown);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *type = (const char *)sqlite3_column_text(st, 0);
		const char *name = (const char *)sqlite3_column_text(st, 1);
		const char *sql = (const char *)sqlite3_column_text(st, 2);
		bool view = type != NULL && strcmp(type, "view") == 0;
		char obj[600];

		snprintf(obj, sizeof(obj), "%s %s", type != NULL ? type : "?",
		    name != NULL ? name : "?");
		/* A view of ours must also have our text. */
		for (i = 0; i < nknown; i++) {
			size_t n = strlen(obj);

			if (!view && strcmp(known[i], obj) == 0)
				break;
			if (view && strncmp(known[i], obj, n) == 0
			    && known[i][n] == ' ' && sql != NULL
			    && strcmp(known[i] + n + 1, sql) == 0)
				break;
		}
		if (view && i == nknown)
			snprintf(obj, sizeof(obj), "view %s%s",
			    name != NULL ? name : "?",
			    name != NULL
				    && (strcmp(name, "trace") == 0
					|| strcmp(name, "syscalls") == 0)
				? " (altered)"
				: "");
		/* ANALYZE's statistics are SQLite's own. */
		if (i < nknown
		    || (type != NULL && strcmp(type, "table") == 0
			&& name != NULL
			&& strncmp(name, "sqlite_stat", 11) == 0))
			continue;
		if ((bad = realloc(bad, len + strlen(obj) + 3)) == NULL)
			oom();
		len += (size_t)sprintf(
		    bad + len, "%s%s", nbad ? ", " : "", obj);
		nbad++;
	}
	sqlite3_finalize(st);
	for (i = 0; i < nknown; i++)
		free(known[i]);
	free(known);
	if (rc != SQLITE_DONE) {
		free(bad);
		snprintf(err, errlen, "%s: not an evsim database (%s)", path,
		    sqlite3_errmsg(db));
		return (EINVAL);
	}
	if (nbad > 0) {
		snprintf(err, errlen,
		    "%s: refused: schema objects evsim did not create: %s",
		    path, bad);
		free(bad);
		return (EINVAL);
	}
	return (0);
}

int
tracedb_check_meta(sqlite3 *db, const char *path, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc, ok = 0;

	rc = sqlite3_prepare_v2(db,
	    "SELECT (SELECT value FROM evsim_meta WHERE key = 'format'),"
	    " (SELECT value FROM evsim_meta WHERE key = 'schema_version')",
	    -1, &st, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen,
		    "%s: not an evsim database (no evsim_meta table)", path);
		return (EINVAL);
	}
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *fmt = (const char *)sqlite3_column_text(st, 0);
		const char *ver = (const char *)sqlite3_column_text(st, 1);

		if (fmt == NULL || strcmp(fmt, TRACE_SCHEMA_FORMAT) != 0) {
			snprintf(
			    err, errlen, "%s: not an evsim database", path);
		} else if (ver == NULL || atoi(ver) != TRACE_SCHEMA_VERSION) {
			snprintf(err, errlen,
			    "%s: evsim database schema version %s, this evsim "
			    "reads version %d (record the run again with this "
			    "evsim)",
			    path, ver != NULL ? ver : "(none)",
			    TRACE_SCHEMA_VERSION);
		} else {
			ok = 1;
		}
	} else {
		snprintf(err, errlen, "%s: not an evsim database", path);
	}
	sqlite3_finalize(st);
	return (ok ? 0 : EINVAL);
}

/* Every per-run table is there. */
static int
check_tables(sqlite3 *db, const char *path, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int k, rc;

	for (k = 0; tables[k] != NULL; k++) {
		sqlite3_prepare_v2(db,
		    "SELECT 1 FROM sqlite_master WHERE type = 'table' "
		    "AND name = ?1",
		    -1, &st, NULL);
		sqlite3_bind_text(st, 1, tables[k], -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW) {
			snprintf(err, errlen,
			    "%s: not an evsim database (missing table %s)",
			    path, tables[k]);
			return (EINVAL);
		}
	}
	return (0);
}

int
tracedb_open(
    struct tracedb **ret_db, const char *path, char *err, size_t errlen)
{
	struct tracedb *d;
	sqlite3 *db;
	int error;

	if (access(path, R_OK) != 0) {
		error = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(error));
		return (error);
	}
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL)
	    != SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot open database", path);
		sqlite3_close(db);
		return (EINVAL);
	}
	tracedb_harden(db);
	/* A run may be closing its connection: wait rather than fail. */
	sqlite3_busy_timeout(db, 10000);
	if ((error = tracedb_check_meta(db, path, err, errlen)) != 0
	    || (error = tracedb_check_schema(db, path, err, errlen)) != 0
	    || (error = check_tables(db, path, err, errlen)) != 0) {
		sqlite3_close(db);
		return (error);
	}
	/* Our own views, ahead of the file's (which stay disabled). */
	if (sqlite3_exec(db, TRACE_SCHEMA_TEMP_VIEWS_SQL, NULL, NULL, NULL)
	    != SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot read: %s", path,
		    sqlite3_errmsg(db));
		sqlite3_close(db);
		return (EINVAL);
	}
	d = calloc(1, sizeof(*d));
	if (d == NULL)
		oom();
	d->db = db;
	d->path = xstrdup(path);
	*ret_db = d;
	return (0);
}

void
tracedb_close(struct tracedb *db)
{
	if (db == NULL)
		return;
	sqlite3_close(db->db);
	free(db->path);
	free(db);
}

sqlite3 *
tracedb_sqlite(struct tracedb *db)
{
	return (db->db);
}

int
tracedb_explore_find(struct tracedb *db, struct trace_explore *key,
    char **status, char **failpoints, uint64_t *fp_budget)
{
	sqlite3_stmt *st;
	int rc = ENOENT;

	/* Databases from before the table: nothing to resume. */
	if (sqlite3_prepare_v2(db->db,
		"SELECT id, next, done, failures, crashes, status,"
		" coalesce(failpoints, ''), coalesce(fp_budget, 0) FROM explore"
		" WHERE path = ?1 AND source_hash = ?2 AND kernel = ?3"
		" AND strategy = ?4 AND seed_base = ?5 AND shard = ?6"
		" AND keep_going = ?7 ORDER BY id DESC LIMIT 1",
		-1, &st, NULL)
	    != SQLITE_OK)
		return (ENOENT);
	sqlite3_bind_text(st, 1, key->path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key->source_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, key->kernel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, key->strategy, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)key->seed_base);
	sqlite3_bind_text(st, 6, key->shard, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 7, key->keep_going);
	if (sqlite3_step(st) == SQLITE_ROW) {
		key->id = sqlite3_column_int64(st, 0);
		key->next = (uint64_t)sqlite3_column_int64(st, 1);
		key->done = (uint64_t)sqlite3_column_int64(st, 2);
		key->failures = (uint64_t)sqlite3_column_int64(st, 3);
		key->crashes = (uint64_t)sqlite3_column_int64(st, 4);
		*status = xstrdup((const char *)sqlite3_column_text(st, 5));
		*failpoints = xstrdup((const char *)sqlite3_column_text(st, 6));
		*fp_budget = (uint64_t)sqlite3_column_int64(st, 7);
		rc = 0;
	}
	sqlite3_finalize(st);
	return (rc);
}

int
tracedb_check_file(const char *in, char *err, size_t errlen)
{
	struct tracedb *db;
	int error;

	if ((error = tracedb_open(&db, in, err, errlen)) != 0)
		return (error);
	tracedb_close(db);
	return (0);
}

int
tracedb_run_resolve(struct tracedb *db, int64_t *run, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	if (*run == 0) {
		sqlite3_prepare_v2(
		    db->db, "SELECT max(id) FROM runs", -1, &st, NULL);
		if (sqlite3_step(st) == SQLITE_ROW
		    && sqlite3_column_type(st, 0) != SQLITE_NULL)
			*run = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		if (*run == 0) {
			snprintf(err, errlen, "%s: no runs recorded", db->path);
			return (ENOENT);
		}
		return (0);
	}
	sqlite3_prepare_v2(
	    db->db, "SELECT id FROM runs WHERE id = ?1", -1, &st, NULL);
	sqlite3_bind_int64(st, 1, *run);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW) {
		snprintf(err, errlen, "%s: no run %" PRId64, db->path, *run);
		return (ENOENT);
	}
	return (0);
}

int
tracedb_run_header(struct tracedb *db, int64_t run, struct tracedb_run *r,
    char *err, size_t errlen)
{
	sqlite3_stmt *st;

	memset(r, 0, sizeof(*r));
	if (sqlite3_prepare_v2(db->db,
		"SELECT source, path, kernel, seed, trace_hash, "
		"engine_version, status, message FROM runs WHERE id = ?1",
		-1, &st, NULL)
	    != SQLITE_OK) {
		snprintf(err, errlen, "%s: not an evsim database (%s)",
		    db->path, sqlite3_errmsg(db->db));
		return (EINVAL);
	}
	sqlite3_bind_int64(st, 1, run);
	sqlite3_step(st);
	r->id = run;
	r->source = xstrdup((const char *)sqlite3_column_text(st, 0));
	r->path = xstrdup((const char *)sqlite3_column_text(st, 1));
	r->kernel = xstrdup((const char *)sqlite3_column_text(st, 2));
	r->seed = (uint64_t)sqlite3_column_int64(st, 3);
	r->trace_hash = xstrdup((const char *)sqlite3_column_text(st, 4));
	r->engine_version = xstrdup((const char *)sqlite3_column_text(st, 5));
	r->status = xstrdup((const char *)sqlite3_column_text(st, 6));
	r->message = xstrdup((const char *)sqlite3_column_text(st, 7));
	sqlite3_finalize(st);
	return (0);
}

void
tracedb_run_free(struct tracedb_run *r)
{
	free(r->source);
	free(r->path);
	free(r->kernel);
	free(r->trace_hash);
	free(r->engine_version);
	free(r->status);
	free(r->message);
	memset(r, 0, sizeof(*r));
}

/* The key range of a run's rows: (run - 1) << 32 | n (trace_schema.h). */
static sqlite3_int64
run_base(int64_t run)
{
	return ((sqlite3_int64)((uint64_t)(run - 1) << 32));
}

/*
 * The cursor reads through tracerows (the key-range reader reports/ shares)
 * and adds the canonical line.
 */
struct tracedb_cursor {
	struct tracedb *db;
	struct tracerows *rows;
	struct tracerows_row row;
	char *line;
	size_t linecap, linelen;
	bool have_line;
};

struct tracedb_cursor *
tracedb_cursor_open(struct tracedb *db, int64_t run, uint64_t from_seq)
{
	struct tracedb_cursor *c = calloc(1, sizeof(*c));
	int error;

	if (c == NULL)
		oom();
	c->db = db;
	if ((error = tracerows_open(&c->rows, db->db, run, from_seq, 0)) != 0) {
		if (error == ENOMEM)
			oom();
		fprintf(stderr, "evsim: fatal: %s: %s\n", db->path,
		    sqlite3_errmsg(db->db));
		exit(2);
	}
	return (c);
}

void
tracedb_cursor_close(struct tracedb_cursor *c)
{
	if (c == NULL)
		return;
	tracerows_close(c->rows);
	free(c->line);
	free(c);
}

int
tracedb_cursor_next(struct tracedb_cursor *c, struct tracerows_row *row)
{
	struct tracerows_row r;
	int error;

	c->have_line = false;
	if ((error = tracerows_next(c->rows, &r)) == ENOENT)
		return (0);
	if (error == ENOMEM)
		oom();
	if (error != 0) {
		fprintf(stderr, "evsim: %s: %s\n", c->db->path,
		    sqlite3_errmsg(c->db->db));
		return (-1);
	}
	c->row = r;
	*row = c->row;
	return (1);
}

const char *
tracedb_cursor_line(struct tracedb_cursor *c, size_t *len)
{
	const struct tracerows_row *r = &c->row;
	size_t n;

	if (!c->have_line) {
		for (;;) {
			n = trace_format_line_n(c->line, c->linecap, r->seq,
			    r->vtime, r->pid, r->tid, r->func, r->object,
			    r->field, r->old, r->new, r->newlen);
			if (n < c->linecap)
				break;
			c->linecap = n + 256;
			free(c->line);
			if ((c->line = malloc(c->linecap)) == NULL)
				oom();
		}
		c->linelen = n;
		c->have_line = true;
	}
	if (len != NULL)
		*len = c->linelen;
	return (c->line);
}

uint64_t
tracedb_transitions(struct tracedb *db, int64_t run)
{
	sqlite3_stmt *st;
	uint64_t n = 0;

	if (sqlite3_prepare_v2(db->db,
		"SELECT max(id) - ?1 FROM trace_rows WHERE id > ?1 AND"
		" id < ?1 + (1 << 32)",
		-1, &st, NULL)
	    != SQLITE_OK)
		return (0);
	sqlite3_bind_int64(st, 1, run_base(run));
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return (n);
}

void
tracedb_lines(struct tracedb *db, int64_t run, char ***ret_lines, size_t *ret_n)
{
	struct tracedb_cursor *c = tracedb_cursor_open(db, run, 1);
	struct tracerows_row row;
	char **lines = NULL;
	size_t n = 0, cap = 0, len;
	const char *line;

	while (tracedb_cursor_next(c, &row) == 1) {
		line = tracedb_cursor_line(c, &len);
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			lines = realloc(lines, cap * sizeof(*lines));
			if (lines == NULL)
				oom();
		}
		if ((lines[n] = malloc(len + 1)) == NULL)
			oom();
		memcpy(lines[n], line, len + 1);
		n++;
	}
	tracedb_cursor_close(c);
	*ret_lines = lines;
	*ret_n = n;
}

void
tracedb_lines_free(char **lines, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

/* The decision log of a run, in step order (the key of 'decisions'). */
static const char decisions_sql[]
    = "SELECT kind, chosen, runnable, seq FROM decisions WHERE "
      "run_id = ?1 ORDER BY step";

/* The decision at st's row; runnable points into st's row (or is NULL). */
static void
decision_row(sqlite3_stmt *st, struct sched_decision *d)
{
	const char *kind = (const char *)sqlite3_column_text(st, 0);

	d->is_choose = kind != NULL && strcmp(kind, "choose") == 0;
	d->chosen = sqlite3_column_int64(st, 1);
	d->runnable
	    = d->is_choose ? NULL : (const char *)sqlite3_column_text(st, 2);
	if (!d->is_choose && d->runnable == NULL)
		d->runnable = "";
	d->seq = sqlite3_column_int64(st, 3);
}

void
tracedb_decisions(struct tracedb *db, int64_t run,
    struct sched_decision **ret_log, size_t *ret_n)
{
	struct sched_decision *log = NULL;
	sqlite3_stmt *st;
	size_t n = 0, cap = 0;

	sqlite3_prepare_v2(db->db, decisions_sql, -1, &st, NULL);
	sqlite3_bind_int64(st, 1, run);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			log = realloc(log, cap * sizeof(*log));
			if (log == NULL)
				oom();
		}
		decision_row(st, &log[n]);
		if (log[n].runnable != NULL)
			log[n].runnable = xstrdup(log[n].runnable);
		n++;
	}
	sqlite3_finalize(st);
	*ret_log = log;
	*ret_n = n;
}

/*
 * One statement stepped through the run's key range of 'decisions' (a
 * WITHOUT ROWID table keyed on (run_id, step): no sort, no copy).
 */
struct tracedb_decisions_cursor {
	sqlite3_stmt *st; /* NULL: the log cannot be read, it is empty */
	bool done;
};

/*
 * As tracedb_decisions, a log that cannot be read (or a read error) ends
 * there: the replay then diverges at the decision it lacks.
 */
struct tracedb_decisions_cursor *
tracedb_decisions_open(struct tracedb *db, int64_t run)
{
	struct tracedb_decisions_cursor *c = calloc(1, sizeof(*c));

	if (c == NULL)
		oom();
	if (sqlite3_prepare_v2(db->db, decisions_sql, -1, &c->st, NULL)
	    != SQLITE_OK) {
		sqlite3_finalize(c->st);
		c->st = NULL;
		c->done = true;
		return (c);
	}
	sqlite3_bind_int64(c->st, 1, run);
	return (c);
}

bool
tracedb_decisions_next(
    struct tracedb_decisions_cursor *c, struct sched_decision *d)
{
	if (c->done)
		return (false);
	if (sqlite3_step(c->st) == SQLITE_ROW) {
		decision_row(c->st, d);
		return (true);
	}
	c->done = true;
	return (false);
}

void
tracedb_decisions_close(struct tracedb_decisions_cursor *c)
{
	if (c == NULL)
		return;
	sqlite3_finalize(c->st);
	free(c);
}

void
tracedb_decisions_free(struct sched_decision *log, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		free((char *)log[k].runnable);
	free(log);
}

void
tracedb_failpoints(
    struct tracedb *db, int64_t run, char ***ret_specs, size_t *ret_n)
{
	sqlite3_stmt *st;
	char **specs = NULL;
	size_t n = 0, cap = 0;

	/*
	 * Settings of no thread (tid 0): made before pid 1 started.  Only the
	 * rows of tid 0 contexts are read, not the whole run.
	 */
	sqlite3_prepare_v2(db->db,
	    "SELECT f.text || '=' || v.text FROM trace_ctx c"
	    " JOIN trace_rows t ON t.id >= c.id AND t.id < coalesce("
	    "  (SELECT min(x.id) FROM trace_ctx x WHERE x.id > c.id), ?2)"
	    " JOIN trace_chg g ON g.id = ?1 | t.chg"
	    " JOIN trace_str f ON f.id = ?1 | g.field"
	    " JOIN trace_str v ON v.id = ?1 | g.new"
	    " WHERE c.id > ?1 AND c.id < ?2 AND c.tid = 0"
	    " AND g.func IN (SELECT id - ?1 FROM trace_str WHERE id > ?1"
	    "  AND id < ?2 AND text = 'sim_failpoint_set')"
	    " ORDER BY t.id",
	    -1, &st, NULL);
	sqlite3_bind_int64(st, 1, run_base(run));
	sqlite3_bind_int64(st, 2, run_base(run) + ((sqlite3_int64)1 << 32));
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			specs = realloc(specs, cap * sizeof(*specs));
			if (specs == NULL)
				oom();
		}
		specs[n++] = xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	*ret_specs = specs;
	*ret_n = n;
}

static int
exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return (0);
	snprintf(err, errlen, "%s", msg != NULL ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	return (EIO);
}

/* Appends s to the growing buffer *b (length *len, capacity *cap). */
static void
put(char **b, size_t *len, size_t *cap, const char *s)
{
	size_t n = strlen(s);

	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		if ((*b = realloc(*b, *cap)) == NULL)
			oom();
	}
	memcpy(*b + *len, s, n + 1);
	*len += n;
}

/*
 * The tables keyed by (run_id - 1) << 32 | n (trace_schema.h), whose key
 * merge renumbers with the run.
 */
static const char *const keyed_tables[] = { "trace_rows", "trace_ctx",
	"trace_chg", "trace_str", "syscall_rows", NULL };

/*
 * Copies one table's rows of the mapped runs: the columns of main.T, with
 * idcol taken from the map, or for a keyed table (idcol NULL) the run part
 * of its key.  Returns 0, or EIO.
 */
static int
copy_table(
    sqlite3 *db, const char *table, const char *idcol, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	char *sql = NULL, q[512];
	size_t len = 0, cap = 0;
	int ncol = 0, rc, srccols = 0;

	/* The input must have the column set of the output. */
	snprintf(q, sizeof(q),
	    "SELECT count(*) FROM pragma_table_info('%s', 'main') m"
	    " JOIN pragma_table_info('%s', 'src') s ON m.name = s.name",
	    table, table);
	if (sqlite3_prepare_v2(db, q, -1, &st, NULL) == SQLITE_OK
	    && sqlite3_step(st) == SQLITE_ROW)
		srccols = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	snprintf(q, sizeof(q),
	    "SELECT name FROM pragma_table_info('%s', 'main') ORDER BY cid",
	    table);
	if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		return (EIO);
	}
	put(&sql, &len, &cap, "INSERT INTO main.\"");
	put(&sql, &len, &cap, table);
	put(&sql, &len, &cap, "\" SELECT ");
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(st, 0);

		if (ncol++ > 0)
			put(&sql, &len, &cap, ", ");
		if (idcol == NULL && strcmp(c, "id") == 0) {
			put(&sql, &len, &cap,
			    "((m.new - 1) << 32) | (x.id & 4294967295)");
		} else if (idcol != NULL && strcmp(c, idcol) == 0) {
			put(&sql, &len, &cap, "m.new");
		} else {
			put(&sql, &len, &cap, "x.\"");
			put(&sql, &len, &cap, c);
			put(&sql, &len, &cap, "\"");
		}
	}
	sqlite3_finalize(st);
	if (srccols != ncol) {
		free(sql);
		snprintf(err, errlen,
		    "table %s has different columns in the input", table);
		return (EINVAL);
	}
	put(&sql, &len, &cap, " FROM src.\"");
	put(&sql, &len, &cap, table);
	if (idcol == NULL) {
		put(&sql, &len, &cap,
		    "\" x JOIN temp.evsim_merge_map m ON m.old = (x.id >> 32)"
		    " + 1 ORDER BY x.id");
	} else {
		put(&sql, &len, &cap,
		    "\" x JOIN temp.evsim_merge_map m ON x.\"");
		put(&sql, &len, &cap, idcol);
		put(&sql, &len, &cap, "\" = m.old");
	}
	rc = exec(db, sql, err, errlen);
	free(sql);
	return (rc);
}

/* "file:PATH?mode=ro" with PATH percent-encoded (malloc'd). */
static char *
uri_readonly(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	char *u = malloc(strlen(path) * 3 + 16), *p;

	if (u == NULL)
		oom();
	/* An absolute path after an empty authority: file:///x. */
	p = u + sprintf(u, path[0] == '/' ? "file://" : "file:");
	for (; *path != '\0'; path++) {
		unsigned char c = (unsigned char)*path;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		    || (c >= '0' && c <= '9') || strchr("/-._~", c) != NULL) {
			*p++ = (char)c;
		} else {
			*p++ = '%';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		}
	}
	strcpy(p, "?mode=ro");
	return (u);
}

/*
 * tracedb_merge, or with ranks tracedb_merge_ranked: run runs[i] becomes
 * *base + ranks[i], *base read from out first when negative.
 */
static int
merge(const char *out, const char *in, const int64_t *runs,
    const int64_t *ranks, size_t nruns, int64_t *base, int64_t *new_ids,
    size_t *ret_n, char *err, size_t errlen)
{
	struct trace *t;
	sqlite3 *db;
	sqlite3_stmt *st;
	size_t i, cap = ret_n != NULL ? *ret_n : nruns, n = 0;
	char *uri;
	int rc;

	/*
	 * Checks in, and creates out with the schema or refuses a foreign
	 * file; tracedb_merge_ranked's databases are known good.
	 */
	if (ranks == NULL) {
		if ((rc = tracedb_check_file(in, err, errlen)) != 0
		    || (rc = trace_open(&t, out, err, errlen)) != 0)
			return (rc);
		trace_close(t);
	}
	if (sqlite3_open_v2(
		out, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI, NULL)
	    != SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot open database", out);
		sqlite3_close(db);
		return (EIO);
	}
	tracedb_harden(db);
	sqlite3_busy_timeout(db, 10000);
	if (sqlite3_prepare_v2(db, "ATTACH ?1 AS src", -1, &st, NULL)
	    != SQLITE_OK) {
		rc = EIO;
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		goto out;
	}
	/* The input is only read: attach it read-only. */
	uri = uri_readonly(in);
	sqlite3_bind_text(st, 1, uri, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	free(uri);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "%s: %s", in, sqlite3_errmsg(db));
		rc = EINVAL;
		goto out;
	}
	if ((rc = exec(db,
		 "BEGIN IMMEDIATE;"
		 "CREATE TEMP TABLE evsim_merge_want("
		 "  old INTEGER PRIMARY KEY, new INTEGER);"
		 "CREATE TEMP TABLE evsim_merge_map("
		 "  old INTEGER PRIMARY KEY, new INTEGER);",
		 err, errlen))
	    != 0)
		goto out;
	if (ranks != NULL && *base < 0) {
		sqlite3_prepare_v2(db,
		    "SELECT coalesce(max(id), 0) FROM main.runs", -1, &st,
		    NULL);
		if (sqlite3_step(st) == SQLITE_ROW)
			*base = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		if (*base < 0) {
			rc = EIO;
			snprintf(err, errlen, "%s", sqlite3_errmsg(db));
			goto rollback;
		}
	}
	if (runs == NULL) {
		rc = exec(db,
		    "INSERT INTO temp.evsim_merge_want(old) SELECT id FROM "
		    "src.runs",
		    err, errlen);
	} else {
		sqlite3_prepare_v2(db,
		    "INSERT OR IGNORE INTO temp.evsim_merge_want"
		    " VALUES (?1, ?2)",
		    -1, &st, NULL);
		for (i = 0; i < nruns; i++) {
			sqlite3_bind_int64(st, 1, runs[i]);
			if (ranks != NULL)
				sqlite3_bind_int64(st, 2, *base + ranks[i]);
			else
				sqlite3_bind_null(st, 2);
			sqlite3_step(st);
			sqlite3_reset(st);
		}
		sqlite3_finalize(st);
	}
	/*
	 * The id each run asked for, or numbered after out's highest run id
	 * in the input's order.
	 */
	if (rc != 0
	    || (rc = exec(db,
		    "INSERT INTO temp.evsim_merge_map SELECT w.old,"
		    " coalesce(w.new, (SELECT coalesce(max(id), 0)"
		    "  FROM main.runs) + row_number() OVER (ORDER BY w.old))"
		    " FROM temp.evsim_merge_want w JOIN src.runs r"
		    " ON r.id = w.old",
		    err, errlen))
		!= 0
	    || (rc = copy_table(db, "runs", "id", err, errlen)) != 0)
		goto rollback;
	/* Every other per-run table both sides have. */
	sqlite3_prepare_v2(db,
	    "SELECT m.name FROM main.sqlite_master m WHERE m.type = 'table'"
	    " AND m.name NOT IN ('runs', 'evsim_meta')"
	    " AND EXISTS (SELECT 1 FROM pragma_table_info(m.name, 'main')"
	    "  WHERE name = 'run_id')"
	    " AND EXISTS (SELECT 1 FROM src.sqlite_master s"
	    "  WHERE s.type = 'table' AND s.name = m.name)"
	    " ORDER BY m.name",
	    -1, &st, NULL);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char name[256];

		snprintf(name, sizeof(name), "%s",
		    (const char *)sqlite3_column_text(st, 0));
		if ((rc = copy_table(db, name, "run_id", err, errlen)) != 0)
			break;
	}
	sqlite3_finalize(st);
	for (i = 0; rc == 0 && keyed_tables[i] != NULL; i++)
		rc = copy_table(db, keyed_tables[i], NULL, err, errlen);
	if (rc != 0)
		goto rollback;
	sqlite3_prepare_v2(db,
	    "SELECT new FROM temp.evsim_merge_map ORDER BY old", -1, &st, NULL);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (new_ids != NULL && n < cap)
			new_ids[n] = sqlite3_column_int64(st, 0);
		n++;
	}
	sqlite3_finalize(st);
	if ((rc = exec(db,
		 "DROP TABLE temp.evsim_merge_map;"
		 "DROP TABLE temp.evsim_merge_want; COMMIT",
		 err, errlen))
	    != 0)
		goto rollback;
	if (ret_n != NULL)
		*ret_n = n;
	goto out;
rollback:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
out:
	sqlite3_close(db);
	return (rc);
}

int
tracedb_merge(const char *out, const char *in, const int64_t *runs,
    size_t nruns, int64_t *new_ids, size_t *ret_n, char *err, size_t errlen)
{
	return (merge(
	    out, in, runs, NULL, nruns, NULL, new_ids, ret_n, err, errlen));
}

int
tracedb_merge_ranked(const char *out, const char *in, const int64_t *runs,
    const int64_t *ranks, size_t nruns, int64_t *base, char *err, size_t errlen)
{
	return (
	    merge(out, in, runs, ranks, nruns, base, NULL, NULL, err, errlen));
}

void
tracedb_modules(struct tracedb *db, int64_t run,
    struct tracedb_module **ret_mods, size_t *ret_n)
{
	struct tracedb_module *mods = NULL, *m;
	sqlite3_stmt *st;
	size_t n = 0;

	*ret_mods = NULL;
	*ret_n = 0;
	if (sqlite3_prepare_v2(db->db,
		"SELECT name, source FROM modules WHERE run_id = ?1"
		" ORDER BY name",
		-1, &st, NULL)
	    != SQLITE_OK)
		return;
	sqlite3_bind_int64(st, 1, run);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *src = (const char *)sqlite3_column_text(st, 1);
		size_t len = (size_t)sqlite3_column_bytes(st, 1);

		mods = realloc(mods, (n + 1) * sizeof(*mods));
		if (mods == NULL)
			oom();
		m = &mods[n++];
		m->name = xstrdup((const char *)sqlite3_column_text(st, 0));
		m->source = malloc(len + 1);
		if (m->source == NULL)
			oom();
		if (len > 0)
			memcpy(m->source, src, len);
		m->source[len] = '\0';
		m->len = len;
	}
	sqlite3_finalize(st);
	*ret_mods = mods;
	*ret_n = n;
}

void
tracedb_modules_free(struct tracedb_module *mods, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(mods[i].name);
		free(mods[i].source);
	}
	free(mods);
}
