-- SPDX-License-Identifier: BSD-2-Clause
-- port_create returns the lowest free fd
return {
  name = 'port_create returns the lowest free fd',
  kernel = "illumos",
  main = function()
  local p = assert(sys.port_create())
  local r, w = sys.pipe()
  assert(sys.close(r))
  local q = assert(sys.port_create())
  assert(q == r, "expected the freed fd " .. r .. ", got " .. q)
  local s = sim.inspect(q)
  assert(s.portq_nent == 0 and s.port_curr == 0 and #s.waiters == 0)
  end,
}
