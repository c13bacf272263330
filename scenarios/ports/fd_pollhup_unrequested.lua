-- SPDX-License-Identifier: BSD-2-Clause
-- POLLHUP is reported even when not requested
return {
  name = 'POLLHUP is reported even when not requested',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  local r, w = sys.pipe()
  assert(sys.port_associate(p, sys.PORT_SOURCE_FD, r, sys.POLLIN, 0))
  sys.close(w)
  local ev = sys.port_get(p, 0)
  assert(ev, "no event after the writer closed")
  assert(ev.events & sys.POLLHUP ~= 0, ev.events)
  end,
}
