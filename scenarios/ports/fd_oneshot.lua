-- SPDX-License-Identifier: BSD-2-Clause
-- an FD association fires once and stays inactive until re-associated
return {
  name = 'an FD association fires once and stays inactive until re-associated',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  local r, w = sys.pipe()
  assert(sys.port_associate(p, sys.PORT_SOURCE_FD, r, sys.POLLIN, 1))
  sys.write(w, "a")
  assert(sys.port_get(p, 0).events == sys.POLLIN)
  sys.write(w, "b")
  assert(sys.port_get(p, 0) == nil)
  assert(sys.port_getn(p, 0, 0) == 0)
  assert(sys.port_associate(p, sys.PORT_SOURCE_FD, r, sys.POLLIN, 2))
  local ev = sys.port_get(p, 0)
  assert(ev and ev.user == 2)
  end,
}
