-- SPDX-License-Identifier: BSD-2-Clause
-- re-adding an EVFILT_TIMER discards pending expiries and restarts it.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "re-adding an EVFILT_TIMER discards pending expiries and restarts it",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    assert(reg(kq, {ident = 1, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 10}))
    sys.sleep(25 * sim.MSEC)
    assert(sim.inspect(kq, 1, sys.EVFILT_TIMER).kn_data == 2)
    assert(reg(kq, {ident = 1, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 20}))
    local k = sim.inspect(kq, 1, sys.EVFILT_TIMER)
    assert(k.kn_data == 0 and not k.kn_status.QUEUED and k.kn_sdata == 20)
    local ev = assert(sys.kevent(kq, nil, 4, nil))
    assert(#ev == 1 and ev[1].data == 1 and sim.now() == 45 * sim.MSEC, sim.now())
  end,
}
