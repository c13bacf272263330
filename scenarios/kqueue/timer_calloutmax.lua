-- SPDX-License-Identifier: BSD-2-Clause
-- kern.kq_calloutmax limits timers: ENOMEM.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "kern.kq_calloutmax limits timers: ENOMEM",
  kernel = "freebsd",
  kernels = { "freebsd", "freebsd@7773002" },
  limits = { ["kern.kq_calloutmax"] = 2 },
  main = function()
    local kq = sys.kqueue()
    assert(reg(kq, {ident = 1, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 10}))
    assert(reg(kq, {ident = 2, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 10}))
    local _, err = reg(kq, {ident = 3, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 10})
    assert(err == "ENOMEM", err)
    assert(reg(kq, {ident = 1, filter = sys.EVFILT_TIMER, flags = sys.EV_DELETE}))
    assert(reg(kq, {ident = 3, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 10}))
  end,
}
