-- SPDX-License-Identifier: BSD-2-Clause
-- a child's close of an inherited associated fd does not dissociate
return {
  name = "a child's close of an inherited associated fd does not dissociate",
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  local r, w = sys.pipe()
  assert(sys.port_associate(p, sys.PORT_SOURCE_FD, r, sys.POLLIN, 1))
  local pid = sys.fork(function() assert(sys.close(r)); return 0 end)
  sys.waitpid(pid)
  sys.write(w, "x")
  local ev = sys.port_get(p, 0)
  assert(ev and ev.object == r)
  end,
}
