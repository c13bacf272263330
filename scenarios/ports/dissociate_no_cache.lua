-- SPDX-License-Identifier: BSD-2-Clause
-- port_dissociate before any FD association is ENOENT, even for a bogus fd
return {
  name = 'port_dissociate before any FD association is ENOENT, even for a bogus fd',
  kernel = "illumos",
  main = function()
  -- code-derived: the empty cache is checked before the fd
  local p = sys.port_create()
  local r, e = sys.port_dissociate(p, sys.PORT_SOURCE_FD, 99)
  assert(r == nil and e == "ENOENT")
  local rd = sys.pipe()
  assert(sys.port_associate(p, sys.PORT_SOURCE_FD, rd, sys.POLLIN, 0))
  r, e = sys.port_dissociate(p, sys.PORT_SOURCE_FD, 99)
  assert(r == nil and e == "EBADFD")
  local rd2 = sys.pipe()
  r, e = sys.port_dissociate(p, sys.PORT_SOURCE_FD, rd2)
  assert(r == nil and e == "ENOENT")
  r, e = sys.port_dissociate(p, 9, rd)
  assert(r == nil and e == "EINVAL")
  end,
}
