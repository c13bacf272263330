#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Replay tests.

1. Every bundled scenario is recorded, then `evsim replay` must reproduce
   each run exactly (exit 0, same trace hash), from a copy of the database
   in another folder without the scenario files.
2. A deliberately perturbed model (EVSIM_TEST_PERTURB=pipe-wantr, a
   test-only switch in sim/pipe.c) is caught as a divergence exactly at the
   transition that changed.
3. Bad input: a truncated database, another tool's database, one missing
   tables, a run id that does not exist, a decision log that ends early, a
   stored scenario that now raises an error, and a stored scenario that
   tries to reach host files: one-line errors with exit 2 (or 3 for a
   divergence), and the database is never modified.
"""
import argparse
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scenarios import kernels_of, scenarios  # noqa: E402

FAILS = []


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL: " + what)


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def evsim(args, *a, env=None, cwd=None):
    return subprocess.run([args.evsim] + list(a), capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=600)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--evsim", required=True)
    ap.add_argument("--root", required=True)
    args = ap.parse_args()
    args.evsim = os.path.abspath(args.evsim)
    with tempfile.TemporaryDirectory() as d:
        db = os.path.join(d, "all.db")
        n = 0
        for path in scenarios(args.root):
            with open(path, encoding="utf-8") as f:
                src = f.read()
            for kernel in kernels_of(src):
                cmd = ["run", path, "--quiet", "--db", db]
                if kernel:
                    cmd += ["--kernel", kernel]
                evsim(args, *cmd)
                n += 1
        # Replay from another folder, without the scenario files.
        other = os.path.join(d, "elsewhere")
        os.mkdir(other)
        copy = os.path.join(other, "copy.db")
        shutil.copy(db, copy)
        before = sha(copy)
        con = sqlite3.connect(copy)
        runs = con.execute("SELECT id, trace_hash, status FROM runs ORDER BY id").fetchall()
        con.close()
        check(len(runs) == n, "recorded %d runs, expected %d" % (len(runs), n))
        bad = 0
        for rid, h, status in runs:
            p = evsim(args, "replay", "copy.db", "--run", str(rid), cwd=other)
            if p.returncode != 0 or h not in p.stdout or "identical" not in p.stdout:
                bad += 1
                print("FAIL: replay of run %d (%s): %s%s" % (rid, status, p.stdout, p.stderr))
        check(bad == 0, "%d of %d runs did not replay identically" % (bad, len(runs)))
        check(sha(copy) == before, "replay modified the database")
        print("%d runs replayed, %d differ" % (len(runs), bad))

        # 2. A perturbed model is caught at the transition it changed.
        pdb = os.path.join(d, "p.db")
        evsim(args, "run", os.path.join(args.root, "basic", "pipe_fork_wait.lua"),
              "--quiet", "--db", pdb)
        con = sqlite3.connect(pdb)
        seq = con.execute("SELECT min(seq) FROM trace WHERE func = 'pipe_read' "
                          "AND field = 'pipe_state' AND new LIKE '%WANTR%'").fetchone()[0]
        con.close()
        env = dict(os.environ, EVSIM_TEST_PERTURB="pipe-wantr")
        p = evsim(args, "replay", pdb, env=env)
        check(p.returncode == 3, "perturbed replay exit %d, expected 3" % p.returncode)
        check(("transition %d," % seq) in p.stdout.splitlines()[0],
              "divergence reported at the wrong step (expected transition %d): %s"
              % (seq, p.stdout.splitlines()[0] if p.stdout else p.stderr))
        check("expected: %d\t" % seq in p.stdout, "the expected row is shown")

        # Time travel: the state just after a transition, as JSON.
        import json
        p = evsim(args, "replay", pdb, "--until", str(seq), "--format", "json")
        check(p.returncode == 0, "--until exit %d: %s" % (p.returncode, p.stderr))
        try:
            snap = json.loads(p.stdout)
            procs = {q["pid"]: q for q in snap["processes"]}
            check(snap["vtime"] == 0 and set(procs) == {1, 2},
                  "--until snapshot: processes %s at vtime %s" % (sorted(procs), snap["vtime"]))
            blocked = [t for t in procs[1]["threads"] if t.get("wchan") == "piperd"]
            check(blocked == [] and procs[1]["threads"][0]["state"] == "running",
                  "--until: the reader is the running thread, about to sleep")
            check(all("file" in f for f in procs[1]["fds"]), "--until: fds listed")
            check(isinstance(snap["callouts"], list), "--until: callouts listed")
        except (ValueError, KeyError) as e:
            check(False, "--until JSON: %s: %s" % (e, p.stdout[:300]))
        p = evsim(args, "replay", pdb, "--until", "999999")
        check(p.returncode == 2 and "beyond its end" in p.stderr, "--until beyond the end")

        # 3. Bad input.
        def bad_input(name, dbpath, extra, code, needle):
            h = sha(dbpath) if os.path.exists(dbpath) else None
            p = evsim(args, "replay", dbpath, *extra)
            err = (p.stderr + p.stdout).strip()
            check(p.returncode == code, "%s: exit %d, expected %d (%s)" % (name, p.returncode, code, err))
            check(needle in err, "%s: message lacks %r: %s" % (name, needle, err))
            if code == 2:
                check(len(p.stderr.strip().splitlines()) == 1, "%s: not a one-line error: %r" % (name, p.stderr))
            if h is not None:
                check(sha(dbpath) == h, "%s: database modified" % name)

        trunc = os.path.join(d, "trunc.db")
        with open(pdb, "rb") as f:
            data = f.read()
        with open(trunc, "wb") as f:
            f.write(data[:len(data) // 3])
        bad_input("truncated", trunc, [], 2, "evsim")
        foreign = os.path.join(d, "foreign.db")
        c = sqlite3.connect(foreign)
        c.execute("CREATE TABLE t(x)")
        c.commit()
        c.close()
        bad_input("foreign", foreign, [], 2, "not an evsim database")
        notes = os.path.join(d, "notes.txt")
        with open(notes, "w") as f:
            f.write("not a database\n")
        bad_input("text file", notes, [], 2, "not an evsim database")
        missing = os.path.join(d, "missing.db")
        shutil.copy(pdb, missing)
        c = sqlite3.connect(missing)
        c.execute("DROP TABLE decisions")
        c.commit()
        c.close()
        bad_input("missing table", missing, [], 2, "decisions")
        bad_input("no such run", pdb, ["--run", "99"], 2, "no run 99")
        early = os.path.join(d, "early.db")
        shutil.copy(pdb, early)
        c = sqlite3.connect(early)
        c.execute("DELETE FROM decisions WHERE step > 3")
        c.commit()
        c.close()
        bad_input("log ends early", early, [], 3, "decision log ends")
        raising = os.path.join(d, "raising.db")
        shutil.copy(pdb, raising)
        c = sqlite3.connect(raising)
        c.execute("UPDATE runs SET source = 'error(\"now broken\")'")
        c.commit()
        c.close()
        bad_input("scenario raises", raising, [], 2, "now broken")
        sandbox = os.path.join(d, "sandbox.db")
        shutil.copy(pdb, sandbox)
        c = sqlite3.connect(sandbox)
        c.execute("UPDATE runs SET source = 'return {name=\"x\", main=function() "
                  "io.open(\"/etc/passwd\") end}'")
        c.commit()
        c.close()
        bad_input("sandbox", sandbox, [], 3, "io")
    print("replay tests: %d failures" % len(FAILS))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
