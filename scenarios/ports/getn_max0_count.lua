-- SPDX-License-Identifier: BSD-2-Clause
-- port_getn with max 0 returns the number of queued events
return {
  name = 'port_getn with max 0 returns the number of queued events',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  assert(sys.port_getn(p, 0, 0) == 0)
  for i = 1, 5 do sys.port_send(p, i, i) end
  assert(sys.port_getn(p, 0, 99) == 5)   -- nget is not checked against max 0
  assert(#sys.port_getn(p, 2, 2) == 2)
  assert(sys.port_getn(p, 0, 0, 0) == 3)
  end,
}
