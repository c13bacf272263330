-- SPDX-License-Identifier: BSD-2-Clause
-- events are retrieved in posting order without concurrent retrievers
return {
  name = 'events are retrieved in posting order without concurrent retrievers',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  for i = 1, 20 do sys.port_send(p, i, i) end
  local evs = sys.port_getn(p, 7, 1)
  assert(#evs == 7)
  for i = 1, 7 do assert(evs[i].events == i) end
  evs = sys.port_getn(p, 100, 1)
  assert(#evs == 13 and evs[1].events == 8 and evs[13].events == 20)
  end,
}
