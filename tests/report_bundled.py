#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Reports for every bundled scenario, checked.

Records every scenarios/**/*.lua (except scenarios/lib/; under each revision
listed in `kernels = {...}`) into a temporary database with
`evsim run FILE --quiet --db DB`, whatever its status (`expect = "panic"`
scenarios are kept), plus a few scenarios written here: a failing run with a
sim.choose, a deadlock, a run larger than the report window (REPORT_WINDOW
in reports/report_impl.h) that fails at its end, and a hostile one (a name,
a print and a label made of markup).  Then, for every run, it writes the
HTML, Markdown and text reports and checks:

  HTML  well-formed (tests/report_check.py); a lane (<g id="lane-TID">) for
        every thread in the `threads` table; the objects of the `trace`
        table as reports/report_html.c draws them: the state timeline
        (<g id="obj-NAME">) holds the first MAX_OBJ_DRAWN (150) objects, in
        the report's object order, that changed inside the detail window,
        and says how many more; the object list holds every object (up to
        MAX_SUMMARY, 2000) with its transition count.  The detail window is
        the whole run, or, above REPORT_WINDOW transitions, the window that
        reports/report.c derive() picks (around the failure, else the
        start), which the "Whole run" overview must name.  A run whose
        status is not passed (or running) carries the failure box
        (id="failure"), a red status badge and, when the failing seq is in
        the window, the failure line and the failing transition's row;
        a passed run carries none of them.
  md    the scenario name (Markdown-escaped), status, seed and trace hash
        in the header table, a Failure section when it failed, every thread
        and every object that changed in the window.
  text  the same facts in the terminal layout (COLUMNS=1000, so no cuts).
  hostile  no raw markup from the scenario in the HTML (one <script>, the
        report's own), pipes and backticks escaped in the Markdown, no
        control characters in the text.

Graphviz `dot` (for the state machines embedded in the HTML) costs about
half a second per report, so with more than --dot-runs runs (default 60)
only an evenly spread sample of that many, plus the scenarios written here,
get it; the others are rendered with `dot` off PATH, which is the report's
other documented form (the machines as tables).  Every run still gets all
three reports and every check.

--jobs N renders N reports at a time (default: the CPU count); --keep DIR
keeps the database and the reports.
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report_check  # noqa: E402
import scenarios as bundled  # noqa: E402

# reports/report_impl.h and reports/report_html.c.
REPORT_WINDOW = 5000
MAX_OBJ_DRAWN = 150
MAX_SUMMARY = 2000
KIND_ORDER = ["proc", "thread", "kqueue", "knote", "port", "portev",
              "port_kevent", "file", "pipe", "socket"]

HOSTILE_NAME = "<script>alert(1)</script>"
HOSTILE_PRINT = "<img src=x onerror=alert(1)>"
HOSTILE_LABEL = "a|b `c` | d"
HOSTILE_ESC = "\x1b[31mred\x1b[0m"

# Bundled scenarios recorded once more with options, when they exist: a
# panic, whose failing transition (runs.fail_seq) the report marks.
EXTRA_RUNS = [
    ("fork/cponfork_timer_race.lua",
     ["--kernel", "freebsd@b11289f", "--strategy", "random", "--seed", "74"]),
]

# Scenarios written into a temporary folder: file name -> source.
EXTRA = {
    "hostile.lua": r'''
return {
  name = "<script>alert(1)</script>",
  main = function()
    print("<img src=x onerror=alert(1)>")
    sim.label("a|b `c` | d")
    print("\27[31mred\27[0m")
  end,
}
''',
    "failing_choose.lua": r'''
return {
  name = "a failing run after a sim.choose",
  main = function()
    local r, w = sys.pipe()
    local t = sys.thread(function()
      assert(sys.write(w, "x") == 1)
      sys.sched_yield()
      return 1
    end)
    sys.sched_yield()
    sim.choose(2, "which")
    assert(sys.read(r, 1) == "x")
    sys.join(t)
    error("deliberate failure")
  end,
}
''',
    "deadlock.lua": r'''
return {
  name = "deadlock: both threads read an empty pipe",
  main = function()
    local r, w = sys.pipe()
    local r2, w2 = sys.pipe()
    sys.thread(function() sys.read(r2, 1); sys.write(w, "x") end)
    sys.read(r, 1)
    sys.write(w2, "x")
  end,
}
''',
    "large.lua": r'''
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
''',
}


def esc_html(s):
    out = []
    for ch in s:
        o = ord(ch)
        if ch == "&":
            out.append("&amp;")
        elif ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif ch == '"':
            out.append("&quot;")
        elif ch == "'":
            out.append("&#39;")
        elif ch in "\t\n":
            out.append(ch)
        elif o < 0x20 or o == 0x7f:
            out.append("\ufffd")
        else:
            out.append(ch)
    return "".join(out)


def esc_md(s):
    out = []
    for i, ch in enumerate(s):
        o = ord(ch)
        if ch == "_" and 0 < i < len(s) - 1 and \
                s[i - 1].isascii() and s[i - 1].isalnum() and \
                s[i + 1].isascii() and s[i + 1].isalnum():
            out.append("_")
        elif ch in "\\`*_[]<>|~":
            out.append("\\" + ch)
        elif ch == "&":
            out.append("&amp;")
        elif ch in "\n\r\t":
            out.append(" ")
        elif o < 0x20 or o == 0x7f:
            out.append("?")
        else:
            out.append(ch)
    return "".join(out)


def esc_text(s):
    return "".join("?" if ord(ch) < 0x20 or 0x7f <= ord(ch) < 0xa0 else ch
                   for ch in s)


def strtoll(s):
    m = re.match(r"\s*([+-]?\d+)", s)
    return int(m.group(1)) if m else 0


def obj_key(name):
    """The order of reports/report.c obj_cmp()."""
    kind = name.split("#", 1)[0]
    rank = KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)
    num = strtoll(name[len(kind) + 1:]) if "#" in name else float("-inf")
    return (rank, kind.encode(), num, name.encode())


