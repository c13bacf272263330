-- SPDX-License-Identifier: BSD-2-Clause
-- Arithmetic on nil inside a thread is a script error.
-- message: attempt to perform arithmetic on a nil value
return {
  name = "arithmetic on nil is a script error",
  expect = "error",
  main = function()
    local t = sys.thread(function() local x return x + 1 end)
    sys.join(t)
  end,
}
