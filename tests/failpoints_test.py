#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Fail points and simulated KASAN from the command line (issue 14):

  * `evsim failpoints` lists every fail point with its errno, and
    `--kernel` keeps only that kernel's (a FreeBSD name never appears for
    illumos and the reverse; shared ones appear for both); an unknown
    kernel is a usage error;
  * `evsim run --failpoint` refuses an unknown name, a name of the other
    kernel and a bad spec (exit 2, one line naming it);
  * `--failpoint NAME=explore` with the random strategy: some seed takes
    the failing branch (a 'choose' decision labelled failpoint:NAME with
    chosen 2, and a 'fired' transition), that run fails the scenario's
    NOTE_CHILD assertion, and `evsim replay` reproduces it identically from
    the database although the fail point was set on the command line;
    under fifo the same fail point never fires;
  * `N*return` set on the command line fires exactly N times;
  * the use-after-free panic names both the free and the access;
  * `evsim explore` (dfs:1, random, pct:3) on a scenario whose fail point
    is 'explore' finds the failing branch, shrinks to exactly one failing
    fail point (counted apart from sim.choose deviations), records it as a
    failpoint decision with chosen 2, and the found run replays
    identically;
  * random and pct make at most --fp-budget fail points fail per schedule
    (default 1; `evsim run --fp-budget` the same), shrinking takes a run
    with 3 failing fail points down to the 1 that is needed, dfs:0 never
    makes one fail (it counts as a preemption) and dfs:1 does;
  * `evsim explore --resume` continues with the search's recorded fail
    points when none are given (and finds the failure only they cause),
    and refuses different ones (exit 2, naming both);
  * `evsim explore --failpoint NAME=SPEC` sets it in every run (dfs:1 and
    random find the failing branch of a scenario that passes without it),
    and a bad name is a usage error;
  * explore's signatures ignore "seq N" in messages: the D18316
    use-after-free freed at different seqs is one signature;
  * freebsd@7773002 has only the fail points that apply to its model.
