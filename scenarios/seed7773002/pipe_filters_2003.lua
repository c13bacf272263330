-- SPDX-License-Identifier: BSD-2-Clause
-- pipe_kqfilter() of 2003 sys_pipe.c: a filter other than READ/WRITE returns 1, which kevent() reports as EPERM; EVFILT_WRITE when the reader is gone is EBADF; no access-mode check, so EVFILT_READ on the write end attaches.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: the 2003 pipe filters",
  kernel = "freebsd@7773002",
  main = function()
    local r, w = sys.pipe()
    local kq = sys.kqueue()
    local ok, err = reg(kq, {ident = r, filter = sys.EVFILT_VNODE, flags = sys.EV_ADD, fflags = sys.NOTE_WRITE})
    assert(ok == nil and err == "EPERM", err)
    ok, err = reg(kq, {ident = r, filter = sys.EVFILT_PROCDESC, flags = sys.EV_ADD})
    assert(ok == nil and err == "EPERM", err) -- -8 is EVFILT_NETDEV in 2003
    assert(reg(kq, {ident = w, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    assert(reg(kq, {ident = w, filter = sys.EVFILT_WRITE, flags = sys.EV_ADD}))
    sys.close(r)
    local r2, w2 = sys.pipe()
    sys.close(r2)
    ok, err = reg(kq, {ident = w2, filter = sys.EVFILT_WRITE, flags = sys.EV_ADD})
    assert(ok == nil and err == "EBADF", err)
    assert(#sim.inspect(kq).knotes == 2)
  end,
}
