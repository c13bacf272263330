-- SPDX-License-Identifier: BSD-2-Clause
-- CLOCK_REALTIME port timers against steps of the wall clock, as
-- clock_realtime.c arms them: the absolute wall-clock expiry is turned
-- into clock ticks (hz 100: 10 ms) from now for a relative timeout when
-- the timer is set (timespectohz(), realtime_timeout()), so a later
-- clock_settime() does not move it.
--  1. Set for one second from now (TIMER_ABSTIME), then the clock is
--     stepped an hour forward: the timer does not fire at once, but when
--     its 100 ticks run out.
--  2. Set for one second from now, then stepped ten seconds back: when its
--     ticks run out clock_realtime_fire_first() finds the wall clock short
--     of the expiry, sleeps one more tick, and fires anyway.
--  3. Set 5 ms ahead at 7 ms past a tick: one tick (rounded up) ends at the
--     next tick, 3 ms later, before the expiry: one more tick.
--  4. A 100 ms interval timer whose clock jumps one second forward: the
--     next expiry steps past the skipped periods (clock_realtime_fire()),
--     one event, no overrun counted for them.
return {
  name = "illumos CLOCK_REALTIME port timers: clock steps and tick rounding",
  kernel = "illumos",
  main = function()
    local p = sys.port_create()
    local id = assert(sys.timer_create(sys.CLOCK_REALTIME, { port = p, user = "rt" }))
    local function mono() return sys.clock_gettime(sys.CLOCK_MONOTONIC) end
    local function real() return sys.clock_gettime(sys.CLOCK_REALTIME) end
    -- 1. step forward
    local t0 = mono()
    assert(sys.timer_settime(id, sys.TIMER_ABSTIME, real() + sim.SEC, 0))
    assert(sys.clock_settime(sys.CLOCK_REALTIME, real() + 3600 * sim.SEC))
    assert(sys.port_get(p, 0) == nil, "fired at the step")
    local ev = assert(sys.port_get(p))
    assert(ev.user == "rt" and ev.events == 1)
    assert(mono() == t0 + sim.SEC, "step forward: fired at " .. (mono() - t0))
    -- 2. step back
    t0 = mono()
    assert(sys.timer_settime(id, sys.TIMER_ABSTIME, real() + sim.SEC, 0))
    assert(sys.clock_settime(sys.CLOCK_REALTIME, real() - 10 * sim.SEC))
    ev = assert(sys.port_get(p))
    assert(mono() == t0 + sim.SEC + 10 * sim.MSEC,
      "step back: fired at " .. (mono() - t0))
    -- 3. rounding to the tick: set at 7 ms past a tick, 5 ms ahead
    sys.sleep(7 * sim.MSEC)
    t0 = mono()
    assert(t0 % (10 * sim.MSEC) == 7 * sim.MSEC)
    assert(sys.timer_settime(id, 0, 5 * sim.MSEC, 0))
    ev = assert(sys.port_get(p))
    assert(mono() == t0 + 13 * sim.MSEC, "rounding: fired at " .. (mono() - t0))
    -- 4. an interval timer across a step forward
    t0 = mono()
    assert(sys.timer_settime(id, 0, 100 * sim.MSEC, 100 * sim.MSEC))
    ev = assert(sys.port_get(p))
    assert(ev.events == 1 and mono() == t0 + 100 * sim.MSEC)
    assert(sys.clock_settime(sys.CLOCK_REALTIME, real() + sim.SEC + 50 * sim.MSEC))
    -- armed for 100 ms from the last expiry: fires then, then steps on
    ev = assert(sys.port_get(p))
    assert(ev.events == 1 and mono() == t0 + 200 * sim.MSEC,
      "first after the step at " .. (mono() - t0))
    ev = assert(sys.port_get(p))
    assert(ev.events == 1, "overruns counted: " .. ev.events)
    assert(mono() == t0 + 250 * sim.MSEC, "next expiry at " .. (mono() - t0))
    assert(sys.timer_delete(id))
  end,
}
