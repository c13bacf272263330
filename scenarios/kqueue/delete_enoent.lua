-- SPDX-License-Identifier: BSD-2-Clause
-- EV_DELETE of an absent knote is ENOENT; a change without EV_ADD too.
-- code-derived: EV_DELETE only applies to an existing knote
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EV_DELETE of an absent knote is ENOENT; a change without EV_ADD too",
  kernel = "freebsd",
  kernels = { "freebsd", "freebsd@7773002" },
  main = function()
    local kq = sys.kqueue()
    local r, w = sys.pipe()
    local _, err = reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_DELETE})
    assert(err == "ENOENT", err)
    _, err = reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ENABLE})
    assert(err == "ENOENT", err)
    -- EV_ADD|EV_DELETE on a new knote creates it
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD | sys.EV_DELETE}))
    assert(sim.inspect(kq, r, sys.EVFILT_READ) ~= nil)
  end,
}
