-- SPDX-License-Identifier: BSD-2-Clause
-- PORT_SOURCE_FILE: EINVAL for bad events, ENOENT for a missing file, EINVAL dissociating a port without watches
return {
  name = 'PORT_SOURCE_FILE: EINVAL for bad events, ENOENT for a missing file, EINVAL dissociating a port without watches',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  local r, e = sys.port_dissociate(p, sys.PORT_SOURCE_FILE, "/x")
  assert(r == nil and e == "EINVAL")
  r, e = sys.port_associate(p, sys.PORT_SOURCE_FILE, "/nope", sys.FILE_MODIFIED, 0)
  assert(r == nil and e == "ENOENT")
  sys.close(sys.open("/h", sys.O_CREAT | sys.O_RDWR))
  r, e = sys.port_associate(p, sys.PORT_SOURCE_FILE, "/h", sys.FILE_DELETE, 0)
  assert(r == nil and e == "EINVAL")
  assert(sys.port_associate(p, sys.PORT_SOURCE_FILE, "/h", sys.FILE_ATTRIB, 0))
  assert(sys.port_dissociate(p, sys.PORT_SOURCE_FILE, "/h"))
  r, e = sys.port_dissociate(p, sys.PORT_SOURCE_FILE, "/h")
  assert(r == nil and e == "ENOENT")
  end,
}
