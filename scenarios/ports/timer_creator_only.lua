-- SPDX-License-Identifier: BSD-2-Clause
-- timer events are delivered only to the creating process
return {
  name = 'timer events are delivered only to the creating process',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  local id = assert(sys.timer_create(sys.CLOCK_MONOTONIC, { port = p, user = "t" }))
  sys.timer_settime(id, 0, sim.MSEC, 0)
  sys.sleep(2 * sim.MSEC)
  local pid = sys.fork(function()
    local r, e = sys.port_get(p, sim.MSEC)
    assert(r == nil and e == "ETIME")
    return 0
  end)
  local _, st = sys.waitpid(pid)
  assert(sys.WEXITSTATUS(st) == 0)
  assert(sys.port_get(p, 0).user == "t")
  end,
}
