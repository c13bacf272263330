-- SPDX-License-Identifier: BSD-2-Clause
-- events 0 is accepted and never fires
return {
  name = 'events 0 is accepted and never fires',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  local r, w = sys.pipe()
  sys.write(w, "x")
  assert(sys.port_associate(p, sys.PORT_SOURCE_FD, r, 0, 0))
  assert(sys.port_getn(p, 0, 0) == 0)
  assert(sim.inspect(p).port_curr == 1)
  end,
}
