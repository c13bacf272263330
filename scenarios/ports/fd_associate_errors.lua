-- SPDX-License-Identifier: BSD-2-Clause
-- port_associate: EBADFD for a bad fd, EINVAL for a bad source
return {
  name = 'port_associate: EBADFD for a bad fd, EINVAL for a bad source',
  kernel = "illumos",
  main = function()
  -- code-derived: a bad fd is EBADFD (not EBADF) in port_associate_fd
  local p = sys.port_create()
  local r, e = sys.port_associate(p, sys.PORT_SOURCE_FD, 55, sys.POLLIN, 0)
  assert(r == nil and e == "EBADFD")
  r, e = sys.port_associate(p, sys.PORT_SOURCE_USER, 0, 0, 0)
  assert(r == nil and e == "EINVAL")
  r, e = sys.port_associate(p, sys.PORT_SOURCE_FD, -1, sys.POLLIN, 0)
  assert(r == nil and e == "EBADFD")
  end,
}
