-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_TIMER: negative period and two unit bits are EINVAL.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EVFILT_TIMER: negative period and two unit bits are EINVAL",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    local _, err = reg(kq, {ident = 1, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = -1})
    assert(err == "EINVAL", err)
    _, err = reg(kq, {ident = 1, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD,
      fflags = sys.NOTE_SECONDS | sys.NOTE_USECONDS, data = 1})
    assert(err == "EINVAL", err)
    _, err = reg(kq, {ident = 1, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, fflags = 0x100, data = 1})
    assert(err == "EINVAL", err)
    assert(#sim.inspect(kq).knotes == 0)
  end,
}
