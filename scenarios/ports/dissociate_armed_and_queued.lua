-- SPDX-License-Identifier: BSD-2-Clause
-- port_dissociate of an armed or a queued association returns success
return {
  name = 'port_dissociate of an armed or a queued association returns success',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  local r, w = sys.pipe()
  local r2, w2 = sys.pipe()
  assert(sys.port_associate(p, sys.PORT_SOURCE_FD, r, sys.POLLIN, 0))
  assert(sys.port_dissociate(p, sys.PORT_SOURCE_FD, r))
  assert(sys.port_associate(p, sys.PORT_SOURCE_FD, w2, sys.POLLOUT, 0))
  assert(sys.port_getn(p, 0, 0) == 1)
  assert(sys.port_dissociate(p, sys.PORT_SOURCE_FD, w2))
  assert(sys.port_getn(p, 0, 0) == 0)
  sys.write(w, "x")
  assert(sys.port_get(p, 0) == nil)
  assert(sim.inspect(p).port_curr == 0)
  end,
}
