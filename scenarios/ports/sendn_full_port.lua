-- SPDX-License-Identifier: BSD-2-Clause
-- port_sendn reports EAGAIN for a full port and still sends to the others
return {
  name = 'port_sendn reports EAGAIN for a full port and still sends to the others',
  kernel = "illumos",
  limits = { ["process.max-port-events"] = 1 },
  main = function()
  local p1, p2 = sys.port_create(), sys.port_create()
  sys.port_send(p1, 0, 0)
  local n, errs = sys.port_sendn({ p1, p2 }, 1, 1)
  assert(n == 1 and errs[1] == "EAGAIN" and errs[2] == false)
  end,
}
