-- SPDX-License-Identifier: BSD-2-Clause
-- NOTE_ABSTIME an hour ago: CLOCK_REALTIME starts at 2000-01-01, so the
-- deadline is a valid absolute time in the past and fires at once
-- (filt_timervalidate() clamps it to 0); a negative one stays EINVAL.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "NOTE_ABSTIME an hour ago fires at once; a negative time is EINVAL",
  kernel = "freebsd",
  main = function()
    local now = sys.clock_gettime(sys.CLOCK_REALTIME)
    assert(now == 946684800 * sim.SEC, now)
    local kq = sys.kqueue()
    assert(reg(kq, {ident = 1, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD,
      fflags = sys.NOTE_ABSTIME | sys.NOTE_SECONDS, data = now // sim.SEC - 3600}))
    local ev = assert(sys.kevent(kq, nil, 4, nil))
    assert(#ev == 1 and ev[1].ident == 1 and ev[1].data == 1, #ev)
    assert(sim.now() == 0, sim.now())
    local _, err = reg(kq, {ident = 2, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD,
      fflags = sys.NOTE_ABSTIME | sys.NOTE_SECONDS, data = -1})
    assert(err == "EINVAL", err)
  end,
}
