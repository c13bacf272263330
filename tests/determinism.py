#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Determinism test: every scenario, run twice in separate processes with a
different environment, working directory and (with ASLR on) address layout,
must give the same trace hash.  Lua randomises its string hashes per process,
so scenarios whose schedule depends on `pairs` over string keys or on
`math.random` (scenarios/determinism/) catch a host leak here.
"""
import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scenarios import kernels_of, run_one, scenarios  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--evsim", required=True)
    ap.add_argument("--root", required=True)
    args = ap.parse_args()
    evsim = os.path.abspath(args.evsim)
    bad = 0
    n = 0
    with tempfile.TemporaryDirectory() as d1, tempfile.TemporaryDirectory() as d2:
        env1 = dict(os.environ, EVSIM_DETERMINISM_RUN="1", LANG="C")
        env2 = dict(os.environ, EVSIM_DETERMINISM_RUN="two", LANG="C.UTF-8",
                    PADDING="x" * 4096, TZ="Pacific/Auckland")
        for path in scenarios(args.root):
            with open(path, encoding="utf-8") as f:
                src = f.read()
            for kernel in kernels_of(src):
                n += 1
                s1, h1, _, _, o1 = run_one(evsim, path, kernel, None, env1, d1)
                s2, h2, _, _, o2 = run_one(evsim, path, kernel, None, env2, d2)
                if h1 is None or h1 != h2 or s1 != s2:
                    bad += 1
                    print("NONDETERMINISTIC %s [%s]: %s/%s vs %s/%s\n  %s\n  %s"
                          % (path, kernel, s1, h1, s2, h2, o1, o2))
    print("%d scenario runs twice: %d differ" % (n, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
