-- SPDX-License-Identifier: BSD-2-Clause
-- an error with nevents 0 fails kevent at once; later changes are not applied.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "an error with nevents 0 fails kevent at once; later changes are not applied",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    local r, w = sys.pipe()
    local _, err = sys.kevent(kq, {
      {ident = 1, filter = sys.EVFILT_USER, flags = sys.EV_ADD},
      {ident = 99, filter = sys.EVFILT_READ, flags = sys.EV_ADD},
      {ident = 2, filter = sys.EVFILT_USER, flags = sys.EV_ADD},
    }, 0, 0)
    assert(err == "EBADF", err)
    assert(sim.inspect(kq, 1, sys.EVFILT_USER) ~= nil)
    assert(sim.inspect(kq, 2, sys.EVFILT_USER) == nil)
    -- with room, the error is an entry and processing goes on
    local ev = assert(sys.kevent(kq, {
      {ident = 99, filter = sys.EVFILT_READ, flags = sys.EV_ADD},
      {ident = 2, filter = sys.EVFILT_USER, flags = sys.EV_ADD},
    }, 4, 0))
    assert(#ev == 1 and ev[1].flags == sys.EV_ERROR and ev[1].data == 9)
    assert(sim.inspect(kq, 2, sys.EVFILT_USER) ~= nil)
  end,
}
