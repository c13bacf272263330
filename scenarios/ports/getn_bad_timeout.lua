-- SPDX-License-Identifier: BSD-2-Clause
-- a bad timeout is EINVAL only when port_getn would have to wait
return {
  name = 'a bad timeout is EINVAL only when port_getn would have to wait',
  kernel = "illumos",
  main = function()
  -- code-derived: port_get_timeout is only called when not enough events are queued
  local p = sys.port_create()
  local r, e = sys.port_getn(p, 1, 1, { sec = 0, nsec = 1000000000 })
  assert(r == nil and e == "EINVAL")
  r, e = sys.port_getn(p, 1, 1, -5)
  assert(r == nil and e == "EINVAL")
  r, e = sys.port_get(p, { sec = -1, nsec = 0 })
  assert(r == nil and e == "EINVAL")
  sys.port_send(p, 9, 9)
  local evs = assert(sys.port_getn(p, 1, 1, { sec = 0, nsec = 1000000000 }))
  assert(#evs == 1 and evs[1].events == 9)
  end,
}
