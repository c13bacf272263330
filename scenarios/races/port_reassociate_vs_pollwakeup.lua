-- SPDX-License-Identifier: BSD-2-Clause
-- Race: port_associate re-arming an fd while a write makes it readable
-- (pollwakeup).  Whichever comes first, the end state is one queued event
-- carrying the new user and POLLIN: a wakeup before the re-association is
-- dropped with its queued event (port_remove_done_event) and re-posted by
-- the re-association's own poll; a wakeup in between finds the slot
-- disarmed; a wakeup after it fires the re-armed slot.
return {
  name = "re-association racing a pollwakeup",
  kernel = "illumos",
  main = function()
    local p = assert(sys.port_create())
    local r, w = sys.pipe()
    assert(sys.port_associate(p, sys.PORT_SOURCE_FD, r, sys.POLLIN, "old"))
    local tw = sys.thread(function() assert(sys.write(w, "x") == 1) end)
    local ta = sys.thread(function()
      assert(sys.port_associate(p, sys.PORT_SOURCE_FD, r, sys.POLLIN, "new"))
    end)
    sys.join(tw)
    sys.join(ta)
    assert(sys.port_getn(p, 0, 0) == 1)
    local ev = assert(sys.port_get(p, 0))
    assert(ev.user == "new", tostring(ev.user))
    assert(ev.events == sys.POLLIN, ev.events)
    assert(sys.port_get(p, 0) == nil)
    assert(sim.inspect(p).port_curr == 1)
  end,
}
