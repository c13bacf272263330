-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_PROC without NOTE_EXIT: the exit is dropped silently (EV_DROP).
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EVFILT_PROC without NOTE_EXIT: the exit is dropped silently (EV_DROP)",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    local r, w = sys.pipe()
    local pid = sys.fork(function() sys.read(r, 1) end)
    assert(reg(kq, {ident = pid, filter = sys.EVFILT_PROC, flags = sys.EV_ADD, fflags = sys.NOTE_FORK}))
    sys.write(w, "x")
    sys.waitpid(pid, 0)
    local ev = poll(kq)
    assert(#ev == 0, #ev)
    assert(sim.inspect(kq, pid, sys.EVFILT_PROC) == nil)
  end,
}
