-- SPDX-License-Identifier: BSD-2-Clause
-- a SIGEV_PORT timer posts one event: object = timer id, events = 1
return {
  name = 'a SIGEV_PORT timer posts one event: object = timer id, events = 1',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  local id = assert(sys.timer_create(sys.CLOCK_MONOTONIC, { port = p, user = "tick" }))
  assert(sys.timer_settime(id, 0, 5 * sim.MSEC, 0))
  local ev = sys.port_get(p)
  assert(sim.now() == 5 * sim.MSEC)
  assert(ev.source == sys.PORT_SOURCE_TIMER and ev.object == id and ev.events == 1 and ev.user == "tick")
  assert(sys.timer_delete(id))
  local r, e = sys.timer_delete(id)
  assert(r == nil and e == "EINVAL")
  end,
}
