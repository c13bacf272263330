-- SPDX-License-Identifier: BSD-2-Clause
-- filt_procattach(): with NOTE_EXIT a zombie is found (zpfind) and the knote fires at once; without NOTE_EXIT a zombie is ESRCH.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: a zombie fires NOTE_EXIT at once",
  kernel = "freebsd@7773002",
  main = function()
    local kq = sys.kqueue()
    local pid = sys.fork(function() return 3 end)
    sys.sleep(sim.MSEC)
    local ok, err = reg(kq, {ident = pid, filter = sys.EVFILT_PROC, flags = sys.EV_ADD, fflags = sys.NOTE_FORK})
    assert(ok == nil and err == "ESRCH")
    assert(reg(kq, {ident = pid, filter = sys.EVFILT_PROC, flags = sys.EV_ADD, fflags = sys.NOTE_EXIT}))
    local k = sim.inspect(kq, pid, sys.EVFILT_PROC)
    assert(k.kn_status.DETACHED and k.kn_status.QUEUED)
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].fflags == sys.NOTE_EXIT and ev[1].data == 0)
    ok, err = reg(kq, {ident = 99999, filter = sys.EVFILT_PROC, flags = sys.EV_ADD, fflags = sys.NOTE_EXIT})
    assert(ok == nil and err == "ESRCH")
    sys.waitpid(pid, 0)
  end,
}
