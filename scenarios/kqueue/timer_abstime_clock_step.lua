-- SPDX-License-Identifier: BSD-2-Clause
-- NOTE_ABSTIME is converted at registration: a later clock step does not move it.
-- code-derived: filt_timervalidate() uses boottime once
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "NOTE_ABSTIME is converted at registration: a later clock step does not move it",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    local now = sys.clock_gettime(sys.CLOCK_REALTIME)
    assert(reg(kq, {ident = 1, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD | sys.EV_ONESHOT,
      fflags = sys.NOTE_ABSTIME | sys.NOTE_NSECONDS, data = now + 100 * sim.MSEC}))
    -- step the wall clock far ahead: the callout is on uptime
    assert(sys.clock_settime(sys.CLOCK_REALTIME, now + 1000 * sim.SEC))
    local ev = assert(sys.kevent(kq, nil, 4, nil))
    assert(#ev == 1 and sim.now() == 100 * sim.MSEC, sim.now())
    -- a deadline already past at registration fires at once
    now = sys.clock_gettime(sys.CLOCK_REALTIME)
    assert(reg(kq, {ident = 2, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD | sys.EV_ONESHOT,
      fflags = sys.NOTE_ABSTIME | sys.NOTE_SECONDS, data = 1}))
    ev = assert(sys.kevent(kq, nil, 4, nil))
    assert(#ev == 1 and ev[1].ident == 2 and sim.now() == 100 * sim.MSEC)
  end,
}
