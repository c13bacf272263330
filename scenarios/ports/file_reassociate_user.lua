-- SPDX-License-Identifier: BSD-2-Clause
-- PORT_SOURCE_FILE re-association delivers the new user (illumos#14898 fixed)
return {
  name = 'PORT_SOURCE_FILE re-association delivers the new user (illumos#14898 fixed)',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  local fd = sys.open("/k", sys.O_CREAT | sys.O_RDWR)
  assert(sys.port_associate(p, sys.PORT_SOURCE_FILE, "/k", sys.FILE_MODIFIED, "U1"))
  assert(sys.port_associate(p, sys.PORT_SOURCE_FILE, "/k", sys.FILE_MODIFIED, "U2"))
  sys.write(fd, "x")
  local ev = sys.port_get(p, 0)
  assert(ev and ev.user == "U2", ev and tostring(ev.user))
  assert(sim.inspect(p).port_curr == 1)
  end,
}
