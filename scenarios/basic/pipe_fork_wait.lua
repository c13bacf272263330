-- Two processes, a thread, a pipe, fork, waitpid and sleeps: the
-- foundation's end-to-end scenario.
return {
  name = "pipe, fork, thread, waitpid and sleeps",
  seed = 1,
  main = function()
    local r, w = sys.pipe()
    assert(r == 0 and w == 1, "pipe fds are the lowest free (pid 1 starts with no descriptors): " .. tostring(r))
    local pid = sys.fork(function()
      sys.close(r)
      sys.sleep(5 * sim.MSEC)
      assert(sys.write(w, "hello") == 5)
      local tid = sys.thread(function(x)
        sys.sleep(sim.MSEC)
        return x * 2
      end, 21)
      assert(sys.join(tid) == 42)
      return 7
    end)
    sys.close(w)
    local t0 = sim.now()
    local data = sys.read(r, 100)
    assert(data == "hello", "read " .. tostring(data))
    assert(sim.now() - t0 == 5 * sim.MSEC, "the read blocked 5 ms")
    assert(sys.read(r, 100) == "", "EOF once the writer is gone")
    local wpid, status = sys.waitpid(pid, 0)
    assert(wpid == pid)
    assert(sys.WIFEXITED(status) and sys.WEXITSTATUS(status) == 7)
    local ok, err = sys.waitpid(-1, 0)
    assert(ok == nil and err == "ECHILD", tostring(err))
    print("child exited with", sys.WEXITSTATUS(status), "at", sim.now())
  end,
}
