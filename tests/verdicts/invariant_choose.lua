-- SPDX-License-Identifier: BSD-2-Clause
-- sim.choose inside an invariant is a recorded decision like any other;
-- invariants are not checked at decisions, so it does not recurse (it
-- overflowed the C stack).
return {
  name = "sim.choose in an invariant",
  invariants = { a = function() sim.choose(2, "in invariant") return true end },
  main = function()
    local t = sys.thread(function() sys.sched_yield() end)
    sys.sched_yield()
    sys.join(t)
  end,
}
