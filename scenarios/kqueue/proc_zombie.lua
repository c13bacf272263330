-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_PROC on a zombie: NOTE_EXIT attaches and fires at once, without it ESRCH.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EVFILT_PROC on a zombie: NOTE_EXIT attaches and fires at once, without it ESRCH",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    local pid = sys.fork(function() return 9 end)
    sys.sleep(sim.MSEC) -- the child runs and exits; not reaped
    local _, err = reg(kq, {ident = pid, filter = sys.EVFILT_PROC, flags = sys.EV_ADD, fflags = sys.NOTE_FORK})
    assert(err == "ESRCH", err)
    assert(reg(kq, {ident = pid, filter = sys.EVFILT_PROC, flags = sys.EV_ADD, fflags = sys.NOTE_EXIT}))
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].fflags == sys.NOTE_EXIT and ev[1].data == 9 << 8, ev[1] and ev[1].data)
    sys.waitpid(pid, 0)
  end,
}
