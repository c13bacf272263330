#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""What the database keeps of a run, read back with SQLite.

1. syscalls: every call has its row (100 sched_yields are 100 rows), keyed
   by sc_seq counting from 1 within the run.
2. args and result are JSON that SQLite's JSON functions read, decoded as
   kdump does: kevent change lists and returned events (filter, flags,
   fflags by name, EV_ERROR data by errno name, udata as written), port
   events (portev_*), alert modes, errno by name; strings keep NUL bytes
   and invalid UTF-8 is escaped, so every value is valid JSON.  The
   json_extract queries of evsim-db(5) work.
3. objects: one row per object the trace names, with a label: a knote's
   kqueue, ident, filter and udata; a file's type, pipe end and fds; a
   thread's name (sys.thr_set_name, else its function, else main); a port
   event's source and object.
4. modules: the modules a run require()s are stored, and replay reads them
   from the database only; require refuses a symbolic link out of the
   scenario's folder.
5. print, sim.label and the scenario's name keep NUL bytes (database and
   canonical trace), and such a run replays identically.
6. A run whose recording was cut short (status still 'running') replays as
   "interrupted at seq N"; a changed transition before the cut still
   diverges (exit 3).
"""
import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

FAILS = []


def check(cond, what):
    print(("ok    " if cond else "FAIL  ") + what)
    if not cond:
        FAILS.append(what)


def evsim(args, *a, cwd=None):
    return subprocess.run([args.evsim] + list(a), capture_output=True,
                          cwd=cwd)


YIELDS = r"""
return { name = "yie\0lds", main = function()
  for i = 1, 100 do sys.sched_yield() end
end }
"""

KQUEUE = r"""
return { name = "kqueue json", main = function()
  local kq = sys.kqueue()
  local r, w = sys.pipe()
  assert(sys.kevent(kq, {
    { ident = r, filter = sys.EVFILT_READ,
      flags = sys.EV_ADD | sys.EV_ONESHOT, udata = "x" },
    { ident = w, filter = sys.EVFILT_WRITE, flags = sys.EV_ADD, udata = 1 },
    { ident = 12345, filter = sys.EVFILT_READ,
      flags = sys.EV_ADD | sys.EV_RECEIPT },
  }, 8, 0))
  sys.write(w, "a\0b\255c")
  sys.close(w)
  local evs = assert(sys.kevent(kq, nil, 4, 0))
  local t = sys.thread(function() sys.sched_yield() end)
  sys.join(t)
  assert(sys.thr_set_name(-1, "boss"))
  sys.close(12345)
end }
"""

PORTS = r"""
return { name = "port json", kernel = "illumos", main = function()
  local p = sys.port_create()
  local r, w = sys.pipe()
  assert(sys.port_associate(p, sys.PORT_SOURCE_FD, r, sys.POLLIN, "reader"))
  sys.write(w, "x")
  local ev = assert(sys.port_get(p, 0))
  assert(sys.port_send(p, 1, 0/0))
  assert(sys.port_sendn({p}, 2, -1/0))
  assert(sys.port_alert(p, sys.PORT_ALERT_SET, 7, "alert"))
  local evs = sys.port_getn(p, 4, 1, 0)
end }
"""

DEADLOCK = """
return { name = "deadlock", main = function()
  local r, w = sys.pipe()
  sys.read(r, 1)
end }
"""

MAIN_MOD = """
local h = require("helper")
return { name = "modules", main = function()
  print(h.word)
end }
"""

EVIL_MOD = """
return { name = "symlink", main = function()
  local ok, err = pcall(require, "evil")
  assert(not ok)
  print(err)
end }
"""


def q(db, sql, *params):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--evsim", required=True)
    ap.add_argument("--srcdir", required=True)
    args = ap.parse_args()
    args.evsim = os.path.abspath(args.evsim)
    tmp = tempfile.mkdtemp(prefix="evsim-records-")
    try:
        run_checks(args, tmp)
    finally:
        shutil.rmtree(tmp)
    if FAILS:
        print("%d check(s) failed" % len(FAILS))
        return 1
    return 0


def run_checks(args, tmp):
    db = os.path.join(tmp, "t.db")

    # 1. every syscall has its row
    write(os.path.join(tmp, "yields.lua"), YIELDS)
    p = evsim(args, "run", os.path.join(tmp, "yields.lua"), "--db", db,
              "--quiet")
    check(p.returncode == 0, "yields scenario passes")
    rows = q(db, "SELECT sc_seq, name FROM syscalls WHERE run_id = 1"
             " ORDER BY sc_seq")
    check(len(rows) == 100, "100 sched_yields are 100 rows (%d)" % len(rows))
    check([r[0] for r in rows] == list(range(1, len(rows) + 1)),
          "sc_seq counts the calls from 1")
    check(q(db, "SELECT syscalls FROM runs WHERE id = 1")[0][0] == 100,
          "runs.syscalls is the number of rows")
    check(q(db, "SELECT hex(scenario) FROM runs WHERE id = 1")
          == [("796965006C6473",)], "the scenario's name keeps its NUL byte")

    # a call still blocked when the run ends (a deadlock) has its row
    write(os.path.join(tmp, "dl.lua"), DEADLOCK)
    ddb = os.path.join(tmp, "d.db")
    p = evsim(args, "run", os.path.join(tmp, "dl.lua"), "--db", ddb,
              "--quiet")
    rows = q(ddb, "SELECT name, result, errno FROM syscalls ORDER BY sc_seq")
    check(p.returncode == 1 and rows[-1:] == [("read", None, None)],
          "the read that deadlocked has its row (%r)" % rows)
    check(q(ddb, "SELECT syscalls FROM runs")[0][0] == len(rows),
          "runs.syscalls counts it")

    # 2. JSON args and results, kevent
    write(os.path.join(tmp, "kq.lua"), KQUEUE)
    p = evsim(args, "run", os.path.join(tmp, "kq.lua"), "--db", db,
              "--quiet")
    check(p.returncode == 0, "kqueue scenario passes: %s" % p.stderr)
    bad = q(db, "SELECT count(*) FROM syscalls WHERE NOT json_valid(args)"
            " OR (result IS NOT NULL AND NOT json_valid(result))")[0][0]
    check(bad == 0, "every args and result is valid JSON")
    nores = q(db, "SELECT count(*) FROM syscalls WHERE errno IS NULL AND"
              " result IS NULL")[0][0]
    check(nores == 0, "a call that succeeded has a result")
    changes = q(db, """
        SELECT json_extract(c.value, '$.ident'),
               json_extract(c.value, '$.filter'),
               json_extract(c.value, '$.flags'),
               json_extract(c.value, '$.udata')
          FROM syscalls s, json_each(s.args, '$.changelist') c
         WHERE s.run_id = 2 AND s.name = 'kevent'
           AND EXISTS (SELECT 1 FROM json_each(c.value, '$.flags') f
                        WHERE f.value = 'EV_ADD')""")
    check(len(changes) == 3, "the man page's change-list query finds the"
          " three EV_ADD changes (%r)" % (changes,))
    check(changes and changes[0][1] == "EVFILT_READ"
          and changes[0][2] == '["EV_ADD","EV_ONESHOT"]'
          and changes[0][3] == "x",
          "filter and flags by name, udata as written: %r"
          % (changes[:1],))
    check(len(changes) > 1 and changes[1][3] == 1,
          "an integer udata stays an integer")
    receipts = q(db, """
        SELECT json_extract(e.value, '$.data')
          FROM syscalls s, json_each(s.result, '$.eventlist') e
         WHERE s.run_id = 2 AND s.name = 'kevent'
           AND EXISTS (SELECT 1 FROM json_each(e.value, '$.flags') f
                        WHERE f.value = 'EV_ERROR')""")
    check(receipts == [("EBADF",)],
          "an EV_ERROR entry carries its errno by name (%r)" % receipts)
    eof = q(db, """
        SELECT json_extract(e.value, '$.udata')
          FROM syscalls s, json_each(s.result, '$.eventlist') e
         WHERE s.run_id = 2 AND s.name = 'kevent'
           AND EXISTS (SELECT 1 FROM json_each(e.value, '$.flags') f
                        WHERE f.value = 'EV_EOF')""")
    check(("x",) in eof, "the man page's EV_EOF query finds the read event"
          " with its udata (%r)" % eof)
    wr = q(db, "SELECT args FROM syscalls WHERE run_id = 2 AND"
           " name = 'write'")[0][0]
    check('"a\\u0000b\\\\xffc"' in wr,
          "write data keeps its NUL byte and escapes the invalid byte: %s"
          % wr)
    err = q(db, "SELECT errno, result FROM syscalls WHERE run_id = 2 AND"
            " name = 'close' ORDER BY sc_seq DESC LIMIT 1")
    check(err == [("EBADF", None)], "a failed call: errno by name, result"
          " NULL (%r)" % err)

    # 3. objects and labels
    missing = q(db, "SELECT count(DISTINCT object) FROM trace t WHERE"
                " run_id = 2 AND NOT EXISTS (SELECT 1 FROM objects o WHERE"
                " o.run_id = 2 AND o.object = t.object)")[0][0]
    check(missing == 0, "every object the trace names has its objects row")
    labels = dict(q(db, "SELECT object, label FROM objects WHERE"
                    " run_id = 2"))
    kn = [v for k, v in labels.items() if k.startswith("knote#")]
    check(any("EVFILT_READ" in v and 'udata "x"' in v and "kqueue#1" in v
              and "ident 1" in v for v in kn),
          "a knote's label: kqueue, ident, filter, udata (%r)" % kn)
    files = [v for k, v in labels.items() if k.startswith("file#")]
    check(any(v.startswith("pipe pipe#1 read end, fd 1 of pid 1")
              for v in files), "a file's label: type, end, fds (%r)" % files)
    check(labels.get("proc#1") == "pid 1 (init)"
          and labels.get("pipe#1") == "read end, write end pipe#2"
          and labels.get("kqueue#1") == "kqueue of pid 1"
          and labels.get("filedesc#1") == "descriptor table of pid 1",
          "processes, pipes, kqueues and descriptor tables are labelled")
    check(labels.get("thread#100100") == "boss",
          "sys.thr_set_name names the thread's object")
    check(any(v.startswith("function <") for k, v in labels.items()
              if k.startswith("thread#") and k != "thread#100100"),
          "an unnamed thread is labelled by its function")
    life = q(db, "SELECT created_seq, freed_seq FROM objects WHERE"
             " run_id = 2 AND object = 'knote#1'")
    check(life and life[0][0] is not None and life[0][1] is not None
          and life[0][0] < life[0][1],
          "a knote's created_seq and freed_seq (%r)" % life)
    tdn = q(db, "SELECT old, new FROM trace WHERE run_id = 2 AND"
            " field = 'td_name'")
    check(tdn == [("", "boss")], "thr_set_name is a td_name transition")

    # port events
    write(os.path.join(tmp, "ports.lua"), PORTS)
    p = evsim(args, "run", os.path.join(tmp, "ports.lua"), "--db", db,
              "--quiet")
    check(p.returncode == 0, "ports scenario passes: %s" % p.stderr)
    pe = q(db, "SELECT json_extract(result, '$.pe') FROM syscalls WHERE"
           " run_id = 3 AND name = 'port_get'")
    check(pe == [('{"portev_source":"PORT_SOURCE_FD","portev_events":'
                  '["POLLIN"],"portev_object":1,"portev_user":"reader"}',)],
          "port_get's event with portev_* members (%r)" % pe)
    users = q(db, "SELECT json_extract(args, '$.user') FROM syscalls WHERE"
              " run_id = 3 AND name IN ('port_send', 'port_sendn')"
              " ORDER BY sc_seq")
    check(users in ([("nan",), ("-inf",)], [("-nan",), ("-inf",)]),
          "a NaN or infinite user value is a string (%r)" % users)
    bad = q(db, "SELECT count(*) FROM syscalls WHERE NOT json_valid(args)"
            " OR (result IS NOT NULL AND NOT json_valid(result))")[0][0]
    check(bad == 0, "every args and result is valid JSON, ports too")
    al = q(db, "SELECT json_extract(args, '$.flags') FROM syscalls WHERE"
           " run_id = 3 AND name = 'port_alert'")
    check(al == [("PORT_ALERT_SET",)], "alert mode by name")
    pk = q(db, "SELECT label FROM objects WHERE run_id = 3 AND"
           " kind = 'portkev'")
    check(("PORT_SOURCE_FD fd 1 on port#1",) in pk,
          "a port event's label: source, object, port (%r)" % pk)

    # 4. modules
    sdir = os.path.join(tmp, "scn")
    os.mkdir(sdir)
    write(os.path.join(sdir, "helper.lua"), 'return { word = "hello" }\n')
    write(os.path.join(sdir, "mods.lua"), MAIN_MOD)
    mdb = os.path.join(tmp, "m.db")
    p = evsim(args, "run", os.path.join(sdir, "mods.lua"), "--db", mdb,
              "--quiet")
    check(p.returncode == 0, "a scenario that requires a module passes")
    mods = q(mdb, "SELECT name, source FROM modules WHERE run_id = 1")
    check(("helper", 'return { word = "hello" }\n') in mods,
          "the required module is stored with its text (%r)"
          % [m[0] for m in mods])
    os.rename(os.path.join(sdir, "helper.lua"),
              os.path.join(sdir, "helper.bak"))
    write(os.path.join(sdir, "helper.lua"), 'return { word = "changed" }\n')
    p = evsim(args, "replay", mdb)
    check(p.returncode == 0 and b"identical" in p.stdout,
          "replay reads the module from the database, not the changed"
          " file: %s" % p.stdout.decode(errors="replace"))
    outside = os.path.join(tmp, "outside.lua")
    write(outside, "return {}\n")
    os.symlink(outside, os.path.join(sdir, "evil.lua"))
    write(os.path.join(sdir, "evil_main.lua"), EVIL_MOD)
    p = evsim(args, "run", os.path.join(sdir, "evil_main.lua"), "--db", mdb)
    check(p.returncode == 0 and b"symbolic link out of" in p.stdout,
          "require refuses a symbolic link out of the scenario's folder: %s"
          % p.stdout.decode(errors="replace"))

    # 5. NUL bytes
    src = os.path.join(args.srcdir, "scenarios", "basic", "thread_names.lua")
    ndb = os.path.join(tmp, "n.db")
    p = evsim(args, "run", src, "--db", ndb, "--quiet")
    check(p.returncode == 0, "thread_names scenario passes")
    nul = q(ndb, "SELECT hex(new) FROM trace WHERE field IN"
            " ('stdout', 'label') ORDER BY seq")
    check(nul == [("780079",), ("6265666F7265006166746572",)],
          "print and sim.label keep their NUL bytes (%r)" % nul)
    p = evsim(args, "trace", ndb)
    check(b"x\\x00y" in p.stdout, "evsim trace writes NUL as \\x00")
    p = evsim(args, "replay", ndb)
    check(p.returncode == 0, "a run with NUL bytes replays identically")

    # 6. interrupted recordings
    cdb = os.path.join(tmp, "cut.db")
    p = evsim(args, "run", os.path.join(args.srcdir, "scenarios", "basic",
                                        "pipe_fork_wait.lua"),
              "--db", cdb, "--quiet")
    n = q(cdb, "SELECT transitions FROM runs WHERE id = 1")[0][0]
    cut = n - 11
    con = sqlite3.connect(cdb)
    con.execute("UPDATE runs SET status = 'running', trace_hash = NULL")
    # Run 1: trace_rows and trace_ctx are keyed by seq (evsim-db(5)).
    con.execute("DELETE FROM trace_rows WHERE id > ?", (cut,))
    con.execute("DELETE FROM trace_ctx WHERE id > ?", (cut,))
    con.execute("DELETE FROM decisions WHERE seq > ?", (cut,))
    con.commit()
    con.close()
    p = evsim(args, "replay", cdb)
    check(p.returncode == 0
          and ("interrupted at seq %d" % cut).encode() in p.stdout,
          "a cut recording replays as interrupted at seq %d: %s"
          % (cut, p.stdout.decode(errors="replace")))
    con = sqlite3.connect(cdb)
    # Transition 20's new value becomes 'changed': a string, a tuple.
    con.executescript("""INSERT INTO trace_str VALUES ((SELECT max(id) FROM trace_str) + 1, 'changed');
INSERT INTO trace_chg SELECT (SELECT max(id) FROM trace_chg) + 1, func, field, old, (SELECT max(id) FROM trace_str) FROM trace_chg WHERE id = (SELECT chg FROM trace_rows WHERE id = 20);
UPDATE trace_rows SET chg = (SELECT max(id) FROM trace_chg) WHERE id = 20;""")
    con.commit()
    con.close()
    p = evsim(args, "replay", cdb)
    check(p.returncode == 3 and b"DIVERGED" in p.stdout,
          "a changed transition before the cut still diverges (exit %d)"
          % p.returncode)


if __name__ == "__main__":
    sys.exit(main())
