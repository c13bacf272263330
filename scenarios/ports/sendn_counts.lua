-- SPDX-License-Identifier: BSD-2-Clause
-- port_sendn returns the success count and per-port errors
return {
  name = 'port_sendn returns the success count and per-port errors',
  kernel = "illumos",
  main = function()
  local p1, p2 = sys.port_create(), sys.port_create()
  local rd = sys.pipe()
  local n, errs = sys.port_sendn({ p1, 99, rd, p2 }, 5, "all")
  assert(n == 2, n)
  assert(errs[1] == false and errs[2] == "EBADF" and errs[3] == "EBADFD" and errs[4] == false)
  assert(sys.port_get(p1, 0).user == "all")
  assert(sys.port_get(p2, 0).events == 5)
  local r, e = sys.port_sendn({}, 1, 1)
  assert(r == nil and e == "EINVAL")
  end,
}
