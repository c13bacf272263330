#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Hostile trace databases: evsim refuses them before writing anything.

  * a trigger that deletes earlier runs on INSERT, or rewrites every status
    on UPDATE: `evsim run --db` and `evsim explore --db` exit 2 naming it,
    and the file is byte-identical afterwards;
  * a view in place of the trace table (it would recurse forever), an extra
    table, an extra index: every reading command (report, trace, replay,
    diff, coverage, merge) exits 2 within seconds naming the object;
  * merge into a hostile OUT is refused and leaves it unchanged;
  * read-only commands leave a good database byte-identical;
  * a runs.path pointing at a folder with its own evsim.lua does not make
    replay read that folder.
"""
import argparse
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

FAILURES = []


def check(cond, what):
    print(("ok    " if cond else "FAIL  ") + what)
    if not cond:
        FAILURES.append(what)


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def run(args, timeout=60):
    try:
        return subprocess.run(args, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return None


def sql(db, text):
    con = sqlite3.connect(db)
    con.executescript(text)
    con.commit()
    con.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--evsim", required=True)
    ap.add_argument("--srcdir", required=True)
    a = ap.parse_args()
    ev = a.evsim
    clocks = os.path.join(a.srcdir, "scenarios/basic/clocks.lua")
    lost = os.path.join(a.srcdir, "scenarios/explore/lost_update.lua")
    with tempfile.TemporaryDirectory() as tmp:
        good = os.path.join(tmp, "good.db")
        for _ in range(2):
            p = run([ev, "run", clocks, "--db", good, "--quiet"])
            check(p is not None and p.returncode == 0, "a run is recorded")

        def hostile(name, text):
            db = os.path.join(tmp, name + ".db")
            shutil.copy(good, db)
            sql(db, text)
            return db

        # Writers refuse triggers; nothing is written.
        cases = [
            ("trig_del", "CREATE TRIGGER t1 AFTER INSERT ON runs BEGIN "
             "DELETE FROM runs WHERE id <> NEW.id; END", "trigger t1"),
            ("trig_upd", "CREATE TRIGGER t2 AFTER UPDATE ON runs BEGIN "
             "UPDATE runs SET status = 'passed'; END", "trigger t2"),
        ]
        for name, text, obj in cases:
            db = hostile(name, text)
            before = digest(db)
            p = run([ev, "run", clocks, "--db", db])
            con = sqlite3.connect(db)
            n = con.execute("SELECT count(*) FROM runs").fetchone()[0]
            con.close()
            check(p.returncode == 2 and obj in p.stderr
                  and "did not create" in p.stderr
                  and len(p.stderr.strip().splitlines()) == 1
                  and digest(db) == before and n == 2,
                  "run --db refuses a database with %s, unchanged (%s)"
                  % (obj, p.stderr.strip()))
            tmpd = tempfile.mkdtemp(dir=tmp)
            env = dict(os.environ, TMPDIR=tmpd)
            p = subprocess.run([ev, "explore", lost, "--db", db, "--runs",
                                "5", "--jobs", "1"], env=env,
                               stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
            check(p.returncode == 2 and obj in p.stderr
                  and digest(db) == before and os.listdir(tmpd) == [],
                  "explore --db refuses a database with %s before "
                  "starting" % obj)

        # Readers refuse views, foreign tables and indexes, at once.
        views = hostile("view", "DROP VIEW trace; CREATE VIEW trace AS "
                        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL "
                        "SELECT x + 1 FROM c) SELECT 1 AS run_id, x AS seq, "
                        "0 AS vtime, 1 AS pid, 1 AS tid, 'f' AS func, "
                        "'o' AS object, 'fl' AS field, '' AS old, "
                        "'n' AS new FROM c")
        table = hostile("table", "CREATE TABLE notes(x)")
        index = hostile("index", "CREATE INDEX ix ON runs(status)")
        out = os.path.join(tmp, "out.db")
        for db, obj in ((views, "view trace"), (table, "table notes"),
                        (index, "index ix")):
            before = digest(db)
            for cmd in (["report", db, "-o", os.path.join(tmp, "r.html")],
                        ["report", db, "--format", "text", "-o",
                         os.path.join(tmp, "r.txt")],
                        ["trace", db], ["replay", db], ["diff", db, "1", "2"],
                        ["coverage", db], ["merge", out, db]):
                p = run([ev] + cmd, timeout=30)
                check(p is not None and p.returncode == 2
                      and obj in p.stderr and digest(db) == before,
                      "%s refuses a database with %s"
                      % (" ".join(["evsim", cmd[0]] + cmd[2:3]), obj))
            p = run([ev, "run", clocks, "--db", db])
            check(p.returncode == 2 and obj in p.stderr
                  and digest(db) == before,
                  "run --db refuses a database with %s" % obj)

        # merge into a hostile OUT.
        db = hostile("trig_out", "CREATE TRIGGER t3 AFTER INSERT ON runs "
                     "BEGIN DELETE FROM runs; END")
        before = digest(db)
        p = run([ev, "merge", db, good])
        check(p.returncode == 2 and "trigger t3" in p.stderr
              and digest(db) == before,
              "merge refuses a hostile OUT and leaves it unchanged")

        # Read-only commands leave their input byte-identical.
        before = digest(good)
        for cmd in (["report", good, "-o", os.path.join(tmp, "g.html")],
                    ["trace", good], ["replay", good], ["diff", good, "1",
                                                        "2"],
                    ["coverage", good], ["merge", out, good]):
            p = run([ev] + cmd)
            check(p.returncode == 0 and digest(good) == before,
                  "evsim %s leaves its input unchanged" % cmd[0])

        # A hostile runs.path does not choose the folder replay reads.
        evil = os.path.join(tmp, "evil")
        os.mkdir(evil)
        with open(os.path.join(evil, "evsim.lua"), "w") as f:
            f.write('error("read from the folder runs.path names")\n')
        db = os.path.join(tmp, "path.db")
        shutil.copy(good, db)
        sql(db, "UPDATE runs SET path = '%s'"
            % os.path.join(evil, "clocks.lua"))
        p = run([ev, "replay", db, "--run", "1"])
        check(p.returncode == 0 and "runs.path" not in p.stdout + p.stderr,
              "replay does not read modules from the folder of runs.path "
              "(rc %d)" % p.returncode)
    if FAILURES:
        print("%d check(s) failed" % len(FAILURES))
        return 1
    print("all hostile database checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
