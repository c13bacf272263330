-- SPDX-License-Identifier: BSD-2-Clause
-- kevent() copies changes in chunks of KQ_NEVENTS (8) into the kqueue's own buffer kq_kev; twenty changes with errors are reported in order.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: changes in chunks of KQ_NEVENTS",
  kernel = "freebsd@7773002",
  main = function()
    local kq = sys.kqueue()
    local ch = {}
    for i = 1, 20 do
      ch[i] = {ident = 100 + i, filter = sys.EVFILT_READ, flags = sys.EV_ADD, udata = i}
    end
    local ev = assert(sys.kevent(kq, ch, 30, 0))
    assert(#ev == 20)
    for i = 1, 20 do
      assert(ev[i].flags == sys.EV_ERROR and ev[i].ident == 100 + i and ev[i].udata == i)
      assert(sys.errname(ev[i].data) == "EBADF")
    end
    -- nevents runs out: the 11th error is the call error
    local ok, err = sys.kevent(kq, ch, 10, 0)
    assert(ok == nil and err == "EBADF")
  end,
}
