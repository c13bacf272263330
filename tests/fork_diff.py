#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""`evsim diff` on the fork-copy revisions.

Records scenarios/fork/queued_stale_revisions.lua under freebsd@b11289f
(M0, run 1) and freebsd (M1, run 2) with the same seed into one database
and checks that `evsim diff DB 1 2`
  * exits 1,
  * reports as the first difference the enqueue of the child's copy in
    kqueue_fork_copy_knote(): M0 enqueues it because the parent's knote
    was KN_QUEUED ("knote_enqueue knote#2 kn_status ACTIVE -> ACTIVE|QUEUED"),
    M1 asks f_event, which is false, and goes on to leave the parent's
    knote's flux (kqueue_fork_copy_knote() in sys/kern/kern_event.c),
  * shows the copy being made (kqueue_fork_copy_knote) in the context;
and that diffing a run against itself, and against a second M1 run with
the same seed, exits 0.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

SCENARIO = "scenarios/fork/queued_stale_revisions.lua"
SEED = "7"


def fail(msg, out=""):
    print("FAIL: " + msg)
    if out:
        print(out)
    return 1


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--evsim", required=True)
    ap.add_argument("--srcdir", required=True)
    args = ap.parse_args()
    scen = os.path.join(args.srcdir, SCENARIO)
    with tempfile.TemporaryDirectory() as d:
        db = os.path.join(d, "diff.db")
        for kernel in ("freebsd@b11289f", "freebsd", "freebsd"):
            p = subprocess.run([args.evsim, "run", scen, "--kernel", kernel,
                                "--seed", SEED, "--db", db],
                               capture_output=True, text=True, timeout=600)
            print(p.stdout.strip())
            if p.returncode != 0 or "  passed  kernel " + kernel + "  seed " + SEED not in p.stdout:
                return fail("run under %s did not pass" % kernel, p.stderr)

        p = subprocess.run([args.evsim, "diff", db, "1", "2"],
                           capture_output=True, text=True, timeout=600)
        print(p.stdout[:3000])
        if p.returncode != 1:
            return fail("diff of M0 and M1 exited %d, expected 1" % p.returncode, p.stderr)
        lines = p.stdout.splitlines()
        if not re.match(r"runs 1 and 2 differ first at transition \d+ \(of \d+ and \d+\)$", lines[0]):
            return fail("unexpected header: " + lines[0])
        minus = next((l for l in lines if l.startswith("- ")), None)
        plus = next((l for l in lines if l.startswith("+ ")), None)
        if minus is None or plus is None:
            return fail("no first differing pair")
        mf = minus[2:].split("\t")
        pf = plus[2:].split("\t")
        # seq vtime pid tid func object field old new
        if mf[4:] != ["knote_enqueue", "knote#2", "kn_status", "ACTIVE", "ACTIVE|QUEUED"]:
            return fail("M0's first different transition is not the copy's enqueue: " + minus)
        if mf[2] != "1" or pf[2] != "1":
            return fail("the first difference is not in the forking parent (pid 1)")
        if pf[4:7] != ["kn_leave_flux", "knote#1", "kn_influx"]:
            return fail("M1's first different transition is not leaving the parent knote's flux: " + plus)
        context = lines[1:lines.index(minus)]
        if not any("\tkqueue_fork_copy_knote\tknote#2\t" in l for l in context):
            return fail("the context does not show the copy knote#2 being made")
        if "aligned (run 1 '-', run 2 '+'" not in p.stdout:
            return fail("no aligned diff")

        for a, b in (("1", "1"), ("2", "3")):
            p = subprocess.run([args.evsim, "diff", db, a, b],
                               capture_output=True, text=True, timeout=600)
            print(p.stdout.strip())
            if p.returncode != 0 or "are identical" not in p.stdout:
                return fail("diff %s %s exited %d, expected 0" % (a, b, p.returncode))
    print("M0 and M1 first differ at the copy's enqueue in kqueue_fork_copy_knote")
    return 0


if __name__ == "__main__":
    sys.exit(main())
