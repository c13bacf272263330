-- SPDX-License-Identifier: BSD-2-Clause
-- an FD association holds a slot from association time, fired or not
return {
  name = 'an FD association holds a slot from association time, fired or not',
  kernel = "illumos",
  limits = { ["process.max-port-events"] = 2 },
  main = function()
  local p = sys.port_create()
  local r1, w1 = sys.pipe()
  local r2, w2 = sys.pipe()
  assert(sys.port_associate(p, sys.PORT_SOURCE_FD, r1, sys.POLLIN, 1))
  assert(sys.port_associate(p, sys.PORT_SOURCE_FD, r2, sys.POLLIN, 2))
  local r, e = sys.port_send(p, 1, 0)
  assert(r == nil and e == "EAGAIN", tostring(e))
  local r3 = sys.pipe()
  r, e = sys.port_associate(p, sys.PORT_SOURCE_FD, r3, sys.POLLIN, 3)
  assert(r == nil and e == "EAGAIN", tostring(e))
  assert(sys.port_dissociate(p, sys.PORT_SOURCE_FD, r1))
  assert(sys.port_send(p, 1, 0))
  assert(sim.inspect(p).port_curr == 2)
  end,
}
