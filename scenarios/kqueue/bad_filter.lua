-- SPDX-License-Identifier: BSD-2-Clause
-- filter out of range is EINVAL; filter 0 is skipped.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "filter out of range is EINVAL; filter 0 is skipped",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    local _, err = reg(kq, {ident = 1, filter = 1, flags = sys.EV_ADD})
    assert(err == "EINVAL", err)
    _, err = reg(kq, {ident = 1, filter = -16, flags = sys.EV_ADD})
    assert(err == "EINVAL", err)
    local ev = assert(sys.kevent(kq, {{ident = 1, filter = 0, flags = sys.EV_ADD}}, 4, 0))
    assert(#ev == 0)
  end,
}
