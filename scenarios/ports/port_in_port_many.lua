-- SPDX-License-Identifier: BSD-2-Clause
-- pollwakeup() wakes every port polled through one poll head: 24 inner
-- ports watch one pipe, each is watched by the outer port; one write
-- fires all 24 inner associations, and each inner port, remembered on
-- pollwakeup()'s port list (port_pollwkup()), wakes its outer association
return {
  name = 'pollwakeup() wakes every port polled through a poll head',
  kernel = "illumos",
  main = function()
  local outer = sys.port_create()
  local r, w = sys.pipe()
  local inner = {}
  for i = 1, 24 do
    inner[i] = sys.port_create()
    assert(sys.port_associate(inner[i], sys.PORT_SOURCE_FD, r, sys.POLLIN, i))
    assert(sys.port_associate(outer, sys.PORT_SOURCE_FD, inner[i], sys.POLLIN, -i))
  end
  assert(sim.inspect(outer).portq_nent == 0)
  sys.write(w, "x")
  local evs = assert(sys.port_getn(outer, 32, 24, 0))
  assert(#evs == 24, #evs)
  local seen = {}
  for _, ev in ipairs(evs) do
    assert(ev.events == sys.POLLIN and ev.user < 0)
    assert(ev.object == inner[-ev.user])
    seen[-ev.user] = true
  end
  for i = 1, 24 do
    assert(seen[i])
    local e = assert(sys.port_get(inner[i], 0))
    assert(e.object == r and e.user == i)
  end
  end,
}
