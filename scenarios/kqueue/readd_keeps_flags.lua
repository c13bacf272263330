-- SPDX-License-Identifier: BSD-2-Clause
-- re-adding does not change EV_ONESHOT/EV_CLEAR/EV_DISPATCH and does not re-enable.
-- code-derived; libkqueue test/user.c: BSD does not refresh the flag word on re-EV_ADD
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "re-adding does not change EV_ONESHOT/EV_CLEAR/EV_DISPATCH and does not re-enable",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    local r, w = sys.pipe()
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD | sys.EV_DISABLE}))
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD | sys.EV_ONESHOT | sys.EV_CLEAR}))
    local k = sim.inspect(kq, r, sys.EVFILT_READ)
    assert(k.kn_flags == 0 and k.kn_status.DISABLED, k.kn_flags)
    sys.write(w, "x")
    assert(#poll(kq) == 0)
  end,
}
