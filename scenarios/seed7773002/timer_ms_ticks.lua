-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_TIMER: data in milliseconds, fflags ignored (no NOTE_SECONDS in 2003); each period is tvtohz(data ms): 25 ms is 4 ticks, so expiries at 40, 80, 120 ms; EV_CLEAR is set automatically.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: EVFILT_TIMER periods in ms rounded to ticks",
  kernel = "freebsd@7773002",
  main = function()
    local kq = sys.kqueue()
    assert(reg(kq, {ident = 1, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, fflags = sys.NOTE_SECONDS, data = 25}))
    local k = sim.inspect(kq, 1, sys.EVFILT_TIMER)
    assert(k.kn_flags == sys.EV_ADD | sys.EV_CLEAR)
    local ev = assert(sys.kevent(kq, nil, 1, nil))
    assert(#ev == 1 and ev[1].data == 1 and sim.now() == 40 * sim.MSEC, sim.now())
    ev = assert(sys.kevent(kq, nil, 1, nil))
    assert(#ev == 1 and ev[1].data == 1 and sim.now() == 80 * sim.MSEC, sim.now())
    sys.sleep(100 * sim.MSEC)
    ev = poll(kq)
    assert(#ev == 1 and ev[1].data == 2, ev[1].data)
  end,
}
