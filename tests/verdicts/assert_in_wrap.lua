-- SPDX-License-Identifier: BSD-2-Clause
-- assert() inside a coroutine.wrap'd function stays a failure.
-- message: assert_in_wrap.lua:8: counted wrong
return {
  name = "assert inside coroutine.wrap fails",
  expect = "failed",
  main = function()
    local f = coroutine.wrap(function() assert(1 + 1 == 3, "counted wrong") end)
    f()
  end,
}
