-- SPDX-License-Identifier: BSD-2-Clause
-- EV_ONESHOT timer: filt_timerexpire() does not re-arm; the scan drops the knote.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: a oneshot timer fires once",
  kernel = "freebsd@7773002",
  main = function()
    local kq = sys.kqueue()
    assert(reg(kq, {ident = 9, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD | sys.EV_ONESHOT, data = 30}))
    local ev = assert(sys.kevent(kq, nil, 1, nil))
    assert(#ev == 1 and ev[1].ident == 9 and sim.now() == 40 * sim.MSEC, sim.now())
    assert(ev[1].flags == sys.EV_ADD | sys.EV_ONESHOT | sys.EV_CLEAR, ev[1].flags)
    assert(sim.inspect(kq, 9, sys.EVFILT_TIMER) == nil)
    ev = assert(sys.kevent(kq, nil, 1, 200 * sim.MSEC))
    assert(#ev == 0)
  end,
}
