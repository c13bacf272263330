#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Every evsim benchmark, in one table.

Each benchmark is a whole process (an `evsim` command, or a helper built
next to it) whose CPU time -- user plus system, of the process and of the
children it waited for, from wait4()'s rusage -- is what the table reports.
A row's name says what the process does, setup included: nothing is
computed by subtracting one run from another.  The variants a row compares
(this evsim, the --baseline evsim, libkqueue, SQLite alone) run interleaved
in every repetition, their order alternating, and each row prints the median
CPU time and the lowest and highest of the --repeat runs.  Ratios are
medians of the per-repetition ratios of runs taken next to each other, with
their lowest and highest.  Every evsim run must pass, and both evsim builds
must print the same trace hash for it, or the row says so.

Usage:
  tests/bench/run.py [--build DIR] [--evsim PATH] [--baseline PATH]
                     [--peer PATH] [--repeat N] [--only REGEX] [--scale]
                     [--smoke]
  ninja -C build bench        (the same, with the defaults)

--baseline is another evsim binary (for example one built from an older
commit in a git worktree).  --peer is kq_cycle.c built against a kqueue implementation (default:
DIR/tests/kq_cycle_peer, built when pkg-config finds libkqueue).  --scale
adds the knote-count scaling rows (10^3 to 10^6 knotes, registered in
ascending and in descending descriptor order).  --smoke runs every row once
at tiny sizes: the bench-smoke test, so that this script cannot rot.

The explore rows count the CPU of the workers, their fork servers and the
servers' children (all waited for).  The --jobs row also prints wall time
and the -j2/-j1 wall speed-up, which means something only on idle cores:
the table prints the load average at its start and end.
"""

import argparse
import os
import re
import statistics
import string
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.dirname(os.path.dirname(HERE))


def run_cpu(argv):
    """Runs argv; returns (exit status, CPU seconds, stdout, stderr, wall
    seconds)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.monotonic()
        pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=[
            (os.POSIX_SPAWN_DUP2, out.fileno(), 1),
            (os.POSIX_SPAWN_DUP2, err.fileno(), 2)])
        _, status, ru = os.wait4(pid, 0)
        wall = time.monotonic() - t0
        out.seek(0)
        err.seek(0)
        return (os.waitstatus_to_exitcode(status),
                ru.ru_utime + ru.ru_stime,
                out.read().decode(errors="replace"),
                err.read().decode(errors="replace"), wall)


def lua(template, **kw):
    return string.Template(template).substitute(**kw)


# Scenarios generated with their sizes.  The host clock is read only here.
LONG_PREFIX = """return { name = 'bench: long prefix, then a race',
  main = function()
  local r, w = sys.pipe()
  for i = 1, $rounds do
    sys.write(w, 'x')
    sys.read(r, 1)
  end
  local fd = sys.open('/counter', sys.O_CREAT | sys.O_RDWR)
  sys.write(fd, '0')
  sys.close(fd)
  local function bump()
    local f = sys.open('/counter', sys.O_RDWR)
    local v = tonumber(sys.read(f, 16)) or -100
    sys.close(f)
    sys.sched_yield()
    f = sys.open('/counter', sys.O_RDWR | sys.O_TRUNC)
    sys.write(f, tostring(v + 1))
    sys.close(f)
  end
  local t1 = sys.thread(bump)
  local t2 = sys.thread(bump)
  sys.join(t1)
  sys.join(t2)
end }
"""
KEVENT_CYCLES = """return { name = 'bench: kevent cycles', limits = {
  ['kern.maxfilesperproc'] = 100000 }, main = function()
  local kq = sys.kqueue()
  local r, w = {}, {}
  for i = 1, $pipes do
    r[i], w[i] = sys.pipe()
    sys.kevent(kq, {{ident = r[i], filter = sys.EVFILT_READ,
      flags = sys.EV_ADD}}, 0, 0)
  end
  for c = 1, $cycles do
    local i = (c * 7919) % $pipes + 1
    sys.write(w[i], 'x')
    local ev = sys.kevent(kq, nil, 1, 0)
    assert(#ev == 1 and ev[1].ident == r[i])
    sys.read(r[i], 1)
  end
end }
"""

