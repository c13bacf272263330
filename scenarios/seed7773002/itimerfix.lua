-- SPDX-License-Identifier: BSD-2-Clause
-- The timeout goes through itimerfix(): negative or beyond 100000000 s is EINVAL, after the changes were applied; 100000000 s itself is accepted.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: itimerfix range rules for the kevent timeout",
  kernel = "freebsd@7773002",
  main = function()
    local r, w = sys.pipe()
    local kq = sys.kqueue()
    local ok, err = sys.kevent(kq, {{ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD}}, 1, -1)
    assert(ok == nil and err == "EINVAL")
    assert(sim.inspect(kq, r, sys.EVFILT_READ) ~= nil)
    ok, err = sys.kevent(kq, nil, 1, (100000000 + 1) * sim.SEC)
    assert(ok == nil and err == "EINVAL")
    sys.write(w, "x")
    local ev = assert(sys.kevent(kq, nil, 1, 100000000 * sim.SEC))
    assert(#ev == 1)
    -- nevents 0: the scan returns before looking at the timeout
    ev = assert(sys.kevent(kq, nil, 0, -1))
    assert(#ev == 0)
  end,
}
