-- SPDX-License-Identifier: BSD-2-Clause
-- event-port calls on the freebsd kernel return ENOSYS
return {
  name = 'event-port calls on the freebsd kernel return ENOSYS',
  kernel = "freebsd",
  main = function()
  local r, e = sys.port_create()
  assert(r == nil and e == "ENOSYS")
  r, e = sys.port_getn(3, 1, 1, 0)
  assert(r == nil and e == "ENOSYS")
  end,
}
