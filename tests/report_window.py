#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Checks the windows and the "Why" section of `evsim report`, without a browser.

Records a run of 9,000 transitions that fails at its end, and the CPONFORK
timer race shrunk by `evsim explore`, then checks against the database
(read here with sqlite3):

  - the default window (5000 transitions ending 500 after the failure, cut
    at the end of the run), --around, --from/--to and --object hold exactly
    the transitions they should, in the table and in the page's data;
  - the state embedded for the start of a window is, for every object
    field, the last value written before it (what the page's script starts
    from), and the last writer's seq;
  - a window option that does not fit the run exits 2 with a message;
  - the Why section of the shrunk race names its decisions (as many as the
    preemptions in its decisions table), the backward slice's objects, and
    the softclock thread's transitions that raced with the fork.
"""
import argparse
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
RACE = os.path.join(HERE, "..", "scenarios", "fork", "cponfork_timer_race.lua")
WINDOW = 5000

LARGE = r'''
return {
  name = "a large run that fails at its end",
  main = function()
    local r, w = sys.pipe()
    local t = sys.thread(function()
      for i = 1, 1500 do assert(sys.read(r, 1) == "x") end
    end)
    for i = 1, 1500 do assert(sys.write(w, "x") == 1) end
    sys.join(t)
    error("deliberate failure late in a large run")
  end,
}
'''


def page_data(text):
    """The EV object the page's script starts from."""
    i = text.index("var EV = ") + len("var EV = ")
    return json.JSONDecoder().raw_decode(text[i:])[0]


def table_seqs(text):
    return [int(s) for s in re.findall(r'<tr id="tr-(\d+)"', text)]


