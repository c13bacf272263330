-- SPDX-License-Identifier: BSD-2-Clause
-- port_getn with a zero timeout returns what is there, never ETIME
return {
  name = 'port_getn with a zero timeout returns what is there, never ETIME',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  local evs = assert(sys.port_getn(p, 8, 3, 0))
  assert(#evs == 0)
  sys.port_send(p, 1, 1)
  evs = assert(sys.port_getn(p, 8, 3, 0))
  assert(#evs == 1 and evs[1].user == 1)
  end,
}
