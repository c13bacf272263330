#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Scenario tests: run every scenario under a folder and compare.

For each scenarios/**/*.lua (except scenarios/lib/) this runs
`evsim run FILE --quiet --no-record --trace-out TMP` and checks
  * the run's status against the scenario's expectation (a field
    `expect = "panic"` in the scenario table; "passed" when absent), and
  * its canonical trace against the golden file next to it, FILE with .lua
    replaced by .trace (the form `evsim trace` prints and the trace hash is
    computed over).
A comment line `-- message: TEXT` (repeatable) requires TEXT in the run's
output (its status message).
A scenario may declare `kernels = { "freebsd", "freebsd@b11289f" }` to be
run under each listed revision; its golden files are then
FILE.<revision>.trace ('@' replaced by '-').

--update-golden rewrites the golden files deliberately; review the diff.
--db PATH records every run into PATH instead (the README's main job) and
prints a one-screen summary.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

STATUS_RE = re.compile(r"  (passed|failed|panic|deadlock|error|diverged)  kernel (\S+)  seed")
HASH_RE = re.compile(r"trace_hash ([0-9a-f]{16})")


def scenarios(root):
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "lib")
        for f in sorted(filenames):
            if f.endswith(".lua"):
                out.append(os.path.join(dirpath, f))
    return out


def declared(src, field, default):
    m = re.search(r"^\s*" + field + r"\s*=\s*\"([^\"]+)\"", src, re.M)
    return m.group(1) if m else default


def kernels_of(src):
    m = re.search(r"^\s*kernels\s*=\s*\{([^}]*)\}", src, re.M)
    if not m:
        return [None]
    return re.findall(r"\"([^\"]+)\"", m.group(1))


def golden_path(path, kernel):
    base = path[:-4]
    if kernel is None:
        return base + ".trace"
    return base + "." + kernel.replace("@", "-") + ".trace"


def run_one(evsim, path, kernel, db, env=None, cwd=None):
    with tempfile.NamedTemporaryFile(suffix=".trace", delete=False) as tf:
        tpath = tf.name
    cmd = [evsim, "run", os.path.abspath(path), "--trace-out", tpath]
    cmd += ["--db", db] if db else ["--no-record"]
    if kernel:
        cmd += ["--kernel", kernel]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd,
                       timeout=600)
    with open(tpath, encoding="utf-8", errors="replace") as f:
        trace = f.read()
    os.unlink(tpath)
    m = STATUS_RE.search(p.stdout)
    h = HASH_RE.search(p.stdout)
    return (m.group(1) if m else "?", h.group(1) if h else None, trace,
            p.returncode, (p.stdout + p.stderr).strip())


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--evsim", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--update-golden", action="store_true")
    ap.add_argument("--db")
    args = ap.parse_args()

    bad = []
    counts = {}
    total = 0
    for path in scenarios(args.root):
        with open(path, encoding="utf-8") as f:
            src = f.read()
        expect = declared(src, "expect", "passed")
        messages = re.findall(r"^-- message: (.*\S)\s*$", src, re.M)
        for kernel in kernels_of(src):
            total += 1
            status, _, trace, rc, out = run_one(args.evsim, path, kernel, args.db)
            label = path + (" [" + kernel + "]" if kernel else "")
            counts[status] = counts.get(status, 0) + 1
            problems = []
            if status != expect:
                problems.append("status %s, expected %s: %s" % (status, expect, out))
            for msg in messages:
                if msg not in out:
                    problems.append("no '%s' in the output: %s" % (msg, out))
            gp = golden_path(path, kernel)
            if args.update_golden and status == expect:
                with open(gp, "w", encoding="utf-8") as f:
                    f.write(trace)
            elif not args.db:
                if not os.path.exists(gp):
                    problems.append("no golden trace %s (run with --update-golden)" % gp)
                else:
                    with open(gp, encoding="utf-8", errors="replace") as f:
                        golden = f.read()
                    if golden != trace:
                        gl, tl = golden.splitlines(), trace.splitlines()
                        i = next((k for k in range(min(len(gl), len(tl)))
                                  if gl[k] != tl[k]), min(len(gl), len(tl)))
                        problems.append(
                            "trace differs from %s at line %d:\n  golden: %s\n  actual: %s"
                            % (gp, i + 1, gl[i] if i < len(gl) else "(end)",
                               tl[i] if i < len(tl) else "(end)"))
            if problems:
                bad.append((label, problems))
    print("%d scenario runs: %s" % (total, ", ".join(
        "%d %s" % (n, s) for s, n in sorted(counts.items()))))
    for label, problems in bad:
        print("FAIL " + label)
        for p in problems:
            print("  " + p.replace("\n", "\n  "))
    if not bad:
        print("every status as expected" + ("" if args.db else ", every trace equal to its golden file"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
