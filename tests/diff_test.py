#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""`evsim diff`: equivalence up to independent reorderings, --positional,
--object, labels.

Runs scenarios/explore/independent_writers.lua (two threads writing their
own pipes) under random schedules 1..16 and checks, over the pairs of runs
with different trace hashes, that
  * some pair differs only by reordering independent transitions: `evsim
    diff` exits 0 and says "equivalent", `--positional` exits 1 and reports
    a difference, and `--object` on one pipe (by name and by label) says
    "identical";
  * some pair has its threads exit in another order after a reordering:
    `evsim diff` exits 1, its first difference is a p_numthreads change of
    proc#1 (the exits), later in the run than the first positional
    difference, and it names proc#1's label under "objects:";
  * an ambiguous or unknown --object is a usage error (exit 2).
"""
import argparse
import itertools
import os
import sqlite3
import subprocess
import sys
import tempfile

SCENARIO = "scenarios/explore/independent_writers.lua"


def fail(msg, out=""):
    print("FAIL: " + msg)
    if out:
        print(out[:3000])
    return 1


def diff(evsim, db, a, b, *extra):
    p = subprocess.run([evsim, "diff", db, str(a), str(b)] + list(extra),
                       capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--evsim", required=True)
    ap.add_argument("--srcdir", required=True)
    args = ap.parse_args()
    scen = os.path.join(args.srcdir, SCENARIO)
    with tempfile.TemporaryDirectory() as d:
        db = os.path.join(d, "d.db")
        for seed in range(1, 17):
            p = subprocess.run([args.evsim, "run", scen, "--strategy", "random",
                                "--seed", str(seed), "--db", db, "--quiet"],
                               capture_output=True, text=True, timeout=120)
            if p.returncode != 0:
                return fail("seed %d did not pass" % seed, p.stdout + p.stderr)
        con = sqlite3.connect(db)
        hashes = dict(con.execute("SELECT id, trace_hash FROM runs"))
        con.close()
        equiv = real = None
        for a, b in itertools.combinations(sorted(hashes), 2):
            if hashes[a] == hashes[b]:
                continue
            rc, out, err = diff(args.evsim, db, a, b)
            if rc == 0 and equiv is None:
                equiv = (a, b, out)
            elif rc == 1 and real is None and "\tp_numthreads\t" in out:
                real = (a, b, out)
        if equiv is None:
            return fail("no two runs with different hashes are equivalent")
        if real is None:
            return fail("no two runs differ in the order their threads exit")

        a, b, out = equiv
        print(out.strip())
        if "are equivalent (89 transitions;" not in out:
            return fail("runs %d and %d: no 'equivalent' line" % (a, b), out)
        rc, pout, _ = diff(args.evsim, db, a, b, "--positional")
        if rc != 1 or "differ first at transition" not in pout:
            return fail("--positional does not report runs %d and %d different" % (a, b), pout)
        for name in ("pipe#1", "pipe pipe#2 write end"):
            rc, oout, oerr = diff(args.evsim, db, a, b, "--object", name)
            if rc != 0 or "are identical" not in oout:
                return fail("--object %r on runs %d and %d: exit %d" % (name, a, b, rc), oout + oerr)
        rc, oout, _ = diff(args.evsim, db, a, b, "--object", "pipe#2 write end")
        if not oout.startswith("object file#2  pipe pipe#2 write end, fd 1 of pid 1: "):
            return fail("--object by label does not name file#2 and its label", oout)

        a, b, out = real
        print(out[:1500])
        lines = out.splitlines()
        minus = next((l for l in lines if l.startswith("- ")), None)
        plus = next((l for l in lines if l.startswith("+ ")), None)
        if minus is None or plus is None:
            return fail("no first differing pair", out)
        mf, pf = minus[2:].split("\t"), plus[2:].split("\t")
        if mf[4:7] != ["thread_exit_self", "proc#1", "p_numthreads"] or \
                pf[4:7] != ["thread_exit_self", "proc#1", "p_numthreads"] or mf[3] == pf[3]:
            return fail("the first difference is not the threads' exit order", out)
        if "objects:" not in lines or "  proc#1  pid 1 (init)" not in lines:
            return fail("the labels of the differing objects are not shown", out)
        rc, pout, _ = diff(args.evsim, db, a, b, "--positional")
        pminus = next((l for l in pout.splitlines() if l.startswith("- ")), "")
        if rc != 1 or not pminus or int(pminus[2:].split("\t")[0]) >= int(mf[0]):
            return fail("the positional first difference is not earlier than the exits", pout)

        for name, want in (("pipe", "several objects labelled"),
                           ("no such thing", "no object named or labelled")):
            rc, _, err = diff(args.evsim, db, a, b, "--object", name)
            if rc != 2 or want not in err:
                return fail("--object %r: exit %d, %r" % (name, rc, err))
    print("diff: equivalent runs found equal, the exit order found as the first difference")
    return 0


if __name__ == "__main__":
    sys.exit(main())
