-- SPDX-License-Identifier: BSD-2-Clause
-- EV_FORCEONESHOT: an existing knote fires now, once.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EV_FORCEONESHOT: an existing knote fires now, once",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    assert(reg(kq, {ident = 4, filter = sys.EVFILT_USER, flags = sys.EV_ADD}))
    assert(#poll(kq) == 0)
    assert(reg(kq, {ident = 4, filter = sys.EVFILT_USER, flags = sys.EV_FORCEONESHOT}))
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].flags == sys.EV_ONESHOT, ev[1] and ev[1].flags)
    assert(sim.inspect(kq, 4, sys.EVFILT_USER) == nil)
    -- on a new knote EV_FORCEONESHOT is ignored
    assert(reg(kq, {ident = 5, filter = sys.EVFILT_USER, flags = sys.EV_ADD | sys.EV_FORCEONESHOT}))
    assert(#poll(kq) == 0)
  end,
}
