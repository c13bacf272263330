#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Runs generated scenarios (gen.py) through evsim and checks the process.

  fuzz.py --evsim PATH --count N --seed S --jobs J [--timeout T] [--out DIR]
          [--known FILE] [--strict] [--leaks] [--replay P] [--list P]
          [--explore P]

Scenario k (S <= k < S + N) is gen.generate(k), run with `evsim run` and
the options the generator chose (kernel revision, strategy, seed, --check).
The oracle (oracle.py) wants: no hang (--timeout, default 60 s of CPU time,
or ten times that waiting), no death
by a signal, no sanitizer report on standard error, exit status 0, 1 or 2.
Where it is cheap it also checks what the run printed against its database:
the rows of trace, syscalls and decisions equal the printed counts
(outcome "rowcount").  A fraction of the cases (--replay, --list,
--explore) also replays the fresh recording (it must be identical: exit 3
is outcome "diverged"), prints its trace, lists the scenario's folder with
`evsim list`, or explores it for a few schedules.

Every failing case is saved under DIR/OUTCOME-HASH/SEED/ with the scenario,
the command line and the stack (at most three cases per distinct finding);
the summary counts cases by outcome and lists each distinct finding once.
Findings listed in --known (default known.txt next to this file) are
reported as known and do not fail the run unless --strict; the exit status
is 1 if any other finding was made, else 0.

The long run the README quotes, on a -Dsanitize=true build:
  tests/fuzz/fuzz.py --evsim build-asan/evsim --count 100000 --seed 1 \\
      --jobs 2 --timeout 120 --out fuzz-out --strict
"""
import argparse
import concurrent.futures
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen  # noqa: E402
import oracle  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


class Evsim:
    """What this evsim binary supports (the contract grows over time)."""

    def __init__(self, path):
        self.path = os.path.abspath(path)
        self.kernels = self._kernels()
        self.run_help = self._out(["run", "--help"])
        self.cpu_limit = "--cpu-limit" in self.run_help
        self.failpoints = self._failpoints() \
            if "--failpoint" in self.run_help else []
        self.functions = self._functions()

    def _functions(self):
        """The names of every function in evsim's sys and sim tables."""
        probe = ('return { name = "probe", main = function() '
                 'for _, t in ipairs({"sys", "sim"}) do '
                 'for k, v in pairs(_G[t]) do if type(v) == "function" then '
                 'print("FN " .. t .. "." .. k) end end end end }\n')
        d = tempfile.mkdtemp(prefix="evsim-fuzz-probe-")
        try:
            with open(os.path.join(d, "p.lua"), "w") as f:
                f.write(probe)
            out = self._out(["run", os.path.join(d, "p.lua"),
                             "--no-record"])
        finally:
            shutil.rmtree(d, ignore_errors=True)
        return sorted(set(re.findall(r"FN ((?:sys|sim)\.\w+)", out)))

    def _out(self, args):
        try:
            p = subprocess.run([self.path] + args, capture_output=True,
                               timeout=60, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired):
            return ""
        return p.stdout.decode("utf-8", "replace") + \
            p.stderr.decode("utf-8", "replace")

    def _kernels(self):
        # Whatever the version: the refusal of an unknown kernel lists them.
        text = self._out(["run", "/dev/null", "--kernel", "no-such-kernel"])
        m = re.search(r"known: ([^)]*)\)", text)
        if m:
            return [k.strip() for k in m.group(1).split(",") if k.strip()]
        return list(gen.KERNELS)

    def _failpoints(self):
        names = []
        for k in ("freebsd", "illumos"):
            for line in self._out(["failpoints", "--kernel", k]).splitlines():
                m = re.match(r"\s*([A-Za-z_0-9]+:[A-Za-z_0-9]+)", line)
                if m and m.group(1) not in names:
                    names.append(m.group(1))
        return names


def check_rows(res, db):
    """Printed counts against the rows the database holds; None if equal."""
    m = re.search(r"^run (\d+):", res.out, re.M)
    c = re.search(r"transitions (\d+)\s+syscalls (\d+)\s+decisions (\d+)",
                  res.out)
    if m is None or c is None or not os.path.exists(db):
        return None
    run = int(m.group(1))
    want = {"trace": int(c.group(1)), "syscalls": int(c.group(2)),
            "decisions": int(c.group(3))}
    try:
        con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
        try:
            for table, n in want.items():
                got = con.execute("SELECT count(*) FROM %s WHERE run_id = ?"
                                  % table, (run,)).fetchone()[0]
                if got != n:
                    return ("%s rows %s than printed" % (
                        table, "fewer" if got < n else "more"),
                        "run %d printed %d %s, the database holds %d"
                        % (run, n, table, got))
        finally:
            con.close()
    except sqlite3.Error as e:
        return ("database unreadable after run", str(e))
    return None


