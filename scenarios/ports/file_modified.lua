-- SPDX-License-Identifier: BSD-2-Clause
-- PORT_SOURCE_FILE: a write fires FILE_MODIFIED once
return {
  name = 'PORT_SOURCE_FILE: a write fires FILE_MODIFIED once',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  local fd = sys.open("/f", sys.O_CREAT | sys.O_RDWR)
  assert(sys.port_associate(p, sys.PORT_SOURCE_FILE, "/f", sys.FILE_MODIFIED, "w"))
  assert(sys.port_getn(p, 0, 0) == 0)
  sys.write(fd, "data")
  local ev = sys.port_get(p, 0)
  assert(ev.source == sys.PORT_SOURCE_FILE and ev.object == "/f" and ev.user == "w")
  assert(ev.events == sys.FILE_MODIFIED, ev.events)
  sys.write(fd, "more")
  assert(sys.port_get(p, 0) == nil)
  end,
}
