-- SPDX-License-Identifier: BSD-2-Clause
-- after fork the child retrieves USER events the parent sent
return {
  name = 'after fork the child retrieves USER events the parent sent',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  sys.port_send(p, 1, "from parent")
  local pid = sys.fork(function()
    local ev = sys.port_get(p, 0)
    assert(ev and ev.user == "from parent")
    assert(sys.port_send(p, 2, "from child"))
    return 0
  end)
  local _, st = sys.waitpid(pid)
  assert(sys.WEXITSTATUS(st) == 0)
  local ev = sys.port_get(p, 0)
  assert(ev and ev.user == "from child")
  end,
}
