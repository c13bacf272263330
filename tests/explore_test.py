#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""evsim explore: dfs, shrinking, --jobs, --shard and evsim merge.

  * dfs:0 finds no failure in scenarios/explore/lost_update.lua (no
    preemption, no lost update), dfs:1 finds one with 1 preemption;
  * the shrunk run of a random failure is no larger than the original and
    `evsim replay` reproduces it (exit 0);
  * --jobs 1 and --jobs 2 report the same first failing schedule and seed
    (random and pct:3), and the same dfs counts;
  * --shard 0/2 and 1/2 together explore the schedules and find the failing
    seeds of the whole;
  * `evsim merge` of two databases holds both sets of runs, and
    `evsim replay` works on the merged copy; a foreign file is refused.
"""
import argparse
import os
import re
import sqlite3
import subprocess
import sys
import tempfile

FAILURES = []


def check(cond, what):
    print(("ok    " if cond else "FAIL  ") + what)
    if not cond:
        FAILURES.append(what)


def run(args, expect=None):
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=600)
    if expect is not None and p.returncode not in expect:
        print(" ".join(args))
        print(p.stdout)
        print(p.stderr)
    return p


def explore(evsim, scenario, db, *extra):
    return run([evsim, "explore", scenario, "--db", db] + list(extra),
               expect=(0, 1))


def sizes(out):
    """[(original dict, shrunk dict)] per failure."""
    res = []
    pat = (r"(\d+) decisions, (\d+) preemption\(s\), (\d+) choose "
           r"deviation\(s\), (\d+) other deviation\(s\), (\d+) transitions")
    keys = ("decisions", "preemptions", "choose", "other", "transitions")
    origs = re.findall(r"original: " + pat, out)
    mins = re.findall(r"shrunk:   " + pat, out)
    for o, m in zip(origs, mins):
        res.append((dict(zip(keys, map(int, o))), dict(zip(keys, map(int, m)))))
    return res


def first_line(out):
    m = re.search(r"first at schedule (\d+) \(seed (\d+)\)", out)
    return m.groups() if m else None


def failing_seeds(out):
    """{message: set of seeds} from --keep-going output."""
    res = {}
    for msg, seeds in re.findall(
            r"\n    (.*)\n    failing seeds: ([\d ]+)(?: \.\.\.)?\n", out):
        res[msg] = set(int(s) for s in seeds.split())
    return res


def explored(out):
    m = re.search(r"explored (\d+) schedules", out)
    return int(m.group(1)) if m else -1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--evsim", required=True)
    ap.add_argument("--srcdir", required=True)
    a = ap.parse_args()
    ev = a.evsim
    lost = os.path.join(a.srcdir, "scenarios/explore/lost_update.lua")
    four = os.path.join(a.srcdir, "scenarios/explore/four_threads.lua")
    procs = os.path.join(a.srcdir, "scenarios/explore/independent_procs.lua")
    with tempfile.TemporaryDirectory() as tmp:
        db0 = os.path.join(tmp, "dfs0.db")
        p = explore(ev, lost, db0, "--strategy", "dfs:0", "--jobs", "1")
        check(p.returncode == 0 and " 0 failed" in p.stdout
              and "space exhausted" in p.stdout,
              "dfs:0 finds no failure in lost_update and exhausts the space")

        db1 = os.path.join(tmp, "dfs1.db")
        p = explore(ev, lost, db1, "--strategy", "dfs:1", "--jobs", "1")
        check(p.returncode == 1
              and "first found with 1 preemption(s)" in p.stdout,
              "dfs:1 finds a failure with 1 preemption")
        sz = sizes(p.stdout)
        check(len(sz) == 1 and sz[0][1]["preemptions"] == 1,
              "the dfs:1 failure is recorded with 1 preemption")
        m = re.search(r"evsim replay (\S+) --run (\d+)", p.stdout)
        r = run([ev, "replay", db1, "--run", m.group(2)]) if m else None
        check(r is not None and r.returncode == 0,
              "evsim replay reproduces the dfs failure")

        # Shrinking a random failure.
        dbr = os.path.join(tmp, "random.db")
        p = explore(ev, lost, dbr, "--jobs", "1")
        sz = sizes(p.stdout)
        ok = len(sz) == 1
        if ok:
            o, s = sz[0]
            ok = (s["preemptions"] <= o["preemptions"]
                  and s["decisions"] <= o["decisions"]
                  and (s["preemptions"], s["choose"], s["other"],
                       s["decisions"], s["transitions"])
                  <= (o["preemptions"], o["choose"], o["other"],
                      o["decisions"], o["transitions"]))
            print("      original %s\n      shrunk   %s" % (o, s))
        check(ok, "the shrunk schedule is no larger than the original")
        m = re.search(r"evsim replay (\S+) --run (\d+)", p.stdout)
        r = run([ev, "replay", dbr, "--run", m.group(2)]) if m else None
        check(r is not None and r.returncode == 0,
              "evsim replay reproduces the shrunk run (exit 0)")
        con = sqlite3.connect(dbr)
        strat = con.execute("SELECT strategy FROM runs").fetchall()
        con.close()
        check(strat == [("replay",)],
              "the shrunk run is recorded under the replay strategy")

        # --jobs 1 and --jobs 2 agree.
        for scen, strat, seed in ((lost, "random", "500"),
                                  (four, "pct:3", "1")):
            outs = []
            for j in ("1", "2"):
                db = os.path.join(tmp, "jobs%s-%s.db" % (j, strat))
                p = explore(ev, scen, db, "--strategy", strat, "--seed", seed,
                            "--jobs", j)
                outs.append(first_line(p.stdout))
            check(outs[0] is not None and outs[0] == outs[1],
                  "%s: --jobs 1 and --jobs 2 report the same first failing "
                  "schedule and seed %s" % (strat, outs))
        outs = []
        for j in ("1", "2"):
            db = os.path.join(tmp, "jobsdfs%s.db" % j)
            p = explore(ev, procs, db, "--strategy", "dfs:1", "--jobs", j)
            outs.append(re.search(r"dfs:1: .*", p.stdout).group(0))
        check(outs[0] == outs[1],
              "dfs:1: --jobs 1 and --jobs 2 explore and prune the same "
              "(%s)" % outs[0])
        outs = []
        for j in ("1", "2"):
            db = os.path.join(tmp, "jobsdfsk%s.db" % j)
            p = explore(ev, lost, db, "--strategy", "dfs:2", "--jobs", j,
                        "--keep-going", "--runs", "100000")
            # Without the timing of the summary line (its rate); progress
            # goes to standard error, never to standard output.
            outs.append([l for l in p.stdout.splitlines()
                         if not re.search(r" in [\d.]+ s with|evsim replay|"
                                          r"evsim report", l)])
        check(outs[0] == outs[1],
              "dfs:2 --keep-going: --jobs 1 and --jobs 2 give the same "
              "summary")

        # Shards cover the whole.
        whole = explore(ev, four, os.path.join(tmp, "w.db"), "--strategy",
                        "pct:3", "--runs", "60", "--keep-going", "--jobs", "2")
        parts = [explore(ev, four, os.path.join(tmp, "s%d.db" % i),
                         "--strategy", "pct:3", "--runs", "60",
                         "--keep-going", "--shard", "%d/2" % i, "--jobs", "1")
                 for i in (0, 1)]
        check(explored(whole.stdout) == 60
              and explored(parts[0].stdout) + explored(parts[1].stdout) == 60,
              "--shard 0/2 and 1/2 explore 30 + 30 of the 60 schedules")
        ws = failing_seeds(whole.stdout)
        us = {}
        for p in parts:
            for k, v in failing_seeds(p.stdout).items():
                us.setdefault(k, set()).update(v)
        s0 = set().union(*failing_seeds(parts[0].stdout).values()) \
            if failing_seeds(parts[0].stdout) else set()
        s1 = set().union(*failing_seeds(parts[1].stdout).values()) \
            if failing_seeds(parts[1].stdout) else set()
        check(ws == us and len(ws) > 0
              and all((x - 1) % 2 == 0 for x in s0)
              and all((x - 1) % 2 == 1 for x in s1),
              "the shards find the failing seeds of the whole, each in "
              "its slice (%s)" % sorted(set().union(*ws.values()) if ws
                                        else []))

        # evsim merge.
        merged = os.path.join(tmp, "merged.db")
        p = run([ev, "merge", merged, db1, dbr], expect=(0,))
        con = sqlite3.connect(merged)
        n = con.execute("SELECT count(*) FROM runs").fetchone()[0]
        ids = [r[0] for r in con.execute("SELECT id FROM runs ORDER BY id")]
        nd = con.execute("SELECT count(DISTINCT run_id) FROM decisions"
                         ).fetchone()[0]
        con.close()
        check(p.returncode == 0 and n == 2 and ids == [1, 2] and nd == 2,
              "evsim merge of two databases holds both runs")
        ok = all(run([ev, "replay", merged, "--run", str(i)]).returncode == 0
                 for i in ids)
        check(ok, "evsim replay works on the merged copy")
        bad = os.path.join(tmp, "bad.db")
        with open(bad, "w") as f:
            f.write("not a database\n")
        p = run([ev, "merge", merged, bad])
        check(p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1
              and "not an evsim database" in p.stderr,
              "evsim merge refuses a foreign file with a one-line error")
    if FAILURES:
        print("%d check(s) failed" % len(FAILURES))
        return 1
    print("all explore checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
