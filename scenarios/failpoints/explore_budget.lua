-- SPDX-License-Identifier: BSD-2-Clause
-- Forty kqueue() calls, each a chance for fdalloc() to find the descriptor
-- table full (fail point fdalloc:maxfilesperproc set to 'explore'); the
-- program assumes none fails.  Under fifo (evsim run) every evaluation
-- passes.  `evsim explore` with random or pct makes at most --fp-budget
-- evaluations fail per schedule (default 1), dfs:B counts each failing
-- one as a preemption (dfs:0 never makes one fail), and shrinking keeps
-- the fewest failing fail points that still fail the run:
--
--   evsim explore scenarios/failpoints/explore_budget.lua --fp-budget 3
return {
  name = "explore: a budget of failing fail points per schedule",
  kernel = "freebsd",
  failpoints = { ["fdalloc:maxfilesperproc"] = "explore" },
  main = function()
    local failed = 0
    for _ = 1, 40 do
      local fd, err = sys.kqueue()
      if fd then
        sys.close(fd)
      else
        assert(err == "EMFILE", err)
        failed = failed + 1
      end
    end
    print(failed .. " kqueue() calls failed")
    assert(failed == 0, "a kqueue() call failed with EMFILE")
  end,
}
