-- args:
-- status: passed
--
-- sys.thread and sys.fork called inside a coroutine take the function and
-- arguments from the coroutine's stack, not from the thread's main one.
return {
  name = "sys.thread and sys.fork from a coroutine",
  main = function()
    local co = coroutine.wrap(function()
      local t = sys.thread(function(x, y)
        assert(x == 7 and y == "b", tostring(x))
        return 5
      end, 7, "b")
      local pid = sys.fork(function() return 0 end)
      return t, pid
    end)
    local t, pid = co()
    assert(sys.join(t) == 5)
    assert(sys.waitpid(pid) == pid)
  end,
}
