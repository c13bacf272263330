-- SPDX-License-Identifier: BSD-2-Clause
-- closing an associated fd dissociates it silently, even with a queued event
return {
  name = 'closing an associated fd dissociates it silently, even with a queued event',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  local r, w = sys.pipe()
  assert(sys.port_associate(p, sys.PORT_SOURCE_FD, w, sys.POLLOUT, 0))
  assert(sys.port_getn(p, 0, 0) == 1)
  assert(sys.close(w))
  assert(sys.port_getn(p, 0, 0) == 0)
  assert(sim.inspect(p).port_curr == 0)
  assert(sys.port_get(p, 0) == nil)
  end,
}
