#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The readers of a recorded run keep bounded memory: trace, diff (identical
runs, runs that differ near their end, --positional), report (its default
window, --around, --object, two runs side by side with --against, the
observed state machine with --states), coverage and replay run on runs of
100,000 and 1,000,000 transitions (a pipe write/read loop, and the same
loop with one larger write near its end), and the peak resident set of
each (os.wait4's ru_maxrss, the child alone) may not grow by more than
SLACK_KB from the short runs to the long ones.  A reader that keeps every row (8 canonical
lines of ~50 bytes and their pointers per 100 transitions: ~70 MB more at
1M) fails.  Replay also runs on two threads that ping-pong through two
pipes (a scheduling decision at nearly every transition): one that keeps
the decision log (a decision and its runnable set, ~70 bytes each: ~60 MB
more at 1M) fails.  This is a memory bound, not a timing.
"""
import argparse
import os
import subprocess
import sys
import tempfile

# Allowed growth of a reader's peak RSS from 100k to 1M transitions: SQLite's
# page cache (2 MB by default) fills, the allocator's arenas settle.
SLACK_KB = 6 * 1024

LOOP = r'''
return {
  name = "a pipe loop of %(n)d writes and reads",
  main = function()
    local r, w = sys.pipe()
    for i = 1, %(n)d do
      assert(sys.write(w, i == %(odd)d and "yy" or "x") >= 1)
      assert(#sys.read(r, 2) >= 1)
    end
  end,
}
'''

PINGPONG = r'''
return {
  name = "two threads ping-pong %(n)d times through two pipes",
  main = function()
    local r1, w1 = sys.pipe()
    local r2, w2 = sys.pipe()
    local t = sys.thread(function()
      for i = 1, %(n)d do
        assert(#sys.read(r1, 1) == 1)
        assert(sys.write(w2, "y") == 1)
      end
    end)
    for i = 1, %(n)d do
      assert(sys.write(w1, "x") == 1)
      assert(#sys.read(r2, 1) == 1)
    end
    sys.join(t)
  end,
}
'''


def peak_kb(cmd, d):
    """Runs cmd (output discarded) and returns its exit status, peak RSS
    and standard error.  A child's ru_maxrss starts at the resident set of
    the process it was forked from (kept across exec), here this Python's
    ~15 MB: GNU time, a small process, forks the reader where it is
    installed, so that the figures are the reader's own."""
    tfile = os.path.join(d, "time.out")
    gnu_time = os.path.exists("/usr/bin/time")
    if gnu_time:
        cmd = ["/usr/bin/time", "-f", "%M", "-o", tfile] + cmd
    # Under AddressSanitizer freed memory waits in a quarantine (256 MB):
    # none, so that the figures are what the reader keeps.
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = ":".join(
        o for o in (env.get("ASAN_OPTIONS", ""), "quarantine_size_mb=0",
                    "thread_local_quarantine_size_kb=0") if o)
    with open(os.devnull, "wb") as null:
        p = subprocess.Popen(cmd, stdout=null, stderr=subprocess.PIPE,
                             env=env)
        _, status, ru = os.wait4(p.pid, 0)
        err = p.stderr.read().decode(errors="replace")
        p.stderr.close()
    kb = ru.ru_maxrss
    if gnu_time:
        with open(tfile) as f:
            kb = int(f.read().split()[-1])
    return os.waitstatus_to_exitcode(status), kb, err


def record(evsim, d, iters, odd):
    """A database with run 1 (the loop) and run 2 (one write of 2 bytes)."""
    db = os.path.join(d, "loop%d.db" % iters)
    for k, o in enumerate((0, odd)):
        path = os.path.join(d, "loop%d_%d.lua" % (iters, k))
        with open(path, "w") as f:
            f.write(LOOP % {"n": iters, "odd": o})
        r = subprocess.run([evsim, "run", path, "--db", db, "--quiet"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit("FAIL: recording %s: %s" % (path, r.stderr))
    return db


def record_pingpong(evsim, d, iters):
    """A database with run 1: the two threads' ping-pong."""
    db = os.path.join(d, "pingpong%d.db" % iters)
    path = os.path.join(d, "pingpong%d.lua" % iters)
    with open(path, "w") as f:
        f.write(PINGPONG % {"n": iters})
    r = subprocess.run([evsim, "run", path, "--db", db, "--quiet"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("FAIL: recording %s: %s" % (path, r.stderr))
    return db


def readers(evsim, db, d, transitions):
    """The reader commands measured on db, by name."""
    out = os.path.join(d, "r.html")
    return [
        ("trace", [evsim, "trace", db, "--run", "1"], 0),
        ("diff identical", [evsim, "diff", db, "1", "1"], 0),
        ("diff near the end", [evsim, "diff", db, "1", "2"], 1),
        ("diff --positional", [evsim, "diff", db, "1", "2", "--positional"], 1),
        ("diff --object", [evsim, "diff", db, "1", "2", "--object", "pipe#1"], 1),
        ("report", [evsim, "report", db, "--run", "2", "-o", out], 0),
        ("report --around", [evsim, "report", db, "--run", "1", "--around",
                             str(transitions // 2), "-o", out], 0),
        ("report --object", [evsim, "report", db, "--run", "1", "--object",
                             "pipe#1", "--from", str(transitions // 2),
                             "--format", "text"], 0),
        ("report --against", [evsim, "report", db, "--run", "1",
                              "--against", "2", "-o", out], 0),
        ("report --states", [evsim, "report", db, "--run", "1", "--states",
                             "pipe"], 0),
        ("coverage", [evsim, "coverage", db], 0),
        ("replay", [evsim, "replay", db, "--run", "1"], 0),
    ]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--evsim", required=True)
    a = ap.parse_args()
    # 6 transitions an iteration (fhold, pipe_write, fdrop, fhold, pipe_read,
    # fdrop).
    sizes = [16667, 166667]
    fails = 0
    with tempfile.TemporaryDirectory() as d:
        peaks = []
        for iters in sizes:
            db = record(a.evsim, d, iters, iters - 2)
            row = {}
            for name, cmd, want in readers(a.evsim, db, d, 6 * iters):
                code, kb, err = peak_kb(cmd, d)
                if code != want:
                    print("FAIL: %s on %d iterations exited %d, not %d: %s"
                          % (name, iters, code, want, err.strip()))
                    fails += 1
                row[name] = kb
            # 12 transitions an iteration (a write and a read each way).
            db = record_pingpong(a.evsim, d, iters // 2)
            code, kb, err = peak_kb([a.evsim, "replay", db, "--run", "1"], d)
            if code != 0:
                print("FAIL: replay of two threads on %d iterations exited "
                      "%d: %s" % (iters // 2, code, err.strip()))
                fails += 1
            row["replay, two threads"] = kb
            peaks.append(row)
        for name in peaks[0]:
            small, large = peaks[0][name], peaks[1][name]
            ok = large <= small + SLACK_KB
            print("%-4s %-20s %7d KB at ~100k transitions, %7d KB at ~1M"
                  % ("ok" if ok else "FAIL", name, small, large))
            if not ok:
                fails += 1
    if fails:
        print("FAIL: %d reader(s) grew with the run" % fails)
        return 1
    print("ok: every reader's memory is bounded")
    return 0


if __name__ == "__main__":
    sys.exit(main())
