-- SPDX-License-Identifier: BSD-2-Clause
-- A child killed by a signal is not pid 1: the run passes.
return {
  name = "a child killed by SIGPIPE does not fail the run",
  main = function()
    local pid = sys.fork(function()
      local r, w = sys.pipe()
      sys.close(r)
      sys.write(w, "x")
    end)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WIFSIGNALED(st) and sys.WTERMSIG(st) == sys.SIGPIPE)
  end,
}