# Knotes on descriptors dup2'ed from 1000 idle pipes (no knlist grows
# beyond 1000), registered from the highest descriptor down or from the
# lowest up, then 'scans' zero-timeout kevent calls returning the 10
# active events.
KQ_SCAN = """return { name = 'bench: knotes and scans', limits = {
  ['kern.maxfilesperproc'] = 2097152 }, main = function()
  local kq = sys.kqueue()
  local idle = {}
  for i = 1, 1000 do
    local r, w = sys.pipe()
    idle[i] = r
    if $fill then sys.write(w, 'x') end
  end
  for i = 1, 10 do
    local r, w = sys.pipe()
    sys.write(w, 'x')
    sys.kevent(kq, {{ident = r, filter = sys.EVFILT_READ,
      flags = sys.EV_ADD}}, 0, 0)
  end
  local base = 3000
  for i = $first, $last, $step do
    sys.dup2(idle[i % 1000 + 1], base + i)
    sys.kevent(kq, {{ident = base + i, filter = sys.EVFILT_READ,
      flags = sys.EV_ADD}}, 0, 0)
  end
  for s = 1, $scans do
    assert(#sys.kevent(kq, nil, 64, 0) == $want)
  end
end }
"""

# T threads in T/per processes (the model allows 1000 threads a process):
# each thread yields four times, then every thread is joined and every
# process reaped; all T threads are runnable together.
THREADS = """return { name = 'bench: threads', main = function()
  local pids = {}
  for p = 1, $procs do
    pids[p] = sys.fork(function()
      local tids = {}
      for w = 1, $per do
        tids[w] = assert(sys.thread(function()
          for k = 1, 4 do sys.sched_yield() end
        end))
      end
      for w = 1, $per do sys.join(tids[w]) end
    end)
  end
  for p = 1, $procs do sys.waitpid(pids[p], 0) end
end }
"""

PORT_TRIPS = """return { name = 'bench: port round trips', kernel = 'illumos',
  main = function()
  local req, rep = sys.port_create(), sys.port_create()
  local tids = {}
  for w = 1, $waiters do
    tids[w] = sys.thread(function()
      while true do
        local ev = sys.port_get(req, nil)
        if ev.events == 0 then return end
        sys.port_send(rep, ev.events, 'r')
      end
    end)
  end
  for i = 1, $trips do
    sys.port_send(req, i, 'q')
    assert(sys.port_get(rep, nil).events == i)
  end
  for w = 1, $waiters do sys.port_send(req, 0, 'stop') end
  for w = 1, $waiters do sys.join(tids[w]) end
end }
"""

PORT_GETN = """return { name = 'bench: port_getn', kernel = 'illumos',
  limits = { ['process.max-port-events'] = 2000000 }, main = function()
  local p = sys.port_create()
  for i = 1, $queued do sys.port_send(p, 1, i) end
  for s = 1, $getns do
    assert(#sys.port_getn(p, 10, 10, 0) == 10)
    for k = 1, 10 do sys.port_send(p, 1, k) end
  end
end }
"""


def kq_cycle_src(n, rounds, k):
    with open(os.path.join(HERE, "kq_cycle.lua")) as f:
        src = f.read()
    new, count = re.subn(r"local N, ROUNDS, K = \d+, \d+, \d+",
                         "local N, ROUNDS, K = %d, %d, %d" % (n, rounds, k),
                         src)
    if count != 1:
        sys.exit("run.py: kq_cycle.lua has no 'local N, ROUNDS, K' line")
    return new


def pingpong_src(rounds):
    with open(os.path.join(HERE, "pingpong.lua")) as f:
        src = f.read()
    new, count = re.subn(r"local rounds = \d+", "local rounds = %d" % rounds,
                         src)
    if count != 1:
        sys.exit("run.py: pingpong.lua has no 'local rounds' line")
    return new


class Variant:
    """One program a row runs: label, argv, and how to read its result."""

    def __init__(self, label, argv, kind, cleanup=(), expect=(0,)):
        self.label = label
        self.argv = argv          # list, or a function returning one
        self.kind = kind          # 'evsim', 'explore', 'self' (prints cpu_s)
        self.cleanup = cleanup    # files removed after each run
        self.expect = expect      # accepted exit statuses
        self.cpu = []
        self.wall = []            # wall seconds (shown for 'wall' rows)
        self.unit = []            # per-run count of the row's unit
        self.hashes = set()
        self.errors = []


class Row:
    def __init__(self, name, unit, variants, wall=False):
        self.name = name
        self.unit = unit          # 'syscalls', 'schedules', 'rows', ...
        self.variants = variants
        self.wall = wall          # also print wall time and its ratios


