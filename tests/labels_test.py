#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Every object a bundled scenario's trace names has a label.

Records every scenario under scenarios/ (under each revision it has a
golden trace for) into one database and checks that
  * every row of 'objects' has a label (knotes of both FreeBSD models,
    vnodes, itimers, port waiters, clocks, fail points included), and a few
    labels read as a person would name the object;
  * recording labels leaves the trace hash as it is without recording;
  * `evsim replay --until` shows labels beside the objects of its snapshot.
"""
import argparse
import glob
import os
import re
import sqlite3
import subprocess
import sys
import tempfile


def fail(msg, out=""):
    print("FAIL: " + msg)
    if out:
        print(out[:3000])
    return 1


def runs(root):
    """(path, kernel or None) for every scenario and golden revision."""
    out = []
    for path in sorted(glob.glob(os.path.join(root, "**", "*.lua"), recursive=True)):
        if os.sep + "lib" + os.sep in path:
            continue
        base = path[:-4]
        kernels = [t[len(base) + 1:-len(".trace")].replace("-", "@", 1)
                   for t in sorted(glob.glob(base + ".*.trace"))]
        for k in kernels or [None]:
            out.append((path, k))
    return out


HASH_RE = re.compile(r"trace_hash ([0-9a-f]{16})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--evsim", required=True)
    ap.add_argument("--srcdir", required=True)
    args = ap.parse_args()
    root = os.path.join(args.srcdir, "scenarios")
    with tempfile.TemporaryDirectory() as d:
        db = os.path.join(d, "l.db")
        n = 0
        for path, kernel in runs(root):
            cmd = [args.evsim, "run", path, "--db", db, "--quiet"]
            if kernel:
                cmd += ["--kernel", kernel]
            subprocess.run(cmd, capture_output=True, text=True, timeout=300)
            n += 1
        con = sqlite3.connect(db)
        nruns = con.execute("SELECT count(*) FROM runs").fetchone()[0]
        if nruns < n:
            return fail("%d of %d runs recorded" % (nruns, n))
        missing = con.execute(
            "SELECT r.kernel, o.object, r.path FROM objects o JOIN runs r ON r.id = o.run_id"
            " WHERE o.label IS NULL OR o.label = '' LIMIT 20").fetchall()
        if missing:
            return fail("objects without a label", "\n".join(map(str, missing)))
        kinds = dict(con.execute(
            "SELECT CASE WHEN instr(object, '#') > 0 THEN substr(object, 1,"
            " instr(object, '#') - 1) ELSE object END AS k, count(*) FROM objects GROUP BY k"))
        for k in ("knote", "kqueue", "file", "thread", "proc", "pipe", "vnode", "itimer",
                  "portget", "portkev", "clock", "failpoint"):
            if kinds.get(k, 0) == 0:
                return fail("no object of kind %s in the bundled scenarios" % k)
        want = [
            ("vnode", "freebsd", r"^VREG /\S+"),
            ("vnode", "freebsd", r"^VDIR /$"),
            ("knote", "freebsd@7773002",
             r"^kqueue#\d+( \(fd \d+\))? ident \d+ EVFILT_[A-Z]+ udata "),
            ("kqueue", "freebsd@7773002", r"^kqueue of pid \d+ \(fd \d+\)$"),
            ("itimer", "illumos", r"^timer id \d+ of pid \d+, CLOCK_\w+, port fd \d+$"),
            ("portget", "illumos", r"^waiter for \d+ events, thread \d+ of pid \d+ on port#\d+$"),
            ("thread", "freebsd", r"^main$"),
        ]
        for kind, kernel, pat in want:
            labels = [l for (l,) in con.execute(
                "SELECT o.label FROM objects o JOIN runs r ON r.id = o.run_id"
                " WHERE o.object LIKE ? || '#%' AND r.kernel = ?", (kind, kernel))]
            if not any(re.search(pat, l) for l in labels):
                return fail("no %s label under %s matches %r" % (kind, kernel, pat),
                            "\n".join(labels[:20]))
        con.close()

        scen = os.path.join(root, "races", "close_fd_during_kevent.lua")
        hashes = []
        for extra in (["--db", db], ["--no-record"]):
            p = subprocess.run([args.evsim, "run", scen] + extra, capture_output=True,
                               text=True, timeout=120)
            m = HASH_RE.search(p.stdout)
            if m is None:
                return fail("no trace hash", p.stdout + p.stderr)
            hashes.append(m.group(1))
        if hashes[0] != hashes[1]:
            return fail("recording labels changes the trace hash: %s" % hashes)

        p = subprocess.run([args.evsim, "replay", db, "--until", "40"], capture_output=True,
                           text=True, timeout=120)
        snap = p.stdout
        for w in ("file_label: kqueue, fd 0 of pid 1",
                  "file_label: pipe pipe#1 read end, fd 1 of pid 1, fd 3 of pid 1",
                  "name_label: kqueue#1 (fd 0) ident 1 EVFILT_READ udata \"r\"",
                  "fd_table_label: descriptor table of pid 1",
                  "label: pid 1 (init)", "label: main"):
            if w not in snap:
                return fail("the --until snapshot lacks %r" % w, snap)
    print("%d runs: every object has a label" % n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
