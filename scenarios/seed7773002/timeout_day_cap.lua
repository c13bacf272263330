-- SPDX-License-Identifier: BSD-2-Clause
-- kqueue_scan() caps a sleep at one day (24 * 60 * 60 * hz ticks), and a
-- sleep that times out ends the scan (EWOULDBLOCK is not retried): a
-- two-day timeout returns no events after one day.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "freebsd@7773002: a kevent timeout beyond one day returns after one day",
  kernel = "freebsd@7773002",
  main = function()
    local kq = sys.kqueue()
    local day = 24 * 60 * 60 * sim.SEC
    local ev = assert(sys.kevent(kq, nil, 1, 2 * day))
    assert(#ev == 0 and sim.now() == day, sim.now())
    -- within a day: the tvtohz() rounding (one extra tick)
    local t0 = sim.now()
    ev = assert(sys.kevent(kq, nil, 1, 3600 * sim.SEC))
    assert(#ev == 0 and sim.now() - t0 == 3600 * sim.SEC + 10 * sim.MSEC, sim.now() - t0)
  end,
}
