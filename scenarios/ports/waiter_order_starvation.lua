-- SPDX-License-Identifier: BSD-2-Clause
-- a large-nget waiter at the head starves a small one (pitfall P12)
return {
  name = 'a large-nget waiter at the head starves a small one (pitfall P12)',
  kernel = "illumos",
  main = function()
  -- code-derived: port_queue_thread inserts a larger nget before the last waiter
  local p = sys.port_create()
  local got1
  local t1 = sys.thread(function() local ev = sys.port_get(p, 20 * sim.MSEC); got1 = sim.now(); return ev end)
  sys.sleep(sim.MSEC)
  local t2 = sys.thread(function() local r, e, evs = sys.port_getn(p, 5, 5, 10 * sim.MSEC); return e, evs end)
  sys.sleep(sim.MSEC)
  local w = sim.inspect(p).waiters
  assert(#w == 2 and w[1].nget == 5 and w[2].nget == 1, "head should be the nget=5 waiter")
  assert(sim.inspect(p).portq_nget == 5)
  sys.port_send(p, 1, 1)
  sys.sleep(sim.MSEC)
  assert(#sim.inspect(p).waiters == 2, "the nget=1 waiter was not woken")
  local e, evs = sys.join(t2)
  assert(e == "ETIME" and #evs == 1)
  local ev = sys.join(t1)
  assert(ev == nil)
  end,
}
