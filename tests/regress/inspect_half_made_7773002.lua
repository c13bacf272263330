-- args: --strategy random --seed 1
-- args: --strategy pct --seed 0
-- status: passed
--
-- freebsd@7773002: kqueue() sets kq_fdp only after FILEDESC_UNLOCK, so an
-- invariant that inspects the new descriptor at that scheduling point sees
-- a kqueue with no descriptor table yet: no knotes, never a NULL read.
return {
  name = "sim.inspect of a seed-kernel kqueue before kq_fdp is set",
  kernel = "freebsd@7773002",
  invariants = {
    inspect_all = function()
      for fd = 0, 8 do
        local v = sim.inspect(fd)
        assert(v == nil or type(v) == "table")
        local k = sim.inspect(fd, 1, sys.EVFILT_READ)
        assert(k == nil or type(k) == "table")
      end
      return true
    end,
  },
  main = function()
    local t = sys.thread(function()
      for i = 1, 3 do sys.kqueue() end
    end)
    for i = 1, 3 do sys.kqueue() sys.sched_yield() end
    sys.join(t)
  end,
}
