-- SPDX-License-Identifier: BSD-2-Clause
-- pid 1 killed by SIGPIPE fails the run naming the signal (it passed with
-- exit 0: the error() below is never reached).
-- message: pid 1 killed by SIGPIPE
return {
  name = "pid 1 killed by SIGPIPE fails",
  expect = "failed",
  main = function()
    local r, w = sys.pipe()
    sys.close(r)
    sys.write(w, "x")
    error("not reached: SIGPIPE ends the process")
  end,
}
