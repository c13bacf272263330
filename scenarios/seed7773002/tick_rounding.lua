-- SPDX-License-Identifier: BSD-2-Clause
-- tvtohz(): 15 ms at hz 100 is (15000 + 9999) / 10000 + 1 = 3 ticks, 30 ms from tick 0; 10 ms is 2 ticks; 500 us becomes one tick (itimerfix) and then 2.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: timeouts are rounded up to ticks plus one",
  kernel = "freebsd@7773002",
  main = function()
    local kq = sys.kqueue()
    local t0 = sim.now()
    assert(#assert(sys.kevent(kq, nil, 1, 15 * sim.MSEC)) == 0)
    assert(sim.now() - t0 == 30 * sim.MSEC, sim.now())
    t0 = sim.now()
    assert(#assert(sys.kevent(kq, nil, 1, 10 * sim.MSEC)) == 0)
    assert(sim.now() - t0 == 20 * sim.MSEC, sim.now() - t0)
    t0 = sim.now()
    assert(#assert(sys.kevent(kq, nil, 1, 500 * sim.USEC)) == 0)
    assert(sim.now() - t0 == 20 * sim.MSEC, sim.now() - t0)
  end,
}
