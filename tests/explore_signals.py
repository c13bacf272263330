#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""evsim explore under signals, crashes and resumption.

Each check sends real signals to a running `evsim explore`:
  * SIGINT on a search that finds nothing: summary, how far it got, exit 130,
    the 'explore' row says 'interrupted', no temporary folder left;
  * SIGTERM on a search that found failures: they are shrunk and recorded
    (evsim replay reproduces them), exit 1;
  * two SIGINTs: the summary says the failures were not shrunk;
  * kill -9 of explore: no worker survives it, its temporary folder goes;
  * SIGSEGV sent to a worker: its schedule is recorded with status
    'crashed' and the command that reproduces it, the search goes on to its
    end, exit 2 (and a SIGTERM sent to the other worker alone is ignored);
  * --resume continues a random search from the first schedule not done,
    and a dfs search from the first bound and slice not done;
  * dfs searches interrupted, and with a crashing worker;
  * progress: nothing on standard output, nothing on a non-terminal
    standard error, one updating line on a terminal;
  * --shard auto from Slurm's and Kubernetes' variables.
"""
import argparse
import os
import pty
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

FAILURES = []


def check(cond, what):
    print(("ok    " if cond else "FAIL  ") + what)
    if not cond:
        FAILURES.append(what)


def children(pid):
    """Pids whose parent is pid (from /proc)."""
    res = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                st = f.read()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces.
        fields = st[st.rindex(")") + 2:].split()
        if int(fields[1]) == pid:
            res.append(int(d))
    return res


def cpu_seconds(pid):
    """User plus system CPU time of pid so far, and of its children it
    waited for (0 once it is gone)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            st = f.read()
    except OSError:
        return 0.0
    fields = st[st.rindex(")") + 2:].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def descendants(pid):
    """pid's children, their children, ...: a worker runs its schedules
    in the processes of its fork server."""
    res, todo = [], children(pid)
    while todo:
        p = todo.pop()
        res.append(p)
        todo.extend(children(p))
    return res


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            st = f.read()
    except OSError:
        return False
    return st[st.rindex(")") + 2:].split()[0] != "Z"


class Explore:
    """A background evsim explore with its own TMPDIR."""

    def __init__(self, ev, tmp, args, env=None, stderr=None):
        self.tmpdir = tempfile.mkdtemp(dir=tmp)
        e = dict(os.environ)
        e["TMPDIR"] = self.tmpdir
        e.update(env or {})
        self.p = subprocess.Popen([ev, "explore"] + args, env=e,
                                  stdout=subprocess.PIPE,
                                  stderr=stderr or subprocess.PIPE,
                                  text=True)

    def wait_workers(self, n, timeout=30):
        """Waits until n workers run and have made their temporary db."""
        end = time.time() + timeout
        while time.time() < end:
            w = children(self.p.pid)
            if len(w) >= n and os.listdir(self.tmpdir):
                return w
            time.sleep(0.05)
        return children(self.p.pid)

    def wait_cpu(self, secs, timeout=30):
        """Waits until the workers have together spent secs of CPU time
        (their work, whatever the speed of the build or the load)."""
        end = time.time() + timeout
        while time.time() < end and self.p.poll() is None:
            if sum(cpu_seconds(w)
                   for w in descendants(self.p.pid)) >= secs:
                return True
            time.sleep(0.02)
        return False

    def wait_failure(self, timeout=30):
        """Waits until a worker has recorded a failure into its temporary
        database."""
        end = time.time() + timeout
        while time.time() < end and self.p.poll() is None:
            for d in self.leftovers():
                try:
                    if any(f.endswith(".db") for f in
                           os.listdir(os.path.join(self.tmpdir, d))):
                        return True
                except OSError:
                    pass
            time.sleep(0.01)
        return False

    def kill_worker(self, i, sig, timeout=10):
        """Sends sig to the i-th running worker (by pid), listing them again
        when one has just gone (a worker restarted after a crash)."""
        end = time.time() + timeout
        while time.time() < end:
            w = sorted(children(self.p.pid))
            if len(w) > i:
                try:
                    os.kill(w[i], sig)
                    return w[i]
                except ProcessLookupError:
                    pass
            time.sleep(0.01)
        return None

    def finish(self, timeout=120):
        out, err = self.p.communicate(timeout=timeout)
        return self.p.returncode, out, err or ""

    def leftovers(self):
        return os.listdir(self.tmpdir)


