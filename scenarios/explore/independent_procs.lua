-- Two processes that share nothing (each has its own pipe and file) for
-- the partial-order reduction of `evsim explore --strategy dfs`: most
-- interleavings of their steps are equivalent, and the sleep sets prune
-- them.  It passes under every schedule.
return {
  name = "two independent processes (dfs reduction demo)",
  main = function()
    local function worker(name)
      local r, w = sys.pipe()
      sys.write(w, name)
      assert(sys.read(r, 16) == name)
      local f = sys.open("/" .. name, sys.O_CREAT | sys.O_RDWR)
      sys.write(f, name)
      sys.close(f)
      sys.close(r)
      sys.close(w)
      return 0
    end
    local a = sys.fork(function() return worker("a") end)
    local b = sys.fork(function() return worker("b") end)
    local _, sa = sys.waitpid(a, 0)
    local _, sb = sys.waitpid(b, 0)
    assert(sys.WEXITSTATUS(sa) == 0 and sys.WEXITSTATUS(sb) == 0)
  end,
}
