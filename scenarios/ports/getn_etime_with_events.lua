-- SPDX-License-Identifier: BSD-2-Clause
-- port_getn: ETIME returns the events collected so far (pitfall P2)
return {
  name = 'port_getn: ETIME returns the events collected so far (pitfall P2)',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  sys.port_send(p, 1, "a")
  local t0 = sim.now()
  local r, e, evs = sys.port_getn(p, 4, 3, 50 * sim.MSEC)
  assert(r == nil and e == "ETIME")
  assert(#evs == 1 and evs[1].user == "a")
  assert(sim.now() - t0 == 50 * sim.MSEC) -- a timeout longer than a tick
  assert(sys.port_getn(p, 0, 0) == 0)
  end,
}