def explore_row(db):
    con = sqlite3.connect(db)
    r = con.execute("SELECT status, next, done FROM explore "
                    "ORDER BY id DESC LIMIT 1").fetchone()
    con.close()
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--evsim", required=True)
    ap.add_argument("--srcdir", required=True)
    a = ap.parse_args()
    ev = a.evsim
    four = os.path.join(a.srcdir, "scenarios/explore/four_threads.lua")
    lost = os.path.join(a.srcdir, "scenarios/explore/lost_update.lua")
    procs = os.path.join(a.srcdir, "scenarios/explore/independent_procs.lua")
    with tempfile.TemporaryDirectory() as tmp:
        # SIGINT, nothing found: 130.
        db = os.path.join(tmp, "int.db")
        x = Explore(ev, tmp, [procs, "--db", db, "--jobs", "2", "--runs",
                              "10000000", "--keep-going"])
        x.wait_workers(2)
        x.wait_cpu(0.3)
        x.p.send_signal(signal.SIGINT)
        rc, out, err = x.finish()
        m = re.search(r"explored (\d+) schedules", out)
        check(rc == 130 and m is not None and int(m.group(1)) > 0
              and " 0 failed" in out and "interrupted" in out
              and "--resume" in out,
              "SIGINT: summary with how far it got, exit 130 (rc %d)" % rc)
        row = explore_row(db)
        check(row is not None and row[0] == "interrupted" and row[1] > 0,
              "SIGINT: the explore row says interrupted at %s"
              % (row and row[1]))
        check(x.leftovers() == [], "SIGINT: no temporary folder left")
        check(not re.search(r"^\d+(/\d+)? schedules", out, re.M),
              "no progress line on standard output")
        check(err == "", "no progress on a non-terminal standard error "
              "without --progress (%r)" % err[:80])

        # SIGTERM with failures: shrunk, recorded, replayable, exit 1.
        db = os.path.join(tmp, "term.db")
        x = Explore(ev, tmp, [four, "--db", db, "--jobs", "2", "--runs",
                              "10000000", "--keep-going"])
        x.wait_workers(2)
        x.wait_failure()
        x.wait_cpu(0.5)
        x.p.send_signal(signal.SIGTERM)
        rc, out, err = x.finish()
        runs = re.findall(r"evsim replay \S+ --run (\d+)", out)
        check(rc == 1 and len(runs) > 0 and "shrunk:" in out
              and "not shrunk" not in out,
              "SIGTERM after failures: recorded and shrunk, exit 1 (rc %d)"
              % rc)
        ok = all(subprocess.run([ev, "replay", db, "--run", r],
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL).returncode == 0
                 for r in runs)
        check(ok, "SIGTERM: every recorded failure replays")
        check(x.leftovers() == [], "SIGTERM: no temporary folder left")

        # Twice: no shrinking.
        db = os.path.join(tmp, "twice.db")
        x = Explore(ev, tmp, [four, "--db", db, "--jobs", "2", "--runs",
                              "10000000", "--keep-going",
                              "--shrink-attempts", "1000000"])
        x.wait_workers(2)
        # Failures to shrink, so that the second signal finds it shrinking.
        x.wait_failure()
        x.wait_cpu(0.6)
        x.p.send_signal(signal.SIGINT)
        time.sleep(0.03)
        x.p.send_signal(signal.SIGINT)
        rc, out, err = x.finish()
        check(rc in (1, 130) and "interrupted twice" in out
              and x.leftovers() == [],
              "two SIGINTs: summary says not shrunk (rc %d)" % rc)

        # kill -9 of explore: the workers die with it, temp files go.
        db = os.path.join(tmp, "kill.db")
        x = Explore(ev, tmp, [procs, "--db", db, "--jobs", "2", "--runs",
                              "10000000", "--keep-going"])
        workers = x.wait_workers(2)
        check(len(workers) == 2, "explore --jobs 2 runs two workers")
        x.p.kill()
        x.p.wait()
        end = time.time() + 10
        while time.time() < end and (any(alive(w) for w in workers)
                                     or x.leftovers()):
            time.sleep(0.05)
        check(not any(alive(w) for w in workers),
              "kill -9 of explore: no orphan worker")
        check(x.leftovers() == [],
              "kill -9 of explore: its temporary folder is removed (%s)"
              % x.leftovers())
        row = explore_row(db)
        check(row is not None and row[0] == "running",
              "kill -9: the explore row stays 'running'")

        # A worker killed by SIGSEGV: crashed, recorded, search goes on.
        db = os.path.join(tmp, "crash.db")
        # Enough schedules that the workers are still busy when signalled
        # (a fast build finishes 3,000 in well under a second).  Under
        # AddressSanitizer the worker must die of the signal as a plain
        # build does, not through ASan's own SIGSEGV report.
        n = 20000
        asan = dict(ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "")
                    + ":handle_segv=0")
        x = Explore(ev, tmp, [lost, "--db", db, "--jobs", "2", "--runs",
                              str(n), "--keep-going"], env=asan)
        x.wait_workers(2)
        x.wait_cpu(0.1)
        # SIGTERM to one worker alone: the parent decides, nothing stops.
        termed = x.kill_worker(1, signal.SIGTERM)
        segved = x.kill_worker(0, signal.SIGSEGV)
        check(termed is not None and segved is not None,
              "SIGTERM and SIGSEGV sent to the two running workers")
        rc, out, err = x.finish()
        con = sqlite3.connect(db)
        crashed = con.execute("SELECT message, args FROM runs "
                              "WHERE status = 'crashed'").fetchall()
        con.close()
        m = re.search(r"explored (\d+) schedules", out)
        check(rc == 2 and len(crashed) == 1
              and "killed by SIGSEGV" in crashed[0][0]
              and re.match(r"evsim run \S+ --strategy random --seed \d+",
                           crashed[0][1]) is not None,
              "a worker killed by SIGSEGV: its schedule is recorded as "
              "crashed with the command that reproduces it, exit 2 "
              "(rc %d)" % rc)
        check(m is not None and int(m.group(1)) == n
              and "crashed:" in out and "status crashed" in err,
              "after the crash the search goes on to its end (%s of %d)"
              % (m and m.group(1), n))
        check(x.leftovers() == [], "crash: no temporary folder left")

        # dfs: interrupted and crashed too.
        db = os.path.join(tmp, "dfs.db")
        x = Explore(ev, tmp, [four, "--db", db, "--jobs", "2", "--strategy",
                              "dfs:3", "--keep-going"])
        x.wait_workers(2)
        x.wait_cpu(0.3)
        x.p.send_signal(signal.SIGINT)
        rc, out, err = x.finish()
        check(rc in (1, 130) and "dfs:3: space not exhausted" in out
              and "interrupted" in out and x.leftovers() == [],
              "dfs: SIGINT prints the summary (rc %d)" % rc)
        db = os.path.join(tmp, "dfscrash.db")
        ndfs = 8000
        x = Explore(ev, tmp, [four, "--db", db, "--jobs", "2", "--strategy",
                              "dfs:1", "--keep-going", "--runs", str(ndfs)])
        x.wait_workers(2)
        x.wait_cpu(0.2)
        segved = x.kill_worker(1, signal.SIGSEGV)
        rc, out, err = x.finish()
        con = sqlite3.connect(db)
        crashed = con.execute("SELECT message FROM runs "
                              "WHERE status = 'crashed'").fetchall()
        con.close()
        check(rc == 2 and len(crashed) == 1
              and "choice prefix [" in crashed[0][0]
              and x.leftovers() == [] and segved is not None,
              "dfs: a worker killed by SIGSEGV is recorded as crashed with "
              "its choice prefix, exit 2 (rc %d)" % rc)
        m = re.search(r"explored (\d+) schedules", out)
        check(m is not None and "space not exhausted" in out
              and (int(m.group(1)) == ndfs
                   or "part of the dfs search is not finished" in err),
              "dfs: in the last bound the search goes on after the crash "
              "(%s of %d), never claiming the space exhausted"
              % (m and m.group(1), ndfs))

        # --resume: continues where the database says it stopped.
        db = os.path.join(tmp, "resume.db")
        n = 20000
        x = Explore(ev, tmp, [procs, "--db", db, "--jobs", "2", "--runs",
                              str(n), "--keep-going"])
        x.wait_workers(2)
        x.wait_cpu(0.2)
        x.p.send_signal(signal.SIGINT)
        rc1, out1, _ = x.finish()
        row1 = explore_row(db)
        p = subprocess.run([ev, "explore", procs, "--db", db, "--jobs", "2",
                            "--runs", str(n), "--keep-going", "--resume"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=600)
        m = re.search(r"explored (\d+) schedules", p.stdout)
        row2 = explore_row(db)
        check(rc1 == 130 and row1[0] == "interrupted" and 0 <= row1[1] < n
              and ("schedules 1..%d of the shard explored before" % row1[1])
              in p.stdout and m is not None
              and int(m.group(1)) == n - row1[1] and p.returncode == 0
              and row2[0] == "complete" and row2[1] == n,
              "--resume runs the schedules %d..%d left (%s)"
              % (row1[1] + 1, n, m and m.group(1)))

        # A search stopped by its first failure resumes after it.
        db = os.path.join(tmp, "stopped.db")
        firsts = []
        for _ in range(3):
            p = subprocess.run([ev, "explore", four, "--db", db, "--jobs",
                                "2", "--strategy", "pct:3", "--runs", "100",
                                "--resume"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
            m = re.search(r"first at schedule (\d+)", p.stdout)
            firsts.append(int(m.group(1)) if m else None)
        check(None not in firsts and firsts == sorted(set(firsts)),
              "a search stopped by a failure resumes after it (first "
              "failures %s)" % firsts)

        # dfs --resume: the bounds and slices left, nothing lost.
        def per_bound(o):
            m = re.search(r"dfs:2: \d+ schedules by preemptions: 0: (\d+) "
                          r"1: (\d+) 2: (\d+);", o)
            return [int(v) for v in m.groups()] if m else None
        db = os.path.join(tmp, "dfsresume.db")
        args = [lost, "--db", db, "--strategy", "dfs:2", "--keep-going",
                "--runs", "100000"]
        ref = subprocess.run([ev, "explore"] + args[:2]
                             + [os.path.join(tmp, "dfsref.db")] + args[3:]
                             + ["--jobs", "2"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        # One worker, interrupted once it has found a failure (in bound 1,
        # a few percent into the search): the space is not done whatever
        # the speed.
        x = Explore(ev, tmp, args + ["--jobs", "1"])
        x.wait_workers(1)
        x.wait_failure()
        x.p.send_signal(signal.SIGINT)
        rc1, out1, _ = x.finish()
        row1 = explore_row(db)
        p = subprocess.run([ev, "explore"] + args + ["--jobs", "1",
                                                     "--resume"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=600)
        row2 = explore_row(db)
        r, a1, a2 = per_bound(ref.stdout), per_bound(out1), \
            per_bound(p.stdout)
        bound = row1[1] >> 32
        check(r is not None and a1 is not None and a2 is not None
              and row1[0] == "interrupted" and row2[0] == "complete"
              and "space exhausted" in p.stdout
              and all(a2[b] == 0 for b in range(bound))
              and all(a1[b] + a2[b] >= r[b] for b in range(3))
              and a2[2] < r[2] + (bound < 2) * r[2]
              and a1[2] + a2[2] - r[2] < r[2] // 2,
              "dfs --resume explores the bounds and slices left "
              "(reference %s, before %s, resumed %s at bound %d)"
              % (r, a1, a2, bound))

        # Progress on a terminal: one updating line on standard error.
        db = os.path.join(tmp, "tty.db")
        master, slave = pty.openpty()
        # A time budget well above the 0.2 s interval of the line, however
        # fast the schedules run.
        x = Explore(ev, tmp, [four, "--db", db, "--jobs", "1", "--runs",
                              "300000", "--time", "1.5", "--keep-going",
                              "--shrink-attempts", "5"], stderr=slave)
        os.close(slave)
        rc, out, _ = x.finish()
        buf = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
        os.close(master)
        t = buf.decode("utf-8", "replace")
        check(rc == 1 and re.search(r"\r\d+/300000 schedules, \d+/s, "
                                    r"ETA \d+ s, \d+ distinct failure",
                                    t) is not None
              and "\n" not in t.replace("\r\n", "").strip("\r\n"),
              "on a terminal: one updating progress line with done/total, "
              "rate, ETA and distinct failures")
        check(not re.search(r"\d+/300000 schedules", out),
              "on a terminal: no progress on standard output")

        # --shard auto.
        def shard_out(env, *extra):
            e = dict(os.environ)
            e.update(env)
            for k in ("SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT",
                      "JOB_COMPLETION_INDEX"):
                if k not in env:
                    e.pop(k, None)
            return subprocess.run(
                [ev, "explore", four, "--db", os.path.join(tmp, "sh.db"),
                 "--runs", "20", "--keep-going", "--jobs", "1",
                 "--strategy", "pct:3"] + list(extra),
                env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                text=True)
        ref = shard_out({}, "--shard", "1/3")
        slurm = shard_out({"SLURM_ARRAY_TASK_ID": "1",
                           "SLURM_ARRAY_TASK_COUNT": "3"}, "--shard", "auto")
        k8s = shard_out({"JOB_COMPLETION_INDEX": "1"}, "--shard", "auto",
                        "--shards", "3")
        nok = shard_out({"JOB_COMPLETION_INDEX": "1"}, "--shard", "auto")

        def seeds(o):
            return sorted(re.findall(r"failing seeds:([\d ]+)", o))
        check("shard 1/3" in slurm.stdout and "shard 1/3" in k8s.stdout
              and seeds(ref.stdout) == seeds(slurm.stdout)
              == seeds(k8s.stdout),
              "--shard auto takes 1/3 from Slurm and from "
              "JOB_COMPLETION_INDEX with --shards 3")
        check(nok.returncode == 2 and "--shards" in nok.stderr,
              "JOB_COMPLETION_INDEX without --shards is a usage error")
    if FAILURES:
        print("%d check(s) failed" % len(FAILURES))
        return 1
    print("all explore signal checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
