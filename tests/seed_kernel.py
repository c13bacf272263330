#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The seed's kernel, freebsd@7773002, from the command line: `evsim
kernels` lists it (as a model of its own) with every other revision, and
`evsim diff` of one scenario run under freebsd and freebsd@7773002 first
differs where the seed's kqueue() creates the kqueue (the README's
example), and `evsim coverage` checks the seed's runs against the seed's
own state machine (kern_event_7773002_sm.c), with nothing outside it.
"""
import argparse
import os
import subprocess
import sys
import tempfile

REVISIONS = ["freebsd", "freebsd@b11289f", "freebsd@pre-D18316",
             "freebsd@pre-D8898", "freebsd@pre-r295012", "freebsd@7773002",
             "illumos", "illumos@pre-14898"]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--evsim", required=True)
    ap.add_argument("--srcdir", required=True)
    args = ap.parse_args()
    bad = 0
    k = subprocess.run([args.evsim, "kernels"], capture_output=True, text=True)
    names = [l.split()[0] for l in k.stdout.splitlines() if l and not l[0].isspace()]
    if k.returncode != 0 or names != REVISIONS:
        print("FAIL: evsim kernels lists %r (exit %d)" % (names, k.returncode))
        bad += 1
    lines = k.stdout.splitlines()
    i = next((n for n, l in enumerate(lines) if l.startswith("freebsd@7773002 ")), None)
    if i is None or "model of its own" not in lines[i + 1] or "2003" not in lines[i]:
        print("FAIL: freebsd@7773002 is not listed as a model of its own:\n" + k.stdout)
        bad += 1
    scen = os.path.join(args.srcdir, "scenarios/kqueue/clear_resets_data.lua")
    with tempfile.TemporaryDirectory() as d:
        db = os.path.join(d, "d.db")
        for kernel in ("freebsd", "freebsd@7773002"):
            r = subprocess.run([args.evsim, "run", scen, "--db", db, "--kernel", kernel, "--quiet"],
                               capture_output=True, text=True)
            if r.returncode != 0:
                print("FAIL: %s under %s: %s%s" % (scen, kernel, r.stdout, r.stderr))
                bad += 1
        r = subprocess.run([args.evsim, "diff", db, "1", "2"], capture_output=True, text=True)
        want = ["differ first at transition 12",
                "- 12\t0\t1\t100100\tkqueue_init\tkqueue#1\t(life)\t\tcreated",
                "+ 12\t0\t1\t100100\tkqueue\tkqueue#1\t(life)\t\tcreated"]
        if r.returncode != 1 or any(w not in r.stdout for w in want):
            print("FAIL: evsim diff (exit %d) lacks %r:\n%s" % (r.returncode, want, r.stdout[:2000]))
            bad += 1
    # A knote detached twice (knote_fdclose() racing kqueue_close()) is a
    # panic of the model, not a fault of the simulator (random seed 23).
    scen = os.path.join(args.srcdir, "scenarios/races/hist_7773002_kqclose_vs_close.lua")
    r = subprocess.run([args.evsim, "run", scen, "--kernel", "freebsd@7773002", "--strategy",
                        "random", "--seed", "23", "--no-record"], capture_output=True, text=True)
    if r.returncode != 1 or "panic: knote#2 is not on the list it is removed from" not in r.stdout:
        print("FAIL: kqclose_vs_close random seed 23 (exit %d):\n%s%s" % (r.returncode, r.stdout, r.stderr))
        bad += 1
    # evsim coverage checks the seed's runs against the seed's machine.
    with tempfile.TemporaryDirectory() as d:
        db = os.path.join(d, "c.db")
        sdir = os.path.join(args.srcdir, "scenarios/seed7773002")
        for f in sorted(os.listdir(sdir)):
            if f.endswith(".lua"):
                subprocess.run([args.evsim, "run", os.path.join(sdir, f), "--db", db, "--quiet"],
                               capture_output=True, text=True)
        r = subprocess.run([args.evsim, "coverage", db], capture_output=True, text=True)
        if (r.returncode != 0
                or "freebsd@7773002 state machine (sim/freebsd/kern_event_7773002_sm.c)" not in r.stdout
                or "freebsd@7773002 transitions outside the declared machine: 0" not in r.stdout
                or "\nfreebsd state machine" in r.stdout):
            print("FAIL: evsim coverage of the seed's scenarios:\n" + r.stdout[-3000:] + r.stderr)
            bad += 1
    if not bad:
        print("evsim kernels lists %d revisions; freebsd and freebsd@7773002 "
              "first differ at kqueue()" % len(names))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