def rm(*paths):
    for p in paths:
        for q in (p, p + "-wal", p + "-shm", p + "-journal"):
            try:
                os.unlink(q)
            except FileNotFoundError:
                pass


def run_variant(v):
    argv = v.argv() if callable(v.argv) else v.argv
    code, cpu, out, err, wall = run_cpu(argv)
    v.wall.append(wall)
    for p in v.cleanup:
        rm(p)
    if code not in v.expect:
        v.errors.append("exit %d: %s" % (code, (err or out).strip()[-300:]))
        return
    if v.kind == "self":
        m = re.search(r"cpu_s=([0-9.]+)", out)
        if not m:
            v.errors.append("no cpu_s= in output")
            return
        cpu = float(m.group(1))
        m = re.search(r"(?:rows|round_trips)=(\d+)", out)
        v.unit.append(int(m.group(1)) if m else None)
    elif v.kind == "evsim":
        m = re.search(r"trace_hash ([0-9a-f]{16})", out)
        if m:
            v.hashes.add(m.group(1))
        m = re.search(r"syscalls (\d+)", out)
        v.unit.append(int(m.group(1)) if m else None)
        if not re.search(r"\spassed\s+kernel\s", out):
            v.errors.append("run did not pass: " + out.strip()[-200:])
    elif v.kind == "explore":
        m = re.search(r"explored (\d+) schedules", out)
        v.unit.append(int(m.group(1)) if m else None)
        if not m:
            v.errors.append("no 'explored N schedules' in output")
    else:
        v.unit.append(None)
    v.cpu.append(cpu)


def fmt_s(x):
    return "%.3f" % x if x < 10 else "%.2f" % x


def paired_ratios(a, b):
    """Per-repetition a[i] / b[i]."""
    return [x / y for x, y in zip(a, b) if y > 0]


def fmt_ratio(rs):
    if not rs:
        return "-"
    return "%.2fx (%.2f-%.2f)" % (statistics.median(rs), min(rs), max(rs))


