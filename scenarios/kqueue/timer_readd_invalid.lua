-- SPDX-License-Identifier: BSD-2-Clause
-- re-adding a timer with invalid parameters: kevent succeeds, the knote carries EV_ERROR.
-- code-derived: filt_timertouch() (reference §2.6)
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "re-adding a timer with invalid parameters: kevent succeeds, the knote carries EV_ERROR",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    assert(reg(kq, {ident = 1, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 10}))
    assert(reg(kq, {ident = 1, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = -5}))
    local k = sim.inspect(kq, 1, sys.EVFILT_TIMER)
    assert(k.kn_flags & sys.EV_ERROR ~= 0 and k.kn_data == 22, k.kn_data)
    -- data != 0 makes filt_timer true: reported with EV_ERROR and EINVAL
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].flags & sys.EV_ERROR ~= 0 and ev[1].data == 22, #ev)
  end,
}
