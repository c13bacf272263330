-- SPDX-License-Identifier: BSD-2-Clause
-- filt_proc(): NOTE_EXIT sets EV_EOF|EV_ONESHOT and DETACHED but no exit status: data stays 0.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: NOTE_EXIT carries no exit status",
  kernel = "freebsd@7773002",
  main = function()
    local kq = sys.kqueue()
    local r, w = sys.pipe()
    local pid = sys.fork(function() sys.read(r, 1); return 7 end)
    assert(reg(kq, {ident = pid, filter = sys.EVFILT_PROC, flags = sys.EV_ADD, fflags = sys.NOTE_EXIT}))
    sys.write(w, "x")
    local ev = assert(sys.kevent(kq, nil, 1, nil))
    assert(#ev == 1 and ev[1].fflags == sys.NOTE_EXIT and ev[1].data == 0, ev[1].data)
    assert(ev[1].flags == sys.EV_ADD | sys.EV_CLEAR | sys.EV_EOF | sys.EV_ONESHOT, ev[1].flags)
    assert(sim.inspect(kq, pid, sys.EVFILT_PROC) == nil)
    local p, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 7)
  end,
}
