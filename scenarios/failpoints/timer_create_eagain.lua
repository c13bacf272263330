-- SPDX-License-Identifier: BSD-2-Clause
-- timer_create() finds no free timer slot in the process (fail point
-- timer_create:timer_max): EAGAIN, and no event slot of the port is used;
-- the next call succeeds (reference/ports.md section 2.10).
return {
  name = "fail point timer_create:timer_max: EAGAIN",
  kernel = "illumos",
  limits = { ["process.max-port-events"] = 1 },
  failpoints = { ["timer_create:timer_max"] = "1*return" },
  main = function()
    local p = sys.port_create()
    local id, err = sys.timer_create(sys.CLOCK_MONOTONIC, { port = p, user = "t" })
    assert(id == nil and err == "EAGAIN", err)
    id = assert(sys.timer_create(sys.CLOCK_MONOTONIC, { port = p, user = "t" }))
    assert(sys.timer_settime(id, 0, sim.MSEC, 0))
    local ev = assert(sys.port_get(p))
    assert(ev.source == sys.PORT_SOURCE_TIMER and ev.object == id)
    assert(sys.timer_delete(id))
  end,
}
