#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Shrinks a failing scenario while it keeps failing the same way.

  reduce.py --evsim PATH SCENARIO -- RUN-OPTIONS...   > smaller.lua

Runs `evsim run SCENARIO --no-record RUN-OPTIONS` once to learn the
finding (outcome and signature, as oracle.py computes them; the scenario
must fail the oracle), then removes chunks of lines, halving the chunk
size down to single lines (ddmin on lines), keeping every removal after
which the run still gives the same outcome and signature.  A removal that
breaks the Lua syntax changes the outcome and is simply not kept.  Prints
the reduced scenario on standard output and the finding on standard error.
"""
import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--evsim", required=True)
    ap.add_argument("--timeout", type=int, default=60)
    ap.add_argument("--leaks", action="store_true")
    ap.add_argument("scenario")
    ap.add_argument("options", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    opts = [o for o in args.options if o != "--"]
    ev = os.path.abspath(args.evsim)
    env = oracle.sanitizer_env(args.leaks)
    with open(args.scenario, encoding="utf-8", errors="surrogateescape") \
            as f:
        lines = f.read().split("\n")
    work = tempfile.mkdtemp(prefix="evsim-reduce-")
    path = os.path.join(work, "s.lua")
    tries = [0]

    def finding(ls):
        with open(path, "w", encoding="utf-8", errors="surrogateescape") \
                as f:
            f.write("\n".join(ls))
        tries[0] += 1
        r = oracle.run([ev, "run", "s.lua", "--no-record"] + opts, work,
                       args.timeout, env, want_stack=False)
        return (r.outcome, r.signature.split(" | ")[0] if r.outcome ==
                "signal" else r.signature)

    want = finding(lines)
    if want[0] is None:
        print("reduce: the scenario does not fail the oracle",
              file=sys.stderr)
        return 1
    n = max(1, len(lines) // 2)
    while n >= 1:
        i = 0
        while i < len(lines):
            cand = lines[:i] + lines[i + n:]
            if cand and finding(cand) == want:
                lines = cand
            else:
                i += n
        n //= 2
    sys.stdout.write("\n".join(lines))
    print("reduce: %s: %s (%d lines, %d runs)" % (
        want[0], want[1], len(lines), tries[0]), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
