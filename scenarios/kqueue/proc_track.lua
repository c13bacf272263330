-- SPDX-License-Identifier: BSD-2-Clause
-- NOTE_TRACK: NOTE_CHILD one-shot knote on the child with data = parent pid.
-- code-derived: knote_fork() registration order (reference §2.5)
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "NOTE_TRACK: NOTE_CHILD one-shot knote on the child with data = parent pid",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    local r, w = sys.pipe()
    local r2, w2 = sys.pipe()
    local child
    local pid = sys.fork(function()
      sys.read(r, 1)
      local g = sys.fork(function() sys.read(r2, 1); return 5 end)
      sys.waitpid(g, 0)
      return 0
    end)
    assert(reg(kq, {ident = pid, filter = sys.EVFILT_PROC, flags = sys.EV_ADD,
      fflags = sys.NOTE_TRACK | sys.NOTE_FORK | sys.NOTE_EXIT, udata = "t"}))
    sys.write(w, "x")
    sys.sleep(sim.MSEC)
    local ev = poll(kq)
    assert(#ev == 2, #ev)
    local parent, note
    for _, e in ipairs(ev) do
      if e.ident == pid then parent = e else note = e end
    end
    assert(parent.fflags == sys.NOTE_FORK and parent.flags == sys.EV_CLEAR)
    assert(note.fflags == sys.NOTE_CHILD and note.data == pid, note.fflags)
    assert(note.flags == sys.EV_CLEAR | sys.EV_ONESHOT and note.udata == "t", note.flags)
    child = note.ident
    -- the tracking knote then reports the grandchild's exit
    sys.write(w2, "y")
    sys.waitpid(pid, 0)
    ev = poll(kq)
    local exits = {}
    for _, e in ipairs(ev) do exits[e.ident] = e end
    assert(exits[child].fflags == sys.NOTE_EXIT and exits[child].data == 5 << 8)
    assert(exits[pid].fflags == sys.NOTE_EXIT)
  end,
}
