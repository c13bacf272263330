#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The CPONFORK timer race: under freebsd@b11289f,
`evsim explore` with random schedules must find the "knote already queued"
panic within 10,000 seeds; under freebsd (current main) the same 10,000
seeds must all pass.  The found schedule must replay identically.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

SCENARIO = "scenarios/fork/cponfork_timer_race.lua"


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--evsim", required=True)
    ap.add_argument("--srcdir", required=True)
    args = ap.parse_args()
    scen = os.path.join(args.srcdir, SCENARIO)
    with tempfile.TemporaryDirectory() as d:
        db = os.path.join(d, "race.db")
        m0 = subprocess.run([args.evsim, "explore", scen, "--kernel", "freebsd@b11289f",
                             "--runs", "10000", "--db", db],
                            capture_output=True, text=True, timeout=1200)
        print(m0.stdout)
        if m0.returncode != 1 or "panic in knote_enqueue" not in m0.stdout \
                or "knote already queued" not in m0.stdout:
            print("FAIL: M0 did not panic with 'knote already queued' within 10000 seeds")
            return 1
        seed = re.search(r"first at schedule (\d+) \(seed (\d+)\)", m0.stdout).group(2)
        rep = subprocess.run([args.evsim, "replay", db, "--run", "1"],
                             capture_output=True, text=True, timeout=600)
        print(rep.stdout)
        if rep.returncode != 0 or "identical: panic" not in rep.stdout:
            print("FAIL: the panicking schedule did not replay")
            return 1
        again = subprocess.run([args.evsim, "run", scen, "--kernel", "freebsd",
                                "--strategy", "random", "--seed", seed, "--no-record"],
                               capture_output=True, text=True, timeout=600)
        if again.returncode != 0:
            print("FAIL: seed %s does not pass under freebsd:\n%s" % (seed, again.stdout))
            return 1
        m1 = subprocess.run([args.evsim, "explore", scen, "--kernel", "freebsd",
                             "--runs", "10000", "--db", db],
                            capture_output=True, text=True, timeout=1200)
        print(m1.stdout)
        if m1.returncode != 0 or "explored 10000 schedules" not in m1.stdout:
            print("FAIL: M1 did not survive 10000 seeds")
            return 1
    print("M0 panics at seed %s; M1 survives 10000 seeds" % seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
