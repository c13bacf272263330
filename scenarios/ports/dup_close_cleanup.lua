-- SPDX-License-Identifier: BSD-2-Clause
-- closing one of two dup'ed port fds removes the process's associations (pitfall P14)
return {
  name = "closing one of two dup'ed port fds removes the process's associations (pitfall P14)",
  kernel = "illumos",
  main = function()
  -- code-derived: port_close's "not last close" branch runs on any close with f_count > 1
  local p = sys.port_create()
  local p2 = sys.dup(p)
  local r, w = sys.pipe()
  assert(sys.port_associate(p, sys.PORT_SOURCE_FD, r, sys.POLLIN, 1))
  sys.port_send(p, 9, "user survives")
  assert(sim.inspect(p).port_curr == 2)
  assert(sys.close(p2))
  assert(sim.inspect(p).port_curr == 1)
  sys.write(w, "x")
  local ev = sys.port_get(p, 0)
  assert(ev.user == "user survives")
  assert(sys.port_get(p, 0) == nil)
  end,
}
