-- SPDX-License-Identifier: BSD-2-Clause
-- tvtohz() rounds up and adds one tick: a 1 ns timeout (0 us after TIMESPEC_TO_TIMEVAL) sleeps until the next tick of kern.hz = 100, 10 ms.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: a 1 ns timeout sleeps one tick",
  kernel = "freebsd@7773002",
  main = function()
    local kq = sys.kqueue()
    local ev = assert(sys.kevent(kq, nil, 1, 1))
    assert(#ev == 0 and sim.now() == 10 * sim.MSEC, sim.now())
    -- from the middle of a tick: to the next tick boundary only
    sys.sleep(3 * sim.MSEC)
    ev = assert(sys.kevent(kq, nil, 1, 1))
    assert(#ev == 0 and sim.now() == 20 * sim.MSEC, sim.now())
  end,
}
