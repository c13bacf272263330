#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Mutates recorded trace databases and runs every reading command on them.

  dbmut.py --evsim PATH --count N --seed S --jobs J [--timeout T] [--out DIR]
           [--known FILE] [--strict] [--leaks]

First a few base databases are recorded with this evsim: bundled scenarios
run under fifo and random schedules (several runs in one file, so that diff
and --run have something to choose) and an explore database (summary
tables, a failing run).  Case k (S <= k < S + N) copies one base and
applies one to four mutations drawn from random.Random(k):

  bytes:  random bytes flipped anywhere, in the 100-byte header, in page 1
          (the schema); a page zeroed or copied over another; the file cut
          at a page or mid-page, or garbage appended;
  rows:   cells set to hostile values (NULL, +-2^63, NaN, huge and NUL-ful
          strings, blobs, JSON fragments, paths, Lua source), rows deleted,
          rows duplicated under new keys, run fields (status, source, kernel,
          seed, strategy, path) rewritten;
  schema: triggers on every table, views (some recursive without end, some
          replacing a table of the same name), foreign tables and indexes,
          virtual tables, dropped and renamed tables and columns, a rewritten
          sqlite_master (writable_schema), WAL mode, user_version.

Then every command that reads a database runs on the copy: replay (latest,
--run, --until), trace, report (html, md, text; --against), diff, coverage,
merge (as input, and as output) and run --db (writing into it).  The oracle
is oracle.py's: no hang, no signal, no sanitizer report, exit status 0-3.
Read-only commands (all but merge's OUT and run) must also leave the file
byte for byte unchanged (outcome "modified-input"), and a run that `run
--db` reports as recorded (exit 0) must leave every earlier run and its
status as it was, plus one (outcome "lost-rows").

The long command (see README): on a -Dsanitize=true build,
  tests/fuzz/dbmut.py --evsim build-asan/evsim --count 5000 --seed 1 \\
      --jobs 2 --out dbmut-out --strict
"""
import argparse
import concurrent.futures
import hashlib
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen  # noqa: E402
import oracle  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.dirname(os.path.dirname(HERE))

BASE_RUNS = [
    # (database, scenario below scenarios/, extra options)
    ("a.db", "basic/pipe_fork_wait.lua", []),
    ("a.db", "kqueue/dispatch.lua", ["--strategy", "random", "--seed", "3"]),
    ("a.db", "basic/files.lua", ["--strategy", "pct", "--seed", "2"]),
    ("b.db", "ports/%s", ["--strategy", "random", "--seed", "5"]),
    ("b.db", "basic/signals_eintr.lua", []),
    ("b.db", "fork/cponfork_timer_copy.lua", []),
]

HOSTILE_VALUES = [
    None, 0, -1, 1, 2, 3, 2**31, -2**31, 2**63 - 1, -2**63, 1.5, -0.0,
    float("inf"), float("-inf"), "", "x", "a\0b", "\xff\xfe", "0",
    "99999999999999999999999", "-1", "NULL", "passed", "failed", "running",
    "diverged", "crashed", "panic", "bogus", "freebsd", "illumos",
    "freebsd@nope", "%s%s%n", "' OR 1=1 --", "../../../../etc/passwd",
    "/etc/passwd", "/proc/self/mem", "ACTIVE|QUEUED|BOGUS",
    "EV_ADD|EV_BOGUS", '{"filter":', '{"a":[1,2,{"b":null}]}', "[]",
    "x" * 70000, "\0" * 1000, b"", b"\x00\xff\x00", b"SQLite format 3\x00",
    bytes(range(256)) * 20, "1,2,x", "1,,2", ",", "100100,100101",
    "knote#-1", "thread#999999999999", "file#", "(life)",
    "return {name = 'evil', main = function() error('evil') end}",
    "return {name = 'evil', main = function() sys.exit(3) end}",
    "error('load')", "return 1", "\x1bLua\x54\x00",
]

SCHEMA_SQL = [
    # Triggers that rewrite or destroy what evsim writes or reads.
    "CREATE TRIGGER t_ins AFTER INSERT ON runs BEGIN DELETE FROM runs "
    "WHERE id <> NEW.id; END",
    "CREATE TRIGGER t_upd AFTER UPDATE ON runs BEGIN UPDATE runs SET "
    "status = 'passed' WHERE id = NEW.id; END",
    "CREATE TRIGGER t_trace BEFORE INSERT ON trace BEGIN SELECT "
    "RAISE(ABORT, 'no'); END",
    "CREATE TRIGGER t_sys AFTER INSERT ON syscalls BEGIN DELETE FROM "
    "syscalls; END",
    "CREATE TRIGGER t_dec AFTER INSERT ON decisions BEGIN INSERT INTO "
    "decisions SELECT run_id, step + 1000000, seq, vtime, tid, kind, "
    "chosen, runnable, label FROM decisions WHERE rowid = NEW.rowid; END",
    "CREATE TRIGGER t_meta AFTER INSERT ON evsim_meta BEGIN DELETE FROM "
    "trace; END",
    # Foreign tables, views, indexes.
    "CREATE TABLE evil(x, y)",
    "CREATE TABLE zzz_runs(id INTEGER PRIMARY KEY, status TEXT)",
    "CREATE VIEW v_evil AS SELECT * FROM runs",
    "CREATE VIEW v_rec AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL "
    "SELECT x + 1 FROM c) SELECT x FROM c",
    "CREATE INDEX i_evil ON trace(new, old)",
    "CREATE INDEX i_expr ON runs(length(source) * 2)",
    "CREATE UNIQUE INDEX i_uniq ON trace(vtime, seq)",
    "CREATE VIRTUAL TABLE vt USING fts5(a)",
    "CREATE VIRTUAL TABLE rt USING rtree(id, x0, x1)",
]

# A table replaced by a view of the same name (one that never ends, or
# one that returns other rows).
VIEW_SWAPS = [
    ("trace", "CREATE VIEW trace AS WITH RECURSIVE c(x) AS (SELECT 1 UNION "
              "ALL SELECT x + 1 FROM c) SELECT 1 AS run_id, x AS seq, 0 AS "
              "vtime, 1 AS pid, 1 AS tid, 'f' AS func, 'o' AS object, "
              "'fl' AS field, '' AS old, 'n' AS new FROM c"),
    ("runs", "CREATE VIEW runs AS SELECT 1 AS id, 'x' AS scenario, "
             "'/etc/passwd' AS path, 'return 1' AS source, 'freebsd' AS "
             "kernel, 1 AS seed, 'fifo' AS strategy, 'passed' AS status, "
             "'' AS message, 0 AS vtime_end, 0 AS transitions, '0' AS "
             "trace_hash, '0' AS engine_version, '' AS created_at"),
    ("decisions", "CREATE VIEW decisions AS SELECT 1 AS run_id, 1 AS step, "
                  "1 AS seq, 0 AS vtime, 1 AS tid, 'x' AS kind, -5 AS "
                  "chosen, 'a,b' AS runnable, NULL AS label"),
    ("syscalls", "CREATE VIEW syscalls AS SELECT * FROM trace"),
]


def base_dbs(ev, work, env, timeout):
    """Records the base databases into work; returns their paths."""
    ports = sorted(f for f in os.listdir(os.path.join(SRCDIR, "scenarios",
                                                      "ports"))
                   if f.endswith(".lua"))
    paths = []
    for db, scen, opts in BASE_RUNS:
        if "%s" in scen:
            scen = scen % (ports[0] if ports else "none.lua")
        src = os.path.join(SRCDIR, "scenarios", scen)
        if not os.path.exists(src):
            continue
        subprocess.run([ev, "run", src, "--db", os.path.join(work, db),
                        "--quiet"] + opts, env=env, timeout=timeout,
                       capture_output=True, cwd=work)
        if os.path.join(work, db) not in paths:
            paths.append(os.path.join(work, db))
    # A generated scenario with many rows of every kind.
    for k in (11, 12):
        sc = gen.generate(k)
        p = os.path.join(work, "gen%d.lua" % k)
        with open(p, "w") as f:
            f.write(sc.text)
        subprocess.run([ev, "run", p, "--db", os.path.join(work, "c.db"),
                        "--quiet", "--strategy", "random"], env=env,
                       timeout=timeout, capture_output=True, cwd=work)
    paths.append(os.path.join(work, "c.db"))
    ex = os.path.join(SRCDIR, "scenarios", "explore", "lost_update.lua")
    if os.path.exists(ex):
        subprocess.run([ev, "explore", ex, "--runs", "30", "--jobs", "1",
                        "--db", os.path.join(work, "e.db")], env=env,
                       timeout=timeout * 4, capture_output=True, cwd=work)
        paths.append(os.path.join(work, "e.db"))
    return [p for p in paths if os.path.exists(p)]


def tables(con):
    return [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
        "LIKE 'sqlite_%' ORDER BY name")]


def columns(con, t):
    return [(r[1], r[5]) for r in con.execute(
        "PRAGMA table_info(\"%s\")" % t)]


def keys_of(con, t):
    """Column names that identify a row: rowid, else the primary key."""
    cols = columns(con, t)
    pk = [c for c, k in sorted(cols, key=lambda c: c[1]) if k > 0]
    try:
        con.execute("SELECT rowid FROM \"%s\" LIMIT 1" % t)
        return ["rowid"]
    except sqlite3.Error:
        return pk


def pick_rows(con, r, t, n):
    keys = keys_of(con, t)
    if not keys:
        return keys, []
    rows = con.execute("SELECT %s FROM \"%s\" ORDER BY %s" % (
        ", ".join(keys), t, ", ".join(keys))).fetchall()
    if not rows:
        return keys, []
    return keys, [r.choice(rows) for _ in range(n)]


def where(keys):
    return " AND ".join("%s IS ?" % k for k in keys)


def m_update(con, r):
    t = r.choice(tables(con))
    cols = columns(con, t)
    c = r.choice(cols)[0]
    keys, rows = pick_rows(con, r, t, r.randint(1, 5))
    v = r.choice(HOSTILE_VALUES)
    for row in rows:
        con.execute("UPDATE OR IGNORE \"%s\" SET \"%s\" = ? WHERE %s" % (
            t, c, where(keys)), (v,) + tuple(row))
    return "update %s.%s = %r (%d rows)" % (t, c, str(v)[:20], len(rows))


def m_runs(con, r):
    fields = ["status", "source", "kernel", "seed", "strategy", "path",
              "transitions", "trace_hash", "engine_version", "message",
              "vtime_end", "scenario", "args", "id"]
    f = r.choice(fields)
    if f == "source" and r.random() < 0.5:
        v = gen.generate(r.randint(1, 10**6)).text
    else:
        v = r.choice(HOSTILE_VALUES)
    con.execute("UPDATE OR IGNORE runs SET \"%s\" = ?" % f, (v,))
    return "runs.%s = %r" % (f, str(v)[:30])


def m_delete(con, r):
    t = r.choice(tables(con))
    keys, rows = pick_rows(con, r, t, r.randint(1, 10))
    for row in rows:
        con.execute("DELETE FROM \"%s\" WHERE %s" % (t, where(keys)),
                    tuple(row))
    return "delete %d rows of %s" % (len(rows), t)


def m_duplicate(con, r):
    t = r.choice(tables(con))
    cols = [c for c, _ in columns(con, t)]
    keys, rows = pick_rows(con, r, t, r.randint(1, 3))
    if keys == ["rowid"] or not rows:
        return "duplicate nothing in %s" % t
    for row in rows:
        full = con.execute("SELECT * FROM \"%s\" WHERE %s" % (
            t, where(keys)), tuple(row)).fetchone()
        if full is None:
            continue
        full = list(full)
        # Change one key column so the copy is a new row.
        k = cols.index(r.choice(keys))
        full[k] = r.choice([0, -1, 2**31, 2**63 - 1,
                            (full[k] or 0) + r.randint(1, 3)
                            if isinstance(full[k], int) else 7])
        con.execute("INSERT OR IGNORE INTO \"%s\" VALUES (%s)" % (
            t, ", ".join("?" * len(full))), full)
    return "duplicate rows of %s" % t


def m_schema(con, r):
    sql = r.choice(SCHEMA_SQL)
    con.execute(sql)
    return sql[:60]


def m_view_swap(con, r):
    t, sql = r.choice(VIEW_SWAPS)
    con.execute("DROP TABLE IF EXISTS \"%s\"" % t)
    con.execute(sql)
    return "table %s replaced by a view" % t


def m_drop(con, r):
    t = r.choice(tables(con))
    c = r.random()
    if c < 0.4:
        con.execute("DROP TABLE \"%s\"" % t)
        return "drop table %s" % t
    if c < 0.6:
        con.execute("ALTER TABLE \"%s\" RENAME TO \"%s_old\"" % (t, t))
        return "rename table %s" % t
    col = r.choice(columns(con, t))[0]
    if c < 0.8:
        con.execute("ALTER TABLE \"%s\" RENAME COLUMN \"%s\" TO \"%s_x\"" %
                    (t, col, col))
        return "rename column %s.%s" % (t, col)
    con.execute("ALTER TABLE \"%s\" DROP COLUMN \"%s\"" % (t, col))
    return "drop column %s.%s" % (t, col)


def m_writable_schema(con, r):
    t = r.choice(tables(con))
    new = r.choice([
        "CREATE TABLE %s(run_id)" % t,
        "CREATE TABLE %s(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p)" % t,
        "CREATE TABLE %s(" % t,
        "CREATE VIEW %s AS SELECT 1" % t,
    ])
    con.execute("PRAGMA writable_schema = ON")
    con.execute("UPDATE sqlite_master SET sql = ? WHERE name = ?", (new, t))
    con.execute("PRAGMA writable_schema = OFF")
    return "sqlite_master sql of %s = %r" % (t, new)


def m_pragma(con, r):
    p = r.choice(["PRAGMA user_version = -1", "PRAGMA application_id = 7",
                  "PRAGMA user_version = 2147483647",
                  "PRAGMA journal_mode = WAL"])
    con.execute(p)
    return p


SQL_MUTATIONS = [(m_update, 5), (m_runs, 4), (m_delete, 3),
                 (m_duplicate, 2), (m_schema, 3), (m_view_swap, 1),
                 (m_drop, 2), (m_writable_schema, 1), (m_pragma, 1)]


def page_size(data):
    if len(data) < 100:
        return 4096
    ps = int.from_bytes(data[16:18], "big")
    return 65536 if ps == 1 else (ps or 4096)


def b_flip(data, r):
    if not data:
        return data, "empty"
    n = r.randint(1, 20)
    for _ in range(n):
        i = r.randrange(len(data))
        data[i] = r.randrange(256)
    return data, "flip %d bytes" % n


def b_header(data, r):
    i = r.randrange(min(100, len(data)) or 1)
    if data:
        data[i] = r.choice([0, 1, 0xff, 0x7f, 0x80, r.randrange(256)])
    return data, "header byte %d" % i


def b_page1(data, r):
    ps = page_size(data)
    for _ in range(r.randint(1, 8)):
        i = r.randrange(100, min(ps, len(data))) if len(data) > 100 else 0
        if data:
            data[i] = r.randrange(256)
    return data, "schema page bytes"


def b_page(data, r):
    ps = page_size(data)
    npages = max(1, len(data) // ps)
    a, b = r.randrange(npages), r.randrange(npages)
    if r.random() < 0.5:
        data[a * ps:(a + 1) * ps] = bytes(len(data[a * ps:(a + 1) * ps]))
        return data, "zero page %d" % (a + 1)
    data[b * ps:(b + 1) * ps] = data[a * ps:(a + 1) * ps]
    return data, "page %d copied over page %d" % (a + 1, b + 1)


def b_truncate(data, r):
    ps = page_size(data)
    if r.random() < 0.5:
        n = r.randrange(len(data) // ps + 1) * ps
    else:
        n = r.randrange(len(data) + 1)
    return data[:n], "truncated to %d bytes" % n


def b_append(data, r):
    return data + bytes(r.randrange(256) for _ in range(r.randint(1, 5000))), \
        "garbage appended"


BYTE_MUTATIONS = [(b_flip, 4), (b_header, 1), (b_page1, 2), (b_page, 2),
                  (b_truncate, 2), (b_append, 1)]


def weighted(r, table):
    total = sum(w for _, w in table)
    x = r.uniform(0, total)
    for f, w in table:
        x -= w
        if x <= 0:
            return f
    return table[-1][0]


def mutate(path, r):
    """Applies 1-4 mutations to the database file at path; returns them."""
    done = []
    nsql = r.randint(0, 3)
    nbytes = r.choice([0, 0, 1]) if nsql else 1
    if nsql:
        con = sqlite3.connect(path, isolation_level=None)
        try:
            for _ in range(nsql):
                f = weighted(r, SQL_MUTATIONS)
                try:
                    done.append(f(con, r))
                except (sqlite3.Error, IndexError, ValueError) as e:
                    done.append("%s failed: %s" % (f.__name__, e))
            try:
                con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error:
                pass
        finally:
            con.close()
    if nbytes:
        with open(path, "rb") as f:
            data = bytearray(f.read())
        f = weighted(r, BYTE_MUTATIONS)
        data, what = f(data, r)
        with open(path, "wb") as fo:
            fo.write(data)
        done.append(what)
    return done


def digest(path):
    try:
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return None


def runs_of(path):
    """{id: status} of the runs a database holds, or None if unreadable."""
    try:
        con = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
        try:
            return dict(con.execute("SELECT id, status FROM runs"))
        finally:
            con.close()
    except (sqlite3.Error, ValueError, TypeError):
        return None


def runs_kept(before, after):
    if after is None:
        return False
    return all(after.get(i) == st for i, st in before.items()) and \
        len(after) == len(before) + 1


def one_case(ev, args, bases, k, findings):
    r = random.Random(k)
    base = r.choice(bases)
    work = tempfile.mkdtemp(prefix="evsim-dbmut-%d-" % k)
    env = oracle.sanitizer_env(args.leaks)
    try:
        db = os.path.join(work, "m.db")
        shutil.copy(base, db)
        muts = mutate(db, r)
        with open(db, "rb") as f:
            mutated = f.read()
        run_a, run_b = r.choice([(1, 2), (2, 1), (1, 1), (1, 3), (3, 999)])
        scen = os.path.join(SRCDIR, "scenarios", "basic", "clocks.lua")
        e = ev.path
        reads = [
            ["replay", "m.db"],
            ["replay", "m.db", "--run", str(run_a)],
            ["replay", "m.db", "--until", str(r.choice([1, 5, 40, 10**6]))],
            ["trace", "m.db"],
            ["trace", "m.db", "--run", str(run_b)],
            ["report", "m.db", "--format", "html", "-o", "r.html"],
            ["report", "m.db", "--format", "md", "-o", "r.md"],
            ["report", "m.db", "--format", "text", "--run", str(run_a),
             "--against", str(run_b), "-o", "r.txt"],
            ["diff", "m.db", str(run_a), str(run_b)],
            ["coverage", "m.db"],
            ["merge", "out.db", "m.db"],
        ]
        writes = [
            ["merge", "m.db", base],
            ["run", scen, "--db", "m.db", "--quiet"],
        ]
        with open(base, "rb") as f:
            files = {"mutated.db": mutated, "BASE.db": f.read(),
                     "mutations.txt": "\n".join(muts)
                     + "\nbase: %s\n" % os.path.basename(base)}
        verdict = "ok"
        for cmd in reads + writes:
            before = digest(db)
            runs_before = runs_of(db) if cmd[0] == "run" else None
            res = oracle.run([e] + cmd, work, args.timeout, env,
                             (0, 1, 2, 3))
            shown = ["evsim"] + [c if c != base else "BASE.db" for c in cmd]
            shown = [c if c != "m.db" else "mutated.db" for c in shown]
            line = oracle.shell_line(shown)
            detail = "mutations:\n  %s\nexit status: %s\nstdout (tail):" \
                "\n%s\nstderr (tail):\n%s" % ("\n  ".join(muts), res.rc,
                                              res.out[-1500:],
                                              res.err[-4000:])
            if res.outcome is not None:
                findings.add(res.outcome, "%s: %s" % (cmd[0], res.signature),
                             k, files, line, res.stack, detail)
                verdict = res.outcome
            elif runs_before is not None and res.rc == 0 and \
                    not runs_kept(runs_before, runs_of(db)):
                # Writing a run must not change or lose the earlier ones
                # (a trigger in the file must not get to run).
                findings.add("lost-rows", "run --db changed or lost earlier "
                             "runs", k, files, line, "", detail)
                verdict = "lost-rows"
            elif cmd in reads and digest(db) != before:
                findings.add("modified-input", "%s modified its input "
                             "database" % cmd[0], k, files, line, "", detail)
                verdict = "modified-input"
            if cmd in reads and digest(db) != before:
                # Restore the mutated file for the next command.
                with open(db, "wb") as f:
                    f.write(mutated)
            if cmd[0] == "merge" and cmd[1] == "out.db":
                try:
                    os.unlink(os.path.join(work, "out.db"))
                except OSError:
                    pass
        if verdict == "ok":
            findings.count("ok")
        return verdict
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--evsim", required=True)
    ap.add_argument("--count", type=int, default=50)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=60)
    ap.add_argument("--out", default=None)
    ap.add_argument("--known", default=os.path.join(HERE, "known.txt"))
    ap.add_argument("--strict", action="store_true")
    ap.add_argument("--leaks", action="store_true")
    args = ap.parse_args()

    class Ev:
        path = os.path.abspath(args.evsim)
    ev = Ev()
    if args.out:
        os.makedirs(args.out, exist_ok=True)
    findings = oracle.Findings(args.out, oracle.Known(args.known))
    t0 = time.monotonic()
    basedir = tempfile.mkdtemp(prefix="evsim-dbmut-base-")
    try:
        bases = base_dbs(ev.path, basedir, oracle.sanitizer_env(False),
                         args.timeout)
        if not bases:
            print("dbmut: could not record any base database")
            return 1
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            futs = [pool.submit(one_case, ev, args, bases, k, findings)
                    for k in range(args.seed, args.seed + args.count)]
            for f in concurrent.futures.as_completed(futs):
                f.result()
    finally:
        shutil.rmtree(basedir, ignore_errors=True)
    print("evsim dbmut: cases %d..%d on %d base databases, %s, %.0f s" % (
        args.seed, args.seed + args.count - 1, len(bases), ev.path,
        time.monotonic() - t0))
    new = findings.summary(args.count, args.strict)
    return 1 if new else 0


if __name__ == "__main__":
    sys.exit(main())
