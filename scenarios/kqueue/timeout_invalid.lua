-- SPDX-License-Identifier: BSD-2-Clause
-- an invalid timeout is EINVAL after the changes were applied.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "an invalid timeout is EINVAL after the changes were applied",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    local _, err = sys.kevent(kq, {{ident = 1, filter = sys.EVFILT_USER, flags = sys.EV_ADD}}, 4, -1)
    assert(err == "EINVAL", err)
    assert(sim.inspect(kq, 1, sys.EVFILT_USER) ~= nil)
    -- nevents 0: the scan returns before looking at the timeout
    assert(sys.kevent(kq, nil, 0, -1))
    _, err = sys.kevent(kq, nil, -1, 0)
    assert(err == "EINVAL", err)
  end,
}
