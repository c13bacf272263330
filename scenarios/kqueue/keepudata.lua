-- SPDX-License-Identifier: BSD-2-Clause
-- EV_KEEPUDATA with EV_ADD is EINVAL; on a modify it keeps the udata.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EV_KEEPUDATA with EV_ADD is EINVAL; on a modify it keeps the udata",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    local _, err = reg(kq, {ident = 1, filter = sys.EVFILT_USER, flags = sys.EV_ADD | sys.EV_KEEPUDATA})
    assert(err == "EINVAL", err)
    assert(reg(kq, {ident = 1, filter = sys.EVFILT_USER, flags = sys.EV_ADD, udata = "first"}))
    assert(reg(kq, {ident = 1, filter = sys.EVFILT_USER, flags = sys.EV_KEEPUDATA, fflags = sys.NOTE_TRIGGER, udata = "second"}))
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].udata == "first")
    assert(reg(kq, {ident = 1, filter = sys.EVFILT_USER, fflags = sys.NOTE_TRIGGER, udata = true}))
    ev = poll(kq)
    assert(ev[1].udata == true)
  end,
}
