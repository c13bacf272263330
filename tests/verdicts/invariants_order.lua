-- SPDX-License-Identifier: BSD-2-Clause
-- Invariants run in name order (a, b, c, d) at every scheduling point: the
-- labels make the order part of the trace and its hash.
return {
  name = "invariants in name order",
  invariants = {
    d = function() sim.label("d") return true end,
    b = function() sim.label("b") return true end,
    a = function() sim.label("a") return true end,
    c = function() sim.label("c") return true end,
  },
  main = function()
    local t = sys.thread(function() sys.sched_yield() end)
    sys.sched_yield()
    sys.join(t)
  end,
}
