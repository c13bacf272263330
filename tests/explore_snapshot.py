#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""evsim explore's fork server and its Lua image give exactly the runs
made from scratch.

For random, pct and dfs searches of several scenarios, every run of the
search (the schedules, and the runs that shrink and check a failure) is
made once through the fork server (--snapshot: each run forked from the
scenario booted to its first decision), once from the worker's Lua image
(--image: the sandbox, the sys and sim tables and the compiled scenario
restored in place for each run) and once from scratch (--no-snapshot);
each prints each run's trace hash (--run-hashes).  The lists must be equal
line for line, the server and the image must really have made the runs
(not fallen back), and the summaries must be equal.  A scenario whose
boot draws from math.random must not be snapshotted by the server (the
draw depends on the seed): every run of it is made from the image, with
the same hashes as from scratch.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

FAILURES = []


def check(cond, what):
    print(("ok    " if cond else "FAIL  ") + what)
    if not cond:
        FAILURES.append(what)


# A race behind a long deterministic prefix (the snapshot skips it).
LONG_PREFIX = """
return {
  name = "long prefix then lost update",
  main = function()
    local r, w = sys.pipe()
    for i = 1, 300 do
      sys.write(w, "x")
      sys.read(r, 1)
    end
    local fd = sys.open("/counter", sys.O_CREAT | sys.O_RDWR)
    sys.write(fd, "0")
    sys.close(fd)
    local function bump()
      local f = sys.open("/counter", sys.O_RDWR)
      local v = tonumber(sys.read(f, 16)) or -100
      sys.close(f)
      sys.sched_yield()
      f = sys.open("/counter", sys.O_RDWR | sys.O_TRUNC)
      sys.write(f, tostring(v + 1))
      sys.close(f)
    end
    local t1 = sys.thread(bump)
    local t2 = sys.thread(bump)
    sys.join(t1)
    sys.join(t2)
    local f = sys.open("/counter", sys.O_RDONLY)
    assert(tonumber(sys.read(f, 16)) == 2, "lost update")
  end,
}
"""

# Threads drawing from math.random, sim.random and sim.choose after the
# first decision: the children must take their seed's streams.
DRAWS = """
return {
  name = "random draws after the first decision",
  main = function()
    local r, w = sys.pipe()
    local tids = {}
    for i = 1, 3 do
      tids[i] = sys.thread(function()
        local n = math.random(1, 4) + sim.random(1, 4) + sim.choose(3)
        for j = 1, n do
          sys.write(w, tostring(i))
          sys.sched_yield()
        end
      end)
    end
    for i = 1, 3 do
      sys.join(tids[i])
    end
    local s = sys.read(r, 64)
    assert(#s < 20, "too many writes: " .. s)
  end,
}
"""

# Many threads made after the first decision, in two waves: their stacks
# are mapped and unmapped by the runs (more than the fibers' stack cache
# keeps), which the server in place must undo after each run.
MANY_THREADS = """
return {
  name = "many threads after the first decision",
  main = function()
    local r, w = sys.pipe()
    local first = sys.thread(function() sys.write(w, "a") end)
    for wave = 1, 2 do
      local t = {}
      for i = 1, 70 do
        t[i] = sys.thread(function()
          sys.sched_yield()
          sys.write(w, "b")
        end)
      end
      for i = 1, 70 do sys.join(t[i]) end
    end
    sys.join(first)
    assert(#sys.read(r, 256) == 141)
  end,
}
"""

