-- SPDX-License-Identifier: BSD-2-Clause
-- NOTE_TRACK: filt_proc() registers one knote on the child through kqueue_register() with the parent knote's flags plus EV_ADD|EV_ENABLE|EV_FLAG1; filt_procattach() turns EV_FLAG1 into NOTE_CHILD with data = parent pid. The same knote then tracks the child and, unread, merges NOTE_CHILD with NOTE_EXIT.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: NOTE_TRACK creates one child knote",
  kernel = "freebsd@7773002",
  main = function()
    local kq = sys.kqueue()
    local r, w = sys.pipe()
    local r2, w2 = sys.pipe()
    local pid = sys.fork(function()
      sys.read(r, 1)
      local g = sys.fork(function() sys.read(r2, 1); return 5 end)
      sys.waitpid(g, 0)
    end)
    assert(reg(kq, {ident = pid, filter = sys.EVFILT_PROC, flags = sys.EV_ADD,
      fflags = sys.NOTE_TRACK | sys.NOTE_FORK | sys.NOTE_EXIT, udata = "t"}))
    sys.write(w, "x")
    sys.sleep(sim.MSEC)
    local n = #sim.inspect(kq).knotes
    assert(n == 2, n)
    local ev = poll(kq)
    assert(#ev == 2, #ev)
    local parent, child
    for _, e in ipairs(ev) do if e.ident == pid then parent = e else child = e end end
    assert(parent.fflags == sys.NOTE_FORK and parent.flags == sys.EV_ADD | sys.EV_CLEAR, parent.flags)
    assert(child.fflags == sys.NOTE_CHILD and child.data == pid and child.udata == "t")
    assert(child.flags == sys.EV_ADD | sys.EV_ENABLE | sys.EV_CLEAR, child.flags)
    local c = child.ident
    local k = sim.inspect(kq, c, sys.EVFILT_PROC)
    assert(k.kn_sfflags == sys.NOTE_TRACK | sys.NOTE_FORK | sys.NOTE_EXIT and k.kn_sdata == pid)
    -- the grandchild exits before the parent reads: one merged event
    sys.write(w2, "y")
    sys.waitpid(pid, 0)
    ev = poll(kq)
    local by = {}
    for _, e in ipairs(ev) do by[e.ident] = e end
    assert(by[c].fflags == sys.NOTE_EXIT and by[c].data == 0, by[c].fflags)
    assert(by[pid].fflags == sys.NOTE_EXIT)
  end,
}
