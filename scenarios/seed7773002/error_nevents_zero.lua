-- SPDX-License-Identifier: BSD-2-Clause
-- With nevents 0 a failed change ends kevent() with its error; the changes before it stay applied.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: a failed change with nevents 0 is the call error",
  kernel = "freebsd@7773002",
  main = function()
    local r, w = sys.pipe()
    local kq = sys.kqueue()
    local ok, err = sys.kevent(kq, {{ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD},
      {ident = r, filter = sys.EVFILT_WRITE, flags = sys.EV_DELETE},
      {ident = w, filter = sys.EVFILT_WRITE, flags = sys.EV_ADD}}, 0, 0)
    assert(ok == nil and err == "ENOENT")
    assert(sim.inspect(kq, r, sys.EVFILT_READ) ~= nil)
    assert(sim.inspect(kq, w, sys.EVFILT_WRITE) == nil)
  end,
}
