-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_TIMER data 0 without EV_ONESHOT becomes 1 ms.
-- code-derived: filt_timervalidate()
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EVFILT_TIMER data 0 without EV_ONESHOT becomes 1 ms",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    assert(reg(kq, {ident = 1, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 0}))
    assert(sim.inspect(kq, 1, sys.EVFILT_TIMER).kn_sdata == 1)
    local ev = assert(sys.kevent(kq, nil, 4, nil))
    assert(sim.now() == sim.MSEC and ev[1].data == 1)
  end,
}
