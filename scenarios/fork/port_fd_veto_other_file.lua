-- SPDX-License-Identifier: BSD-2-Clause
-- Event ports across fork (reference/ports.md §2.9): an FD event is
-- deliverable to a process only if it is the owner or has the same fd
-- number pointing to the same file.  The child closed the inherited pipe
-- end and got another file at the same number: the event is vetoed for it
-- (port_get times out, ETIME) and stays queued, and the owner gets it.  The
-- child's close(fd) did not dissociate (§2.4: only the owner's close does).
return {
  name = "port fork: FD event vetoed for a child with another file at the fd",
  kernel = "illumos",
  main = function()
    local p = assert(sys.port_create())
    local r, w = sys.pipe()
    local g, gw = sys.pipe()
    local d, dw = sys.pipe()
    assert(sys.port_associate(p, sys.PORT_SOURCE_FD, r, sys.POLLIN, "r"))
    local pid = sys.fork(function()
      assert(sys.close(r))
      local r2 = sys.socketpair()
      assert(r2 == r, r2)
      assert(sys.write(dw, "d") == 1)
      assert(sys.read(g, 1) == "g")
      assert(sys.port_getn(p, 0, 0) == 1)
      local ev, err = sys.port_get(p, 2 * sim.MSEC)
      assert(ev == nil and err == "ETIME", tostring(err))
      local evs = sys.port_getn(p, 4, 1, 0)
      assert(#evs == 0)
      assert(sys.port_getn(p, 0, 0) == 1)
      assert(sys.write(dw, "d") == 1)
      return 0
    end)
    assert(sys.read(d, 1) == "d")
    assert(sys.write(w, "x") == 1)
    assert(sys.write(gw, "g") == 1)
    assert(sys.read(d, 1) == "d")
    local ev = sys.port_get(p, 0)
    assert(ev and ev.object == r and ev.user == "r" and ev.events == sys.POLLIN)
    local _, st = sys.waitpid(pid)
    assert(sys.WEXITSTATUS(st) == 0, st)
  end,
}