# math.random at load time: the boot depends on the seed.
SEEDED_BOOT = """
local k = math.random(1, 3)
return {
  name = "seed-dependent boot",
  main = function()
    local t = {}
    for i = 1, 2 do
      t[i] = sys.thread(function()
        for j = 1, k do sys.sched_yield() end
      end)
    end
    sys.join(t[1])
    sys.join(t[2])
  end,
}
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--srcdir", required=True)
    ap.add_argument("--evsim", required=True)
    a = ap.parse_args()
    ev = a.evsim
    # Under AddressSanitizer (its shadow memory) the server forks a child
    # per run instead of running in place.
    ldd = subprocess.run(["ldd", ev], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True).stdout
    in_place = "inplace" if "libasan" not in ldd else "server"
    exp = os.path.join(a.srcdir, "scenarios", "explore")
    with tempfile.TemporaryDirectory() as tmp:
        gen = {}
        for name, src in (("long_prefix", LONG_PREFIX), ("draws", DRAWS),
                          ("many_threads", MANY_THREADS),
                          ("seeded_boot", SEEDED_BOOT)):
            gen[name] = os.path.join(tmp, name + ".lua")
            with open(gen[name], "w") as f:
                f.write(src)
        lost = os.path.join(exp, "lost_update.lua")
        four = os.path.join(exp, "four_threads.lua")
        indep = os.path.join(exp, "independent_procs.lua")
        cases = [
            (lost, ["--strategy", "random", "--runs", "60"]),
            (lost, ["--strategy", "dfs:2", "--runs", "150"]),
            (four, ["--strategy", "pct:3", "--runs", "60"]),
            (four, ["--strategy", "random", "--runs", "40"]),
            (indep, ["--strategy", "dfs:1"]),
            (gen["long_prefix"], ["--strategy", "dfs:1"]),
            (gen["long_prefix"], ["--strategy", "pct:2", "--runs", "40"]),
            (gen["draws"], ["--strategy", "random", "--runs", "60"]),
            (gen["draws"], ["--strategy", "pct:3", "--runs", "40"]),
            (gen["draws"], ["--strategy", "dfs:1", "--runs", "80"]),
            (gen["many_threads"], ["--strategy", "random", "--runs", "30"]),
        ]
        for path, args in cases:
            outs = {}
            for mode in ("--snapshot", "fork", "--image", "--no-snapshot"):
                db = os.path.join(tmp, "x.db")
                for sfx in ("", "-wal", "-shm", "-journal"):
                    if os.path.exists(db + sfx):
                        os.unlink(db + sfx)
                env = dict(os.environ)
                env.pop("EVSIM_XSERVER", None)
                if mode == "fork":
                    env["EVSIM_XSERVER"] = "fork"
                p = subprocess.run(
                    [ev, "explore", path, "--jobs", "1", "--keep-going",
                     "--shrink-attempts", "20", "--db", db, "--run-hashes",
                     "--snapshot" if mode == "fork" else mode] + args,
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                    text=True, env=env)
                outs[mode] = p
            f = outs["--no-snapshot"]
            i = outs["--image"]
            runs_f = re.findall(r"^run (\w+) (.*)$", f.stderr, re.M)
            runs_i = re.findall(r"^run (\w+) (.*)$", i.stderr, re.M)
            strip = re.compile(r" in [0-9.]+ s with .* schedules/s")
            name = "%s %s" % (os.path.basename(path), " ".join(args))
            # The server in place (the default), and forking a child per
            # run (EVSIM_XSERVER=fork).
            for mode, label in (("--snapshot", in_place),
                                ("fork", "server")):
                s = outs[mode]
                runs_s = re.findall(r"^run (\w+) (.*)$", s.stderr, re.M)
                served = sum(1 for m, _ in runs_s if m == label)
                recorded = sum(1 for _, r in runs_s
                               if r.endswith("recorded"))
                check(s.returncode == f.returncode in (0, 1)
                      and len(runs_f) > 10
                      and {m for m, _ in runs_f} == {"scratch"}
                      and [r for _, r in runs_s] == [r for _, r in runs_f]
                      and strip.sub("", s.stdout) == strip.sub("", f.stdout),
                      "%s: %d runs, the same trace hashes and summary "
                      "from the server (%s) as from scratch"
                      % (name, len(runs_f), label))
                check(served == len(runs_s) - recorded and served > 0,
                      "%s: the server (%s) made every run but the %d "
                      "recorded (%d)" % (name, label, recorded, served))
            check(i.returncode == f.returncode
                  and {m for m, _ in runs_i} == {"image"}
                  and [r for _, r in runs_i] == [r for _, r in runs_f]
                  and strip.sub("", i.stdout) == strip.sub("", f.stdout),
                  "%s: every run from the image, the same trace hashes "
                  "and summary as from scratch" % name)
        # A boot that draws from math.random is never snapshotted.
        p = subprocess.run(
            [ev, "explore", gen["seeded_boot"], "--jobs", "1", "--runs",
             "20", "--db", os.path.join(tmp, "y.db"), "--run-hashes",
             "--snapshot"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        modes = re.findall(r"^run (\w+) ", p.stderr, re.M)
        check(p.returncode == 0 and len(modes) == 20
              and set(modes) == {"image"},
              "a scenario drawing math.random at load: no run from the "
              "fork server (%s)" % sorted(set(modes)))
        # ... and its runs from the image are those from scratch.
        hashes = {}
        for mode in ("--image", "--no-snapshot"):
            p = subprocess.run(
                [ev, "explore", gen["seeded_boot"], "--jobs", "1", "--runs",
                 "20", "--db", os.path.join(tmp, "z%s.db" % mode),
                 "--run-hashes", mode],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            hashes[mode] = re.findall(r"^run \w+ (.*)$", p.stderr, re.M)
        check(len(hashes["--image"]) == 20
              and hashes["--image"] == hashes["--no-snapshot"],
              "a scenario drawing math.random at load: the same hashes "
              "from the image as from scratch")
    if FAILURES:
        print("%d check(s) failed" % len(FAILURES))
        return 1
    print("all snapshot checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
