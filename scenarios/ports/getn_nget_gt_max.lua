-- SPDX-License-Identifier: BSD-2-Clause
-- port_getn with nget > max (max > 0) is EINVAL
return {
  name = 'port_getn with nget > max (max > 0) is EINVAL',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  sys.port_send(p, 1, 1)
  local r, e = sys.port_getn(p, 1, 2, 0)
  assert(r == nil and e == "EINVAL")
  assert(sys.port_getn(p, 0, 0) == 1)
  end,
}