def report(evsim, cwd, db, *opts):
    return subprocess.run([evsim, "report", db, "-o", "out.html"] + list(opts),
                          cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def check_window(evsim, tmp, problems):
    with open(os.path.join(tmp, "large.lua"), "w") as f:
        f.write(LARGE)
    p = subprocess.run([evsim, "run", "large.lua", "--quiet", "--db",
                        "large.db"], cwd=tmp, capture_output=True, text=True,
                       timeout=300)
    if p.returncode != 1:
        problems.append("large.lua exited %d: %s" % (p.returncode,
                                                     p.stdout + p.stderr))
        return
    db = sqlite3.connect(os.path.join(tmp, "large.db"))
    tr = db.execute("SELECT seq, func, object, field, new FROM trace "
                    "WHERE run_id = 1 ORDER BY seq").fetchall()
    smax = max([tr[-1][0]] + [v for v in db.execute(
        "SELECT max(seq), max(end_seq) FROM syscalls").fetchone() if v])
    nsnap = []

    def expect(opts, lo, hi, obj=None):
        p = report(evsim, tmp, "large.db", *opts)
        if p.returncode != 0:
            problems.append("report %s exited %d: %s"
                            % (opts, p.returncode, p.stderr.strip()))
            return None
        with open(os.path.join(tmp, "out.html"), encoding="utf-8") as f:
            text = f.read()
        ev = page_data(text)
        want = [t[0] for t in tr if lo <= t[0] <= hi
                and (obj is None or t[2] == obj)]
        got = table_seqs(text)
        if (ev["lo"], ev["hi"]) != (lo, hi):
            problems.append("report %s: window %d-%d, expected %d-%d"
                            % (opts, ev["lo"], ev["hi"], lo, hi))
        if got != want:
            problems.append("report %s: the table holds %d rows (%s..%s), "
                            "expected %d (%s..%s)"
                            % (opts, len(got), got[:1], got[-1:], len(want),
                               want[:1], want[-1:]))
        if [t[0] for t in ev["tr"]] != want:
            problems.append("report %s: the page's data holds %d "
                            "transitions, expected %d"
                            % (opts, len(ev["tr"]), len(want)))
        if ev["smax"] != smax:
            problems.append("report %s: overview ends at %d, not %d"
                            % (opts, ev["smax"], smax))
        # The state where the window starts: last writes before lo.
        last = {}
        for seq, func, o, field, new in tr:
            if seq >= lo:
                break
            if func in ("print", "sim_label") or o == "":
                continue
            if obj is None or o == obj:
                last[(o, field)] = (new, seq)
        snap = {(o, f): (v, s) for o, f, v, s in ev["snap"]}
        if lo > 1 and obj is None and not last:
            problems.append("report %s: nothing written before seq %d?"
                            % (opts, lo))
        nsnap.append(len(last))
        if snap != last:
            diff = sorted(set(snap.items()) ^ set(last.items()))[:4]
            problems.append("report %s: the state at seq %d differs from "
                            "the database's last writes: %s"
                            % (opts, lo, diff))
        return text

    fail_hi = min(smax, smax + WINDOW // 10)
    expect([], fail_hi - WINDOW + 1, fail_hi)
    expect(["--around", "5000"], 5000 - WINDOW // 2,
           5000 - WINDOW // 2 + WINDOW - 1)
    expect(["--around", "100"], 1, 100 - WINDOW // 2 + WINDOW - 1)
    expect(["--from", "3000", "--to", "3100"], 3000, 3100)
    objs = [t[2] for t in tr if t[2].startswith("pipe#")]
    if objs:
        o = objs[0]
        first = min(t[0] for t in tr if t[2] == o)
        last = max(t[0] for t in tr if t[2] == o)
        text = expect(["--object", o], first, last, obj=o)
        if text is not None and "transitions of one object only" not in text:
            problems.append("--object page does not say it holds one object")
    for opts, msg in ((["--from", "9", "--to", "3"], "is after --to"),
                      (["--around", str(smax + 10)], "has seqs 1 to"),
                      (["--object", "knote#999"], "has no object knote#999"),
                      (["--around", "5", "--from", "2"], "cannot be used"),
                      (["--around", "x"], "is not a seq")):
        p = report(evsim, tmp, "large.db", *opts)
        if p.returncode != 2 or msg not in p.stderr:
            problems.append("report %s: exit %d, %r; expected 2 and %r"
                            % (opts, p.returncode, p.stderr.strip(), msg))
    print("windows: default, --around, --from/--to, --object, errors: "
          "checked against %d transitions; fields at the window starts: %s"
          % (len(tr), nsnap))


def check_why(evsim, tmp, problems):
    p = subprocess.run([evsim, "explore", RACE, "--kernel", "freebsd@b11289f",
                        "--strategy", "random", "--runs", "300", "--jobs", "1",
                        "--db", "race.db"], cwd=tmp, capture_output=True,
                       text=True, timeout=300)
    if p.returncode != 1 or "knote already queued" not in p.stdout:
        problems.append("explore did not find the CPONFORK race: %s"
                        % (p.stdout + p.stderr))
        return
    db = sqlite3.connect(os.path.join(tmp, "race.db"))
    run, args = db.execute("SELECT id, args FROM runs").fetchone()
    if "shrunk" not in (args or ""):
        problems.append("the recorded run is not the shrunk one: %r" % args)
    fail = db.execute("SELECT fail_seq FROM runs").fetchone()[0]
    npre = 0
    for tid, chosen, runnable, seq in db.execute(
            "SELECT tid, chosen, runnable, seq FROM decisions WHERE "
            "run_id = ? AND kind = 'sched'", (run,)):
        if seq <= fail and tid > 0 and tid != chosen and \
                str(tid) in runnable.split(","):
            npre += 1
    p = report(evsim, tmp, "race.db")
    if p.returncode != 0:
        problems.append("report of the race exited %d" % p.returncode)
        return
    with open(os.path.join(tmp, "out.html"), encoding="utf-8") as f:
        text = f.read()
    why = text[text.index('id="why"'):text.index('id="overview"')]
    plain = re.sub(r"<[^>]+>", "", why)
    if "The failure needs these %d decisions." % npre not in plain:
        problems.append("Why does not name the %d preemptions: %r"
                        % (npre, plain[:300]))
    if len(re.findall(r'class="dref">D\d+<', why)) < npre + 1:
        problems.append("Why lists fewer than %d decisions" % npre)
    if text.count('class="dmark"') != npre:
        problems.append("%d decision marks in the lanes, expected %d"
                        % (text.count('class="dmark"'), npre))
    m = re.search(r"Objects \(\d+\): (.*?)\n", plain)
    objs = set(re.findall(r"\b(\w+#\d+) \(", m.group(1))) if m else set()
    want = {"knote#1", "knote#6", "kqueue#1", "kqueue#6"}
    if not want <= objs or any(o.startswith(("thread#", "proc#",
                                              "filedesc#")) for o in objs):
        problems.append("slice objects %s, expected %s and no bookkeeping"
                        % (sorted(objs), sorted(want)))
    raced = re.findall(r"seq (\d+) thread 100001 softclock: (\w+) "
                       r"(\w+#\d+\.\w+)", plain)
    if ("knote_enqueue", "knote#6.kn_status") not in \
            [(f, o) for _, f, o in raced]:
        problems.append("What raced lacks softclock's knote_enqueue of "
                        "knote#6: %s" % raced)
    print("why: %d decisions, slice objects %s, %d raced transitions"
          % (npre, sorted(objs), len(raced)))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--evsim", required=True)
    args = ap.parse_args()
    evsim = os.path.abspath(args.evsim)
    tmp = tempfile.mkdtemp(prefix="evsim-window-")
    problems = []
    try:
        check_window(evsim, tmp, problems)
        check_why(evsim, tmp, problems)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for pr in problems:
        print("FAIL " + pr)
    if not problems:
        print("ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
