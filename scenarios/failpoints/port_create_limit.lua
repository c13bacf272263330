-- SPDX-License-Identifier: BSD-2-Clause
-- port_create() at the system's project.max-port-ids (fail point
-- port_create:max-port-ids) fails with EAGAIN and uses no descriptor
-- (reference/ports.md sections 1.8 and 2.1).
return {
  name = "fail point port_create:max-port-ids: EAGAIN",
  kernel = "illumos",
  failpoints = { ["port_create:max-port-ids"] = "1*return" },
  main = function()
    local fd, err = sys.port_create()
    assert(fd == nil and err == "EAGAIN", err)
    local p = assert(sys.port_create())
    assert(p == 0, p) -- the failed call used no descriptor
  end,
}
