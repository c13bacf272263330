#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""evsim coverage on a small recorded database: two
scenarios, one per kernel family.  Checks that the occurred transitions
are listed with their counts as the trace table has them, sorted; that the
declared state machines' rules appear as exercised or never exercised
consistently with the database; that the output is deterministic; and that
--kernel and --kind filter.
"""
import argparse
import os
import re
import sqlite3
import subprocess
import sys
import tempfile

SCENARIOS = ["scenarios/kqueue/read_pipe_clear.lua", "scenarios/ports/fifo_order.lua"]


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        print("FAIL: %s exited %d:\n%s%s" % (" ".join(cmd), r.returncode, r.stdout, r.stderr))
        sys.exit(1)
    return r.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--evsim", required=True)
    ap.add_argument("--srcdir", required=True)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        db = os.path.join(d, "cov.db")
        for s in SCENARIOS:
            run([args.evsim, "run", os.path.join(args.srcdir, s), "--db", db, "--quiet"])
        out = run([args.evsim, "coverage", db])
        if out != run([args.evsim, "coverage", db]):
            print("FAIL: coverage output is not deterministic")
            return 1
        con = sqlite3.connect(db)
        # Every occurred line matches the trace table.
        occ = out.split("\noccurred (kind field old -> new func count):\n")[1].split("\n\n")[0]
        lines = [l.strip() for l in occ.splitlines()]
        if len(lines) < 2:
            print("FAIL: occurred list empty")
            return 1
        total = con.execute("select count(*) from trace").fetchone()[0]
        if sum(int(l.rsplit(" ", 1)[1]) for l in lines) != total:
            print("FAIL: the counts do not add up to the %d transitions" % total)
            return 1
        n = con.execute("""select count(*) from trace where object like 'knote#%'
            and field = 'kn_status' and old = 'ACTIVE' and new = 'ACTIVE|QUEUED'
            and func = 'knote_enqueue'""").fetchone()[0]
        want = "knote kn_status ACTIVE -> ACTIVE|QUEUED knote_enqueue %d" % n
        if n == 0 or want not in lines:
            print("FAIL: missing '%s'" % want)
            return 1
        # The state machines: both families, a rule exercised in the DB is
        # not listed as never exercised, and one the DB lacks is.
        for fam in ("freebsd", "illumos"):
            m = re.search(r"^%s state machine \(.*\): (\d+) allowed transitions, (\d+) "
                          r"exercised, (\d+) never exercised:$" % fam, out, re.M)
            if not m or int(m.group(1)) != int(m.group(2)) + int(m.group(3)) \
                    or int(m.group(2)) == 0 or int(m.group(3)) == 0:
                print("FAIL: bad %s state machine summary" % fam)
                return 1
        never = out.split("freebsd state machine")[1].split("\n\n")[0]
        if re.search(r"set\s+QUEUED\s+by knote_enqueue", never):
            print("FAIL: knote_enqueue setting QUEUED listed as never exercised")
            return 1
        if not re.search(r"set\s+FLUXWAIT\s+by kqueue_scan", never):
            print("FAIL: FLUXWAIT (no flux wait in these runs) not listed")
            return 1
        if "freebsd transitions outside the declared machine: 0" not in out \
                or "illumos transitions outside the declared machine: 0" not in out:
            print("FAIL: transitions outside the declared machines:\n" + out)
            return 1
        # Filters.
        fb = run([args.evsim, "coverage", db, "--kernel", "freebsd"])
        if "illumos state machine" in fb or "portkev" in fb:
            print("FAIL: --kernel freebsd shows illumos data")
            return 1
        kn = run([args.evsim, "coverage", db, "--kind", "knote"])
        occ = kn.split("count):\n")[1].split("\n\n")[0]
        if any(not l.strip().startswith("knote ") for l in occ.splitlines()):
            print("FAIL: --kind knote shows other kinds")
            return 1
    print("coverage: %d distinct transitions listed, state machines checked" % len(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
