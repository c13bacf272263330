-- SPDX-License-Identifier: BSD-2-Clause
-- port_getn with nget 0 returns at once with no events
return {
  name = 'port_getn with nget 0 returns at once with no events',
  kernel = "illumos",
  main = function()
  -- code-derived: *nget == 0 returns before the queue is looked at
  local p = sys.port_create()
  sys.port_send(p, 1, 1)
  local evs = assert(sys.port_getn(p, 4, 0))
  assert(#evs == 0)
  assert(sys.port_getn(p, 0, 0) == 1)
  end,
}
