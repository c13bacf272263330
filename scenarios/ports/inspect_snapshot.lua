-- SPDX-License-Identifier: BSD-2-Clause
-- sim.inspect of a port: counters, flags, waiters and queued events
return {
  name = 'sim.inspect of a port: counters, flags, waiters and queued events',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  sys.port_send(p, 3, "a")
  sys.port_send(p, 4, 5)
  local s = sim.inspect(p)
  assert(s.portq_nent == 2 and s.port_curr == 2 and s.portq_flags._value == 0)
  assert(#s.events == 2 and s.events[1].events == 3 and s.events[1].user == "a" and s.events[2].user == 5)
  assert(s.events[1].portkev_flags.DONEQ)
  sys.port_getn(p, 2, 2)
  local t = sys.thread(function() return sys.port_getn(p, 3, 3) end)
  sys.sleep(sim.MSEC)
  s = sim.inspect(p)
  assert(#s.waiters == 1 and s.waiters[1].tid == t and s.waiters[1].nget == 3 and s.portq_thrcnt == 1)
  assert(s.portq_flags.WAIT_EVENTS)
  sys.port_alert(p, sys.PORT_ALERT_SET, 1, 1)
  sys.join(t)
  end,
}
