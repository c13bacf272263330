-- A user-level race for `evsim explore`: two threads increment a counter
-- kept in a file with read-modify-write, yielding in between (as a real
-- program could be preempted).  Under fifo it passes; some random
-- schedules lose an update and the assertion fails.
return {
  name = "lost update between two threads (explore demo)",
  main = function()
    local fd = sys.open("/counter", sys.O_CREAT | sys.O_RDWR)
    sys.write(fd, "0")
    sys.close(fd)
    local function bump()
      local f = sys.open("/counter", sys.O_RDWR)
      -- Empty between the other thread's O_TRUNC and its write: a lost
      -- update too (without 'or', arithmetic on nil: a script error).
      local v = tonumber(sys.read(f, 16)) or -100
      sys.close(f)
      sys.sched_yield()
      f = sys.open("/counter", sys.O_RDWR | sys.O_TRUNC)
      sys.write(f, tostring(v + 1))
      sys.close(f)
    end
    local t1 = sys.thread(bump)
    local t2 = sys.thread(bump)
    sys.join(t1)
    sys.join(t2)
    local f = sys.open("/counter", sys.O_RDONLY)
    local v = tonumber(sys.read(f, 16))
    assert(v == 2, "lost update: counter is " .. tostring(v))
  end,
}
