-- SPDX-License-Identifier: BSD-2-Clause
-- shutdown(SHUT_WR) of the peer: EV_EOF on EVFILT_READ.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "shutdown(SHUT_WR) of the peer: EV_EOF on EVFILT_READ",
  kernel = "freebsd",
  main = function()
    local a, b = sys.socketpair()
    local kq = sys.kqueue()
    assert(reg(kq, {ident = a, filter = sys.EVFILT_READ, flags = sys.EV_ADD | sys.EV_CLEAR}))
    assert(#poll(kq) == 0)
    assert(sys.shutdown(b, sys.SHUT_WR))
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].flags == sys.EV_CLEAR | sys.EV_EOF and ev[1].data == 0, ev[1].flags)
  end,
}
