-- SPDX-License-Identifier: BSD-2-Clause
-- a non-last close by the alert owner clears alert mode
return {
  name = 'a non-last close by the alert owner clears alert mode',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  local pid = sys.fork(function()
    assert(sys.port_alert(p, sys.PORT_ALERT_SET, 1, "child"))
    assert(sys.close(p))
    return 0
  end)
  sys.waitpid(pid)
  assert(not sim.inspect(p).portq_flags.ALERT)
  local pid2 = sys.fork(function() assert(sys.port_alert(p, sys.PORT_ALERT_SET, 2, "c2")); return 0 end)
  sys.waitpid(pid2)
  -- exit closes the child's reference too
  assert(not sim.inspect(p).portq_flags.ALERT)
  assert(sys.port_alert(p, sys.PORT_ALERT_SET, 3, "parent"))
  local p2 = sys.dup(p)
  sys.close(p2)
  assert(not sim.inspect(p).portq_flags.ALERT)
  end,
}
