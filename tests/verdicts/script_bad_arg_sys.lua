-- SPDX-License-Identifier: BSD-2-Clause
-- A bad argument to sys.kevent is a script error naming sys.kevent.
-- message: bad argument #3 to 'sys.kevent' (number expected, got string)
return {
  name = "a bad argument to sys.kevent is a script error",
  expect = "error",
  main = function()
    local kq = sys.kqueue()
    sys.kevent(kq, nil, "eight", 0)
  end,
}
