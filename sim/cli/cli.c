/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helpers shared by the evsim subcommands that read a trace database (see
 * cli.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "simrun.h"
#include "trace.h"

/* Opens DB read-only and resolves the run id (0 = latest). */
int
cli_open_db(const char *path, int64_t *run, sqlite3 **ret_db)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int rc;

	if (access(path, R_OK) != 0) {
		fprintf(stderr, "evsim: %s: %s\n", path, strerror(errno));
		return (EXIT_USAGE);
	}
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL)
	    != SQLITE_OK) {
		fprintf(stderr, "evsim: %s: cannot open database\n", path);
		sqlite3_close(db);
		return (EXIT_USAGE);
	}
	rc = sqlite3_prepare_v2(db,
	    "SELECT value FROM evsim_meta WHERE key = 'format'", -1, &st, NULL);
	if (rc != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW
	    || strcmp((const char *)sqlite3_column_text(st, 0), "evsim-trace")
		!= 0) {
		fprintf(stderr, "evsim: %s: not an evsim database\n", path);
		sqlite3_finalize(st);
		sqlite3_close(db);
		return (EXIT_USAGE);
	}
	sqlite3_finalize(st);
	{
		static const char *const tables[] = { "runs", "trace",
			"syscalls", "decisions", "threads", NULL };
		int k;

		for (k = 0; tables[k] != NULL; k++) {
			sqlite3_prepare_v2(db,
			    "SELECT 1 FROM sqlite_master WHERE type = 'table' "
			    "AND name = ?1",
			    -1, &st, NULL);
			sqlite3_bind_text(st, 1, tables[k], -1, SQLITE_STATIC);
			rc = sqlite3_step(st);
			sqlite3_finalize(st);
			if (rc != SQLITE_ROW) {
				fprintf(stderr,
				    "evsim: %s: not an evsim database "
				    "(missing table %s)\n",
				    path, tables[k]);
				sqlite3_close(db);
				return (EXIT_USAGE);
			}
		}
	}
	if (*run == 0) {
		sqlite3_prepare_v2(
		    db, "SELECT max(id) FROM runs", -1, &st, NULL);
		if (sqlite3_step(st) == SQLITE_ROW
		    && sqlite3_column_type(st, 0) != SQLITE_NULL)
			*run = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		if (*run == 0) {
			fprintf(stderr, "evsim: %s: no runs recorded\n", path);
			sqlite3_close(db);
			return (EXIT_USAGE);
		}
	} else {
		sqlite3_prepare_v2(
		    db, "SELECT id FROM runs WHERE id = ?1", -1, &st, NULL);
		sqlite3_bind_int64(st, 1, *run);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW) {
			fprintf(stderr, "evsim: %s: no run %" PRId64 "\n", path,
			    *run);
			sqlite3_close(db);
			return (EXIT_USAGE);
		}
	}
	*ret_db = db;
	return (0);
}

/* The canonical line of a trace row (NUL bytes of 'new' kept). */
static size_t
format_row(sqlite3_stmt *st, char *buf, size_t len)
{
	const char *new = (const char *)sqlite3_column_text(st, 8);
	size_t newlen = (size_t)sqlite3_column_bytes(st, 8);

	return (trace_format_line_n(buf, len,
	    (uint64_t)sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
	    sqlite3_column_int(st, 2), sqlite3_column_int(st, 3),
	    (const char *)sqlite3_column_text(st, 4),
	    (const char *)sqlite3_column_text(st, 5),
	    (const char *)sqlite3_column_text(st, 6),
	    (const char *)sqlite3_column_text(st, 7), new,
	    new != NULL ? newlen : 0));
}

int
cli_load_lines(sqlite3 *db, int64_t run, char ***ret_lines, size_t *ret_n)
{
	sqlite3_stmt *st;
	char **lines = NULL, buf[8192];
	size_t n = 0, cap = 0, len;

	sqlite3_prepare_v2(db,
	    "SELECT seq, vtime, pid, tid, func, object, field, old, new "
	    "FROM trace WHERE run_id = ?1 ORDER BY seq",
	    -1, &st, NULL);
	sqlite3_bind_int64(st, 1, run);
	while (sqlite3_step(st) == SQLITE_ROW) {
		len = format_row(st, buf, sizeof(buf));
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			lines = realloc(lines, cap * sizeof(*lines));
			if (lines == NULL)
				sim_oom();
		}
		if (len >= sizeof(buf)) {
			/* A very long print(): format it at full length. */
			lines[n] = malloc(len + 1);
			if (lines[n] == NULL)
				sim_oom();
			format_row(st, lines[n], len + 1);
		} else {
			lines[n] = strdup(buf);
			if (lines[n] == NULL)
				sim_oom();
		}
		n++;
	}
	sqlite3_finalize(st);
	*ret_lines = lines;
	*ret_n = n;
	return (0);
}

void
cli_free_lines(char **lines, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

int
cli_read_file(const char *path, char **ret, size_t *ret_len)
{
	FILE *f;
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	struct stat sb;

	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
		return (EISDIR);
	f = fopen(path, "rb");
	if (f == NULL)
		return (errno);
	for (;;) {
		if (len + 1 >= cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			if (buf == NULL)
				sim_oom();
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0)
			break;
	}
	fclose(f);
	buf[len] = '\0';
	*ret = buf;
	*ret_len = len;
	return (0);
}