def is_event(func, obj):
    return func in ("print", "sim_label") or obj == ""


def load(db, run_id):
    """The facts of one run, and the detail window as report.c derives it."""
    c = db.cursor()
    hdr = c.execute(
        "SELECT scenario, status, seed, trace_hash, fail_seq, message"
        " FROM runs WHERE id = ?", (run_id,)).fetchone()
    run = dict(zip(("scenario", "status", "seed", "hash", "fail_seq",
                    "message"), hdr))
    run["id"] = run_id
    run["threads"] = [r[0] for r in c.execute(
        "SELECT tid FROM threads WHERE run_id = ? ORDER BY tid", (run_id,))]
    tr = c.execute("SELECT seq, func, object FROM trace WHERE run_id = ?"
                   " ORDER BY seq", (run_id,)).fetchall()
    seqs = [s for s, _, _ in tr]
    for q in ("SELECT max(seq), max(end_seq) FROM syscalls WHERE run_id = ?",
              "SELECT max(seq), NULL FROM decisions WHERE run_id = ?"):
        seqs += [v for v in c.execute(q, (run_id,)).fetchone()
                 if v is not None]
    if run["fail_seq"] is not None:
        seqs.append(run["fail_seq"])
    seq_max = max(seqs) if seqs else 0
    failed = run["status"] not in ("passed", "running")
    lo = min(tr[0][0], 1) if tr else 1
    windowed = len(tr) > REPORT_WINDOW
    if not windowed:
        wlo, whi = lo, max(seq_max, lo)
    elif run["fail_seq"] is not None or failed:
        fail = run["fail_seq"] if run["fail_seq"] is not None else seq_max
        whi = min(fail + REPORT_WINDOW // 10, seq_max)
        wlo = max(whi - REPORT_WINDOW + 1, lo)
    else:
        wlo, whi = lo, lo + REPORT_WINDOW - 1
    objs = {}
    for seq, func, obj in tr:
        if is_event(func, obj):
            continue
        o = objs.setdefault(obj, {"n": 0, "in_window": False})
        o["n"] += 1
        if wlo <= seq <= whi:
            o["in_window"] = True
    # Labels from the objects table, shown beside each object's name.
    for obj, label in c.execute(
            "SELECT object, label FROM objects WHERE run_id = ? AND"
            " label IS NOT NULL AND label <> ''", (run_id,)):
        if obj in objs:
            objs[obj]["label"] = label
    run["objects"] = sorted(objs.items(), key=lambda kv: obj_key(kv[0]))
    # The failing transition: the last one at or before fail_seq.
    fail_tr = None
    if run["fail_seq"] is not None:
        before = [s for s, _, _ in tr if s <= run["fail_seq"]]
        fail_tr = before[-1] if before else None
    run.update(failed=failed, windowed=windowed, lo=wlo, hi=whi,
               fail_tr=fail_tr, ntr=len(tr))
    return run


def check_html(run, path):
    problems = report_check.check(path, [])
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for tid in run["threads"]:
        if '<g id="lane-%d">' % tid not in text:
            problems.append("no lane for thread %d" % tid)
    # Objects are drawn by relevance, bookkeeping (threads, processes,
    # descriptor tables, the kernel) in a folded timeline of its own, each
    # timeline at most MAX_OBJ_DRAWN objects.
    changed = [name for name, o in run["objects"] if o["in_window"]]
    groups = [[n for n in changed if not bookkeeping(n)],
              [n for n in changed if bookkeeping(n)]]
    want_drawn = sum(min(len(g), MAX_OBJ_DRAWN) for g in groups)
    drawn = set(re.findall(r'<g id="obj-([^"]*)"', text))
    if len(drawn) != want_drawn:
        problems.append("%d object timelines drawn, expected %d"
                        % (len(drawn), want_drawn))
    for g in groups:
        if len(g) <= MAX_OBJ_DRAWN:
            for name in g:
                if esc_html(name) not in drawn:
                    problems.append("no state timeline for object %s"
                                    % name)
        else:
            note = "%d more objects changed in this window" % (
                len(g) - MAX_OBJ_DRAWN)
            if note not in text:
                problems.append("no note %r" % note)
    if all(len(g) <= MAX_OBJ_DRAWN for g in groups) and \
            "more objects changed in this window" in text:
        problems.append("a note of undrawn objects, but all were drawn")
    # A windowed page knows only the objects of its window.
    listed = [(n, o) for n, o in run["objects"]
              if o["in_window"] or not run["windowed"]]
    for name, o in listed[:MAX_SUMMARY]:
        cell = esc_html(name)
        if o.get("label"):
            cell += " <small>%s</small>" % esc_html(o["label"])
        row = "<tr><td>%s</td><td>%d</td>" % (cell, o["n"])
        if not run["windowed"] and row not in text:
            problems.append("object %s not in the object list" % name)
        elif run["windowed"] and "<tr><td>%s" % cell not in text:
            problems.append("object %s not in the object list" % name)
    if len(listed) > MAX_SUMMARY and \
            "%d more not listed." % (len(listed) - MAX_SUMMARY) \
            not in text:
        problems.append("no note of the objects left out of the list")
    if run["windowed"]:
        span = "this page holds seq %d–%d (the shaded window)" % (
            run["lo"], run["hi"])
        if 'id="overview"' not in text or span not in text:
            problems.append("windowed run without the overview of seq "
                            "%d-%d" % (run["lo"], run["hi"]))
        if '<tr id="tr-%d"' % run["hi"] not in text:
            problems.append("window end seq %d not in the table" % run["hi"])
        if run["lo"] > 1 and '<tr id="tr-%d"' % (run["lo"] - 1) in text:
            problems.append("seq %d outside the window is in the table"
                            % (run["lo"] - 1))
    elif "All %d transitions of the run." % run["ntr"] not in text:
        problems.append("no overview of the whole run")
    bad_badge = '<span class="badge bad">%s</span>' % esc_html(run["status"])
    if run["failed"]:
        if '<div class="failbox" id="failure">' not in text:
            problems.append("status %s but no failure box" % run["status"])
        elif esc_html(run["message"] or "") not in \
                text.split('id="failure"', 1)[1].split("</div>", 1)[0]:
            problems.append("the failure box lacks the message")
        if bad_badge not in text:
            problems.append("status %s without the red badge" % run["status"])
        fs = run["fail_seq"]
        if fs is not None and run["lo"] <= fs <= run["hi"] and \
                'class="failline"' not in text:
            problems.append("failing seq %d not marked in the timelines" % fs)
        ft = run["fail_tr"]
        if ft is not None and run["lo"] <= ft <= run["hi"] and \
                '<tr id="tr-%d" class="fail"' % ft not in text:
            problems.append("failing transition %d not marked in the table"
                            % ft)
    else:
        if 'id="failure"' in text or 'class="badge bad"' in text or \
                'class="failline"' in text:
            problems.append("status %s, yet a failure is marked"
                            % run["status"])
    return problems


def bookkeeping(name):
    """Objects reports/report.c folds away (report_obj_bookkeeping)."""
    return name.split("#", 1)[0] in ("thread", "proc", "filedesc", "kernel",
                                     "failpoint")


def changed_in_window(run):
    return [name for name, o in run["objects"] if o["in_window"]]


def heading(run, name, esc, fmt):
    """An object's heading: its name, and its label when it has one."""
    o = dict(run["objects"])[name]
    return fmt(esc(name), esc(o["label"]) if o.get("label") else None)


def check_md(run, path):
    problems = []
    with open(path, encoding="utf-8") as f:
        text = f.read()
    want = ["| scenario | %s |" % esc_md(run["scenario"]),
            "| status | **%s**" % esc_md(run["status"]),
            "| seed | %d |" % run["seed"],
            "| trace hash | %s |" % run["hash"]]
    want += ["- thread %d " % tid for tid in run["threads"]]
    want += [heading(run, n, esc_md,
                     lambda a, b: "### %s (%s)\n" % (a, b) if b
                     else "### %s\n" % a)
             for n in changed_in_window(run)]
    if run["status"] != "passed":
        want.append("## Failure\n")
    for w in want:
        if w not in text:
            problems.append("no %r" % w)
    return problems


def check_text(run, path):
    problems = []
    with open(path, encoding="utf-8") as f:
        text = f.read()
    want = ["evsim report - run %d: %s\n" % (run["id"],
                                             esc_text(run["scenario"])),
            "\n  status      %s" % esc_text(run["status"]),
            "\n  seed        %d " % run["seed"],
            "\n  trace hash  %s\n" % run["hash"]]
    want += ["\n    thread %d " % tid for tid in run["threads"]]
    want += [heading(run, n, esc_text,
                     lambda a, b: "\n  %s  (%s)\n" % (a, b) if b
                     else "\n  %s\n" % a)
             for n in changed_in_window(run)]
    if run["status"] != "passed":
        want.append("\nFAILURE\n")
    for w in want:
        if w not in text:
            problems.append("no %r" % w)
    if re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text):
        problems.append("a control character reaches the terminal")
    return problems


