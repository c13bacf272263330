-- SPDX-License-Identifier: BSD-2-Clause
-- The port's process.max-port-events slots are used up (fail point
-- port_alloc_event_local:port_max_events): port_send() fails with EAGAIN,
-- port_sendn() reports EAGAIN per port, and the port works again once the
-- condition is gone (reference/ports.md sections 1.8 and 2.6).
return {
  name = "fail point port_alloc_event_local:port_max_events: EAGAIN",
  kernel = "illumos",
  main = function()
    local p = sys.port_create()
    sim.failpoint("port_alloc_event_local:port_max_events", "2*return")
    local ok, err = sys.port_send(p, 1, 0)
    assert(not ok and err == "EAGAIN", err)
    local n, errs = sys.port_sendn({ p }, 1, 1)
    assert(n == 0 and errs[1] == "EAGAIN", n)
    assert(sys.port_send(p, 4, 0))
    local ev = assert(sys.port_get(p, 0))
    assert(ev.events == 4, ev.events)
  end,
}
