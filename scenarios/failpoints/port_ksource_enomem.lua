-- SPDX-License-Identifier: BSD-2-Clause
-- port_associate_ksource() allocates a port's first entry for an event
-- source with KM_NOSLEEP; when that fails (fail point
-- port_associate_ksource:kmem_zalloc) the first port_associate() of file
-- descriptors on the port and timer_create() fail with ENOMEM, the timer's
-- event slot is given back, and both work on the next try (reference/
-- ports.md sections 2.3 and 2.10).
return {
  name = "fail point port_associate_ksource:kmem_zalloc: ENOMEM",
  kernel = "illumos",
  limits = { ["process.max-port-events"] = 1 },
  main = function()
    local p = sys.port_create()
    local r, w = sys.pipe()
    sim.failpoint("port_associate_ksource:kmem_zalloc", "1*return")
    local ok, err = sys.port_associate(p, sys.PORT_SOURCE_FD, r, sys.POLLIN, 0)
    assert(not ok and err == "ENOMEM", err)
    local q = sys.port_create()
    sim.failpoint("port_associate_ksource:kmem_zalloc", "1*return")
    local id
    id, err = sys.timer_create(sys.CLOCK_MONOTONIC, { port = q, user = "t" })
    assert(id == nil and err == "ENOMEM", err)
    -- the only event slot of q was given back: the timer gets it now
    id = assert(sys.timer_create(sys.CLOCK_MONOTONIC, { port = q, user = "t" }))
    assert(sys.port_associate(p, sys.PORT_SOURCE_FD, r, sys.POLLIN, 0))
    assert(sys.write(w, "x") == 1)
    local ev = assert(sys.port_get(p, 0))
    assert(ev.source == sys.PORT_SOURCE_FD and ev.object == r)
    assert(sys.timer_delete(id))
  end,
}
