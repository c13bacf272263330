-- SPDX-License-Identifier: BSD-2-Clause
-- filt_timerattach() takes any period: 0 ms and negative periods are tvtohz() = 1 tick, so the timer fires every tick.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: zero and negative timer periods fire every tick",
  kernel = "freebsd@7773002",
  main = function()
    local kq = sys.kqueue()
    assert(reg(kq, {ident = 1, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 0}))
    assert(reg(kq, {ident = 2, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = -5}))
    local ev = assert(sys.kevent(kq, nil, 4, nil))
    assert(#ev == 2 and sim.now() == 10 * sim.MSEC, sim.now())
    sys.sleep(35 * sim.MSEC) -- expiries at 20, 30, 40 ms
    ev = poll(kq)
    assert(#ev == 2 and ev[1].data == 3 and ev[2].data == 3, ev[1].data)
  end,
}
