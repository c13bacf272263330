#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Regression tests for crashes found by the fuzzer (tests/regress/).

1. Every tests/regress/*.lua is run with `evsim run FILE --no-record`
   and the arguments of each of its `-- args:` header lines.  Each run must
   end by itself (no signal: the simulator used to die on SIGSEGV or abort
   in these), with the `-- status:` of the header and its exit code
   (passed 0, failed/panic/deadlock 1, error 2), the `-- message:` text if
   the header gives one, and no sanitizer report on standard error (in the
   sanitizer build, with ASAN_OPTIONS=detect_leaks=1, also no leak).
2. Reading commands on recorded databases that used to crash: `replay
   --until 1` (a stop while the run boots), `replay` of a recording that
   differs in its first transitions or has none (exit 3), and `report
   --against` a run that does not exist.
3. `evsim list` loads as `run` does: sim.sysctl, math.random and require
   at file level; an empty folder; every bundled scenario.
"""
import argparse
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

STATUS_RE = re.compile(r"  (passed|failed|panic|deadlock|error|diverged)  kernel (\S+)  seed")
SANITIZER_RE = re.compile(r"Sanitizer|runtime error:")
EXIT_OF = {"passed": 0, "failed": 1, "panic": 1, "deadlock": 1, "error": 2}

FAILS = []


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL: " + what)
    else:
        print("ok    " + what)


def header(path):
    """The `-- key: value` lines before the first line of code."""
    runs, fields = [], {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.startswith("--"):
                break
            m = re.match(r"--\s*(args|status|message):\s?(.*)$", line.rstrip("\n"))
            if not m:
                continue
            if m.group(1) == "args":
                runs.append(m.group(2).split())
            else:
                fields[m.group(1)] = m.group(2).strip()
    return runs, fields


def evsim(args, *argv, cwd=None):
    return subprocess.run([args.evsim] + list(argv), capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def no_crash(p):
    """Ended by itself, with no sanitizer text: '' or what went wrong."""
    if p.returncode < 0:
        return "killed by signal %d" % -p.returncode
    if SANITIZER_RE.search(p.stderr):
        return "sanitizer report: " + p.stderr.strip()[:600]
    return ""


def scenario_runs(args):
    folder = os.path.join(args.srcdir, "tests", "regress")
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".lua"):
            continue
        path = os.path.join(folder, name)
        runs, fields = header(path)
        want = fields.get("status", "passed")
        for extra in runs or [[]]:
            label = "%s %s" % (name, " ".join(extra))
            with tempfile.TemporaryDirectory() as tmp:
                p = evsim(args, "run", path, "--no-record", *extra, cwd=tmp)
            out = p.stdout + p.stderr
            bad = no_crash(p)
            m = STATUS_RE.search(p.stdout)
            status = m.group(1) if m else "?"
            problems = []
            if bad:
                problems.append(bad)
            if status != want:
                problems.append("status %s, expected %s" % (status, want))
            if p.returncode != EXIT_OF.get(want, -1):
                problems.append("exit %d, expected %d" % (p.returncode, EXIT_OF.get(want, -1)))
            if "message" in fields and fields["message"] not in out:
                problems.append("no '%s' in the output" % fields["message"])
            check(not problems, label.strip() + ("" if not problems else ": " + "; ".join(problems)
                                                 + "\n  " + out.strip()[:800].replace("\n", "\n  ")))


def database_runs(args):
    scen = os.path.join(args.srcdir, "scenarios", "basic", "pipe_fork_wait.lua")
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "r.db")
        p = evsim(args, "run", scen, "--db", db, "--quiet", "--strategy", "random", "--seed", "1")
        check(p.returncode == 0 and not no_crash(p), "record %s: exit %d %s" % (scen, p.returncode, p.stderr.strip()))

        p = evsim(args, "replay", db, "--until", "1")
        check(not no_crash(p) and p.returncode == 0 and "state after transition 1" in p.stdout,
              "replay --until 1 (the first transition, while the run boots): exit %d %s"
              % (p.returncode, no_crash(p) or p.stderr.strip()[:300]))
        p = evsim(args, "replay", db, "--until", "1", "--format", "json")
        check(not no_crash(p) and p.returncode == 0,
              "replay --until 1 --format json: exit %d %s" % (p.returncode, no_crash(p)))

        # A recording that differs in its first transitions (made while
        # the run boots, before any thread runs), or has none at all (a
        # run killed before its first batch): a divergence, exit 3.
        # Run 1: trace_rows is keyed by seq (evsim-db(5)).
        for what, sql in (("transition 3 changed", """INSERT INTO trace_str VALUES ((SELECT max(id) FROM trace_str) + 1, 'zz');
INSERT INTO trace_chg SELECT (SELECT max(id) FROM trace_chg) + 1, func, field, old, (SELECT max(id) FROM trace_str) FROM trace_chg WHERE id = (SELECT chg FROM trace_rows WHERE id = 3);
UPDATE trace_rows SET chg = (SELECT max(id) FROM trace_chg) WHERE id = 3;"""),
                          ("no transitions", "DELETE FROM trace_rows; DELETE FROM trace_ctx")):
            bad = os.path.join(tmp, "bad.db")
            shutil.copy(db, bad)
            con = sqlite3.connect(bad)
            con.executescript(sql)
            con.commit()
            con.close()
            p = evsim(args, "replay", bad)
            check(not no_crash(p) and p.returncode == 3 and "DIVERGED" in p.stdout + p.stderr,
                  "replay of a recording with %s: exit %d %s"
                  % (what, p.returncode, no_crash(p) or p.stderr.strip()[:300]))
            os.unlink(bad)

        out = os.path.join(tmp, "r.txt")
        p = evsim(args, "report", db, "--format", "text", "--run", "1", "--against", "999", "-o", out)
        check(not no_crash(p) and p.returncode == 2 and "no run 999" in p.stderr,
              "report --against a run that does not exist: exit %d %s"
              % (p.returncode, no_crash(p) or p.stderr.strip()[:300]))


def list_runs(args):
    with tempfile.TemporaryDirectory() as tmp:
        files = {
            "a.lua": 'local v = sim.sysctl("kern.kq_calloutmax")\n'
                     'return { name = "sysctl at file level " .. v, main = function() end }\n',
            "b.lua": 'local r = math.random(10)\n'
                     'return { name = "random at file level", main = function() end }\n',
            "c.lua": 'local e = require("evsim")\n'
                     'return { name = "requires evsim", kernel = "illumos", main = function() end }\n',
        }
        for name, text in files.items():
            with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
                f.write(text)
        os.mkdir(os.path.join(tmp, "empty"))
        p = evsim(args, "list", tmp)
        names = [l.split("  ")[0] for l in p.stdout.splitlines()]
        check(not no_crash(p) and p.returncode == 0
              and names == ["sysctl at file level 4096", "random at file level", "requires evsim"]
              and "illumos" in p.stdout.splitlines()[2],
              "list loads as run does (sim.sysctl, math.random, require at file level; an empty "
              "folder): exit %d %s %s" % (p.returncode, no_crash(p), (p.stdout + p.stderr).strip()[:400]))
    root = os.path.join(args.srcdir, "scenarios")
    n = sum(1 for d, _, fs in os.walk(root) if os.path.basename(d) != "lib"
            for f in fs if f.endswith(".lua"))
    p = evsim(args, "list", root)
    check(not no_crash(p) and p.returncode == 0 and len(p.stdout.splitlines()) == n,
          "list scenarios: every one of the %d bundled scenarios loads (exit %d, %d listed) %s"
          % (n, p.returncode, len(p.stdout.splitlines()), p.stderr.strip()[:300]))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--evsim", required=True)
    ap.add_argument("--srcdir", required=True)
    args = ap.parse_args()
    args.evsim = os.path.abspath(args.evsim)
    args.srcdir = os.path.abspath(args.srcdir)
    scenario_runs(args)
    database_runs(args)
    list_runs(args)
    if FAILS:
        print("regress: %d failure(s)" % len(FAILS))
        return 1
    print("regress: every reproducer ends as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
