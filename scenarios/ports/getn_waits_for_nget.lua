-- SPDX-License-Identifier: BSD-2-Clause
-- port_getn blocks until nget events are queued, then takes up to max
return {
  name = 'port_getn blocks until nget events are queued, then takes up to max',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  local t = sys.thread(function()
    for i = 1, 4 do sys.sleep(sim.MSEC); sys.port_send(p, i, i) end
  end)
  local evs = assert(sys.port_getn(p, 10, 3))
  assert(#evs == 3, #evs)
  assert(sim.now() == 3 * sim.MSEC)
  for i = 1, 3 do assert(evs[i].events == i) end
  sys.join(t)
  assert(sys.port_get(p, 0).events == 4)
  end,
}
