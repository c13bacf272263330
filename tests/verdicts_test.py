#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Verdicts on the command line (the statuses themselves are checked by the
scenarios of tests/verdicts/ through scenarios.py).

1. Exit statuses: a pid 1 killed by SIGPIPE exits 1, a script error 2, a
   pass 0.
2. A scenario field that is not defined is refused (exit 2) naming it and
   the nearest defined name, before anything runs or is recorded.
3. `evsim explore` stops at once on a script error (exit 2, the message
   and the seed) instead of recording and shrinking it as a found race,
   with one job and with two.
4. Invariants that call sim.label (in name order): a fresh recording under
   a random schedule replays identical, and three processes print the same
   trace hash (the order was lua_next's, different in every process).
5. --cpu-limit: a pattern bomb inside string.find ends as error naming the
   limit and the Lua line; bad values are usage errors; the replay of a
   run the limit ended stops where the recording ends.
6. --quiet: a run that passed prints nothing at all (neither the
   scenario's print output nor the summary); one that did not prints its
   summary on stderr only; the exit status is the same as without.
"""
import argparse
import os
import re
import sqlite3
import subprocess
import sys
import tempfile

FAILS = []


def check(cond, what):
    print(("ok    " if cond else "FAIL  ") + what)
    if not cond:
        FAILS.append(what)


def run(evsim, *args, cwd=None, timeout=300):
    return subprocess.run([evsim] + list(args), capture_output=True,
                          text=True, cwd=cwd, timeout=timeout)


SIGPIPE = """return { name = "sigpipe", main = function()
  local r, w = sys.pipe() sys.close(r) sys.write(w, "x") error("not reached")
end }
"""
SCRIPT = """return { name = "script", main = function() local t t.x = 1 end }
"""
PASS = """return { name = "pass", main = function() sys.getpid() end }
"""
PRINTS = """return { name = "prints", main = function() print("hello") end }
"""
TYPO = """return { name = "typo", invariant = {}, main = function() end }
"""
# A script error under some schedules only: the thread must run first.
RACY_SCRIPT = """return { name = "racy script error", main = function()
  local n = 0
  local t = sys.thread(function() n = n + 1 end)
  sys.sched_yield()
  if n == 0 then local f; f() end
  sys.join(t)
end }
"""
LABELS = """return {
  name = "invariants that label",
  invariants = {
    d = function() sim.label("d") return true end,
    c = function() sim.label("c") return true end,
    b = function() sim.label("b") return true end,
    a = function() sim.label("a") return true end,
  },
  main = function()
    local t = sys.thread(function() sys.sched_yield() end)
    sys.sched_yield()
    sys.join(t)
  end,
}
"""
# Each round spends some microseconds in C (string.rep) beside its
# syscall, so that the CPU limit ends the loop (and twice the limit its
# replay) well before the livelock detector's 1,000,000 scheduling points
# without a transition, however fast the machine.
SPIN = """return { name = "syscall loop", main = function()
  sys.pipe()
  while true do sys.getpid(); local s = string.rep("a", 200000) end
end }
"""
BOMB = """return { name = "pattern bomb", main = function()
  sys.getpid()
  return string.find(string.rep("a", 200000), ".-.-.-.-.-b")
end }
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--evsim", required=True)
    a = ap.parse_args()
    ev = os.path.abspath(a.evsim)
    with tempfile.TemporaryDirectory() as tmp:
        def write(name, text):
            p = os.path.join(tmp, name)
            with open(p, "w") as f:
                f.write(text)
            return p

        for name, text, rc, status in (
                ("sigpipe.lua", SIGPIPE, 1, "failed"),
                ("script.lua", SCRIPT, 2, "error"),
                ("pass.lua", PASS, 0, "passed")):
            p = run(ev, "run", write(name, text), "--no-record")
            check(p.returncode == rc and "  %s  " % status in p.stdout,
                  "%s: %s, exit %d (%d: %s)" % (name, status, rc,
                                                p.returncode, p.stdout))

        for name, text, rc, status in (
                ("prints.lua", PRINTS, 0, None),
                ("sigpipe.lua", SIGPIPE, 1, "failed"),
                ("script.lua", SCRIPT, 2, "error")):
            qdb = os.path.join(tmp, "q.db")
            p = run(ev, "run", write(name, text), "--db", qdb, "--quiet")
            ok = p.returncode == rc and p.stdout == ""
            if status is None:
                ok = ok and p.stderr == ""
            else:
                ok = ok and "  %s  " % status in p.stderr
            check(ok, "--quiet %s: exit %d, stdout empty, %s (%d: %r %r)"
                  % (name, rc, "stderr empty" if status is None else
                     "summary on stderr", p.returncode, p.stdout, p.stderr))
        con = sqlite3.connect(qdb)
        n = con.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
        con.close()
        check(n == 3, "--quiet still records every run (%d of 3)" % n)

        db = os.path.join(tmp, "typo.db")
        p = run(ev, "run", write("typo.lua", TYPO), "--db", db)
        check(p.returncode == 2 and "unknown scenario field 'invariant' "
              "(did you mean 'invariants'?)" in p.stderr,
              "unknown field refused with a suggestion, exit 2 (%d: %s)"
              % (p.returncode, p.stderr.strip()))
        if os.path.exists(db):
            con = sqlite3.connect(db)
            n = con.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
            con.close()
            check(n == 0, "the refused scenario left no run (%d)" % n)

        racy = write("racy.lua", RACY_SCRIPT)
        for jobs in ("1", "2"):
            xdb = os.path.join(tmp, "x%s.db" % jobs)
            p = run(ev, "explore", racy, "--db", xdb, "--runs", "200",
                    "--jobs", jobs)
            m = re.search(r"error under random seed (\d+): .*attempt to "
                          r"call a nil value", p.stderr)
            check(p.returncode == 2 and m is not None
                  and "failing seeds" not in p.stdout,
                  "explore --jobs %s stops at the script error, exit 2 "
                  "(%d: %s)" % (jobs, p.returncode, p.stderr.strip()))
            if m:
                q = run(ev, "run", racy, "--no-record", "--strategy",
                        "random", "--seed", m.group(1))
                check(q.returncode == 2 and "attempt to call a nil value"
                      in q.stdout, "the seed it names reproduces the "
                      "script error")
            if os.path.exists(xdb):
                con = sqlite3.connect(xdb)
                n = con.execute("SELECT COUNT(*) FROM runs WHERE status "
                                "<> 'passed'").fetchone()[0]
                con.close()
                check(n == 0, "explore recorded no failure (%d)" % n)

        lab = write("labels.lua", LABELS)
        hashes = set()
        for i in range(3):
            p = run(ev, "run", lab, "--no-record", "--strategy", "random",
                    "--seed", "1")
            hashes.update(re.findall(r"trace_hash ([0-9a-f]{16})", p.stdout))
        check(len(hashes) == 1, "invariants labelling: one trace hash in "
              "three processes (%s)" % sorted(hashes))
        ldb = os.path.join(tmp, "l.db")
        p = run(ev, "run", lab, "--db", ldb, "--strategy", "random",
                "--seed", "1")
        q = run(ev, "replay", ldb)
        check(p.returncode == 0 and q.returncode == 0
              and "identical" in q.stdout,
              "a fresh recording with labelling invariants replays "
              "identical (%d: %s)" % (q.returncode, q.stdout.strip()))
        t = run(ev, "trace", ldb)
        labels = re.findall(r"sim_label\t\S+\tlabel\t\t(\w)", t.stdout)
        check(labels[:4] == ["a", "b", "c", "d"] and len(labels) % 4 == 0,
              "the invariants ran in name order (%s)" % labels[:8])

        bomb = write("bomb.lua", BOMB)
        p = run(ev, "run", bomb, "--no-record", "--cpu-limit", "1",
                timeout=120)
        check(p.returncode == 2 and "bomb.lua:3: CPU limit of 1 s exceeded "
              "(--cpu-limit)" in p.stdout and "  error  " in p.stdout,
              "--cpu-limit 1 ends the pattern bomb as error (%d: %s)"
              % (p.returncode, p.stdout.strip()))
        # A loop of syscalls that make no transitions, ended by the CPU
        # limit: replay compares what was recorded and stops there (it
        # used to loop on under the default limit of 300 s).
        spin = write("spin.lua", SPIN)
        sdb = os.path.join(tmp, "spin.db")
        p = run(ev, "run", spin, "--db", sdb, "--cpu-limit", "1",
                timeout=120)
        check(p.returncode == 2 and "CPU limit of 1 s exceeded" in p.stdout,
              "--cpu-limit 1 ends the syscall loop as error (%d: %s)"
              % (p.returncode, p.stdout.strip()))
        p = run(ev, "replay", sdb, timeout=120)
        check(p.returncode == 0 and "stopped at seq" in p.stdout
              and "ended by its CPU limit (1 s)" in p.stdout,
              "replay of a run ended by its CPU limit stops where the "
              "recording ends (%d: %s %s)"
              % (p.returncode, p.stdout.strip(), p.stderr.strip()))
        for bad in ("0", "x", "-1"):
            p = run(ev, "run", bomb, "--no-record", "--cpu-limit", bad)
            check(p.returncode == 2 and "--cpu-limit" in p.stderr,
                  "--cpu-limit %s is a usage error" % bad)
    if FAILS:
        print("%d check(s) failed" % len(FAILS))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
