-- SPDX-License-Identifier: BSD-2-Clause
-- EV_RECEIPT, EV_DISPATCH, EV_FORCEONESHOT and EV_KEEPUDATA did not exist in 2003: no receipt entry, no disabling, no forced oneshot, udata replaced; the bits are stored and echoed.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: EV_RECEIPT/EV_DISPATCH/EV_FORCEONESHOT/EV_KEEPUDATA are inert but echoed",
  kernel = "freebsd@7773002",
  main = function()
    local r, w = sys.pipe()
    local kq = sys.kqueue()
    local fl = sys.EV_ADD | sys.EV_RECEIPT | sys.EV_DISPATCH
    -- EV_RECEIPT: nothing is returned for a successful change
    local ev = assert(sys.kevent(kq, {{ident = r, filter = sys.EVFILT_READ, flags = fl, udata = "a"}}, 4, 0))
    assert(#ev == 0)
    sys.write(w, "x")
    ev = poll(kq)
    assert(#ev == 1 and ev[1].flags == fl, ev[1] and ev[1].flags)
    -- EV_DISPATCH: not disabled after delivery
    ev = poll(kq)
    assert(#ev == 1 and not sim.inspect(kq, r, sys.EVFILT_READ).kn_status.DISABLED)
    -- EV_FORCEONESHOT|EV_KEEPUDATA on the existing knote: udata replaced, not oneshot
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD | sys.EV_FORCEONESHOT | sys.EV_KEEPUDATA, udata = "b"}))
    ev = poll(kq)
    assert(#ev == 1 and ev[1].udata == "b" and ev[1].flags == fl)
    assert(#poll(kq) == 1)
  end,
}
