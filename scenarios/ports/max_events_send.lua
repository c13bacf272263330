-- SPDX-License-Identifier: BSD-2-Clause
-- process.max-port-events: port_send beyond the limit is EAGAIN
return {
  name = 'process.max-port-events: port_send beyond the limit is EAGAIN',
  kernel = "illumos",
  limits = { ["process.max-port-events"] = 3 },
  main = function()
  local p = sys.port_create()
  for i = 1, 3 do assert(sys.port_send(p, i, i)) end
  local r, e = sys.port_send(p, 4, 4)
  assert(r == nil and e == "EAGAIN", tostring(e))
  assert(sys.port_get(p, 0).events == 1)
  assert(sys.port_send(p, 5, 5))
  end,
}
