-- SPDX-License-Identifier: BSD-2-Clause
-- 'realtime_start' sets CLOCK_REALTIME at boot; CLOCK_MONOTONIC still
-- starts at 0 and both advance together.
return {
  name = "realtime_start sets CLOCK_REALTIME at boot",
  realtime_start = 1700000000 * 1000000000 + 123,
  main = function()
    assert(sys.clock_gettime(sys.CLOCK_REALTIME) == 1700000000 * sim.SEC + 123)
    assert(sys.clock_gettime(sys.CLOCK_MONOTONIC) == 0)
    sys.sleep(3 * sim.MSEC)
    assert(sys.clock_gettime(sys.CLOCK_REALTIME) == 1700000000 * sim.SEC + 123 + 3 * sim.MSEC)
  end,
}
