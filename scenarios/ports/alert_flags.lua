-- SPDX-License-Identifier: BSD-2-Clause
-- PORT_ALERT_UPDATE is EBUSY in alert mode, SET overwrites, SET|UPDATE is EINVAL unless events is 0
return {
  name = 'PORT_ALERT_UPDATE is EBUSY in alert mode, SET overwrites, SET|UPDATE is EINVAL unless events is 0',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  assert(sys.port_alert(p, sys.PORT_ALERT_UPDATE, 1, "a"))
  local r, e = sys.port_alert(p, sys.PORT_ALERT_UPDATE, 2, "b")
  assert(r == nil and e == "EBUSY")
  assert(sys.port_alert(p, sys.PORT_ALERT_SET, 3, "c"))
  assert(sys.port_get(p, 0).user == "c")
  r, e = sys.port_alert(p, sys.PORT_ALERT_INVALID, 4, "d")
  assert(r == nil and e == "EINVAL")
  -- code-derived: events 0 clears the alert without looking at the flags
  assert(sys.port_alert(p, sys.PORT_ALERT_INVALID, 0, nil))
  assert(not sim.inspect(p).portq_flags.ALERT)
  -- flags 0 with events sets the alert (only SET|UPDATE is refused)
  assert(sys.port_alert(p, 0, 5, 5))
  assert(sys.port_get(p, 0).events == 5)
  end,
}
