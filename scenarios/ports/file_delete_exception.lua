-- SPDX-License-Identifier: BSD-2-Clause
-- PORT_SOURCE_FILE: unlink delivers FILE_DELETE even if not requested and removes the watch
return {
  name = 'PORT_SOURCE_FILE: unlink delivers FILE_DELETE even if not requested and removes the watch',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  local fd = sys.open("/g", sys.O_CREAT | sys.O_RDWR)
  sys.close(fd)
  assert(sys.port_associate(p, sys.PORT_SOURCE_FILE, "/g", sys.FILE_ACCESS, 1))
  assert(sys.unlink("/g"))
  local ev = sys.port_get(p, 0)
  assert(ev and ev.events == sys.FILE_DELETE and ev.object == "/g")
  local r, e = sys.port_dissociate(p, sys.PORT_SOURCE_FILE, "/g")
  assert(r == nil and e == "ENOENT")
  assert(sim.inspect(p).port_curr == 0)
  end,
}
