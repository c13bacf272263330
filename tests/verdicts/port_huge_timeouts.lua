-- SPDX-License-Identifier: BSD-2-Clause
-- illumos: timer_settime with math.maxinteger (relative and absolute) and
-- port_getn with a timeout of math.maxinteger ns: no overflow, the timer
-- never fires and the wait is forever.
return {
  name = "event ports with huge timeouts",
  kernel = "illumos",
  expect = "deadlock",
  -- At realtime 0 an absolute maxinteger is the end of time, never reached.
  realtime_start = 0,
  main = function()
    local p = sys.port_create()
    local t = sys.timer_create(sys.CLOCK_REALTIME, { port = p, user = 7 })
    assert(sys.timer_settime(t, 0, math.maxinteger, math.maxinteger))
    assert(sys.timer_settime(t, sys.TIMER_ABSTIME, math.maxinteger, 1))
    local ev, err = sys.port_get(p, 10)
    assert(ev == nil and err == "ETIME", err)
    sys.port_getn(p, 1, 1, math.maxinteger)
    error("woke")
  end,
}
