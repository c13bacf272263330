-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_TIMER units: seconds, microseconds, nanoseconds.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EVFILT_TIMER units: seconds, microseconds, nanoseconds",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    assert(sys.kevent(kq, {
      {ident = 1, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD | sys.EV_ONESHOT, fflags = sys.NOTE_SECONDS, data = 2},
      {ident = 2, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD | sys.EV_ONESHOT, fflags = sys.NOTE_USECONDS, data = 1500},
      {ident = 3, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD | sys.EV_ONESHOT, fflags = sys.NOTE_NSECONDS, data = 700},
    }, 0, 0))
    local ev = assert(sys.kevent(kq, nil, 1, nil))
    assert(ev[1].ident == 3 and sim.now() == 700)
    ev = assert(sys.kevent(kq, nil, 1, nil))
    assert(ev[1].ident == 2 and sim.now() == 1500 * sim.USEC)
    ev = assert(sys.kevent(kq, nil, 1, nil))
    assert(ev[1].ident == 1 and sim.now() == 2 * sim.SEC and ev[1].data == 1)
    assert(ev[1].flags == sys.EV_ONESHOT | sys.EV_CLEAR and ev[1].fflags == 0)
  end,
}
