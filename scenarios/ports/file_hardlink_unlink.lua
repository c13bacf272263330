-- SPDX-License-Identifier: BSD-2-Clause
-- unlinking one name of a hard-linked watched file: port_fop_sendevent()
-- compares the removed name with the watched one; a watch on the other
-- name gets FILE_ATTRIB (the link count dropped) and stays, the watch on
-- the removed name gets FILE_DELETE and goes
return {
  name = 'unlinking one name of a hard-linked watched file',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  local fd = sys.open("/a", sys.O_CREAT | sys.O_RDWR)
  sys.close(fd)
  assert(sys.link("/a", "/b"))
  assert(sys.port_associate(p, sys.PORT_SOURCE_FILE, "/a", sys.FILE_ATTRIB, "a"))
  assert(sys.unlink("/b"))
  local ev = sys.port_get(p, 0)
  assert(ev and ev.object == "/a" and ev.events == sys.FILE_ATTRIB and ev.user == "a")
  -- the watch stays: re-armed, it fires again on a write's FILE_ATTRIB
  assert(sys.port_associate(p, sys.PORT_SOURCE_FILE, "/a", sys.FILE_MODIFIED, "a2"))
  fd = sys.open("/a", sys.O_RDWR)
  sys.write(fd, "x")
  sys.close(fd)
  ev = sys.port_get(p, 0)
  assert(ev and ev.object == "/a" and ev.events == sys.FILE_MODIFIED)
  -- without FILE_ATTRIB asked for, another name's removal posts nothing
  assert(sys.link("/a", "/c"))
  assert(sys.port_associate(p, sys.PORT_SOURCE_FILE, "/a", sys.FILE_MODIFIED, "a3"))
  assert(sys.port_associate(p, sys.PORT_SOURCE_FILE, "/c", 0, "c"))
  assert(sys.unlink("/c"))
  ev = sys.port_get(p, 0)
  assert(ev and ev.object == "/c" and ev.events == sys.FILE_DELETE and ev.user == "c")
  assert(sys.port_get(p, 0) == nil)
  -- the watched name itself: FILE_DELETE, the watch is gone
  assert(sys.unlink("/a"))
  ev = sys.port_get(p, 0)
  assert(ev and ev.object == "/a" and ev.events == sys.FILE_DELETE)
  local r, e = sys.port_dissociate(p, sys.PORT_SOURCE_FILE, "/a")
  assert(r == nil and e == "ENOENT")
  assert(sim.inspect(p).port_curr == 0)
  end,
}
