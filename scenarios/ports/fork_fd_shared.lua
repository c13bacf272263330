-- SPDX-License-Identifier: BSD-2-Clause
-- an FD association made before fork is deliverable to the child
return {
  name = 'an FD association made before fork is deliverable to the child',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  local r, w = sys.pipe()
  assert(sys.port_associate(p, sys.PORT_SOURCE_FD, r, sys.POLLIN, "inh"))
  local pid = sys.fork(function()
    sys.write(w, "x")
    local ev = sys.port_get(p, 0)
    assert(ev and ev.object == r and ev.user == "inh")
    -- the child may re-associate but not dissociate (owner only)
    assert(sys.port_associate(p, sys.PORT_SOURCE_FD, r, sys.POLLIN, "child"))
    local ok, e = sys.port_dissociate(p, sys.PORT_SOURCE_FD, r)
    assert(ok == nil and e == "EACCES")
    return 0
  end)
  local _, st = sys.waitpid(pid)
  assert(sys.WEXITSTATUS(st) == 0)
  local ev = sys.port_get(p, 0)
  assert(ev and ev.user == "child")
  end,
}
