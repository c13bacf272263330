-- SPDX-License-Identifier: BSD-2-Clause
-- An error object whose __tostring calls sys.exit(0) cannot turn the
-- failure into a pass: __tostring runs without syscalls.
-- message: (error object is a table value)
return {
  name = "__tostring calling sys.exit cannot pass the run",
  expect = "failed",
  main = function()
    error(setmetatable({}, { __tostring = function() sys.exit(0) end }))
  end,
}
