-- SPDX-License-Identifier: BSD-2-Clause
-- EBADF for a closed fd, EBADFD for an fd that is not a port
return {
  name = 'EBADF for a closed fd, EBADFD for an fd that is not a port',
  kernel = "illumos",
  main = function()
  local r, e = sys.port_send(77, 1, 1)
  assert(r == nil and e == "EBADF")
  local rd, wr = sys.pipe()
  r, e = sys.port_send(rd, 1, 1)
  assert(r == nil and e == "EBADFD")
  r, e = sys.port_get(wr, 0)
  assert(r == nil and e == "EBADFD")
  r, e = sys.port_getn(77, 1, 1, 0)
  assert(r == nil and e == "EBADF")
  r, e = sys.port_alert(rd, sys.PORT_ALERT_SET, 1, 1)
  assert(r == nil and e == "EBADFD")
  end,
}
