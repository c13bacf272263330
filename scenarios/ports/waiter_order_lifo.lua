-- SPDX-License-Identifier: BSD-2-Clause
-- waiters with equal nget: the newest is the head
return {
  name = 'waiters with equal nget: the newest is the head',
  kernel = "illumos",
  main = function()
  -- code-derived: insertion before the first waiter with nget >= its own
  local p = sys.port_create()
  local tids = {}
  for i = 1, 3 do tids[i] = sys.thread(function() return sys.port_get(p) end); sys.sleep(sim.MSEC) end
  local w = sim.inspect(p).waiters
  assert(w[1].tid == tids[3] and w[2].tid == tids[2] and w[3].tid == tids[1])
  sys.port_send(p, 1, "x")
  sys.sleep(sim.MSEC)
  w = sim.inspect(p).waiters
  assert(#w == 2 and w[1].tid == tids[2])
  local ev = sys.join(tids[3])
  assert(ev.user == "x")
  sys.port_alert(p, sys.PORT_ALERT_SET, 1, 0)
  sys.join(tids[1]); sys.join(tids[2])
  end,
}
