/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tests of reports/: each test builds a small trace database with the real
 * schema (engine/trace_schema.h) holding a failing run of two processes and
 * three threads (knote, kqueue and process state changes, a fork, a blocked
 * syscall, a preemption, print output with control characters and a hostile
 * scenario name) and a passing run that diverges from it, then checks that
 * every format states the same facts, escapes what it must, marks the
 * failure, and that a file that is not an evsim database is refused with a
 * one-line error.  The HTML is also checked for well-formedness by
 * tests/report_check.py when python3 is available.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report.h"
#include "trace_schema.h"

#define HOSTILE "<script>alert(1)</script>"

static char dbpath[64];

static void
exec_sql(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &msg), SQLITE_OK,
	    "sql: %s: %s", sql, msg != NULL ? msg : "");
}

static void
add_trace(sqlite3 *db, int run, int seq, int vtime, int pid, int tid,
    const char *func, const char *object, const char *field, const char *old,
    const char *new)
{
	sqlite3_stmt *st;

	cr_assert_eq(sqlite3_prepare_v2(db,
			 "INSERT INTO flat_trace VALUES (?,?,?,?,?,?,?,?,?,?)",
			 -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_int(st, 1, run);
	sqlite3_bind_int(st, 2, seq);
	sqlite3_bind_int(st, 3, vtime);
	sqlite3_bind_int(st, 4, pid);
	sqlite3_bind_int(st, 5, tid);
	sqlite3_bind_text(st, 6, func, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, object, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, field, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, old, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, new, -1, SQLITE_STATIC);
	cr_assert_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

/* The transitions both runs share (seq 1-8), then run 2's own. */
static void
add_common(sqlite3 *db, int run)
{
	add_trace(
	    db, run, 1, 0, 1, 100001, "sim_label", "", "phase", "", "setup");
	add_trace(db, run, 2, 0, 1, 100001, "kqueue_register", "knote#12",
	    "kn_status", "", "INFLUX");
	add_trace(db, run, 3, 0, 1, 100001, "kqueue_register", "knote#12",
	    "kn_status", "INFLUX", "");
	add_trace(db, run, 4, 0, 1, 100001, "fork1", "proc#2", "p_state", "",
	    "NORMAL");
	add_trace(db, run, 5, 1000, 1, 100002, "knote_activate", "knote#12",
	    "kn_status", "", "ACTIVE");
	add_trace(db, run, 6, 1000, 1, 100002, "knote_enqueue", "knote#12",
	    "kn_status", "ACTIVE", "ACTIVE|QUEUED");
	add_trace(db, run, 7, 1000, 1, 100002, "knote_enqueue", "kqueue#3",
	    "kq_count", "0", "1");
	add_trace(db, run, 8, 1500, 2, 100003, "print", "thread#100003",
	    "stdout", "", "child <b>hello</b> \x1b[31mred\x07 \xff");
}

static void
build_db(void)
{
	sqlite3 *db;
	int fd;

	snprintf(dbpath, sizeof(dbpath), "/tmp/evsim-test-report-XXXXXX");
	fd = mkstemp(dbpath);
	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	exec_sql(db, "BEGIN");
	exec_sql(db, TRACE_SCHEMA_SQL);
	exec_sql(db, TRACE_SCHEMA_FLAT_SQL);
	exec_sql(db,
	    "INSERT INTO evsim_meta VALUES ('format', 'evsim-trace'),"
	    " ('schema_version', '2');");
	exec_sql(db,
	    "INSERT INTO runs (id, scenario, path, kernel, seed, strategy,"
	    " status, message, vtime_end, transitions, trace_hash,"
	    " engine_version, created_at) VALUES (1, 'pipe_race',"
	    " 'scenarios/pipe_race.lua', 'freebsd-13.2', 42, 'random',"
	    " 'passed', '', 2000, 10, 'aaaa', '0.1.0', '2024-01-01');");
	exec_sql(db,
	    "INSERT INTO runs VALUES (2, '" HOSTILE "',"
	    " 'scenarios/" HOSTILE ".lua', NULL, 'freebsd-14.1', 42, 'random',"
	    " 'failed', 'assertion failed: kevent returned 0 | `x` *y*',"
	    " 3000, 14, 'bbbb', '0.1.0', '2024-01-01', 'knote_enqueue', 14, 7,"
	    " 8, 'evsim run x.lua');");
	add_common(db, 1);
	add_trace(db, 1, 9, 2000, 1, 100001, "kqueue_scan", "knote#12",
	    "kn_status", "ACTIVE|QUEUED", "ACTIVE");
	add_trace(db, 1, 10, 2000, 1, 100001, "kqueue_scan", "kqueue#3",
	    "kq_count", "1", "0");
	add_common(db, 2);
	add_trace(db, 2, 9, 2000, 1, 100001, "kqueue_scan", "knote#12",
	    "kn_status", "ACTIVE|QUEUED", "ACTIVE|DISABLED");
	add_trace(db, 2, 10, 2000, 1, 100001, "kqueue_scan", "kqueue#3",
	    "kq_count", "1", "0");
	add_trace(db, 2, 11, 2500, 2, 100003, "exit1", "proc#2", "p_state",
	    "NORMAL", "ZOMBIE");
	add_trace(db, 2, 12, 2500, 1, 100001, "kqueue_scan", "knote#12",
	    "kn_status", "ACTIVE|DISABLED", "");
	add_trace(db, 2, 13, 3000, 1, 100001, "sleepq_add", "thread#100001",
	    "td_wchan", "", "kqread");
	add_trace(db, 2, 14, 3000, 1, 100002, "knote_enqueue", "kqueue#3",
	    "kq_state", "SLEEP", "SLEEP|WAKEUP");
	exec_sql(db,
	    "INSERT INTO flat_syscalls VALUES"
	    " (2, 1, 1, 0, 1, 100001, 'kqueue', '', '3', NULL, 2, 0),"
	    " (2, 2, 2, 0, 1, 100001, 'kevent', '3, 1', '0', NULL, 4, 0),"
	    " (2, 3, 4, 0, 1, 100001, 'fork', '', '2', NULL, 5, 1000),"
	    " (2, 4, 5, 1000, 1, 100002, 'write', '5, 1', '1', NULL, 8,"
	    "  1500),"
	    " (2, 5, 8, 1500, 2, 100003, 'write', '1, 18', '18', NULL, 9,"
	    "  2000),"
	    " (2, 6, 10, 2000, 1, 100002, 'read', '4, 16', '-1', 'EAGAIN',"
	    "  11, 2500),"
	    " (2, 7, 12, 2500, 1, 100001, 'kevent', '3, 0, 16', '', NULL,"
	    "  NULL, NULL);");
	exec_sql(db,
	    "INSERT INTO decisions VALUES"
	    " (2, 1, 1, 0, 0, 'sched', 100001, '100001', ''),"
	    " (2, 2, 5, 1000, 100001, 'sched', 100002, '100001,100002', ''),"
	    " (2, 3, 8, 1500, 100002, 'sched', 100003,"
	    "  '100001,100002,100003', ''),"
	    " (2, 4, 9, 2000, 100003, 'sched', 100001, '100001,100002', ''),"
	    " (2, 5, 10, 2000, 100001, 'choose', 1, '2', 'drop_first'),"
	    " (2, 6, 11, 2500, 100001, 'sched', 100003, '100001,100003', ''),"
	    " (2, 7, 12, 2500, 100003, 'sched', 100001, '100001', ''),"
	    " (2, 8, 13, 3000, 100001, 'sched', 100002, '100002', '');");
	exec_sql(db,
	    "INSERT INTO threads VALUES"
	    " (2, 100001, 1, 'main', 'user', 1, NULL),"
	    " (2, 100002, 1, 'writer', 'user', 5, NULL),"
	    " (2, 100003, 2, 'main', 'user', 6, 11);");
	exec_sql(db, TRACE_SCHEMA_PACK_SQL);
	exec_sql(db, "COMMIT");
	sqlite3_close(db);
}

static void
drop_db(void)
{
	unlink(dbpath);
}

/* Renders a report into a malloc'ed string; returns report_write()'s code. */
static int
render(const char *path, int64_t run, int64_t against, enum report_format fmt,
    const char *kind, char **ret, char *err, size_t errlen)
{
	size_t len;
	FILE *f;
	int rc;

	f = open_memstream(ret, &len);
	cr_assert_not_null(f);
	rc = report_write(path, run, against, fmt, kind, f, err, errlen);
	fclose(f);
	return (rc);
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return (n);
}

/* Facts every format must state about run 2. */
static void
assert_facts(const char *s, const char *what)
{
	static const char *const facts[] = { "100001", "100002", "100003",
		"writer", "knote#12", "kqueue#3", "proc#2", "kqueue_scan",
		"freebsd-14.1", "bbbb", "ACTIVE", "QUEUED", "EAGAIN", "kevent",
		"fork", "assertion failed", "failed" };
	size_t i;

	for (i = 0; i < sizeof(facts) / sizeof(facts[0]); i++)
		cr_expect_not_null(
		    strstr(s, facts[i]), "%s lacks '%s'", what, facts[i]);
	cr_expect_null(strstr(s, "\x1b"), "%s lets an escape through", what);
	cr_expect_null(strstr(s, "\x07"), "%s lets a bell through", what);
}

TestSuite(report, .init = build_db, .fini = drop_db);

Test(report, html_has_lanes_objects_failure_and_escapes)
{
	char err[256], *s;

	cr_assert_eq(
	    render(dbpath, 2, 0, REPORT_HTML, NULL, &s, err, sizeof(err)), 0,
	    "%s", err);
	assert_facts(s, "html");
	cr_expect_not_null(strstr(s, "id=\"lane-100001\""));
	cr_expect_not_null(strstr(s, "id=\"lane-100002\""));
	cr_expect_not_null(strstr(s, "id=\"lane-100003\""));
	cr_expect_not_null(strstr(s, "id=\"obj-knote#12\""));
	cr_expect_not_null(strstr(s, "id=\"obj-kqueue#3\""));
	cr_expect_not_null(strstr(s, "id=\"obj-proc#2\""));
	cr_expect_not_null(strstr(s, "class=\"failbox\""));
	cr_expect_not_null(strstr(s, "class=\"failline\""));
	cr_expect_not_null(
	    strstr(s, "<tr id=\"tr-14\" class=\"fail\" data-seq"));
	cr_expect_not_null(strstr(s, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	cr_expect_null(strstr(s, HOSTILE));
	cr_expect_not_null(strstr(s, "child &lt;b&gt;hello&lt;/b&gt;"));
	cr_expect_eq(count(s, "<script>"), 1, "exactly one (our) script");
	/* The blocked kevent names its wait channel; the fork is drawn. */
	cr_expect_not_null(strstr(s, "blocked on kqread"));
	cr_expect_not_null(strstr(s, "class=\"fork\""));
	cr_expect_not_null(strstr(s, "preempted by 100002"));
	cr_expect_not_null(strstr(s, "class=\"leadline\""));
	/* Self-contained: nothing is fetched. */
	cr_expect_null(strstr(s, "src="));
	cr_expect_null(strstr(s, "href=\"http"));
	cr_expect_null(strstr(s, "@import"));
	free(s);
}

Test(report, md_states_same_facts_escaped)
{
	char err[256], *s;

	cr_assert_eq(
	    render(dbpath, 0, 0, REPORT_MD, NULL, &s, err, sizeof(err)), 0,
	    "%s", err);
	assert_facts(s, "md");
	cr_expect_not_null(strstr(s, "\\<script\\>alert(1)\\</script\\>"));
	cr_expect_null(strstr(s, HOSTILE));
	cr_expect_not_null(strstr(s, "## Failure"));
	cr_expect_not_null(strstr(s, "kevent returned 0 \\| \\`x\\` \\*y\\*"));
	cr_expect_not_null(strstr(s, "ACTIVE\\|QUEUED"));
	cr_expect_not_null(strstr(s, "**14** ✗"), "failing row marked");
	free(s);
}

Test(report, text_states_same_facts_within_width)
{
	char err[256], *s, *line;
	size_t cols;

	setenv("COLUMNS", "90", 1);
	cr_assert_eq(
	    render(dbpath, 2, 0, REPORT_TEXT, NULL, &s, err, sizeof(err)), 0,
	    "%s", err);
	assert_facts(s, "text");
	cr_expect_not_null(strstr(s, "FAILURE"));
	cr_expect_not_null(strstr(s, HOSTILE), "text is not markup");
	for (line = strtok(s, "\n"); line != NULL; line = strtok(NULL, "\n")) {
		const unsigned char *p;

		for (cols = 0, p = (const unsigned char *)line; *p; p++)
			cols += (*p & 0xc0) != 0x80;
		cr_expect_leq(cols, 90, "line too wide: %s", line);
	}
	free(s);
	unsetenv("COLUMNS");
}

Test(report, not_an_evsim_database_is_one_line_error)
{
	char path[] = "/tmp/evsim-test-notours-XXXXXX", err[256], want[300];
	char *s;
	sqlite3 *db;
	FILE *f;
	int fd;

	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	exec_sql(db,
	    "CREATE TABLE evsim_meta(key TEXT, value TEXT);"
	    "INSERT INTO evsim_meta VALUES ('format', 'other');");
	sqlite3_close(db);
	snprintf(want, sizeof(want), "%s: not an evsim database", path);
	cr_expect_eq(
	    render(path, 0, 0, REPORT_HTML, NULL, &s, err, sizeof(err)),
	    EINVAL);
	cr_expect_str_eq(err, want);
	free(s);

	/* Not SQLite at all. */
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("hello, this is not a database\n", f);
	fclose(f);
	cr_expect_eq(
	    render(path, 0, 0, REPORT_TEXT, NULL, &s, err, sizeof(err)),
	    EINVAL);
	cr_expect_str_eq(err, want);
	cr_expect_null(strchr(err, '\n'));
	free(s);
	unlink(path);
}

Test(report, missing_run_and_missing_file_are_errors)
{
	char err[256], *s;

	cr_expect_eq(
	    render(dbpath, 99, 0, REPORT_MD, NULL, &s, err, sizeof(err)),
	    ENOENT);
	cr_expect_not_null(strstr(err, "no run 99"), "%s", err);
	free(s);
	cr_expect_eq(render("/nonexistent/evsim.db", 0, 0, REPORT_MD, NULL, &s,
			 err, sizeof(err)),
	    ENOENT);
	cr_expect_not_null(strstr(err, "/nonexistent/evsim.db"));
	free(s);
}

Test(report, diff_marks_first_difference)
{
	char err[256], *s;

	cr_assert_eq(
	    render(dbpath, 2, 1, REPORT_MD, NULL, &s, err, sizeof(err)), 0,
	    "%s", err);
	cr_expect_not_null(
	    strstr(s, "First difference after 8 equal"), "%s", s);
	cr_expect_not_null(
	    strstr(s, "- **▶** *run 2 only:* **9** kqueue_scan"), "%s", s);
	free(s);
	setenv("COLUMNS", "160", 1);
	cr_assert_eq(
	    render(dbpath, 2, 1, REPORT_TEXT, NULL, &s, err, sizeof(err)), 0,
	    "%s", err);
	unsetenv("COLUMNS");
	cr_expect_not_null(strstr(s, "\n>9 "), "%s", s);
	cr_expect_not_null(strstr(s, "ACTIVE|DISABLED"));
	free(s);
	cr_assert_eq(
	    render(dbpath, 2, 1, REPORT_HTML, NULL, &s, err, sizeof(err)), 0,
	    "%s", err);
	cr_expect_not_null(strstr(s, "id=\"first-diff\""));
	cr_expect_null(strstr(s, HOSTILE));
	free(s);
	cr_expect_eq(
	    render(dbpath, 2, 1, REPORT_DOT, NULL, &s, err, sizeof(err)),
	    EINVAL);
	free(s);
}

Test(report, dot_shows_observed_knote_machine)
{
	char err[256], *s;

	cr_assert_eq(
	    render(dbpath, 2, 0, REPORT_DOT, "knote", &s, err, sizeof(err)), 0,
	    "%s", err);
	cr_expect_not_null(strstr(s, "digraph"));
	cr_expect_not_null(strstr(s, "label=\"knote kn_status\""));
	cr_expect_not_null(strstr(s, "[label=\"ACTIVE|QUEUED\"]"));
	cr_expect_not_null(strstr(s, "1× knote_enqueue"));
	cr_expect_null(strstr(s, "kq_count"), "only the knote kind");
	free(s);
}

/* Finds tests/report_check.py next to this file, or from $EVSIM_SRCDIR. */
static bool
find_checker(char *buf, size_t len)
{
	char file[PATH_MAX];
	const char *src = getenv("EVSIM_SRCDIR");

	if (src != NULL) {
		snprintf(buf, len, "%s/tests/report_check.py", src);
		if (access(buf, R_OK) == 0)
			return (true);
	}
	snprintf(file, sizeof(file), "%s", __FILE__);
	snprintf(buf, len, "%s/report_check.py", dirname(file));
	if (access(buf, R_OK) == 0)
		return (true);
	snprintf(buf, len, "tests/report_check.py");
	return (access(buf, R_OK) == 0);
}

Test(report, html_is_well_formed)
{
	char err[256], checker[PATH_MAX], cmd[2 * PATH_MAX + 64];
	char html[] = "/tmp/evsim-test-report-html-XXXXXX";
	FILE *f;
	int fd;

	if (system("python3 -c 'import html.parser' >/dev/null 2>&1") != 0)
		cr_skip_test("python3 is not installed; cannot check the HTML");
	if (!find_checker(checker, sizeof(checker)))
		cr_skip_test("tests/report_check.py not found; set "
			     "EVSIM_SRCDIR to the source tree");
	fd = mkstemp(html);
	cr_assert_geq(fd, 0);
	f = fdopen(fd, "w");
	cr_assert_eq(
	    report_write(dbpath, 2, 0, REPORT_HTML, NULL, f, err, sizeof(err)),
	    0, "%s", err);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "python3 '%s' '%s'", checker, html);
	cr_expect_eq(system(cmd), 0, "%s reports problems", cmd);
	unlink(html);
}

/*
 * 200,000 transitions over a few hundred objects: the page must stay under
 * 20 MB and show the window around the failure.
 */
Test(report, large_run_is_summarised, .timeout = 120)
{
	char err[256], *s, obj[32], nv[16], ov[16];
	sqlite3 *db;
	size_t len;
	FILE *f;
	int i;

	cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	exec_sql(db, "BEGIN");
	exec_sql(db, TRACE_SCHEMA_FLAT_SQL);
	exec_sql(db,
	    "INSERT INTO runs (id, scenario, kernel, seed, strategy, status,"
	    " message, fail_func, fail_seq) VALUES (3, 'big', 'freebsd-14.1',"
	    " 1, 'random', 'panic', 'KASSERT failed', 'knote_drop', 150000);");
	for (i = 1; i <= 200000; i++) {
		snprintf(obj, sizeof(obj), "knote#%d", i % 500);
		snprintf(ov, sizeof(ov), "%s", i % 3 == 0 ? "ACTIVE" : "");
		snprintf(
		    nv, sizeof(nv), "%s", i % 3 == 0 ? "" : "ACTIVE|QUEUED");
		add_trace(db, 3, i, i * 10, 1 + i % 2, 100001 + i % 4,
		    "knote_enqueue", obj, "kn_status", ov, nv);
	}
	exec_sql(db,
	    "INSERT INTO decisions SELECT 3, seq / 7, seq, seq * 10, tid, "
	    "'sched', 100001 + (seq / 7) % 4, '100001,100002,100003,100004',"
	    " '' FROM flat_trace WHERE run_id = 3 AND seq % 7 = 0;");
	exec_sql(db, TRACE_SCHEMA_PACK_SQL);
	exec_sql(db, "COMMIT");
	sqlite3_close(db);

	f = open_memstream(&s, &len);
	cr_assert_eq(
	    report_write(dbpath, 3, 0, REPORT_HTML, NULL, f, err, sizeof(err)),
	    0, "%s", err);
	fclose(f);
	cr_expect_lt(len, 20u * 1024 * 1024, "html is %zu bytes", len);
	cr_expect_not_null(strstr(s, "id=\"overview\""));
	cr_expect_not_null(
	    strstr(s, "<tr id=\"tr-150000\" class=\"fail\" data-seq"));
	cr_expect_null(strstr(s, "<tr id=\"tr-1000\""), "outside the window");
	free(s);
}

/* Adds run 'run' (status 'passed') to the test database. */
static void
add_run(sqlite3 *db, int run, const char *scenario)
{
	char sql[256];

	snprintf(sql, sizeof(sql),
	    "INSERT INTO runs (id, scenario, kernel, seed, strategy, status,"
	    " message) VALUES (%d, '%s', 'freebsd', 1, 'random', 'passed',"
	    " '');",
	    run, scenario);
	exec_sql(db, sql);
}

/*
 * Two runs of 6000 and 6010 transitions that first differ at the 100th:
 * the diff shows the 10 equal ones before it and 400 of each after it,
 * counts the whole runs, and, the runs being longer than one window, ends
 * with the last 10 transitions of each and how many it left out.
 */
Test(report, diff_of_long_runs_shows_their_ends, .timeout = 60)
{
	char err[256], *s, obj[32], nv[16];
	sqlite3 *db;
	int run, i;

	cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	exec_sql(db, "BEGIN");
	exec_sql(db, TRACE_SCHEMA_FLAT_SQL);
	for (run = 3; run <= 4; run++) {
		add_run(db, run, "long");
		for (i = 1; i <= (run == 3 ? 6000 : 6010); i++) {
			snprintf(obj, sizeof(obj), "pipe#%d", 1 + i % 2);
			snprintf(nv, sizeof(nv), "%d", i == 100 ? run : i % 7);
			add_trace(db, run, i, i, 1, 100001, "pipe_write", obj,
			    "cnt", "", nv);
		}
	}
	exec_sql(db, TRACE_SCHEMA_PACK_SQL);
	exec_sql(db, "COMMIT");
	sqlite3_close(db);

	cr_assert_eq(
	    render(dbpath, 3, 4, REPORT_MD, NULL, &s, err, sizeof(err)), 0,
	    "%s", err);
	cr_expect_not_null(strstr(s,
			       "| transitions / syscalls / decisions "
			       "| 6000 / 0 / 0 |"),
	    "%s", s);
	cr_expect_not_null(strstr(s,
	    "| transitions / syscalls / decisions "
	    "| 6010 / 0 / 0 |"));
	cr_expect_not_null(strstr(s, "First difference after 99 equal"));
	cr_expect_not_null(
	    strstr(s, "(89 equal transitions before these are left out.)"));
	cr_expect_not_null(strstr(s, "\n- **90** pipe_write"));
	cr_expect_null(strstr(s, "\n- **89** pipe_write"), "left out");
	cr_expect_not_null(strstr(s, "The alignment stops here"));
	/* 6000 - 99 - 400 after the alignment, the last 10 shown. */
	cr_expect_not_null(
	    strstr(s, "\n5491 transitions of run 3 and 5501 of run 4 after"),
	    "%s", s);
	cr_expect_not_null(strstr(s, "- *run 3:* **6000** pipe_write"));
	cr_expect_not_null(strstr(s, "- *run 4:* **6001** pipe_write"));
	cr_expect_not_null(strstr(s, "- *run 4:* **6010** pipe_write"));
	cr_expect_null(strstr(s, "- *run 4:* **6000** pipe_write"));
	free(s);
	setenv("COLUMNS", "160", 1);
	cr_assert_eq(
	    render(dbpath, 3, 4, REPORT_TEXT, NULL, &s, err, sizeof(err)), 0,
	    "%s", err);
	unsetenv("COLUMNS");
	cr_expect_not_null(strstr(s,
			       "... 5491 transitions of run 3 and 5501 "
			       "of run 4 left out; the runs end with:"),
	    "%s", s);
	cr_expect_not_null(strstr(s, "\n 6000 6.000us tid 100001 pipe_write"));
	free(s);
}

/*
 * The state machine is collected in one pass in seq order, yet an edge
 * lists its functions in the order of a walk of the objects in report
 * order (knote#9 before knote#10), and a field that takes more than 32
 * values (a counter) is left out while the others are drawn.
 */
Test(report, dot_orders_functions_by_object_and_drops_counters)
{
	char err[256], *s, v[16], o[16];
	sqlite3 *db;
	int i;

	cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	exec_sql(db, "BEGIN");
	exec_sql(db, TRACE_SCHEMA_FLAT_SQL);
	add_run(db, 3, "machine");
	add_trace(db, 3, 1, 0, 1, 100001, "zeta", "knote#10", "kn_status", "",
	    "ACTIVE");
	add_trace(db, 3, 2, 0, 1, 100001, "alpha", "knote#9", "kn_status", "",
	    "ACTIVE");
	add_trace(db, 3, 3, 0, 1, 100001, "alpha", "knote#10", "kn_status", "",
	    "ACTIVE");
	for (i = 0; i < 40; i++) {
		snprintf(o, sizeof(o), "%d", i);
		snprintf(v, sizeof(v), "%d", i + 1);
		add_trace(db, 3, 4 + i, 0, 1, 100001, "kqueue_scan", "kqueue#1",
		    "kq_count", o, v);
	}
	add_trace(db, 3, 44, 0, 1, 100001, "kqueue_scan", "kqueue#1",
	    "kq_state", "", "SCAN");
	exec_sql(db, TRACE_SCHEMA_PACK_SQL);
	exec_sql(db, "COMMIT");
	sqlite3_close(db);

	cr_assert_eq(
	    render(dbpath, 3, 0, REPORT_DOT, NULL, &s, err, sizeof(err)), 0,
	    "%s", err);
	cr_expect_not_null(strstr(s, "[label=\"3× alpha,zeta\"]"), "%s", s);
	cr_expect_null(strstr(s, "kq_count"), "a counter is not a machine");
	cr_expect_not_null(strstr(s, "label=\"kqueue kq_state\""));
	free(s);
}
