-- SPDX-License-Identifier: BSD-2-Clause
-- port_get: ETIME after the timeout, no event
return {
  name = 'port_get: ETIME after the timeout, no event',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  local t0 = sim.now()
  local r, e = sys.port_get(p, 20 * sim.MSEC)
  assert(r == nil and e == "ETIME")
  assert(sim.now() - t0 == 20 * sim.MSEC) -- a timeout longer than a tick
  end,
}
