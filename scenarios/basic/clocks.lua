-- Virtual clocks: CLOCK_MONOTONIC is virtual time, CLOCK_REALTIME a
-- settable offset on top of it; sleeping advances both.
local ev = require("evsim")
return {
  name = "clocks: monotonic, realtime jumps, nanosleep",
  main = function()
    ev.eq(sys.clock_gettime(sys.CLOCK_MONOTONIC), 0, "monotonic at start")
    sys.sleep(250 * sim.USEC)
    ev.eq(sys.clock_gettime(sys.CLOCK_MONOTONIC), 250000, "after sleep")
    assert(sys.clock_settime(sys.CLOCK_REALTIME, 1700000000 * sim.SEC))
    sys.sleep(sim.SEC)
    ev.eq(sys.clock_gettime(sys.CLOCK_REALTIME), 1700000001 * sim.SEC,
      "realtime moves with virtual time")
    ev.eq(sim.now(), sim.SEC + 250000, "monotonic unaffected by the jump")
    ev.fails("EINVAL", sys.clock_settime(sys.CLOCK_MONOTONIC, 0))
    ev.fails("EINVAL", sys.sleep(-1))
    ev.fails("EINVAL", sys.clock_gettime(12345))
  end,
}
