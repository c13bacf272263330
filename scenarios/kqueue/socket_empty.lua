-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_EMPTY on a socket: the send buffer is empty.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EVFILT_EMPTY on a socket: the send buffer is empty",
  kernel = "freebsd",
  main = function()
    local a, b = sys.socketpair()
    local kq = sys.kqueue()
    assert(reg(kq, {ident = a, filter = sys.EVFILT_EMPTY, flags = sys.EV_ADD}))
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].filter == sys.EVFILT_EMPTY and ev[1].data == 0)
    local _, err = reg(kq, {ident = a, filter = sys.EVFILT_VNODE, flags = sys.EV_ADD})
    assert(err == "EINVAL", err)
  end,
}
