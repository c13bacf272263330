-- SPDX-License-Identifier: BSD-2-Clause
-- kevent timeouts in virtual time: relative, poll, nevents 0 never sleeps.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "kevent timeouts in virtual time: relative, poll, nevents 0 never sleeps",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    local ev = assert(sys.kevent(kq, nil, 4, 7 * sim.MSEC))
    assert(#ev == 0 and sim.now() == 7 * sim.MSEC)
    ev = assert(sys.kevent(kq, nil, 4, 0))
    assert(#ev == 0 and sim.now() == 7 * sim.MSEC)
    ev = assert(sys.kevent(kq, nil, 0, nil))
    assert(#ev == 0 and sim.now() == 7 * sim.MSEC)
  end,
}
