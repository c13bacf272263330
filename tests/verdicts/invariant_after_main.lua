-- SPDX-License-Identifier: BSD-2-Clause
-- Invariants are checked once more after main returns.
-- message: invariant 'done_clean' failed: 
-- message: invariant_after_main.lua:9: left dirty
local dirty = false
return {
  name = "an invariant fails after main returns",
  expect = "failed",
  invariants = { done_clean = function() assert(not dirty, "left dirty") return true end },
  main = function()
    sys.getpid()
    dirty = true
  end,
}
