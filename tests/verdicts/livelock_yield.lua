-- SPDX-License-Identifier: BSD-2-Clause
-- One thread yielding forever: a livelock (1,000,000 scheduling points
-- with no transition and no advance of virtual time), found in seconds.
-- message: livelock_yield.lua:8: livelock: 1000000 consecutive scheduling points
return {
  name = "sched_yield forever is a livelock",
  expect = "error",
  main = function() while true do sys.sched_yield() end end,
}
