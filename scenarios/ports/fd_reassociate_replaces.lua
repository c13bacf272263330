-- SPDX-License-Identifier: BSD-2-Clause
-- re-association replaces events and user and drops the queued event
return {
  name = 're-association replaces events and user and drops the queued event',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  local r, w = sys.pipe()
  assert(sys.port_associate(p, sys.PORT_SOURCE_FD, w, sys.POLLOUT, "old"))
  assert(sys.port_getn(p, 0, 0) == 1)
  assert(sys.port_associate(p, sys.PORT_SOURCE_FD, w, sys.POLLOUT, "new"))
  assert(sys.port_getn(p, 0, 0) == 1)
  local ev = sys.port_get(p, 0)
  assert(ev.user == "new" and ev.events == sys.POLLOUT)
  -- re-associate with events the fd does not have: nothing is queued
  assert(sys.port_associate(p, sys.PORT_SOURCE_FD, r, sys.POLLIN, "r"))
  assert(sys.port_getn(p, 0, 0) == 0)
  assert(sim.inspect(p).port_curr == 2)
  end,
}
