-- SPDX-License-Identifier: BSD-2-Clause
-- A re-add of a timer changes kn_sdata only: the armed callout keeps its expiry, and the new period applies when filt_timerexpire() re-arms.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: re-adding a timer does not re-arm it",
  kernel = "freebsd@7773002",
  main = function()
    local kq = sys.kqueue()
    assert(reg(kq, {ident = 1, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 100}))
    sys.sleep(50 * sim.MSEC)
    assert(reg(kq, {ident = 1, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 1000}))
    -- first expiry still at tvtohz(100 ms) = 11 ticks
    local ev = assert(sys.kevent(kq, nil, 1, nil))
    assert(#ev == 1 and sim.now() == 110 * sim.MSEC, sim.now())
    -- then every tvtohz(1000 ms) = 101 ticks
    ev = assert(sys.kevent(kq, nil, 1, nil))
    assert(#ev == 1 and sim.now() == 1120 * sim.MSEC, sim.now())
  end,
}
