-- SPDX-License-Identifier: BSD-2-Clause
-- Before the NOTE_CHILD event is read the child exits: EV_CLEAR keeps fflags until the scan, so one event reports NOTE_CHILD|NOTE_EXIT with data still the parent pid.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: NOTE_CHILD and NOTE_EXIT merge in one event",
  kernel = "freebsd@7773002",
  main = function()
    local kq = sys.kqueue()
    local r, w = sys.pipe()
    local pid = sys.fork(function()
      sys.read(r, 1)
      local g = sys.fork(function() return 1 end)
      sys.waitpid(g, 0)
    end)
    assert(reg(kq, {ident = pid, filter = sys.EVFILT_PROC, flags = sys.EV_ADD,
      fflags = sys.NOTE_TRACK | sys.NOTE_EXIT}))
    sys.write(w, "x")
    sys.waitpid(pid, 0)
    local ev = poll(kq)
    local c
    for _, e in ipairs(ev) do if e.ident ~= pid then c = e end end
    assert(c and c.fflags == sys.NOTE_CHILD | sys.NOTE_EXIT and c.data == pid, c and c.fflags)
    assert(c.flags & sys.EV_EOF ~= 0)
  end,
}