def check_hostile(html_path, md_path, txt_path):
    problems = report_check.check(
        html_path, ["<script>alert", "<img", "onerror=alert(1)>",
                    HOSTILE_ESC])
    with open(html_path, encoding="utf-8") as f:
        html = f.read()
    if html.count("<script") != 1:
        problems.append("%d '<script' in the HTML, expected the report's "
                        "one" % html.count("<script"))
    for s in (HOSTILE_NAME, HOSTILE_PRINT, HOSTILE_LABEL):
        if esc_html(s) not in html:
            problems.append("HTML lacks the escaped %r" % s)
    with open(md_path, encoding="utf-8") as f:
        md = f.read()
    for s in (HOSTILE_NAME, HOSTILE_PRINT, HOSTILE_LABEL):
        if s in md:
            problems.append("Markdown has the raw %r" % s)
    if "a\\|b \\`c\\` \\| d" not in md:
        problems.append("Markdown lacks the label with escaped pipes and "
                        "backticks")
    for line in md.splitlines():
        if "a\\|b" in line and line.startswith("|") and \
                len(re.findall(r"(?<!\\)\|", line)) != 5:
            problems.append("label row with unescaped pipes: %r" % line)
    with open(txt_path, encoding="utf-8") as f:
        txt = f.read()
    if "\x1b" in txt or "?[31mred?[0m" not in txt:
        problems.append("the terminal escape is not neutralised in the text")
    return problems


