/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Simulator benchmarks (not part of the test suite's pass/fail):
 *   1. simulated syscalls per second on a pipe ping-pong between two
 *      processes, without recording (tests/bench/pingpong.lua);
 *   2. recorded transitions per second for the same run recorded into a
 *      database, compared in the same process with a plain SQLite insert
 *      loop of the same rows (prepared statement, one transaction).
 * Benchmarks may read the host clock; the simulator never does.
 * Usage: bench_sim [SCENARIO]   (default: the source tree's pingpong.lua)
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "simrun.h"
#include "trace.h"
#include "trace_schema.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL) {
		perror(path);
		exit(2);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "%s: read failed\n", path);
		exit(2);
	}
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return (buf);
}

static double
run_once(const char *path, const char *src, size_t len, const char *db,
    struct sim_run_result *r)
{
	struct sim_run_opts o;
	struct trace *t;
	char err[1200];
	double t0, t1;

	if (trace_open(&t, db, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		exit(2);
	}
	memset(&o, 0, sizeof(o));
	o.path = path;
	o.source = src;
	o.source_len = len;
	o.strategy = SCHED_FIFO;
	o.trace = t;
	o.quiet = true;
	t0 = now_s();
	if (sim_run(&o, r, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		exit(2);
	}
	trace_close(t);
	t1 = now_s();
	return (t1 - t0);
}

/* Inserts the rows of run 1 of 'from' into a fresh database, timed. */
static double
plain_insert(const char *from, const char *to, long *ret_rows)
{
	sqlite3 *src, *dst;
	sqlite3_stmt *sel, *ins;
	double t0, t1;
	long n = 0;

	sqlite3_open(from, &src);
	sqlite3_open(to, &dst);
	sqlite3_exec(dst,
	    "PRAGMA journal_mode = WAL; PRAGMA synchronous = "
	    "NORMAL;" TRACE_SCHEMA_SQL,
	    NULL, NULL, NULL);
	sqlite3_prepare_v2(src,
	    "SELECT run_id, seq, vtime, pid, tid, func, object, field, old, "
	    "new FROM trace ORDER BY seq",
	    -1, &sel, NULL);
	sqlite3_prepare_v2(dst,
	    "INSERT INTO trace VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	    "?10)",
	    -1, &ins, NULL);
	/* Load first so that only the inserts are timed. */
	{
		struct row {
			long long v[5];
			char *s[5];
		} *rows = NULL;
		long cap = 0, i;
		int k;

		while (sqlite3_step(sel) == SQLITE_ROW) {
			if (n == cap) {
				cap = cap ? cap * 2 : 65536;
				rows = realloc(
				    rows, (size_t)cap * sizeof(*rows));
			}
			for (k = 0; k < 5; k++) {
				rows[n].v[k] = sqlite3_column_int64(sel, k);
				rows[n].s[k]
				    = strdup((const char *)sqlite3_column_text(
					sel, 5 + k));
			}
			n++;
		}
		t0 = now_s();
		sqlite3_exec(dst, "BEGIN", NULL, NULL, NULL);
		for (i = 0; i < n; i++) {
			for (k = 0; k < 5; k++)
				sqlite3_bind_int64(ins, 1 + k, rows[i].v[k]);
			for (k = 0; k < 5; k++)
				sqlite3_bind_text(ins, 6 + k, rows[i].s[k], -1,
				    SQLITE_STATIC);
			sqlite3_step(ins);
			sqlite3_reset(ins);
		}
		sqlite3_exec(dst, "COMMIT", NULL, NULL, NULL);
		t1 = now_s();
		for (i = 0; i < n; i++)
			for (k = 0; k < 5; k++)
				free(rows[i].s[k]);
		free(rows);
	}
	sqlite3_finalize(sel);
	sqlite3_finalize(ins);
	sqlite3_close(src);
	sqlite3_close(dst);
	*ret_rows = n;
	return (t1 - t0);
}

int
main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : EVSIM_BENCH_PINGPONG;
	struct sim_run_result r;
	char db[] = "/tmp/evsim-bench-XXXXXX", db2[64];
	size_t len;
	char *src = slurp(path, &len);
	double s, rec, plain;
	long rows;
	int fd;

	s = run_once(path, src, len, NULL, &r);
	printf("pipe ping-pong, no recording: %llu syscalls, %llu "
	       "transitions in %.3f s = %.2f M syscalls/s (status %s)\n",
	    (unsigned long long)r.syscalls, (unsigned long long)r.transitions,
	    s, (double)r.syscalls / s / 1e6, sched_status_name(r.status));
	fd = mkstemp(db);
	close(fd);
	unlink(db);
	rec = run_once(path, src, len, db, &r);
	snprintf(db2, sizeof(db2), "%s.plain", db);
	plain = plain_insert(db, db2, &rows);
	printf("recording: %llu transitions (+%llu syscalls, %llu decisions) "
	       "in %.3f s = %.0f k transitions/s\n",
	    (unsigned long long)r.transitions, (unsigned long long)r.syscalls,
	    (unsigned long long)r.decisions, rec,
	    (double)r.transitions / rec / 1e3);
	printf("plain SQLite insert of the same %ld rows: %.3f s = %.0f k "
	       "rows/s; recording reaches %.0f%% of it (whole simulation "
	       "included)\n",
	    rows, plain, (double)rows / plain / 1e3,
	    100.0 * ((double)r.transitions / rec) / ((double)rows / plain));
	unlink(db);
	unlink(db2);
	free(src);
	return (0);
}
