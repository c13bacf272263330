-- SPDX-License-Identifier: BSD-2-Clause
-- timer_delete removes a queued timer event
return {
  name = 'timer_delete removes a queued timer event',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  local id = assert(sys.timer_create(sys.CLOCK_MONOTONIC, { port = p }))
  sys.timer_settime(id, 0, sim.MSEC, 0)
  sys.sleep(2 * sim.MSEC)
  assert(sys.port_getn(p, 0, 0) == 1)
  assert(sys.timer_delete(id))
  assert(sys.port_getn(p, 0, 0) == 0)
  local r, e = sys.timer_create(sys.CLOCK_MONOTONIC, { port = 99 })
  assert(r == nil and e == "EBADF")
  end,
}