def record(evsim, files, db):
    """Records each (path, kernel, options); returns [(label, run_id,
    message when nothing was recorded)]."""
    runs = []
    con = sqlite3.connect(db) if os.path.exists(db) else None
    last = 0
    for path, kernel, opts in files:
        cmd = [evsim, "run", os.path.abspath(path), "--quiet", "--db", db]
        if kernel:
            cmd += ["--kernel", kernel]
        cmd += opts
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        if con is None and os.path.exists(db):
            con = sqlite3.connect(db)
        rid = con.execute("SELECT max(id) FROM runs").fetchone()[0] \
            if con is not None else None
        label = path + (" [" + kernel + "]" if kernel else "") + \
            "".join(" " + o for o in opts)
        if rid is None or rid == last:
            runs.append((label, None, (p.stdout + p.stderr).strip()))
        else:
            runs.append((label, rid, None))
            last = rid
    if con is not None:
        con.close()
    return runs


def render(evsim, db, rid, outdir, dot):
    """Writes the three reports of run 'rid'; returns (paths, errors)."""
    paths, errors = {}, []
    env = dict(os.environ, COLUMNS="1000")
    if not dot:
        env["PATH"] = "/nonexistent"  # evsim is run by its absolute path
    for fmt, ext in (("html", "html"), ("md", "md"), ("text", "txt")):
        out = os.path.join(outdir, "run%d.%s" % (rid, ext))
        p = subprocess.run([evsim, "report", db, "--run", str(rid),
                            "--format", fmt, "-o", out],
                           capture_output=True, text=True, env=env,
                           timeout=300)
        if p.returncode != 0 or not os.path.exists(out):
            errors.append("evsim report --format %s exited %d: %s"
                          % (fmt, p.returncode, (p.stdout + p.stderr).strip()))
        paths[fmt] = out
    return paths, errors


