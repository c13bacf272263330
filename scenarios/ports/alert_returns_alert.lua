-- SPDX-License-Identifier: BSD-2-Clause
-- in alert mode every get returns the alert and leaves the queue alone
return {
  name = 'in alert mode every get returns the alert and leaves the queue alone',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  sys.port_send(p, 1, 1)
  assert(sys.port_alert(p, sys.PORT_ALERT_SET, 0x10, "alert"))
  for i = 1, 2 do
    local ev = sys.port_get(p, 0)
    assert(ev.source == sys.PORT_SOURCE_ALERT and ev.events == 0x10 and ev.user == "alert" and ev.object == 0)
  end
  local evs = sys.port_getn(p, 5, 1, 0)
  assert(#evs == 1 and evs[1].source == sys.PORT_SOURCE_ALERT)
  assert(sys.port_getn(p, 0, 0) == 1)
  assert(sim.inspect(p).portq_flags.ALERT)
  assert(sys.port_alert(p, 0, 0, nil))
  assert(sys.port_get(p, 0).source == sys.PORT_SOURCE_USER)
  end,
}
