-- SPDX-License-Identifier: BSD-2-Clause
-- A script error inside an invariant is status error naming it.
-- message: invariant 'broken': 
-- message: invariant_script_error.lua:8: attempt to index a nil value
return {
  name = "a script error in an invariant",
  expect = "error",
  invariants = { broken = function() local t return t.field end },
  main = function() sys.getpid() end,
}
