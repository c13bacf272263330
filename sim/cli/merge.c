/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * evsim merge OUT IN...: copies every run of the IN databases into OUT
 * (created if missing), renumbering run ids after OUT's highest, with the
 * rows of every per-run table (trace, syscalls, decisions, threads, and any
 * other table of OUT with a run_id column that IN also has).  Each input is
 * checked to be an evsim database of the same schema version before OUT is
 * touched; a bad input is refused with a one-line error.  Also used by
 * `evsim explore --jobs` to gather its workers' databases
 * (evsim_merge_runs).
 */
#include <errno.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "simrun.h"
#include "trace.h"
#include "trace_schema.h"

int evsim_merge_check(const char *in, char *err, size_t errlen);
int evsim_merge_runs(const char *out, const char *in, const int64_t *runs,
    size_t nruns, int64_t *new_ids, size_t *ret_n, char *err, size_t errlen);
int cmd_merge(int argc, char **argv);

static int
fail(char *err, size_t errlen, const char *path, const char *why)
{
	snprintf(err, errlen, "%s: %s", path, why);
	return (EINVAL);
}

/* Whether in is a readable evsim database of this schema version. */
int
evsim_merge_check(const char *in, char *err, size_t errlen)
{
	sqlite3 *db;
	sqlite3_stmt *st = NULL;
	int ok = 0;
	char ver[16];

	if (access(in, R_OK) != 0)
		return (fail(err, errlen, in, strerror(errno)));
	if (sqlite3_open_v2(in, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return (fail(err, errlen, in, "cannot open database"));
	}
	snprintf(ver, sizeof(ver), "%d", TRACE_SCHEMA_VERSION);
	if (sqlite3_prepare_v2(db,
		"SELECT (SELECT value FROM evsim_meta WHERE key = 'format'),"
		" (SELECT value FROM evsim_meta WHERE key = 'schema_version'),"
		" (SELECT count(*) FROM runs)",
		-1, &st, NULL)
		== SQLITE_OK
	    && sqlite3_step(st) == SQLITE_ROW) {
		const char *f = (const char *)sqlite3_column_text(st, 0);
		const char *v = (const char *)sqlite3_column_text(st, 1);

		if (f != NULL && strcmp(f, TRACE_SCHEMA_FORMAT) == 0)
			ok = v != NULL && strcmp(v, ver) == 0 ? 1 : 2;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	if (ok == 0)
		return (fail(err, errlen, in, "not an evsim database"));
	if (ok == 2)
		return (fail(err, errlen, in,
		    "evsim database of another schema version"));
	return (0);
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
			sim_oom();
	}
	memcpy(*b + *len, s, n + 1);
	*len += n;
}

/*
 * Copies one table's rows of the mapped runs: the columns of main.T, with
 * idcol taken from the map.  Returns 0, or EIO.
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
		if (strcmp(c, idcol) == 0) {
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
	put(&sql, &len, &cap, "\" x JOIN temp.evsim_merge_map m ON x.\"");
	put(&sql, &len, &cap, idcol);
	put(&sql, &len, &cap, "\" = m.old");
	rc = exec(db, sql, err, errlen);
	free(sql);
	return (rc);
}

/*
 * Copies runs (all when runs is NULL) of in into out, which is created if
 * missing.  new_ids[i] receives the new id of the i-th copied run in id
 * order (when not NULL; room for nruns, or for every run when runs is NULL
 * and *ret_n is its capacity).  Returns 0, or EINVAL / EIO with err set.
 */
int
evsim_merge_runs(const char *out, const char *in, const int64_t *runs,
    size_t nruns, int64_t *new_ids, size_t *ret_n, char *err, size_t errlen)
{
	struct trace *t;
	sqlite3 *db;
	sqlite3_stmt *st;
	size_t i, cap = ret_n != NULL ? *ret_n : nruns, n = 0;
	int rc;

	if ((rc = evsim_merge_check(in, err, errlen)) != 0)
		return (rc);
	/* Creates out with the schema, or refuses a foreign file. */
	if ((rc = trace_open(&t, out, err, errlen)) != 0)
		return (rc);
	trace_close(t);
	if (sqlite3_open_v2(out, &db, SQLITE_OPEN_READWRITE, NULL)
	    != SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot open database", out);
		sqlite3_close(db);
		return (EIO);
	}
	sqlite3_busy_timeout(db, 10000);
	if (sqlite3_prepare_v2(db, "ATTACH ?1 AS src", -1, &st, NULL)
	    != SQLITE_OK) {
		rc = EIO;
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		goto out;
	}
	sqlite3_bind_text(st, 1, in, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		rc = fail(err, errlen, in, sqlite3_errmsg(db));
		goto out;
	}
	if ((rc = exec(db,
		 "BEGIN IMMEDIATE;"
		 "CREATE TEMP TABLE evsim_merge_want(old INTEGER PRIMARY KEY);"
		 "CREATE TEMP TABLE evsim_merge_map("
		 "  old INTEGER PRIMARY KEY, new INTEGER);",
		 err, errlen))
	    != 0)
		goto out;
	if (runs == NULL) {
		rc = exec(db,
		    "INSERT INTO temp.evsim_merge_want SELECT id FROM src.runs",
		    err, errlen);
	} else {
		sqlite3_prepare_v2(db,
		    "INSERT OR IGNORE INTO temp.evsim_merge_want VALUES (?1)",
		    -1, &st, NULL);
		for (i = 0; i < nruns; i++) {
			sqlite3_bind_int64(st, 1, runs[i]);
			sqlite3_step(st);
			sqlite3_reset(st);
		}
		sqlite3_finalize(st);
	}
	if (rc != 0
	    || (rc = exec(db,
		    "INSERT INTO temp.evsim_merge_map SELECT w.old,"
		    " (SELECT coalesce(max(id), 0) FROM main.runs)"
		    "  + row_number() OVER (ORDER BY w.old)"
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
cmd_merge(int argc, char **argv)
{
	char err[1200];
	int i, k;

	if (argc >= 2 && strcmp(argv[1], "--help") == 0) {
		printf("usage: evsim merge OUT IN...\n\n"
		       "Copies every run of the IN databases (with their "
		       "trace, syscalls, decisions\nand threads) into OUT, "
		       "created if missing, numbering them after OUT's "
		       "runs.\n");
		return (0);
	}
	if (argc < 3) {
		fprintf(
		    stderr, "evsim merge: expected OUT IN... (see --help)\n");
		return (EXIT_USAGE);
	}
	for (i = 1; i < argc; i++)
		if (argv[i][0] == '-') {
			fprintf(stderr, "evsim merge: bad argument '%s'\n",
			    argv[i]);
			return (EXIT_USAGE);
		}
	/* Every input is checked before OUT is touched. */
	for (i = 2; i < argc; i++) {
		if (evsim_merge_check(argv[i], err, sizeof(err)) != 0) {
			fprintf(stderr, "evsim merge: %s\n", err);
			return (EXIT_USAGE);
		}
		for (k = 1; k < i; k++)
			if (strcmp(argv[k], argv[i]) == 0) {
				fprintf(stderr,
				    "evsim merge: %s: given twice (or as "
				    "OUT)\n",
				    argv[i]);
				return (EXIT_USAGE);
			}
	}
	if (access(argv[1], F_OK) == 0
	    && evsim_merge_check(argv[1], err, sizeof(err)) != 0) {
		fprintf(stderr, "evsim merge: %s\n", err);
		return (EXIT_USAGE);
	}
	for (i = 2; i < argc; i++) {
		int64_t first = 0;
		size_t n = 1;

		if (evsim_merge_runs(
			argv[1], argv[i], NULL, 0, &first, &n, err, sizeof(err))
		    != 0) {
			fprintf(stderr, "evsim merge: %s\n", err);
			return (EXIT_USAGE);
		}
		if (n == 0)
			printf("%s: no runs\n", argv[i]);
		else
			printf("%s: %zu run(s) merged into %s as runs %" PRId64
			       "..%" PRId64 "\n",
			    argv[i], n, argv[1], first, first + (int64_t)n - 1);
	}
	return (0);
}
