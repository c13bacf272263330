-- args: --strategy random --seed 1
-- status: passed
--
-- sim.choose inside an invariant reaches a decision, which checked the
-- invariants again, without end (a stack overflow; then a run whose
-- replay diverged where the stack ran out).  Invariants are not checked
-- again while they are being checked.
return {
  name = "sim.choose in an invariant",
  invariants = { a = function() sim.choose(2) return true end },
  main = function()
    local t = sys.thread(function() sys.sched_yield() end)
    sys.sched_yield()
    sys.join(t)
  end,
}
