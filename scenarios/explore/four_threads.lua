-- A four-thread version of lost_update.lua for `evsim explore` and its
-- benchmark (tests/bench/bench_explore.sh): four threads increment a
-- counter kept in a file with read-modify-write, yielding in between.
-- Under fifo it passes; many random schedules lose an update.
return {
  name = "lost update between four threads (explore benchmark)",
  main = function()
    local fd = sys.open("/counter", sys.O_CREAT | sys.O_RDWR)
    sys.write(fd, "0")
    sys.close(fd)
    local function bump()
      local f = sys.open("/counter", sys.O_RDWR)
      local v = tonumber(sys.read(f, 16)) or -100
      sys.close(f)
      sys.sched_yield()
      f = sys.open("/counter", sys.O_RDWR | sys.O_TRUNC)
      sys.write(f, tostring(v + 1))
      sys.close(f)
    end
    local tids = {}
    for i = 1, 4 do
      tids[i] = sys.thread(bump)
    end
    for i = 1, 4 do
      sys.join(tids[i])
    end
    local f = sys.open("/counter", sys.O_RDONLY)
    local v = tonumber(sys.read(f, 16))
    assert(v == 4, "lost update: counter is " .. tostring(v))
  end,
}
