-- SPDX-License-Identifier: BSD-2-Clause
-- knote_fork() registers the child's notes with M_NOWAIT; when the spare
-- knote_alloc() of the first one (the NOTE_CHILD note) fails,
-- kqueue_register() returns ENOMEM and knote_fork() sets NOTE_TRACKERR on
-- the parent's knote.  The second registration (the tracking note) still
-- succeeds, so the parent sees NOTE_FORK|NOTE_TRACKERR and, later, the
-- child's NOTE_EXIT, but never a NOTE_CHILD event (reference/kqueue.md
-- section 2.5).
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "fail point kqueue_register:knote_alloc: NOTE_TRACKERR, no NOTE_CHILD",
  kernel = "freebsd",
  failpoints = { ["kqueue_register:knote_alloc"] = "1*return" },
  main = function()
    local kq = assert(sys.kqueue())
    local me = sys.getpid()
    assert(reg(kq, {ident = me, filter = sys.EVFILT_PROC, flags = sys.EV_ADD,
      fflags = sys.NOTE_FORK | sys.NOTE_TRACK | sys.NOTE_EXIT, udata = "w"}))
    local r, w = sys.pipe()
    local pid = sys.fork(function()
      sys.read(r, 1)
      return 3
    end)
    assert(sim.failpoint("kqueue_register:knote_alloc") == "off")
    local ev = assert(sys.kevent(kq, nil, 8, 0))
    assert(#ev == 1, #ev)
    assert(ev[1].ident == me and ev[1].udata == "w")
    assert(ev[1].fflags == sys.NOTE_FORK | sys.NOTE_TRACKERR, ev[1].fflags)
    -- the tracking note was registered: the child's exit is reported
    sys.write(w, "x")
    sys.waitpid(pid, 0)
    ev = assert(sys.kevent(kq, nil, 8, 0))
    assert(#ev == 1 and ev[1].ident == pid and ev[1].fflags == sys.NOTE_EXIT, #ev)
    assert(ev[1].data == 3 << 8)
  end,
}
