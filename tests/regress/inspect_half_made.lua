-- args: --strategy random --seed 1
-- args: --strategy random --seed 5
-- status: passed
--
-- sim.inspect on every descriptor while another thread is inside pipe()
-- and kqueue(): a half-made file has badfileops, not a NULL f_ops.
return {
  name = "sim.inspect on files being set up",
  main = function()
    local t = sys.thread(function()
      for i = 1, 4 do sys.pipe() sys.kqueue() end
    end)
    for i = 1, 12 do
      for fd = 0, 12 do
        local v = sim.inspect(fd)
        assert(v == nil or type(v) == "table")
      end
      sys.sched_yield()
    end
    sys.join(t)
  end,
}
