-- SPDX-License-Identifier: BSD-2-Clause
-- EV_DELETE of a timer: filt_timerdetach() stops and frees the callout, so nothing fires later.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: deleting a timer stops it",
  kernel = "freebsd@7773002",
  main = function()
    local kq = sys.kqueue()
    assert(reg(kq, {ident = 1, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 20}))
    sys.sleep(5 * sim.MSEC)
    assert(reg(kq, {ident = 1, filter = sys.EVFILT_TIMER, flags = sys.EV_DELETE}))
    local ev = assert(sys.kevent(kq, nil, 1, 100 * sim.MSEC))
    assert(#ev == 0)
    local ok, err = reg(kq, {ident = 1, filter = sys.EVFILT_TIMER, flags = sys.EV_DELETE})
    assert(ok == nil and err == "ENOENT")
  end,
}
