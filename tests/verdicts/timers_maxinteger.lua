-- SPDX-License-Identifier: BSD-2-Clause
-- Two periodic EVFILT_TIMERs with data = math.maxinteger never fire (their
-- deadline overflowed and they fired in a loop forever); kevent with a
-- timeout of math.maxinteger waits forever.
return {
  name = "periodic timers of math.maxinteger",
  kernel = "freebsd",
  expect = "deadlock",
  main = function()
    local kq = sys.kqueue()
    assert(sys.kevent(kq, {
      { ident = 1, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = math.maxinteger },
      { ident = 2, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = math.maxinteger,
        fflags = sys.NOTE_NSECONDS },
    }, 0, 0))
    assert(#sys.kevent(kq, nil, 4, sim.SEC) == 0)
    sys.kevent(kq, nil, 4, math.maxinteger)
    error("woke")
  end,
}
