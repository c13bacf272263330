-- SPDX-License-Identifier: BSD-2-Clause
-- port_send: source USER, object 0, events and user returned unchanged
return {
  name = 'port_send: source USER, object 0, events and user returned unchanged',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  assert(sys.port_send(p, 0x1234, "cookie"))
  assert(sys.port_send(p, -1, 77))
  assert(sys.port_send(p, 0, true))
  local e1 = sys.port_get(p, 0)
  assert(e1.source == sys.PORT_SOURCE_USER and e1.source == 3)
  assert(e1.events == 0x1234 and e1.object == 0 and e1.user == "cookie")
  local e2 = sys.port_get(p, 0)
  assert(e2.events == -1 and e2.user == 77)
  local e3 = sys.port_get(p, 0)
  assert(e3.events == 0 and e3.user == true)
  end,
}
