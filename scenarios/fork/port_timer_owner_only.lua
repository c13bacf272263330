-- SPDX-License-Identifier: BSD-2-Clause
-- Event ports across fork (reference/ports.md §2.9, §2.10): timer events
-- (noshare dispatch) go only to the process that created the timer.  The
-- parent's timer event is invisible to the child and stays queued; a timer
-- the child creates on the inherited port is invisible to the parent.
return {
  name = "port fork: timer events only for the creating process",
  kernel = "illumos",
  main = function()
    local p = assert(sys.port_create())
    local g, gw = sys.pipe()
    local d, dw = sys.pipe()
    local id = assert(sys.timer_create(sys.CLOCK_MONOTONIC, { port = p, user = "parent" }))
    assert(sys.timer_settime(id, 0, sim.MSEC, 0))
    local pid = sys.fork(function()
      local ev, err = sys.port_get(p, 2 * sim.MSEC)
      assert(ev == nil and err == "ETIME", tostring(err))
      assert(sys.port_getn(p, 0, 0) == 1)
      local cid = assert(sys.timer_create(sys.CLOCK_MONOTONIC, { port = p, user = "child" }))
      assert(sys.timer_settime(cid, 0, sim.MSEC, 0))
      assert(sys.write(dw, "d") == 1)
      assert(sys.read(g, 1) == "g")
      ev = sys.port_get(p, sim.MSEC)
      assert(ev and ev.source == sys.PORT_SOURCE_TIMER and ev.user == "child", ev and ev.user)
      return 0
    end)
    assert(sys.read(d, 1) == "d")
    sys.sleep(2 * sim.MSEC) -- the child's timer has fired too
    assert(sys.port_getn(p, 0, 0) == 2)
    local ev = sys.port_get(p, 0)
    assert(ev and ev.source == sys.PORT_SOURCE_TIMER and ev.user == "parent" and ev.object == id)
    -- a zero timeout with nothing deliverable: no event and no error
    local none, err = sys.port_get(p, 0)
    assert(none == nil and err == nil, tostring(err))
    assert(sys.write(gw, "g") == 1)
    local _, st = sys.waitpid(pid)
    assert(sys.WEXITSTATUS(st) == 0, st)
  end,
}
