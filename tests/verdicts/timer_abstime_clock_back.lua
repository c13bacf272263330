-- SPDX-License-Identifier: BSD-2-Clause
-- An absolute EVFILT_TIMER at math.maxinteger after CLOCK_REALTIME was set
-- back to 0 (boot time before the Epoch): the deadline saturates (the
-- difference overflowed) and the timer never fires.
return {
  name = "absolute timer at maxinteger after the clock went back",
  kernel = "freebsd",
  expect = "deadlock",
  main = function()
    sys.sleep(5)
    assert(sys.clock_settime(sys.CLOCK_REALTIME, 0))
    local kq = sys.kqueue()
    assert(sys.kevent(kq, { { ident = 1, filter = sys.EVFILT_TIMER,
      flags = sys.EV_ADD, fflags = sys.NOTE_ABSTIME | sys.NOTE_NSECONDS,
      data = math.maxinteger } }, 0, 0))
    sys.kevent(kq, nil, 1, nil)
    error("woke")
  end,
}