def main():
    ap = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--evsim", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--keep", metavar="DIR")
    ap.add_argument("--dot-runs", type=int, default=60)
    args = ap.parse_args()
    evsim = os.path.abspath(args.evsim)
    root = os.path.abspath(args.root)
    keep = os.path.abspath(args.keep) if args.keep else None

    tmp = tempfile.mkdtemp(prefix="evsim-reports-")
    try:
        # A private copy: a rebuild while the test runs cannot swap it.
        shutil.copy2(evsim, os.path.join(tmp, "evsim"))
        evsim = os.path.join(tmp, "evsim")
        extra_dir = os.path.join(tmp, "extra")
        os.mkdir(extra_dir)
        for name, src in EXTRA.items():
            with open(os.path.join(extra_dir, name), "w",
                      encoding="utf-8") as f:
                f.write(src)
        files = []
        for path in bundled.scenarios(root):
            with open(path, encoding="utf-8") as f:
                src = f.read()
            files += [(path, k, []) for k in bundled.kernels_of(src)]
        nbundled = len(files)
        files += [(os.path.join(root, f), None, opts)
                  for f, opts in EXTRA_RUNS
                  if os.path.exists(os.path.join(root, f))]
        nextra = len(files) - nbundled + len(EXTRA)
        files += [(os.path.join(extra_dir, n), None, [])
                  for n in sorted(EXTRA)]
        db = os.path.join(tmp, "reports.db")
        out = os.path.join(tmp, "out")
        os.mkdir(out)
        os.chdir(tmp)  # the replay command names the database relative
        runs = record(evsim, files, "reports.db")

        bad = []
        for label, rid, msg in runs:
            if rid is None:
                bad.append((label, ["no run recorded: " + msg]))
        con = sqlite3.connect(db)
        con.text_factory = lambda b: b.decode("utf-8", "replace")
        facts = {rid: load(con, rid) for _, rid, _ in runs if rid}
        con.close()
        todo = [(label, rid) for label, rid, _ in runs if rid]
        every = max(1, -(-nbundled // max(1, args.dot_runs)))
        dot = {rid for i, (_, rid, _) in enumerate(runs)
               if rid and (i % every == 0 or i >= nbundled)}
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            futs = {rid: pool.submit(render, evsim, "reports.db", rid, out,
                                     rid in dot)
                    for _, rid in todo}
            results = {rid: f.result() for rid, f in futs.items()}

        statuses = {}
        hostile = None
        for label, rid in todo:
            run = facts[rid]
            statuses[run["status"]] = statuses.get(run["status"], 0) + 1
            paths, problems = results[rid]
            if not problems:
                problems += ["html: " + p for p in
                             check_html(run, paths["html"])]
                problems += ["md: " + p for p in check_md(run, paths["md"])]
                problems += ["text: " + p for p in
                             check_text(run, paths["text"])]
            if label.endswith("hostile.lua"):
                hostile = paths
                if not problems:
                    problems += check_hostile(paths["html"], paths["md"],
                                              paths["text"])
            if problems:
                bad.append(("%s (run %d)" % (label, rid), problems))
        if hostile is None:
            bad.append(("hostile.lua", ["not rendered"]))

        windowed = sum(1 for r in facts.values() if r["windowed"])
        print("%d bundled scenario runs and %d more: %s; %d "
              "windowed; %d reports checked (HTML of %s run with "
              "Graphviz)" % (
                  nbundled, nextra, ", ".join(
                      "%d %s" % (n, s) for s, n in sorted(statuses.items())),
                  windowed, 3 * len(todo),
                  "every" if every == 1 else "every %d%s" % (
                      every, {2: "nd", 3: "rd"}.get(every, "th"))))
        for label, problems in bad:
            print("FAIL " + label)
            for p in problems:
                print("  " + p.replace("\n", "\n  "))
        if not bad:
            print("every report well-formed, complete and escaped")
        if keep:
            os.makedirs(keep, exist_ok=True)
            for f in os.listdir(out):
                shutil.copy(os.path.join(out, f), keep)
            shutil.copy(db, keep)
            print("kept the database and reports in " + keep)
        return 1 if bad else 0
    finally:
        os.chdir("/")
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
