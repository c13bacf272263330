#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The race scenarios under scenarios/races/: each must pass 1,000 `--strategy random` schedules with no panic, no
deadlock and no invariant failure under its current kernel.  The
historical-race pairs (hist_*.lua) are checked by tests/historical_races.py
instead, since they fail by design under their buggy revision.
"""
import argparse
import glob
import os
import subprocess
import sys
import tempfile


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--evsim", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--runs", default="1000")
    args = ap.parse_args()
    bad = 0
    files = sorted(f for f in glob.glob(os.path.join(args.root, "races", "*.lua"))
                   if not os.path.basename(f).startswith("hist_"))
    with tempfile.TemporaryDirectory() as d:
        for f in files:
            p = subprocess.run([args.evsim, "explore", f, "--strategy", "random",
                                "--runs", args.runs, "--jobs", "1",
                                "--db", os.path.join(d, "r.db")],
                               capture_output=True, text=True, timeout=1200)
            line = next((l for l in p.stdout.splitlines() if l.startswith("explored")), p.stdout)
            ok = p.returncode == 0 and ("explored %s schedules" % args.runs) in line
            print("%s %s: %s" % ("ok  " if ok else "FAIL", os.path.basename(f), line))
            if not ok:
                print(p.stdout + p.stderr)
                bad += 1
    print("%d race scenarios, %d failed" % (len(files), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
