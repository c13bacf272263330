#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Text and Markdown reports at 80 columns.

Records scenarios/fork/queued_stale_revisions.lua under freebsd@b11289f and
freebsd (the copy's kqueue_fork_copy_knote writes kn_flags "" -> "", a row
that changes nothing) and checks:
  * `evsim report --format text` into a pipe, without COLUMNS, has no line
    wider than 80 columns, loses nothing (every syscall's whole result is
    there once the wrapped lines are joined, and every change keeps its
    function and thread), leaves out the no-op row and says so, and shows
    "(none)" for no previous value but "(no flags)" for the empty flag set;
  * COLUMNS=60 gives no line wider than 60;
  * the text diff is stacked ('>- ', '+ ') at 80 columns and side by side
    (' | ') at 200;
  * the Markdown report and diff have no line wider than 80 columns but
    table rows and headings, use lists for histories and the diff, and make
    the same value distinctions;
  * -o through a symbolic link writes the link's target and keeps the link.
"""
import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile

SCENARIO = "scenarios/fork/queued_stale_revisions.lua"


def fail(msg, out=""):
    print("FAIL: " + msg)
    if out:
        print(out[:3000])
    return 1


def report(evsim, db, *args, columns=None):
    env = dict(os.environ)
    env.pop("COLUMNS", None)
    if columns is not None:
        env["COLUMNS"] = str(columns)
    p = subprocess.run([evsim, "report", db] + list(args), env=env,
                       capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise RuntimeError("evsim report %s: exit %d: %s" % (args, p.returncode, p.stderr))
    return p.stdout


def too_wide(text, width, markdown=False):
    bad = []
    for line in text.splitlines():
        if markdown and line.lstrip().startswith(("|", "#")):
            continue
        if len(line) > width:
            bad.append(line)
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--evsim", required=True)
    ap.add_argument("--srcdir", required=True)
    args = ap.parse_args()
    scen = os.path.join(args.srcdir, SCENARIO)
    with tempfile.TemporaryDirectory() as d:
        db = os.path.join(d, "r.db")
        for kernel in ("freebsd@b11289f", "freebsd"):
            p = subprocess.run([args.evsim, "run", scen, "--kernel", kernel, "--db", db,
                                "--quiet"], capture_output=True, text=True, timeout=120)
            if p.returncode != 0:
                return fail("run under %s" % kernel, p.stdout + p.stderr)
        con = sqlite3.connect(db)
        noops = con.execute("SELECT count(*) FROM trace WHERE run_id = 1 AND old = new"
                            " AND field <> '(life)'").fetchone()[0]
        results = [r for (r,) in con.execute(
            "SELECT result FROM syscalls WHERE run_id = 1 AND result IS NOT NULL")]
        funcs = set((f, str(t)) for f, t in con.execute(
            "SELECT func, tid FROM trace WHERE run_id = 1 AND old <> new"
            " AND func NOT IN ('print', 'sim.label')"))
        con.close()
        if noops == 0:
            return fail("the scenario no longer has a no-op row to leave out")

        text = report(args.evsim, db, "--run", "1", "--format", "text")
        bad = too_wide(text, 80)
        if bad:
            return fail("text lines wider than 80 columns", "\n".join(bad))
        joined = "".join(l.strip() for l in text.splitlines())
        for r in results:
            if r.replace(" ", "") not in joined.replace(" ", ""):
                return fail("the text lost a syscall result: " + r, text)
        lines = text.splitlines()
        if "(none) -> created" not in text and "(life): (none) -> created" not in text:
            return fail("no '(none)' for an object's creation", text)
        if "(no flags)" not in text:
            return fail("no '(no flags)' for an empty flag set", text)
        if "  (%d row%s that changed nothing, old = new, left out)" % (
                noops, "" if noops == 1 else "s") not in text:
            return fail("the no-op rows are not said to be left out", text)
        if any("kn_flags" in l and "(no flags) -> (no flags)" in l for l in lines):
            return fail("a no-op row is shown", text)
        # Every change that is shown keeps its function and thread.
        for func, tid in funcs:
            if not any(func + " [" + tid in l for l in lines):
                return fail("the text lost a change by %s of thread %s" % (func, tid), text)

        narrow = report(args.evsim, db, "--run", "1", "--format", "text", columns=60)
        bad = too_wide(narrow, 60)
        if bad:
            return fail("text lines wider than COLUMNS=60", "\n".join(bad))

        dtext = report(args.evsim, db, "--run", "1", "--against", "2", "--format", "text")
        bad = too_wide(dtext, 80)
        if bad:
            return fail("diff lines wider than 80 columns", "\n".join(bad))
        if "\n>- " not in dtext and "\n>+ " not in dtext:
            return fail("the 80-column diff is not stacked with its first difference marked",
                        dtext)
        wide = report(args.evsim, db, "--run", "1", "--against", "2", "--format", "text",
                      columns=200)
        if not any(l.startswith(">") and " | " in l for l in wide.splitlines()):
            return fail("the 200-column diff is not side by side", wide)

        md = report(args.evsim, db, "--run", "1", "--format", "md")
        bad = too_wide(md, 80, markdown=True)
        if bad:
            return fail("Markdown lines wider than 80 columns", "\n".join(bad))
        if "| seq | vtime |" in md:
            return fail("the Markdown history is still a wide table", md)
        if "(no flags)" not in md or "(none) → created" not in md:
            return fail("Markdown lacks '(none)' or '(no flags)'", md)
        dmd = report(args.evsim, db, "--run", "1", "--against", "2", "--format", "md")
        bad = too_wide(dmd, 80, markdown=True)
        if bad:
            return fail("Markdown diff lines wider than 80 columns", "\n".join(bad))
        if "- **▶** " not in dmd:
            return fail("the Markdown diff does not mark its first difference", dmd)

        # -o through a symbolic link (as /dev/stdout is) writes its target
        # and leaves the link, which a rename of a temporary file over it
        # would replace.
        target = os.path.join(d, "target.md")
        link = os.path.join(d, "link.md")
        with open(target, "w") as f:
            f.write("old\n")
        os.symlink(target, link)
        report(args.evsim, db, "--run", "1", "--format", "md", "-o", link)
        with open(target) as f:
            via = f.read()
        if not os.path.islink(link) or via != md:
            return fail("-o through a symbolic link replaced the link "
                        "instead of writing its target")
    print("text and Markdown reports fit in 80 columns")
    return 0


if __name__ == "__main__":
    sys.exit(main())
