-- SPDX-License-Identifier: BSD-2-Clause
-- sokqfilter() of 2003: READ on the receive buffer, WRITE on the send buffer, 1 (EPERM) for anything else, EVFILT_EMPTY included (it did not exist).
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: the 2003 socket filters",
  kernel = "freebsd@7773002",
  main = function()
    local a, b = sys.socketpair()
    local kq = sys.kqueue()
    assert(reg(kq, {ident = a, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    assert(reg(kq, {ident = a, filter = sys.EVFILT_WRITE, flags = sys.EV_ADD}))
    local ok, err = reg(kq, {ident = a, filter = sys.EVFILT_VNODE, flags = sys.EV_ADD})
    assert(ok == nil and err == "EPERM", err)
    ok, err = reg(kq, {ident = a, filter = sys.EVFILT_EMPTY, flags = sys.EV_ADD})
    assert(ok == nil and err == "EINVAL", err)
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].filter == sys.EVFILT_WRITE)
    sys.write(b, "hello")
    ev = poll(kq)
    assert(#ev == 2)
    sys.shutdown(b, sys.SHUT_WR)
    ev = poll(kq)
    for _, e in ipairs(ev) do
      if e.filter == sys.EVFILT_READ then assert(e.flags & sys.EV_EOF ~= 0 and e.data == 5) end
    end
  end,
}
