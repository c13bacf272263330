-- SPDX-License-Identifier: BSD-2-Clause
-- one queued event per timer; portev_events counts expirations since it was posted
return {
  name = 'one queued event per timer; portev_events counts expirations since it was posted',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  local id = assert(sys.timer_create(sys.CLOCK_MONOTONIC, { port = p, user = 0 }))
  assert(sys.timer_settime(id, 0, sim.MSEC, sim.MSEC))
  sys.sleep(3 * sim.MSEC + sim.USEC)
  assert(sys.port_getn(p, 0, 0) == 1)
  local ev = sys.port_get(p, 0)
  assert(ev.events == 3, ev.events)
  local ev2 = sys.port_get(p)
  assert(ev2.events == 1 and sim.now() == 4 * sim.MSEC)
  assert(sys.timer_settime(id, 0, 0, 0))
  assert(sim.inspect(p).port_curr == 1)
  sys.timer_delete(id)
  assert(sim.inspect(p).port_curr == 0)
  end,
}
