-- SPDX-License-Identifier: BSD-2-Clause
-- port_associate posts at once when the fd is ready
return {
  name = 'port_associate posts at once when the fd is ready',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  local r, w = sys.pipe()
  sys.write(w, "abc")
  assert(sys.port_associate(p, sys.PORT_SOURCE_FD, r, sys.POLLIN, "u"))
  local s = sim.inspect(p)
  assert(s.portq_nent == 1 and s.events[1].source == sys.PORT_SOURCE_FD)
  local ev = sys.port_get(p, 0)
  assert(ev.source == sys.PORT_SOURCE_FD and ev.object == r and ev.user == "u")
  assert(ev.events == sys.POLLIN)
  end,
}
