/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The recording benchmark's reference: SQLite alone inserting the rows a
 * recorded run wrote, so that tests/bench/run.py can put the cost of
 * recording next to the cost of the inserts themselves.  It reads every row
 * of the tables trace_rows, trace_ctx, trace_chg, trace_str, syscall_rows,
 * decisions and threads of SRC (what the recorder inserts) into memory
 * (untimed), then, timed in CPU time (getrusage), opens DST, sets the
 * pragmas trace_open() in engine/trace.c sets, creates the tables with the
 * SQL SRC holds for them, inserts the rows through one prepared statement
 * per table, committing every TRACE_BATCH rows as the recorder does, and
 * closes DST (the close checkpoints the WAL, as the recorder's close does).
 * Rows go table by table in SRC's key order, while the recorder interleaves
 * them in the order of the run.
 * Usage: bench_insert SRC.db DST.db    (DST must not exist)
 * Prints: cpu_s=SECONDS rows=N
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "trace.h"

/* The tables the recorder fills row by row (trace_schema.h). */
static const char *const tables[] = { "trace_rows", "trace_ctx", "trace_chg",
	"trace_str", "syscall_rows", "decisions", "threads" };
#define NTABLES (sizeof(tables) / sizeof(tables[0]))

/* One column value: an integer, a float, NULL, or text/blob in the arena. */
struct cell {
	int type;
	int len;
	union {
		sqlite3_int64 i;
		double f;
		size_t off;
	} u;
};

struct table {
	char *create;
	int ncols;
	size_t nrows;
	struct cell *cells; /* nrows * ncols */
};

/* The bytes of every text and blob value, loaded before the timing. */
static char *arena;
static size_t arena_len, arena_cap;

static size_t
arena_put(const void *p, size_t n)
{
	size_t off = arena_len;

	if (arena_len + n > arena_cap) {
		arena_cap = (arena_len + n) * 2;
		arena = realloc(arena, arena_cap);
		if (arena == NULL) {
			fprintf(stderr, "bench_insert: out of memory\n");
			exit(2);
		}
	}
	memcpy(arena + off, p, n);
	arena_len += n;
	return (off);
}

static double
cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ((double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6
	    + (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6);
}

static void
die(sqlite3 *db, const char *what)
{
	fprintf(stderr, "bench_insert: %s: %s\n", what,
	    db != NULL ? sqlite3_errmsg(db) : "out of memory");
	exit(2);
}

static void
load(sqlite3 *src, const char *name, struct table *t)
{
	sqlite3_stmt *st;
	char sql[256];
	size_t cap = 0;
	int i;

	if (sqlite3_prepare_v2(src,
		"SELECT sql FROM sqlite_master WHERE type = 'table' AND "
		"name = ?1",
		-1, &st, NULL)
	    != SQLITE_OK)
		die(src, "schema");
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		die(src, name);
	t->create = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	snprintf(sql, sizeof(sql), "SELECT * FROM %s", name);
	if (sqlite3_prepare_v2(src, sql, -1, &st, NULL) != SQLITE_OK)
		die(src, sql);
	t->ncols = sqlite3_column_count(st);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (t->nrows == cap) {
			cap = cap ? cap * 2 : 4096;
			t->cells = realloc(t->cells,
			    cap * (size_t)t->ncols * sizeof(*t->cells));
			if (t->cells == NULL)
				die(NULL, "load");
		}
		for (i = 0; i < t->ncols; i++) {
			struct cell *cl = &t->cells[t->nrows * (size_t)t->ncols
			    + (size_t)i];

			cl->type = sqlite3_column_type(st, i);
			switch (cl->type) {
			case SQLITE_INTEGER:
				cl->u.i = sqlite3_column_int64(st, i);
				break;
			case SQLITE_FLOAT:
				cl->u.f = sqlite3_column_double(st, i);
				break;
			case SQLITE_TEXT:
			case SQLITE_BLOB:
				cl->len = sqlite3_column_bytes(st, i);
				cl->u.off = arena_put(cl->type == SQLITE_TEXT
					? (const void *)sqlite3_column_text(
					    st, i)
					: sqlite3_column_blob(st, i),
				    (size_t)cl->len);
				break;
			default:
				break;
			}
		}
		t->nrows++;
	}
	sqlite3_finalize(st);
}

/* Binds a cell as the recorder binds its values (text and blobs static). */
static void
bind(sqlite3_stmt *st, int col, const struct cell *cl)
{
	switch (cl->type) {
	case SQLITE_INTEGER:
		sqlite3_bind_int64(st, col, cl->u.i);
		break;
	case SQLITE_FLOAT:
		sqlite3_bind_double(st, col, cl->u.f);
		break;
	case SQLITE_TEXT:
		sqlite3_bind_text(
		    st, col, arena + cl->u.off, cl->len, SQLITE_STATIC);
		break;
	case SQLITE_BLOB:
		sqlite3_bind_blob(
		    st, col, arena + cl->u.off, cl->len, SQLITE_STATIC);
		break;
	default:
		sqlite3_bind_null(st, col);
	}
}

int
main(int argc, char **argv)
{
	struct table tab[NTABLES];
	sqlite3 *src, *dst;
	sqlite3_stmt *ins[NTABLES];
	size_t i, r, rows = 0, batch = 0;
	double t0, t1;
	int c;

	if (argc != 3) {
		fprintf(stderr, "usage: bench_insert SRC.db DST.db\n");
		return (2);
	}
	memset(tab, 0, sizeof(tab));
	if (sqlite3_open_v2(argv[1], &src, SQLITE_OPEN_READONLY, NULL)
	    != SQLITE_OK)
		die(src, argv[1]);
	for (i = 0; i < NTABLES; i++)
		load(src, tables[i], &tab[i]);
	sqlite3_close(src);

	t0 = cpu_s();
	if (sqlite3_open_v2(argv[2], &dst,
		SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
		    | SQLITE_OPEN_NOMUTEX,
		NULL)
	    != SQLITE_OK)
		die(dst, argv[2]);
	/* The pragmas of trace_open() in engine/trace.c. */
	if (sqlite3_exec(dst,
		"PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
		" PRAGMA cache_size = -65536;",
		NULL, NULL, NULL)
	    != SQLITE_OK)
		die(dst, "pragmas");
	for (i = 0; i < NTABLES; i++) {
		char sql[512];
		size_t n;

		if (sqlite3_exec(dst, tab[i].create, NULL, NULL, NULL)
		    != SQLITE_OK)
			die(dst, tab[i].create);
		n = (size_t)snprintf(
		    sql, sizeof(sql), "INSERT INTO %s VALUES (?", tables[i]);
		for (c = 1; c < tab[i].ncols; c++)
			n += (size_t)snprintf(sql + n, sizeof(sql) - n, ", ?");
		snprintf(sql + n, sizeof(sql) - n, ")");
		if (sqlite3_prepare_v2(dst, sql, -1, &ins[i], NULL)
		    != SQLITE_OK)
			die(dst, sql);
	}
	sqlite3_exec(dst, "BEGIN", NULL, NULL, NULL);
	for (i = 0; i < NTABLES; i++) {
		for (r = 0; r < tab[i].nrows; r++) {
			const struct cell *v
			    = &tab[i].cells[r * (size_t)tab[i].ncols];

			for (c = 0; c < tab[i].ncols; c++)
				bind(ins[i], c + 1, &v[c]);
			if (sqlite3_step(ins[i]) != SQLITE_DONE)
				die(dst, tables[i]);
			sqlite3_reset(ins[i]);
			rows++;
			if (++batch >= TRACE_BATCH) {
				if (sqlite3_exec(
					dst, "COMMIT; BEGIN", NULL, NULL, NULL)
				    != SQLITE_OK)
					die(dst, "COMMIT");
				batch = 0;
			}
		}
	}
	if (sqlite3_exec(dst, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		die(dst, "COMMIT");
	for (i = 0; i < NTABLES; i++)
		sqlite3_finalize(ins[i]);
	if (sqlite3_close(dst) != SQLITE_OK)
		die(dst, "close");
	t1 = cpu_s();

	printf("cpu_s=%.6f rows=%zu\n", t1 - t0, rows);
	for (i = 0; i < NTABLES; i++) {
		free(tab[i].cells);
		free(tab[i].create);
	}
	free(arena);
	return (0);
}
