-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_PROC NOTE_EXIT: data is the wait status, EV_EOF|EV_ONESHOT.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EVFILT_PROC NOTE_EXIT: data is the wait status, EV_EOF|EV_ONESHOT",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    local r, w = sys.pipe()
    local pid = sys.fork(function() sys.read(r, 1); return 3 end)
    assert(reg(kq, {ident = pid, filter = sys.EVFILT_PROC, flags = sys.EV_ADD, fflags = sys.NOTE_EXIT, udata = "child"}))
    assert(#poll(kq) == 0)
    sys.write(w, "go")
    local ev = assert(sys.kevent(kq, nil, 4, nil))
    assert(#ev == 1 and ev[1].ident == pid and ev[1].fflags == sys.NOTE_EXIT)
    assert(ev[1].data == 3 << 8, ev[1].data)
    assert(ev[1].flags == sys.EV_CLEAR | sys.EV_EOF | sys.EV_ONESHOT, ev[1].flags)
    assert(ev[1].udata == "child")
    assert(sim.inspect(kq, pid, sys.EVFILT_PROC) == nil)
    local p, st = sys.waitpid(pid, 0)
    assert(p == pid and sys.WEXITSTATUS(st) == 3)
  end,
}
