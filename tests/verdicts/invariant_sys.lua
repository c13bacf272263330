-- SPDX-License-Identifier: BSD-2-Clause
-- A syscall inside an invariant is a script error naming the invariant,
-- even through pcall (it used to recurse until the C stack overflowed).
-- message: invariant 'a': 
-- message: invariant_sys.lua:9: sys.getpid called in an invariant
return {
  name = "sys.* in an invariant is an error",
  expect = "error",
  invariants = { a = function() pcall(sys.getpid) return true end },
  main = function()
    local t = sys.thread(function() sys.sched_yield() end)
    sys.sched_yield()
    sys.join(t)
  end,
}
