-- SPDX-License-Identifier: BSD-2-Clause
-- Calling a nil value is a script error (status error), not a failure.
-- message: script_call_nil.lua:9: attempt to call a nil value (global 'undefined_function')
return {
  name = "calling nil is a script error",
  expect = "error",
  main = function()
    sys.getpid()
    undefined_function()
  end,
}
