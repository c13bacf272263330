-- SPDX-License-Identifier: BSD-2-Clause
-- PORT_SOURCE_FILE watches are keyed by (pid, file_obj) as
-- port_cache_lookup_fop() keys them: two file_obj tables naming one file
-- are two watches and both fire, oldest association first; the same
-- table again re-arms its watch; the event's object is the table itself;
-- dissociation goes by the table.  An exception (the name removed) takes
-- the inactive, already retrieved watches of that name too
-- (port_fop_sendevent()), sending nothing for them; past port_fop_maxpfps
-- (20) watches on a vnode the oldest inactive one is discarded
-- (port_fop_trimpfplist()).
return {
  name = 'PORT_SOURCE_FILE watches keyed by file_obj',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  local fd = sys.open("/f", sys.O_CREAT | sys.O_RDWR)
  local a, b = { name = "/f" }, { name = "/f" }
  assert(sys.port_associate(p, sys.PORT_SOURCE_FILE, a, sys.FILE_MODIFIED, "a"))
  assert(sys.port_associate(p, sys.PORT_SOURCE_FILE, b, sys.FILE_MODIFIED, "b"))
  assert(sys.port_associate(p, sys.PORT_SOURCE_FILE, a, sys.FILE_MODIFIED, "a2"))
  sys.write(fd, "x")
  local evs = assert(sys.port_getn(p, 4, 1, 0))
  assert(#evs == 2, #evs)
  assert(evs[1].object == a and evs[1].user == "a2")
  assert(evs[2].object == b and evs[2].user == "b")
  -- dissociation by the table: b fired and was retrieved, a is re-armed
  assert(sys.port_associate(p, sys.PORT_SOURCE_FILE, a, sys.FILE_MODIFIED, "a3"))
  local r, e = sys.port_dissociate(p, sys.PORT_SOURCE_FILE, b)
  assert(r == nil and e == "ENOENT", e)
  assert(sys.port_dissociate(p, sys.PORT_SOURCE_FILE, a))
  r, e = sys.port_dissociate(p, sys.PORT_SOURCE_FILE, { name = "/f" })
  assert(r == nil and e == "ENOENT", e)
  sys.write(fd, "y")
  assert(sys.port_get(p, 0) == nil)
  -- 22 watches on one file, each fired and retrieved: trimmed to 20
  for i = 1, 22 do
    assert(sys.port_associate(p, sys.PORT_SOURCE_FILE, { name = "/f" },
      sys.FILE_ATTRIB, i))
    assert(sys.chmod("/f", 384 + i % 2))
    local ev = assert(sys.port_get(p, 0))
    assert(ev.user == i and ev.object.name == "/f")
  end
  -- an armed watch and the inactive ones: unlink sends one exception
  local c = { name = "/f" }
  assert(sys.port_associate(p, sys.PORT_SOURCE_FILE, c, sys.FILE_ATTRIB, "c"))
  assert(sys.unlink("/f"))
  local ev = assert(sys.port_get(p, 0))
  assert(ev.object == c and ev.events == sys.FILE_DELETE and ev.user == "c")
  assert(sys.port_get(p, 0) == nil)
  assert(sim.inspect(p).port_curr == 0, sim.inspect(p).port_curr)
  sys.close(fd)
  end,
}
