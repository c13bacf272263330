#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Historical kernel races as revision pairs.  For each
race: `evsim explore` under the buggy revision, with the stated strategy
and budget, must find the failure with the expected signature; the found
run must replay identically; the fixed revision must survive the same
schedules.  Prints runs-to-first-failure (the README table's figures).
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

RUNS = 1000
STRATEGY = "random"
# (scenario, buggy revision, fixed revision, expected status, signature text
#  [, strategy when not STRATEGY [, fail points set on both revisions]])
RACES = [
    ("scenarios/fork/cponfork_timer_race.lua", "freebsd@b11289f", "freebsd",
     "panic", "knote already queued"),
    ("scenarios/races/hist_d18316_track_fork_vs_close.lua", "freebsd@pre-D18316", "freebsd",
     "panic", "use after free of knote#"),
    ("scenarios/races/hist_d8898_scan_vs_knote_fork.lua", "freebsd@pre-D8898", "freebsd",
     "panic", "another holder cleared KN_INFLUX"),
    ("scenarios/races/hist_r295012_note_child_exit.lua", "freebsd@pre-r295012", "freebsd",
     "failed", "PR 180385"),
    ("scenarios/races/hist_14898_file_reassociate_vs_write.lua", "illumos@pre-14898", "illumos",
     "failed", "illumos#14898"),
    ("scenarios/races/hist_7773002_double_add.lua", "freebsd@7773002", "freebsd",
     "failed", "duplicate knotes"),
    ("scenarios/races/hist_7773002_register_vs_close.lua", "freebsd@7773002", "freebsd",
     "failed", "closed descriptor's file referenced"),
    ("scenarios/races/hist_7773002_self_watch_exit.lua", "freebsd@7773002", "freebsd",
     "failed", "is still referenced"),
    ("scenarios/races/hist_7773002_two_scans.lua", "freebsd@7773002", "freebsd",
     "panic", "another scan's marker"),
    ("scenarios/races/hist_7773002_kqclose_vs_close.lua", "freebsd@7773002", "freebsd",
     "panic", "was freed while the table was unlocked", "pct:3"),
    ("scenarios/races/hist_b11289f_fork_copy_fhold.lua", "freebsd@b11289f", "freebsd",
     "panic", "was already detached", STRATEGY,
     ["kqueue_fork_copy_knote:fhold=explore"]),
]

# Races that Giant prevented in the seed's kernel: explore under it must
# stay clean over the same budget (both scenarios run under it with fifo
# goldens too).
CLEAN = [
    ("scenarios/races/close_fd_during_kevent.lua", "freebsd@7773002"),
    ("scenarios/races/track_fork_vs_close.lua", "freebsd@7773002"),
]


def explore(evsim, scen, kernel, db, strategy=STRATEGY, fps=()):
    cmd = [evsim, "explore", scen, "--kernel", kernel, "--strategy", strategy,
           "--runs", str(RUNS), "--db", db]
    for fp in fps:
        cmd += ["--failpoint", fp]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    return r, " ".join(cmd)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--evsim", required=True)
    ap.add_argument("--srcdir", required=True)
    args = ap.parse_args()
    bad = 0
    with tempfile.TemporaryDirectory() as d:
        for i, race in enumerate(RACES):
            scen, buggy, fixed, status, text = race[:5]
            strategy = race[5] if len(race) > 5 else STRATEGY
            fps = race[6] if len(race) > 6 else ()
            path = os.path.join(args.srcdir, scen)
            db = os.path.join(d, "race%d.db" % i)
            r, cmd = explore(args.evsim, path, buggy, db, strategy, fps)
            m = re.search(r"^\[1\] (\w+) in .*first at schedule (\d+) \(seed (\d+)\)", r.stdout, re.M)
            if r.returncode != 1 or not m or m.group(1) != status or text not in r.stdout:
                print("FAIL: %s: %s %r not found within %d %s schedules:\n%s%s"
                      % (buggy, status, text, RUNS, strategy, r.stdout, r.stderr))
                bad += 1
                continue
            first = int(m.group(2))
            rid = re.search(r"evsim replay \S+ --run (\d+)", r.stdout).group(1)
            rep = subprocess.run([args.evsim, "replay", db, "--run", rid],
                                 capture_output=True, text=True, timeout=600)
            if rep.returncode != 0 or ("identical: %s" % status) not in rep.stdout:
                print("FAIL: %s: the found run does not replay:\n%s%s" % (buggy, rep.stdout, rep.stderr))
                bad += 1
                continue
            f, fcmd = explore(args.evsim, path, fixed, os.path.join(d, "fixed%d.db" % i),
                              strategy, fps)
            if f.returncode != 0 or ("explored %d schedules" % RUNS) not in f.stdout:
                print("FAIL: %s fails over the same %d schedules:\n%s%s" % (fixed, RUNS, f.stdout, f.stderr))
                bad += 1
                continue
            print("%-58s %-20s found at run %4d (%s, budget %d); %s clean over %d; replays"
                  % (scen, buggy, first, strategy, RUNS, fixed, RUNS))
        for i, (scen, kernel) in enumerate(CLEAN):
            path = os.path.join(args.srcdir, scen)
            f, fcmd = explore(args.evsim, path, kernel, os.path.join(d, "clean%d.db" % i))
            if f.returncode != 0 or ("explored %d schedules" % RUNS) not in f.stdout:
                print("FAIL: %s fails under %s:\n%s%s" % (scen, kernel, f.stdout, f.stderr))
                bad += 1
                continue
            print("%-58s %-20s clean over %d (%s)" % (scen, kernel, RUNS, STRATEGY))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
