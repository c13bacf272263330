-- SPDX-License-Identifier: BSD-2-Clause
-- Classic fork fires NOTE_FORK on a PROC knote watching the forking process,
-- and NOTE_TRACK attaches a NOTE_CHILD knote for the child to the watching
-- kqueue, which the child itself does not inherit (reference/kqueue.md §2.5,
-- §3.1).
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "classic fork: NOTE_FORK and NOTE_TRACK on a knote watching the parent",
  kernels = { "freebsd", "freebsd@b11289f" },
  main = function()
    local kq = assert(sys.kqueue())
    local me = sys.getpid()
    assert(reg(kq, {ident = me, filter = sys.EVFILT_PROC, flags = sys.EV_ADD,
      fflags = sys.NOTE_FORK | sys.NOTE_TRACK | sys.NOTE_EXIT, udata = "w"}))
    local r, w = sys.pipe()
    local pid = sys.fork(function()
      local _, err = sys.kevent(kq, nil, 1, 0)
      assert(err == "EBADF", err)
      sys.read(r, 1)
      return 3
    end)
    local ev = assert(sys.kevent(kq, nil, 8, 0))
    assert(#ev == 2, #ev)
    local parent, child
    for _, e in ipairs(ev) do
      if e.ident == me then parent = e else child = e end
    end
    assert(parent.fflags == sys.NOTE_FORK and parent.udata == "w", parent.fflags)
    assert(child.ident == pid and child.fflags == sys.NOTE_CHILD and child.data == me)
    assert(child.flags == sys.EV_CLEAR | sys.EV_ONESHOT, child.flags)
    -- the tracking knote on the child reports its exit
    sys.write(w, "x")
    sys.waitpid(pid, 0)
    ev = assert(sys.kevent(kq, nil, 8, 0))
    assert(#ev == 1 and ev[1].ident == pid and ev[1].fflags == sys.NOTE_EXIT, #ev)
    assert(ev[1].data == 3 << 8)
  end,
}
