-- SPDX-License-Identifier: BSD-2-Clause
-- CLOCK_REALTIME set to math.maxinteger stays there as time passes
-- (saturates), and relative timers still fire.
return {
  name = "clock_settime(REALTIME, math.maxinteger)",
  kernel = "freebsd",
  main = function()
    sys.sleep(5)
    assert(sys.clock_settime(sys.CLOCK_REALTIME, math.maxinteger))
    sys.sleep(5)
    assert(sys.clock_gettime(sys.CLOCK_REALTIME) == math.maxinteger)
    local kq = sys.kqueue()
    assert(sys.kevent(kq, { { ident = 1, filter = sys.EVFILT_TIMER,
      flags = sys.EV_ADD | sys.EV_ONESHOT, data = 10 } }, 0, 0))
    assert(#sys.kevent(kq, nil, 4, nil) == 1)
    assert(sys.clock_gettime(sys.CLOCK_MONOTONIC) == 10000010)
  end,
}
