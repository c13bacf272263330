-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_TIMER EV_ONESHOT fires once and is dropped.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EVFILT_TIMER EV_ONESHOT fires once and is dropped",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    assert(reg(kq, {ident = 5, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD | sys.EV_ONESHOT, data = 1}))
    local ev = assert(sys.kevent(kq, nil, 4, nil))
    assert(#ev == 1 and ev[1].data == 1)
    assert(sim.inspect(kq, 5, sys.EVFILT_TIMER) == nil)
    ev = assert(sys.kevent(kq, nil, 4, 50 * sim.MSEC))
    assert(#ev == 0 and sim.now() == 51 * sim.MSEC, sim.now())
  end,
}
