-- SPDX-License-Identifier: BSD-2-Clause
-- filt_timerattach() counts callouts against kern.kq_calloutmax: ENOMEM beyond it; a deleted timer frees its slot.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: kern.kq_calloutmax limits timers",
  kernel = "freebsd@7773002",
  limits = { ["kern.kq_calloutmax"] = 2 },
  main = function()
    local kq = sys.kqueue()
    assert(reg(kq, {ident = 1, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 10}))
    assert(reg(kq, {ident = 2, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 10}))
    local ok, err = reg(kq, {ident = 3, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 10})
    assert(ok == nil and err == "ENOMEM")
    assert(reg(kq, {ident = 1, filter = sys.EVFILT_TIMER, flags = sys.EV_DELETE}))
    assert(reg(kq, {ident = 3, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 10}))
  end,
}
