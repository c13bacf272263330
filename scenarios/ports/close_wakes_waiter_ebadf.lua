-- SPDX-License-Identifier: BSD-2-Clause
-- close of the port fd makes a thread blocked in port_get return EBADF
return {
  name = 'close of the port fd makes a thread blocked in port_get return EBADF',
  kernel = "illumos",
  main = function()
  -- derived from closeandsetf (MUSTRETURN): the same process's blocked call returns EBADF
  local p = sys.port_create()
  local t = sys.thread(function() local r, e = sys.port_get(p); return r, e end)
  sys.sleep(sim.MSEC)
  assert(#sim.inspect(p).waiters == 1)
  assert(sys.close(p))
  local r, e = sys.join(t)
  assert(r == nil and e == "EBADF", tostring(e))
  end,
}
