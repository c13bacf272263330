-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_VNODE and EVFILT_EMPTY on a pipe are EINVAL.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EVFILT_VNODE and EVFILT_EMPTY on a pipe are EINVAL",
  kernel = "freebsd",
  main = function()
    local r, w = sys.pipe()
    local kq = sys.kqueue()
    local _, err = reg(kq, {ident = r, filter = sys.EVFILT_VNODE, flags = sys.EV_ADD, fflags = sys.NOTE_WRITE})
    assert(err == "EINVAL", err)
    _, err = reg(kq, {ident = r, filter = sys.EVFILT_EMPTY, flags = sys.EV_ADD})
    assert(err == "EINVAL", err)
    assert(#sim.inspect(kq).knotes == 0)
  end,
}
