-- SPDX-License-Identifier: BSD-2-Clause
-- Event ports across fork (reference/ports.md §2.9): the port fd is
-- inherited; USER events are shareable both ways and survive the sender's
-- exit; an ALERT set by the parent is returned to the child, and is cleared
-- when its owner (the parent) closes a reference, not when the child does
-- (§2.8).
return {
  name = "port fork: port inherited, USER and ALERT shared",
  kernel = "illumos",
  main = function()
    local p = assert(sys.port_create())
    assert(sys.port_send(p, 0x1, "from parent"))
    local pid = sys.fork(function()
      local ev = sys.port_get(p, 0)
      assert(ev and ev.source == sys.PORT_SOURCE_USER and ev.user == "from parent")
      assert(sys.port_send(p, 0x2, "from child"))
      return 0
    end)
    local _, st = sys.waitpid(pid)
    assert(sys.WEXITSTATUS(st) == 0, st)
    -- the child's USER event outlived the child
    local ev = sys.port_get(p, 0)
    assert(ev and ev.source == sys.PORT_SOURCE_USER and ev.user == "from child" and ev.events == 0x2)
    assert(sys.port_getn(p, 0, 0) == 0)
    assert(sys.port_alert(p, sys.PORT_ALERT_SET, 0x40, "stop"))
    local pid2 = sys.fork(function()
      local a = sys.port_get(p, 0)
      assert(a and a.source == sys.PORT_SOURCE_ALERT and a.events == 0x40 and a.user == "stop")
      -- a non-owner's close of its reference keeps the alert
      assert(sys.close(p))
      return 0
    end)
    _, st = sys.waitpid(pid2)
    assert(sys.WEXITSTATUS(st) == 0, st)
    assert(sim.inspect(p).portq_flags.ALERT)
    local q = assert(sys.dup(p))
    assert(sys.close(q)) -- the owner's non-last close clears it
    assert(not sim.inspect(p).portq_flags.ALERT)
  end,
}
