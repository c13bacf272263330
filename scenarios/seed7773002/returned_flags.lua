-- SPDX-License-Identifier: BSD-2-Clause
-- kn_kevent is the caller's kevent (kqueue_register()): returned events carry EV_ADD|EV_ENABLE as given; EV_CLEAR resets data and fflags.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: returned events carry the caller's action flags",
  kernel = "freebsd@7773002",
  main = function()
    local r, w = sys.pipe()
    local kq = sys.kqueue()
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD | sys.EV_ENABLE | sys.EV_CLEAR, udata = 7}))
    sys.write(w, "xyz")
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].flags == sys.EV_ADD | sys.EV_ENABLE | sys.EV_CLEAR, ev[1].flags)
    assert(ev[1].data == 3 and ev[1].udata == 7)
    assert(#poll(kq) == 0)
    local k = sim.inspect(kq, r, sys.EVFILT_READ)
    assert(k.kn_data == 0 and not k.kn_status.ACTIVE)
  end,
}
