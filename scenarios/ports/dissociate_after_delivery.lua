-- SPDX-License-Identifier: BSD-2-Clause
-- port_dissociate after the event was retrieved is ENOENT and still removes
return {
  name = 'port_dissociate after the event was retrieved is ENOENT and still removes',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  local r, w = sys.pipe()
  assert(sys.port_associate(p, sys.PORT_SOURCE_FD, r, sys.POLLIN, 0))
  sys.write(w, "x")
  assert(sys.port_get(p, 0))
  local ok, e = sys.port_dissociate(p, sys.PORT_SOURCE_FD, r)
  assert(ok == nil and e == "ENOENT")
  assert(sim.inspect(p).port_curr == 0)
  ok, e = sys.port_dissociate(p, sys.PORT_SOURCE_FD, r)
  assert(ok == nil and e == "ENOENT")
  end,
}
