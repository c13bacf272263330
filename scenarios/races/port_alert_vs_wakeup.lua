-- SPDX-License-Identifier: BSD-2-Clause
-- Race: port_alert while a waiter is between being woken by a post and
-- retrieving.  The waiter returns exactly one event: the user event (it
-- took the queue before the alert flag reached it) or the alert (the alert
-- marked its portget_t first, or it re-checked after PORTQ_ALERT was set).
-- Either way the port stays in alert mode and the user event is delivered
-- at most once.
return {
  name = "alert set while a thread is between waking and retrieving",
  kernel = "illumos",
  main = function()
    local p = assert(sys.port_create())
    local t = sys.thread(function()
      local ev = assert(sys.port_get(p))
      return ev.source, ev.user
    end)
    sys.sched_yield()
    local ts = sys.thread(function() assert(sys.port_send(p, 1, "user")) end)
    local ta = sys.thread(function()
      assert(sys.port_alert(p, sys.PORT_ALERT_SET, 2, "alert"))
    end)
    local src, u = sys.join(t)
    sys.join(ts)
    sys.join(ta)
    local queued = sys.port_getn(p, 0, 0)
    if src == sys.PORT_SOURCE_USER then
      assert(u == "user" and queued == 0, queued)
    else
      assert(src == sys.PORT_SOURCE_ALERT and u == "alert")
      assert(queued == 1, queued)
    end
    local ev = assert(sys.port_get(p, 0))
    assert(ev.source == sys.PORT_SOURCE_ALERT)
    assert(sys.port_alert(p, 0, 0, nil))
    local evs = assert(sys.port_getn(p, 4, 1, 0))
    assert(#evs == queued)
  end,
}
