-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_TIMER periodic: counts expiries, EV_CLEAR automatic.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EVFILT_TIMER periodic: counts expiries, EV_CLEAR automatic",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    assert(reg(kq, {ident = 1, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 10}))
    local ev = assert(sys.kevent(kq, nil, 4, nil))
    assert(#ev == 1 and ev[1].data == 1 and sim.now() == 10 * sim.MSEC, sim.now())
    assert(ev[1].flags == sys.EV_CLEAR and ev[1].ident == 1)
    sys.sleep(35 * sim.MSEC)
    ev = poll(kq)
    assert(#ev == 1 and ev[1].data == 3, ev[1] and ev[1].data)
  end,
}
