-- SPDX-License-Identifier: BSD-2-Clause
-- an fd associated after fork is invisible to the other process (vetoed, left queued)
return {
  name = 'an fd associated after fork is invisible to the other process (vetoed, left queued)',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  local gate_r, gate_w = sys.pipe()
  local pid = sys.fork(function()
    sys.read(gate_r, 1)
    -- the parent's event is queued but not for us: ETIME, and it stays
    local r, e = sys.port_get(p, 2 * sim.MSEC)
    assert(r == nil and e == "ETIME", tostring(e))
    local evs = sys.port_getn(p, 4, 1, 0)
    assert(#evs == 0)
    assert(sys.port_getn(p, 0, 0) == 1)
    return 0
  end)
  local r, w = sys.pipe()
  assert(sys.port_associate(p, sys.PORT_SOURCE_FD, w, sys.POLLOUT, "mine"))
  sys.write(gate_w, "g")
  local _, st = sys.waitpid(pid)
  assert(sys.WEXITSTATUS(st) == 0)
  local ev = sys.port_get(p, 0)
  assert(ev and ev.user == "mine")
  end,
}
