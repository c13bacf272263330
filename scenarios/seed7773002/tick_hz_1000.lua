-- SPDX-License-Identifier: BSD-2-Clause
-- kern.hz is a tunable: at 1000 Hz a 1 ns timeout sleeps 1 ms and 15 ms sleeps 16 ticks.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: kern.hz = 1000 shortens the tick",
  kernel = "freebsd@7773002",
  limits = { ["kern.hz"] = 1000 },
  main = function()
    local kq = sys.kqueue()
    assert(sim.sysctl("kern.hz") == 1000)
    assert(#assert(sys.kevent(kq, nil, 1, 1)) == 0)
    assert(sim.now() == sim.MSEC, sim.now())
    local t0 = sim.now()
    assert(#assert(sys.kevent(kq, nil, 1, 15 * sim.MSEC)) == 0)
    assert(sim.now() - t0 == 16 * sim.MSEC, sim.now() - t0)
  end,
}
