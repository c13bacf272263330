-- SPDX-License-Identifier: BSD-2-Clause
-- EV_DISPATCH: disabled after each delivery, until EV_ENABLE.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EV_DISPATCH: disabled after each delivery, until EV_ENABLE",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    local r, w = sys.pipe()
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD | sys.EV_DISPATCH}))
    sys.write(w, "ab")
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].flags == sys.EV_DISPATCH and ev[1].data == 2)
    assert(#poll(kq) == 0)
    assert(sim.inspect(kq, r, sys.EVFILT_READ).kn_status.DISABLED)
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ENABLE}))
    ev = poll(kq)
    assert(#ev == 1 and ev[1].data == 2)
  end,
}
