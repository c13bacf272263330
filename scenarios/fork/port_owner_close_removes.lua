-- SPDX-License-Identifier: BSD-2-Clause
-- Event ports across fork (reference/ports.md §2.8, §2.9): a non-owner's
-- close (the child closes the fd and the port) removes nothing of the
-- owner's; the owner's close of the port (not the last reference: the child
-- still holds one) removes the owner's associations for everyone, so the
-- child no longer gets the inherited FD event, while USER events stay.
return {
  name = "port fork: the owner's port close removes its associations for everyone",
  kernel = "illumos",
  main = function()
    local p = assert(sys.port_create())
    local r, w = sys.pipe()
    local g, gw = sys.pipe()
    local d, dw = sys.pipe()
    assert(sys.port_associate(p, sys.PORT_SOURCE_FD, r, sys.POLLIN, "r"))
    -- a first child closes the fd and its port reference: nothing changes
    local c1 = sys.fork(function()
      assert(sys.close(r))
      assert(sys.close(p))
      return 0
    end)
    sys.waitpid(c1)
    assert(sim.inspect(p).port_curr == 1)
    local pid = sys.fork(function()
      assert(sys.write(dw, "d") == 1)
      assert(sys.read(g, 1) == "g")
      assert(sys.write(w, "x") == 1)
      -- the FD association is gone: only the USER event is queued
      assert(sys.port_getn(p, 0, 0) == 1)
      local ev = sys.port_get(p, 0)
      assert(ev and ev.source == sys.PORT_SOURCE_USER and ev.user == "u", ev and ev.source)
      local none, err = sys.port_get(p, sim.MSEC)
      assert(none == nil and err == "ETIME", tostring(err))
      return 0
    end)
    assert(sys.read(d, 1) == "d")
    assert(sys.port_send(p, 1, "u"))
    assert(sys.close(p))
    assert(sys.write(gw, "g") == 1)
    local _, st = sys.waitpid(pid)
    assert(sys.WEXITSTATUS(st) == 0, st)
  end,
}
