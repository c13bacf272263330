-- Signals: a caught signal interrupts a blocking read with EINTR, a
-- blocked signal waits until unblocked, and SIGTERM's default action
-- kills with the signal number as the wait status.
local ev = require("evsim")
return {
  name = "signals: EINTR, masking, default termination",
  main = function()
    local r, w = sys.pipe()
    assert(sys.sigaction(sys.SIGUSR1, "catch"))
    local me = sys.getpid()
    local pid = sys.fork(function()
      sys.sleep(3 * sim.MSEC)
      assert(sys.kill(me, sys.SIGUSR1))
      sys.sleep(sim.SEC) -- killed by SIGTERM long before this ends
      return 1
    end)
    ev.fails("EINTR", sys.read(r, 1))
    ev.eq(sim.now(), 3 * sim.MSEC, "interrupted at")
    assert(sys.kill(pid, sys.SIGTERM))
    local wpid, status = sys.waitpid(pid, 0)
    ev.eq(wpid, pid, "reaped pid")
    assert(sys.WIFSIGNALED(status), "killed by a signal")
    ev.eq(sys.WTERMSIG(status), sys.SIGTERM, "terminating signal")
    -- A masked SIGTERM stays pending: the child survives until it unmasks.
    local pid2 = sys.fork(function()
      assert(sys.sigprocmask(sys.SIG_BLOCK, { sys.SIGTERM }))
      sys.sleep(10 * sim.MSEC)
      assert(sys.sigprocmask(sys.SIG_UNBLOCK, { sys.SIGTERM }))
      return 3 -- never reached: the pending SIGTERM kills on return
    end)
    sys.sleep(sim.MSEC)
    assert(sys.kill(pid2, sys.SIGTERM))
    local _, st2 = sys.waitpid(pid2, 0)
    ev.eq(sys.WTERMSIG(st2), sys.SIGTERM, "pending SIGTERM after unblock")
    ev.eq(sim.now(), 13 * sim.MSEC, "died when it unblocked (3 ms + 10 ms)")
    ev.fails("ESRCH", sys.kill(pid2, 0))
    ev.fails("EINVAL", sys.kill(me, 99))
  end,
}
