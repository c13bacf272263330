-- SPDX-License-Identifier: BSD-2-Clause
-- port_get with a zero timeout on an empty port: no event and no error (Sun bug 6456558)
return {
  name = 'port_get with a zero timeout on an empty port: no event and no error (Sun bug 6456558)',
  kernel = "illumos",
  main = function()
  -- code-derived: the non-blocking path retrieves 0 events with error 0
  local p = sys.port_create()
  local t0 = sim.now()
  local ev, err = sys.port_get(p, 0)
  assert(ev == nil and err == nil)
  assert(sim.now() == t0)
  end,
}