"""
import argparse
import os
import re
import sqlite3
import subprocess
import sys
import tempfile

bad = []


def check(cond, what):
    if not cond:
        bad.append(what)
        print("FAIL: " + what)


def run(evsim, *args):
    return subprocess.run([evsim] + list(args), capture_output=True, text=True,
                          timeout=600)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--evsim", required=True)
    ap.add_argument("--srcdir", required=True)
    a = ap.parse_args()
    ev = a.evsim

    every = run(ev, "failpoints")
    fb = run(ev, "failpoints", "--kernel", "freebsd")
    il = run(ev, "failpoints", "--kernel", "illumos@pre-14898")
    check(every.returncode == 0 and fb.returncode == 0 and il.returncode == 0,
          "evsim failpoints exit status")
    names = lambda out: {l.split()[0]: l.split()[1] for l in out.splitlines()}
    nall, nfb, nil = names(every.stdout), names(fb.stdout), names(il.stdout)
    check(nfb.get("kqueue_register:knote_alloc") == "ENOMEM", "knote_alloc ENOMEM")
    check(nfb.get("knote_fork:kqueue_register") == "ENOMEM", "knote_fork listed")
    check(nil.get("port_alloc_event_local:kmem_cache_alloc") == "ENOMEM",
          "kmem_cache_alloc ENOMEM")
    check(nil.get("port_create:max-port-ids") == "EAGAIN", "max-port-ids EAGAIN")
    check("kqueue_register:knote_alloc" not in nil, "FreeBSD fail point listed for illumos")
    check("port_create:max-port-ids" not in nfb, "illumos fail point listed for FreeBSD")
    check(nfb.get("fdalloc:maxfilesperproc") == "EMFILE"
          and nil.get("fdalloc:maxfilesperproc") == "EMFILE", "shared fail point")
    # freebsd@7773002 runs a model of its own: only the callout limit and
    # the shared fork/descriptor limits apply (M_WAITOK allocations)
    seed = run(ev, "failpoints", "--kernel", "freebsd@7773002")
    nseed = names(seed.stdout)
    check(seed.returncode == 0 and set(nseed) == {
        "filt_timerattach:kq_calloutmax", "fdalloc:maxfilesperproc",
        "fork1:maxproc"}, "freebsd@7773002 fail points: %r" % sorted(nseed))
    check(set(nall) == set(nfb) | set(nil) | set(nseed),
          "the full list is the union")
    r = run(ev, "failpoints", "--kernel", "plan9")
    check(r.returncode == 2 and "unknown kernel" in r.stderr, "unknown kernel")

    track = os.path.join(a.srcdir, "scenarios/fork/classic_note_fork_track.lua")
    for fp, text in (("no:such=return", "unknown fail point 'no:such'"),
                     ("port_create:max-port-ids=return", "unknown fail point"),
                     ("knote_fork:kqueue_register=sometimes", "bad spec 'sometimes'"),
                     ("knote_fork:kqueue_register", "is not NAME=SPEC")):
        r = run(ev, "run", track, "--no-record", "--failpoint", fp)
        check(r.returncode == 2 and text in r.stderr,
              "--failpoint %s: exit %d, %r" % (fp, r.returncode, r.stderr))
    # the modern model's knote_alloc fail point does not exist in the seed's
    r = run(ev, "run", track, "--no-record", "--kernel", "freebsd@7773002",
            "--failpoint", "kqueue_register:knote_alloc=return")
    check(r.returncode == 2 and "unknown fail point" in r.stderr,
          "knote_alloc on freebsd@7773002: exit %d, %r" % (r.returncode, r.stderr))

    with tempfile.TemporaryDirectory() as d:
        db = os.path.join(d, "fp.db")
        fp = "knote_fork:kqueue_register=explore"
        r = run(ev, "run", track, "--db", db, "--quiet", "--failpoint", fp)
        check(r.returncode == 0, "fifo takes the passing branch: %s" % r.stdout)
        failed = None
        for seed in range(1, 60):
            r = run(ev, "run", track, "--db", db, "--quiet", "--strategy",
                    "random", "--seed", str(seed), "--failpoint", fp)
            if r.returncode == 1:
                failed = seed
                break
            check(r.returncode == 0, "seed %d: %s%s" % (seed, r.stdout, r.stderr))
        check(failed is not None, "no seed took the failing branch")
        if failed is not None:
            con = sqlite3.connect(db)
            rid = con.execute("SELECT max(id) FROM runs").fetchone()[0]
            dec = con.execute("SELECT chosen, runnable FROM decisions WHERE run_id = ? "
                              "AND kind = 'choose' AND label = "
                              "'failpoint:knote_fork:kqueue_register'", (rid,)).fetchall()
            fired = con.execute("SELECT count(*) FROM trace WHERE run_id = ? AND "
                                "func = 'knote_fork' AND object = 'failpoint' AND "
                                "field = 'kqueue_register' AND new = 'fired'",
                                (rid,)).fetchone()[0]
            con.close()
            check((2, "2") in dec and fired == sum(1 for c, _ in dec if c == 2),
                  "decisions %r, fired %d" % (dec, fired))
            r = run(ev, "replay", db, "--run", str(rid))
            check(r.returncode == 0 and "identical" in r.stdout,
                  "replay of the failing run: %s%s" % (r.stdout, r.stderr))

        db2 = os.path.join(d, "n.db")
        r = run(ev, "run", track, "--db", db2, "--quiet", "--failpoint",
                "kqueue_register:knote_alloc=3*return")
        con = sqlite3.connect(db2)
        rows = con.execute("SELECT old FROM trace WHERE object = 'failpoint' AND "
                           "new = 'fired' ORDER BY seq").fetchall()
        con.close()
        # two registrations at the one fork: the first two of three fire
        check([x[0] for x in rows] == ["3*return", "2*return"],
              "N*return firings: %r" % rows)

    for name, label in (("explore_note_track", "failpoint:kqueue_register:knote_alloc"),
                        ("explore_port_send", "failpoint:port_alloc_event_local:kmem_cache_alloc")):
        scen = os.path.join(a.srcdir, "scenarios/failpoints/%s.lua" % name)
        for strat in ("dfs:1", "random", "pct:3"):
            with tempfile.TemporaryDirectory() as d:
                db = os.path.join(d, "x.db")
                r = run(ev, "explore", scen, "--strategy", strat, "--runs", "300",
                        "--db", db)
                m = re.search(r"evsim replay \S+ --run (\d+)", r.stdout)
                ok = (r.returncode == 1 and m is not None
                      and re.search(r"shrunk: .* 0 choose deviation\(s\), .* 1 failing fail point\(s\)", r.stdout))
                check(ok, "%s %s: %s%s" % (name, strat, r.stdout, r.stderr))
                if not ok:
                    continue
                con = sqlite3.connect(db)
                n = con.execute("SELECT count(*) FROM decisions WHERE run_id = ? AND "
                                "kind = 'choose' AND label = ? AND chosen = 2",
                                (int(m.group(1)), label)).fetchone()[0]
                con.close()
                check(n == 1, "%s %s: %d failing branches recorded" % (name, strat, n))
                rep = run(ev, "replay", db, "--run", m.group(1))
                check(rep.returncode == 0 and "identical" in rep.stdout,
                      "%s %s: replay: %s" % (name, strat, rep.stdout))

    # evsim explore --failpoint: the scenario sets no fail point; the one
    # given on the command line reaches every run (dfs:1 and random),
    # the failing branch is found and shrunk to it alone, the found run
    # replays from the database, and random's reproduction line carries it
    tmpd = tempfile.TemporaryDirectory()
    fp = "knote_fork:kqueue_register=explore"
    for strat in ("dfs:1", "random"):
        with tempfile.TemporaryDirectory() as d:
            db = os.path.join(d, "x.db")
            r = run(ev, "explore", track, "--strategy", strat, "--runs", "300",
                    "--db", db, "--jobs", "1", "--failpoint", fp)
            m = re.search(r"evsim replay \S+ --run (\d+)", r.stdout)
            ok = (r.returncode == 1 and m is not None
                  and re.search(r"shrunk: .* 0 choose deviation\(s\), .* 1 failing fail point\(s\)", r.stdout))
            check(ok, "explore --failpoint %s: %s%s" % (strat, r.stdout, r.stderr))
            if strat == "random":
                check("--failpoint " + fp in r.stdout,
                      "explore --failpoint: reproduction line: %s" % r.stdout)
            if not ok:
                continue
            rep = run(ev, "replay", db, "--run", m.group(1))
            check(rep.returncode == 0 and "identical" in rep.stdout,
                  "explore --failpoint %s: replay: %s" % (strat, rep.stdout))
    r = run(ev, "explore", track, "--strategy", "dfs:1", "--runs", "5",
            "--jobs", "1", "--db", os.path.join(tmpd.name, "e1.db"), "--failpoint", "no:such=return")
    check(r.returncode == 2 and "unknown fail point 'no:such'" in r.stderr,
          "explore --failpoint no:such: exit %d, %r" % (r.returncode, r.stderr))
    # without the fail point the scenario passes every schedule
    r = run(ev, "explore", track, "--strategy", "dfs:1", "--runs", "300",
            "--jobs", "1", "--db", os.path.join(tmpd.name, "e2.db"))
    check(r.returncode == 0, "explore without --failpoint: %s" % r.stdout)

    # one use-after-free found at different seqs is one signature: the
    # D18316 race under random schedules frees the knote at several seqs
    d18316 = os.path.join(a.srcdir, "scenarios/races/hist_d18316_track_fork_vs_close.lua")
    r = run(ev, "explore", d18316, "--kernel", "freebsd@pre-D18316", "--strategy",
            "random", "--runs", "400", "--keep-going", "--jobs", "1", "--db",
            os.path.join(tmpd.name, "e3.db"))
    groups = re.findall(r"^\[\d+\] .*\n    (.*)$", r.stdout, re.M)
    uaf = [g for g in groups if "use after free of knote#1" in g]
    seeds = re.search(r"use after free of knote#1.*\n    failing seeds: ([\d ]+)",
                      r.stdout)
    check(r.returncode == 1 and len(uaf) == 1 and "freed at seq # by" in uaf[0]
          and seeds is not None, "D18316 signatures: %s" % r.stdout)
    if seeds is not None:
        seqs = set()
        for s in seeds.group(1).split()[:8]:
            o = run(ev, "run", d18316, "--kernel", "freebsd@pre-D18316", "--strategy",
                    "random", "--seed", s, "--no-record")
            m = re.search(r"use after free of knote#1 \(freed at seq (\d+)", o.stdout)
            if m:
                seqs.add(m.group(1))
        check(len(seqs) > 1, "the deduplicated failures freed at seqs %r" % seqs)

    # the budget of failing fail points under random (evsim run and explore)
    budget = os.path.join(a.srcdir, "scenarios/failpoints/explore_budget.lua")
    for extra, lo, hi in (([], 1, 1), (["--fp-budget", "3"], 3, 3),
                          (["--fp-budget", "100"], 4, 40)):
        counts = []
        for seed in ("1", "2", "3"):
            r = run(ev, "run", budget, "--strategy", "random", "--seed", seed,
                    "--no-record", *extra)
            m = re.search(r"(\d+) kqueue\(\) calls failed", r.stdout)
            counts.append(int(m.group(1)) if m else -1)
        check(all(lo <= c <= hi for c in counts),
              "run %s: failing fail points per seed %r, want %d..%d"
              % (" ".join(extra), counts, lo, hi))
    r = run(ev, "run", budget, "--fp-budget", "0", "--no-record")
    check(r.returncode == 2 and "--fp-budget" in r.stderr,
          "run --fp-budget 0: exit %d %r" % (r.returncode, r.stderr))
    with tempfile.TemporaryDirectory() as d:
        r = run(ev, "explore", budget, "--strategy", "random", "--runs", "20",
                "--fp-budget", "3", "--jobs", "1", "--db", os.path.join(d, "b.db"))
        check(r.returncode == 1
              and re.search(r"original: .* 3 failing fail point\(s\)", r.stdout)
              and re.search(r"shrunk: .* 1 failing fail point\(s\)", r.stdout)
              and "--fp-budget 3   (the unshrunk" in r.stdout,
              "explore --fp-budget 3 shrinks to one: %s" % r.stdout)
        r = run(ev, "explore", budget, "--strategy", "dfs:0", "--jobs", "1",
                "--db", os.path.join(d, "d0.db"))
        check(r.returncode == 0 and "preempting branches beyond the bound" in r.stdout,
              "dfs:0 makes no fail point fail: %s" % r.stdout)
        r = run(ev, "explore", budget, "--strategy", "dfs:1", "--jobs", "1",
                "--db", os.path.join(d, "d1.db"))
        check(r.returncode == 1 and "schedules by preemptions: 0: 1 1: 1" in r.stdout
              and "first found with 1 preemption(s)" in r.stdout,
              "dfs:1: the failing branch in bound 1: %s" % r.stdout)

    # --resume takes the recorded fail points, and refuses others
    with tempfile.TemporaryDirectory() as d:
        db = os.path.join(d, "r.db")
        r = run(ev, "explore", track, "--strategy", "random", "--runs", "50",
                "--jobs", "1", "--db", db, "--failpoint", fp)
        check(r.returncode == 1, "resume: the first search fails: %s" % r.stdout)
        r = run(ev, "explore", track, "--strategy", "random", "--runs", "50",
                "--jobs", "1", "--db", db, "--resume")
        check(r.returncode == 1
              and "resuming with the search's fail points: " + fp in r.stdout
              and "resuming search 1 " in r.stdout,
              "resume without --failpoint: %s%s" % (r.stdout, r.stderr))
        r = run(ev, "explore", track, "--strategy", "random", "--runs", "50",
                "--jobs", "1", "--db", db, "--resume", "--failpoint",
                "knote_fork:kqueue_register=off")
        check(r.returncode == 2 and "ran with fail points '%s', not "
              "'knote_fork:kqueue_register=off'" % fp in r.stderr,
              "resume with other fail points: %d %s" % (r.returncode, r.stderr))
        r = run(ev, "explore", track, "--strategy", "random", "--runs", "50",
                "--jobs", "1", "--db", db, "--resume", "--fp-budget", "2")
        check(r.returncode == 2 and "--fp-budget" in r.stderr,
              "resume with another budget: %d %s" % (r.returncode, r.stderr))
        con = sqlite3.connect(db)
        rows = con.execute("SELECT failpoints, fp_budget FROM explore").fetchall()
        con.close()
        check(rows == [(fp, 0)], "explore row: %r" % rows)

    # every fail point of freebsd, freebsd@7773002 and illumos fires in
    # some golden trace of a run under that kernel (kqueue_expand:malloc
    # excepted: no kernel caller reaches its M_NOWAIT allocation, see
    # scenarios/failpoints/kqueue_expand_unreachable.lua)
    fired = {}
    root = os.path.join(a.srcdir, "scenarios")
    for dirpath, _, files in os.walk(root):
        for f in sorted(files):
            if not f.endswith(".trace"):
                continue
            parts = f[:-len(".trace")].split(".")
            if len(parts) > 1:
                kern = parts[1].replace("-", "@", 1)
            else:
                try:
                    src = open(os.path.join(dirpath, parts[0] + ".lua")).read()
                except OSError:
                    continue
                m = re.search(r'^\s*kernel\s*=\s*"([^"]+)"', src, re.M)
                kern = m.group(1) if m else "freebsd"
            for line in open(os.path.join(dirpath, f)):
                c = line.rstrip("\n").split("\t")
                if len(c) >= 9 and c[5] == "failpoint" and c[8] == "fired":
                    fired.setdefault(kern, set()).add(c[4] + ":" + c[6])
    for kern in ("freebsd", "freebsd@7773002", "illumos"):
        lst = run(ev, "failpoints", "--kernel", kern)
        names = [l.split()[0] for l in lst.stdout.splitlines() if l.strip()]
        # the alias's function is port_alloc_event_local; the rows name it
        missing = [n for n in names if n != "kqueue_expand:malloc"
                   and n not in fired.get(kern, set())]
        check(names and not missing,
              "%s: fail points with no golden trace where they fire: %r"
              % (kern, missing))

    race = os.path.join(a.srcdir, "scenarios/failpoints/uaf_kqueue_fdp.lua")
    r = run(ev, "run", race, "--no-record")
    check(r.returncode == 1 and re.search(
        r"panic: use after free of filedesc#\d+ \(freed at seq \d+ by fdescfree, "
        r"accessed by kqueue_close\)", r.stdout), "KASAN message: %s" % r.stdout)
    if bad:
        print("%d problem(s)" % len(bad))
        return 1
    print("fail points and KASAN: every check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