def per_unit(v, unit):
    us = [u for u in v.unit if u]
    if not v.cpu or not us:
        return ""
    med = statistics.median(v.cpu)
    u = statistics.median(us)
    if unit == "schedules":
        return "%.0f schedules/CPU-s" % (u / med)
    if unit == "round trips":
        return "%.1f ns/round trip" % (med / u * 1e9)
    return "%.2f us/%s" % (med / u * 1e6, unit.rstrip("s"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(SRCDIR, "build"))
    ap.add_argument("--evsim")
    ap.add_argument("--baseline")
    ap.add_argument("--peer")
    ap.add_argument("--repeat", type=int)
    ap.add_argument("--only")
    ap.add_argument("--scale", action="store_true")
    ap.add_argument("--smoke", action="store_true")
    a = ap.parse_args()

    evsim = os.path.abspath(a.evsim or os.path.join(a.build, "evsim"))
    tests = os.path.join(os.path.dirname(evsim), "tests")
    peer = a.peer or os.path.join(tests, "kq_cycle_peer")
    repeat = a.repeat or (1 if a.smoke else 5)
    smoke = a.smoke
    if not os.access(evsim, os.X_OK):
        sys.exit("run.py: no evsim at %s (build first)" % evsim)
    builds = [("evsim", evsim)]
    if a.baseline:
        b = os.path.abspath(a.baseline)
        if not os.access(b, os.X_OK):
            sys.exit("run.py: no baseline evsim at %s" % b)
        builds.append(("baseline", b))
    have_peer = os.access(peer, os.X_OK)

    tmp = tempfile.mkdtemp(prefix="evsim-bench-")
    srcs = {}

    def scen(name, src):
        path = os.path.join(tmp, name + ".lua")
        with open(path, "w") as f:
            f.write(src)
        srcs[name] = path
        return path

    def sz(full, tiny):
        return tiny if smoke else full

    rows = []

    def evsim_row(name, path, extra=(), record=False):
        vs = []
        for label, binary in builds:
            if record:
                db = os.path.join(tmp, "rec-%s.db" % label)
                vs.append(Variant(label, [binary, "run", path, "--db", db],
                                  "evsim", cleanup=[db]))
            else:
                vs.append(Variant(label, [binary, "run", path,
                                          "--no-record"] + list(extra),
                                  "evsim"))
        return vs

    # kq_cycle: the peer workload (tests/bench/kq_cycle.{c,lua}).
    n, rounds, k = sz(1000, 50), sz(20000, 100), sz(16, 4)
    p = scen("kq_cycle", kq_cycle_src(n, rounds, k))
    vs = evsim_row("kq_cycle", p)
    if have_peer:
        vs.append(Variant("libkqueue", [peer, str(n), str(rounds), str(k)],
                          "other"))
    rows.append(Row("kq_cycle %d pipes, %d rounds of %d writes + kevent + "
                    "reads, unrecorded (whole process)" % (n, rounds, k),
                    "syscalls", vs))

    # Recording: the same workload, shorter, recorded and not, and SQLite
    # alone inserting the rows this evsim recorded.
    rrounds = sz(1000, 20)
    p = scen("kq_cycle_rec", kq_cycle_src(n, rrounds, k))
    rows.append(Row("kq_cycle %d rounds, unrecorded (whole process)"
                    % rrounds, "syscalls", evsim_row("kq_rec0", p)))
    rows.append(Row("kq_cycle %d rounds, recorded into a new database "
                    "(whole process)" % rrounds, "syscalls",
                    evsim_row("kq_rec1", p, record=True)))
    src_db = os.path.join(tmp, "source.db")
    code, _, out, err, _ = run_cpu([evsim, "run", p, "--db", src_db])
    if code != 0:
        sys.exit("run.py: recording the source database failed: " + err)
    # Database size per transition (all tables, after the recorder's
    # close), for each build.
    dbsizes = []
    for label, binary in builds:
        sdb = os.path.join(tmp, "size-%s.db" % label)
        code, _, out2, err2, _ = run_cpu([binary, "run", p, "--db", sdb])
        m = re.search(r"transitions (\d+)", out2)
        if code == 0 and m:
            size = sum(os.path.getsize(f) for f in (sdb, sdb + "-wal")
                       if os.path.exists(f))
            dbsizes.append((label, size, int(m.group(1))))
        for f in (sdb, sdb + "-wal", sdb + "-shm"):
            rm(f)
    dst_db = os.path.join(tmp, "plain.db")
    rows.append(Row("SQLite alone: the same trace/syscalls/decisions/threads "
                    "rows, same pragmas and batches, open to close "
                    "(bench_insert)", "rows",
                    [Variant("sqlite", [os.path.join(tests, "bench_insert"),
                                        src_db, dst_db], "self",
                             cleanup=[dst_db])]))

    # Pipe ping-pong between two processes.
    pr = sz(100000, 100)
    p = scen("pingpong", pingpong_src(pr))
    rows.append(Row("pipe ping-pong, 2 processes, %d rounds, unrecorded"
                    % pr, "syscalls", evsim_row("pingpong", p)))

    # kevent cycles and their setup alone, as two rows.
    pipes, cycles = sz(10000, 100), sz(200000, 200)
    p = scen("cycles", lua(KEVENT_CYCLES, pipes=pipes, cycles=cycles))
    rows.append(Row("kevent cycles: %d pipes registered, then %d x (write, "
                    "kevent, read), unrecorded" % (pipes, cycles),
                    "syscalls", evsim_row("cycles", p)))
    p = scen("cycles0", lua(KEVENT_CYCLES, pipes=pipes, cycles=0))
    rows.append(Row("kevent cycles: the %d pipes registered alone"
                    % pipes, "syscalls", evsim_row("cycles0", p)))

    # Scans with many knotes registered (descending descriptor order, so
    # that kqueue_expand() grows 'kq_knlist' once).
    def kq_scan(kn, order, scans, fill):
        first, last, step = (kn, 1, -1) if order == "descending" else (
            1, kn, 1)
        want = min(64, kn + 10) if fill else 10
        return scen("scan-%d-%s-%d-%d" % (kn, order, scans, fill),
                    lua(KQ_SCAN, first=first, last=last, step=step,
                        scans=scans, fill="true" if fill else "false",
                        want=want))

    scans = sz(20000, 20)
    kn = sz(10000, 100)
    for sc in (0, scans):
        what = ("then %d kevent scans of the 10 active events" % sc
                if sc else "registered alone")
        rows.append(Row("kqueue: %d knotes, descending fd order, %s"
                        % (kn, what), "syscalls",
                        evsim_row("scan", kq_scan(kn, "descending", sc, 0))))

    # Event ports.
    trips = sz(100000, 100)
    for w in (1, 8):
        p = scen("trips-%d" % w, lua(PORT_TRIPS, waiters=w, trips=trips))
        rows.append(Row("port send/get round trips, %d waiting thread(s), "
                        "%d trips" % (w, trips), "syscalls",
                        evsim_row("trips", p)))
    queued, getns = sz(10000, 100), sz(20000, 20)
    p = scen("getn", lua(PORT_GETN, queued=queued, getns=getns))
    rows.append(Row("port_getn of 10 + 10 port_send, %d x, queue of %d"
                    % (getns, queued), "syscalls", evsim_row("getn", p)))

    # Fiber switches (the helper times its own loop).
    ft = sz(20000000, 10000)
    h = os.path.join(tests, "bench_fiber")
    vs = [Variant("evsim", [h, str(ft)], "self")] if os.access(
        h, os.X_OK) else []
    if vs:
        rows.append(Row("fiber_switch round trips (host -> fiber -> host), "
                        "%d, the loop alone (bench_fiber)" % ft,
                        "round trips", vs))

    # Exploration, one worker (its CPU and its fork server's included).
    runs = sz(5000, 20)
    exp = os.path.join(SRCDIR, "scenarios", "explore")
    rounds = sz(1000, 20)
    longp = scen("long-prefix", lua(LONG_PREFIX, rounds=rounds))
    for path, strat, nr in (
            (os.path.join(exp, "lost_update.lua"), "random", runs),
            (os.path.join(exp, "four_threads.lua"), "pct:3", runs),
            (os.path.join(exp, "lost_update.lua"), "dfs:2", None),
            (longp, "dfs:2", None)):
        vs = []
        for label, binary in builds:
            db = os.path.join(tmp, "explore-%s.db" % label)
            argv = [binary, "explore", path,
                    "--strategy", strat, "--keep-going", "--jobs", "1",
                    "--shrink-attempts", "1", "--db", db]
            if nr:
                argv += ["--runs", str(nr)]
            elif smoke:
                argv += ["--runs", "20"]
            vs.append(Variant(label, argv, "explore", cleanup=[db],
                              expect=(0, 1)))
        name = os.path.basename(path)[:-4]
        if path == longp:
            name = ("long_prefix (%d pipe round trips by pid 1 alone, then "
                    "lost_update)" % rounds)
        rows.append(Row("explore %s --strategy %s%s --jobs 1" % (
            name, strat, " --runs %d" % nr if nr else ""), "schedules", vs))

    # --jobs: the same search with one and with two workers (CPU and wall;
    # wall time means something only on idle cores).
    jruns = sz(10000, 20)
    vs = []
    for label, binary in builds:
        for j in (1, 2):
            db = os.path.join(tmp, "jobs-%s-%d.db" % (label, j))
            vs.append(Variant(
                "%s -j%d" % (label, j),
                [binary, "explore", os.path.join(exp, "lost_update.lua"),
                 "--keep-going", "--jobs", str(j), "--runs", str(jruns),
                 "--db", db], "explore", cleanup=[db], expect=(0, 1)))
    rows.append(Row("explore lost_update --strategy random --runs %d "
                    "--keep-going (shrinking 500 runs each), --jobs 1 "
                    "and 2" % jruns, "schedules", vs, wall=True))

    # Scaling (--scale; this evsim only): every operation should cost the
    # same per call whatever the number of knotes, pending events or
    # threads, or grow as the kernel's own algorithm does.
    if a.scale or smoke:
        one = builds[:1]

        def erow(name, path):
            return Row(name, "syscalls", [
                Variant(label, [binary, "run", path, "--no-record"], "evsim")
                for label, binary in one])

        counts = [100] if smoke else [1000, 10000, 100000, 1000000]
        for kn in counts:
            for order in ("descending", "ascending"):
                rows.append(erow("scale: %d knotes registered in %s fd "
                                 "order" % (kn, order),
                                 kq_scan(kn, order, 0, 0)))
            rows.append(erow("scale: %d knotes, then %d kevent scans of the "
                             "10 active events" % (kn, scans),
                             kq_scan(kn, "descending", scans, 0)))
            rows.append(erow("scale: %d knotes all pending, then %d kevent "
                             "scans of 64" % (kn, scans),
                             kq_scan(kn, "descending", scans, 1)))
            for g in (0, getns):
                p = scen("getn-%d-%d" % (kn, g),
                         lua(PORT_GETN, queued=kn, getns=g))
                rows.append(erow("scale: port queue of %d events, then %d x "
                                 "(port_getn of 10 + 10 port_send)"
                                 % (kn, g), p))
        for t in ([10] if smoke else [100, 1000, 10000]):
            per = min(t, 500)
            p = scen("threads-%d" % t, lua(THREADS, procs=t // per, per=per))
            rows.append(erow("scale: %d threads (%d process(es) of %d), "
                             "each yielding 4 times, joined"
                             % (t, t // per, per), p))

    if a.only:
        rows = [r for r in rows if re.search(a.only, r.name)]

    load0 = os.getloadavg()[0]
    # Interleaved repetitions: every row and variant once per round, the
    # order of the variants alternating between rounds.
    for rep in range(repeat):
        for r in rows:
            order = r.variants if rep % 2 == 0 else r.variants[::-1]
            for v in order:
                run_variant(v)
        if not smoke:
            print("round %d/%d done" % (rep + 1, repeat), file=sys.stderr)

    # The table.
    ok = True
    print("evsim: %s" % evsim)
    for label, binary in builds[1:]:
        print("%s: %s" % (label, binary))
    if have_peer:
        print("libkqueue: %s" % peer)
    else:
        print("libkqueue: not built (no %s; install libkqueue where "
              "pkg-config finds it, or pass --peer)" % peer)
    print("CPU seconds (user+sys, wait4 rusage) of each whole process, "
          "%d interleaved repetition(s); median [min-max]" % repeat)
    print("load average (1 min) at the start %.2f, at the end %.2f, on %d "
          "core(s)" % (load0, os.getloadavg()[0], os.cpu_count()))
    print()
    for r in rows:
        print(r.name)
        ev = next((v for v in r.variants if v.label == "evsim"), None)
        hashes = set()
        for v in r.variants:
            hashes |= v.hashes
            if v.errors:
                ok = False
                print("  %-10s FAILED: %s" % (v.label, v.errors[0]))
                continue
            if not v.cpu:
                continue
            line = "  %-10s %8s s [%s-%s]  %s" % (
                v.label, fmt_s(statistics.median(v.cpu)), fmt_s(min(v.cpu)),
                fmt_s(max(v.cpu)), per_unit(v, r.unit))
            if r.wall:
                line += "; wall %s s [%s-%s]" % (
                    fmt_s(statistics.median(v.wall)), fmt_s(min(v.wall)),
                    fmt_s(max(v.wall)))
                one = next((u for u in r.variants if u.label
                            == v.label.replace("-j2", "-j1")), None)
                if one is not None and one is not v and one.wall:
                    line += "; -j2 wall speedup %s, CPU %s of -j1" % (
                        fmt_ratio(paired_ratios(one.wall, v.wall)),
                        fmt_ratio(paired_ratios(v.cpu, one.cpu)))
                print(line)
                continue
            if ev is not None and v is not ev and ev.cpu and not ev.errors:
                if v.label == "baseline":
                    line += "  evsim is %s faster" % fmt_ratio(
                        paired_ratios(v.cpu, ev.cpu))
                else:
                    line += "  evsim takes %s its CPU" % fmt_ratio(
                        paired_ratios(ev.cpu, v.cpu))
            print(line)
        if len(hashes) > 1:
            ok = False
            print("  TRACE HASHES DIFFER between builds: %s"
                  % " ".join(sorted(hashes)))
    if dbsizes and not a.only:
        print()
        for label, size, ntr in dbsizes:
            print("database of the recorded kq_cycle %d rounds (%s): %d "
                  "bytes, %d transitions, %.1f bytes/transition"
                  % (rrounds, label, size, ntr, size / max(ntr, 1)))
    # Recording against SQLite alone.
    rec = [r for r in rows if "recorded into" in r.name]
    norec = [r for r in rows if "rounds, unrecorded" in r.name
             and r.name.startswith("kq_cycle %d rounds" % rrounds)]
    plain = [r for r in rows if r.name.startswith("SQLite alone")]
    if rec and norec and plain and not a.only:
        e1 = next(v for v in rec[0].variants if v.label == "evsim")
        e0 = next(v for v in norec[0].variants if v.label == "evsim")
        sq = plain[0].variants[0]
        if e1.cpu and e0.cpu and sq.cpu:
            m1, m0, ms = (statistics.median(e1.cpu),
                          statistics.median(e0.cpu),
                          statistics.median(sq.cpu))
            print()
            print("recording: recorded run / (unrecorded run + SQLite "
                  "alone) = %.2f / (%.2f + %.2f) = %.2fx" %
                  (m1, m0, ms, m1 / (m0 + ms)))
    for p in list(srcs.values()) + [src_db]:
        rm(p)
    try:
        os.rmdir(tmp)
    except OSError:
        pass
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
