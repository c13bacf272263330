-- SPDX-License-Identifier: BSD-2-Clause
-- NOTE_ABSTIME: fires at the realtime deadline, no EV_CLEAR, re-reported.
-- code-derived: abstime timers keep KN_ACTIVE (reference §2.6)
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "NOTE_ABSTIME: fires at the realtime deadline, no EV_CLEAR, re-reported",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    local now = sys.clock_gettime(sys.CLOCK_REALTIME)
    assert(reg(kq, {ident = 1, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD,
      fflags = sys.NOTE_ABSTIME | sys.NOTE_NSECONDS, data = now + 5 * sim.MSEC}))
    local ev = assert(sys.kevent(kq, nil, 4, nil))
    assert(#ev == 1 and ev[1].data == 1 and ev[1].flags == 0, ev[1].flags)
    assert(sim.now() == 5 * sim.MSEC)
    -- without EV_CLEAR the knote stays active: reported again, data 1
    ev = poll(kq)
    assert(#ev == 1 and ev[1].data == 1)
  end,
}
