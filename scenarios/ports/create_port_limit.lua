-- SPDX-License-Identifier: BSD-2-Clause
-- project.max-port-ids is system-wide: the next port_create is EAGAIN
return {
  name = 'project.max-port-ids is system-wide: the next port_create is EAGAIN',
  kernel = "illumos",
  limits = { ["project.max-port-ids"] = 2 },
  main = function()
  -- code-derived: rctl_test compares the system-wide count of ports + 1
  assert(sys.port_create())
  local pid = sys.fork(function() assert(sys.port_create()); sys.sleep(10 * sim.MSEC) end)
  sys.sleep(sim.MSEC)
  local r, e = sys.port_create()
  assert(r == nil and e == "EAGAIN", tostring(e))
  sys.waitpid(pid)
  assert(sys.port_create())
  end,
}
