-- SPDX-License-Identifier: BSD-2-Clause
-- A bad argument to a library function is a script error.
-- message: bad argument #2 to 'rep'
return {
  name = "a bad argument to string.rep is a script error",
  expect = "error",
  main = function()
    string.rep("x", {})
  end,
}
