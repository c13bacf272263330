-- SPDX-License-Identifier: BSD-2-Clause
-- EV_ENABLE|EV_DISABLE together is EINVAL.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EV_ENABLE|EV_DISABLE together is EINVAL",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    local r, w = sys.pipe()
    local _, err = reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD | sys.EV_ENABLE | sys.EV_DISABLE})
    assert(err == "EINVAL", err)
    assert(sim.inspect(kq, r, sys.EVFILT_READ) == nil)
  end,
}
