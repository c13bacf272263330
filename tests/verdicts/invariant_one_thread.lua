-- SPDX-License-Identifier: BSD-2-Clause
-- Invariants are checked at every scheduling point also when only one
-- thread runs (no decision is made).
-- message: invariant 'balanced' failed: returned false
local opened = 0
return {
  name = "an invariant fails with one thread",
  expect = "failed",
  invariants = { balanced = function() return opened < 2 end },
  main = function()
    for i = 1, 3 do
      sys.pipe()
      opened = opened + 1
      sys.getpid()
    end
    error("not reached: the invariant fails at the second getpid")
  end,
}
