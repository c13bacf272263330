-- SPDX-License-Identifier: BSD-2-Clause
-- pid 1 exiting with a non-zero status fails the run.
-- message: pid 1 exited with status 3
return {
  name = "pid 1 exiting 3 fails",
  expect = "failed",
  main = function()
    sys.exit(3)
  end,
}
