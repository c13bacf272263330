-- SPDX-License-Identifier: BSD-2-Clause
-- Event ports across fork (reference/ports.md §2.9): an association made
-- before fork is shared, since the child has the same fd number pointing to
-- the same file; any sharer may re-associate (owner unchanged) but only the
-- owner may dissociate (EACCES for the child); an fd associated by the child
-- after fork is private to the child (vetoed for the parent, left queued).
return {
  name = "port fork: inherited FD association shared; owner-only dissociate",
  kernel = "illumos",
  main = function()
    local p = assert(sys.port_create())
    local r, w = sys.pipe()
    local g, gw = sys.pipe()
    local d, dw = sys.pipe()
    assert(sys.port_associate(p, sys.PORT_SOURCE_FD, r, sys.POLLIN, "parent"))
    local pid = sys.fork(function()
      assert(sys.write(w, "x") == 1)
      local ev = sys.port_get(p, 0)
      assert(ev and ev.object == r and ev.user == "parent")
      local ok, err = sys.port_dissociate(p, sys.PORT_SOURCE_FD, r)
      assert(ok == nil and err == "EACCES", tostring(err))
      assert(sys.port_associate(p, sys.PORT_SOURCE_FD, r, sys.POLLIN, "child"))
      -- a private association: the child's own new pipe
      local cr, cw = sys.pipe()
      assert(sys.port_associate(p, sys.PORT_SOURCE_FD, cw, sys.POLLOUT, "private"))
      assert(sys.write(dw, "d") == 1)
      assert(sys.read(g, 1) == "g")
      local mine = sys.port_get(p, 0)
      assert(mine and mine.user == "private", mine and mine.user)
      return 0
    end)
    assert(sys.read(d, 1) == "d")
    -- two events queued: r (re-associated by the child, "child") and the
    -- child's private one, which the parent may not take
    assert(sys.port_getn(p, 0, 0) == 2)
    local ev = sys.port_get(p, 0)
    assert(ev and ev.object == r and ev.user == "child")
    -- a zero timeout with nothing deliverable: no event and no error
    local none, err = sys.port_get(p, 0)
    assert(none == nil and err == nil, tostring(err))
    assert(sys.write(gw, "g") == 1)
    local _, st = sys.waitpid(pid)
    assert(sys.WEXITSTATUS(st) == 0, st)
    -- the owner may dissociate: re-arm (the pipe still holds "x", so the
    -- event is queued at once), then dissociate removes the queued event
    assert(sys.port_associate(p, sys.PORT_SOURCE_FD, r, sys.POLLIN, "again"))
    assert(sys.port_getn(p, 0, 0) == 1)
    assert(sys.port_dissociate(p, sys.PORT_SOURCE_FD, r))
    assert(sys.port_getn(p, 0, 0) == 0)
    assert(sys.write(w, "y") == 1)
    assert(sys.port_getn(p, 0, 0) == 0)
  end,
}
