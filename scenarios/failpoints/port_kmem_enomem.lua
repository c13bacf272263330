-- SPDX-License-Identifier: BSD-2-Clause
-- port_alloc_event_local() allocates with KM_NOSLEEP before it takes a
-- slot; when the allocation fails (fail point
-- port_alloc_event_local:kmem_cache_alloc, also named
-- port_alloc_event:kmem_cache_alloc) port_send() and port_associate() fail
-- with ENOMEM, port_sendn() reports ENOMEM for that port alone and sends to
-- the others, and no slot is used (reference/ports.md sections 2.2 and 2.6).
return {
  name = "fail point port_alloc_event_local:kmem_cache_alloc: ENOMEM",
  kernel = "illumos",
  limits = { ["process.max-port-events"] = 2 },
  main = function()
    local p1, p2 = sys.port_create(), sys.port_create()
    local r, w = sys.pipe()
    sim.failpoint("port_alloc_event:kmem_cache_alloc", "1*return")
    local ok, err = sys.port_send(p1, 1, 0)
    assert(not ok and err == "ENOMEM", err)
    sim.failpoint("port_alloc_event_local:kmem_cache_alloc", "1*return")
    ok, err = sys.port_associate(p1, sys.PORT_SOURCE_FD, r, sys.POLLIN, 0)
    assert(not ok and err == "ENOMEM", err)
    sim.failpoint("port_alloc_event_local:kmem_cache_alloc", "1*return")
    local n, errs = sys.port_sendn({ p1, p2 }, 1, 1)
    assert(n == 1 and errs[1] == "ENOMEM" and errs[2] == false, n)
    -- no slot was used up by the failures: p1 still takes two events
    assert(sys.port_send(p1, 1, 0))
    assert(sys.port_send(p1, 2, 0))
    ok, err = sys.port_send(p1, 3, 0)
    assert(not ok and err == "EAGAIN", err)
  end,
}
