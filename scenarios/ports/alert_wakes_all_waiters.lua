-- SPDX-License-Identifier: BSD-2-Clause
-- port_alert wakes every waiter, each with one alert event
return {
  name = 'port_alert wakes every waiter, each with one alert event',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  local ts = {}
  for i = 1, 3 do
    ts[i] = sys.thread(function()
      local evs = assert(sys.port_getn(p, 4, i))
      assert(#evs == 1)
      return evs[1].source, evs[1].events, evs[1].user
    end)
  end
  sys.sleep(sim.MSEC)
  assert(#sim.inspect(p).waiters == 3)
  assert(sys.port_alert(p, sys.PORT_ALERT_SET, 7, "wake"))
  for i = 1, 3 do
    local src, ev, u = sys.join(ts[i])
    assert(src == sys.PORT_SOURCE_ALERT and ev == 7 and u == "wake")
  end
  assert(#sim.inspect(p).waiters == 0)
  end,
}
