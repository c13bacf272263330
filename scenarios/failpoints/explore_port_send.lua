-- SPDX-License-Identifier: BSD-2-Clause
-- A program that assumes port_send() to a port with room never fails: it
-- passes as long as no allocation fails, but port_alloc_event_local()
-- allocates with KM_NOSLEEP and illumos returns ENOMEM when that fails.
-- With the fail point set to 'explore', `evsim explore` finds the failing
-- branch, shrinks to it and replay reproduces it:
--
--   evsim explore scenarios/failpoints/explore_port_send.lua --strategy random
return {
  name = "explore finds a program that ignores port_send ENOMEM",
  kernel = "illumos",
  failpoints = { ["port_alloc_event:kmem_cache_alloc"] = "explore" },
  main = function()
    local p = assert(sys.port_create())
    local t = sys.thread(function()
      for i = 1, 3 do
        local ev = assert(sys.port_get(p))
        assert(ev.events == i, ev.events)
      end
    end)
    for i = 1, 3 do
      assert(sys.port_send(p, i, 0))
      sys.sched_yield()
    end
    sys.join(t)
  end,
}