def one_case(ev, args, seed, findings):
    sc = gen.generate(seed, kernels=ev.kernels, failpoints=ev.failpoints)
    rng = random.Random(seed * 7919 + 1)
    work = tempfile.mkdtemp(prefix="evsim-fuzz-%d-" % seed)
    env = oracle.sanitizer_env(args.leaks)
    try:
        spath = os.path.join(work, "s.lua")
        with open(spath, "w", encoding="utf-8", errors="surrogateescape") \
                as f:
            f.write(sc.text)
        argv = [ev.path, "run", "s.lua", "--db", "s.db"] + sc.options
        if ev.cpu_limit:
            argv += ["--cpu-limit", str(max(1, args.timeout // 3))]
        steps = [("run", argv, (0, 1, 2))]
        if rng.random() < args.replay:
            steps.append(("replay", [ev.path, "replay", "s.db"],
                          (0, 1, 2, 3)))
            steps.append(("trace", [ev.path, "trace", "s.db"], (0, 1, 2)))
        if rng.random() < args.list:
            steps.append(("list", [ev.path, "list", "."], (0, 1, 2)))
        if rng.random() < args.explore:
            steps.append(("explore", [ev.path, "explore", "s.lua", "--runs",
                                      "4", "--jobs", "1", "--db", "e.db",
                                      "--strategy",
                                      rng.choice(["random", "pct:2",
                                                  "dfs:1"])], (0, 1, 2)))
        files = {"scenario.lua": sc.text.encode("utf-8", "surrogateescape")}
        cmds = []
        verdict = "ok"
        for what, cmd, ok in steps:
            local = ["evsim"] + cmd[1:]
            local = [a if a != "s.lua" else "scenario.lua" for a in local]
            cmds.append(oracle.shell_line(local))
            res = oracle.run(cmd, work, args.timeout, env, ok)
            detail = "step: %s\nexit status: %s\n\nstdout (tail):\n%s\n" \
                "stderr (tail):\n%s" % (what, res.rc, res.out[-2000:],
                                        res.err[-4000:])
            line = " && ".join(cmds)
            if res.outcome is not None:
                sig = res.signature if what == "run" else \
                    "%s: %s" % (what, res.signature)
                findings.add(res.outcome, sig, seed, files, line,
                             res.stack, detail)
                return res.outcome
            if what == "run":
                bad = check_rows(res, os.path.join(work, "s.db"))
                if bad is not None:
                    # Recorded, but the other steps still run.
                    findings.add("rowcount", bad[0], seed, files, line, "",
                                 bad[1] + "\n" + detail)
                    verdict = "rowcount"
            if what == "replay" and res.rc == 3:
                # Deduplicated by the kernel function and field of the
                # transition expected where replay first differs.
                m = re.search(r"^expected:\s+(?:\S+\t){4}(\S+)\t\S+\t(\S*)",
                              res.out, re.M)
                where = "%s %s" % (m.group(1), m.group(2)) if m else \
                    re.sub(r"\d+", "N", (res.out.splitlines() or [""])[0])
                findings.add("diverged", "fresh recording replays as "
                             "diverged at " + where[:100], seed, files, line,
                             "", detail)
                verdict = "diverged"
        if verdict == "ok":
            findings.count("ok")
        return verdict
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--evsim", required=True)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=60)
    ap.add_argument("--out", default=None)
    ap.add_argument("--known", default=os.path.join(HERE, "known.txt"))
    ap.add_argument("--strict", action="store_true",
                    help="known findings fail the run too")
    ap.add_argument("--leaks", action="store_true",
                    help="ASAN_OPTIONS=detect_leaks=1 (default 0)")
    ap.add_argument("--replay", type=float, default=0.1,
                    help="fraction of cases also replayed and traced")
    ap.add_argument("--list", type=float, default=0.05,
                    help="fraction of cases also listed")
    ap.add_argument("--explore", type=float, default=0.02,
                    help="fraction of cases also explored (4 schedules)")
    ap.add_argument("--show", type=int, default=None, metavar="SEED",
                    help="print scenario SEED and its options, run nothing")
    args = ap.parse_args()
    ev = Evsim(args.evsim)
    if args.show is not None:
        sc = gen.generate(args.show, kernels=ev.kernels,
                          failpoints=ev.failpoints)
        sys.stdout.write(sc.text)
        print("-- evsim run FILE " + " ".join(sc.options))
        return 0
    if args.out:
        os.makedirs(args.out, exist_ok=True)
    findings = oracle.Findings(args.out, oracle.Known(args.known))
    missing = [f for f in ev.functions if f not in gen.FUNCS]
    t0 = time.monotonic()
    done = 0
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futs = [pool.submit(one_case, ev, args, s, findings)
                for s in range(args.seed, args.seed + args.count)]
        for f in concurrent.futures.as_completed(futs):
            f.result()
            done += 1
            if sys.stderr.isatty():
                sys.stderr.write("\r%d/%d" % (done, args.count))
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    print("evsim fuzz: seeds %d..%d, %s, %.0f s" % (
        args.seed, args.seed + args.count - 1, ev.path,
        time.monotonic() - t0))
    new = findings.summary(args.count, args.strict)
    absent = [f for f in gen.FUNCS if f not in ev.functions]
    if absent:
        print("not in this evsim (skipped by the scenarios): %s"
              % " ".join(absent))
    if missing:
        # The generator must call every function: add them to gen.FUNCS.
        print("NOT FUZZED (evsim has them, gen.FUNCS does not): %s"
              % " ".join(missing))
        if args.strict:
            return 1
    return 1 if new else 0


if __name__ == "__main__":
    sys.exit(main())
