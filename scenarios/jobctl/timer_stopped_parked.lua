-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_TIMER of a stopped process: filt_timerexpire_l() counts the
-- expiry due at 30 ms, then parks the callout on the process's
-- 'p_kqtim_stop' instead of re-arming it; SIGCONT at 100 ms runs
-- kqtimer_proc_continue(), which fires the overdue timer once with the
-- kernel's overrun arithmetic: (100 - 40) / 10 = 6 more periods, so the
-- child reads 7 (a timer never parked would have counted every expiry
-- from 30 to 100 ms, 8).  tdsendsignal() unsuspends the child before it
-- calls kqtimer_proc_continue(): under another schedule the child's scan
-- runs first and reads 1 (evsim explore --strategy random finds it).
-- Second part:
-- a timer parked for a process sharing the kqueue (rfork without RFFDG)
-- is deleted by the other process: filt_timerdetach() takes it off the
-- stopped process's list under the process lock.
local ev = require("evsim")
return {
  name = "EVFILT_TIMER parked while its process is stopped",
  kernel = "freebsd",
  vtime_limit = 10 * sim.SEC,
  main = function()
    local pid = sys.fork(function()
      local kq = sys.kqueue()
      assert(sys.kevent(kq, {{ ident = 1, filter = sys.EVFILT_TIMER,
        flags = sys.EV_ADD, data = 10 }}, 0, 0))
      local evs = assert(sys.kevent(kq, nil, 1, nil))
      assert(evs[1].data == 1 and sim.now() == 10 * sim.MSEC)
      evs = assert(sys.kevent(kq, nil, 1, nil))
      assert(evs[1].data == 1 and sim.now() == 20 * sim.MSEC)
      evs = assert(sys.kevent(kq, nil, 1, nil)) -- stopped in here
      assert(sim.now() == 100 * sim.MSEC, sim.now())
      return evs[1].data
    end)
    sys.sleep(25 * sim.MSEC)
    assert(sys.kill(pid, sys.SIGSTOP))
    sys.sleep(75 * sim.MSEC)
    assert(sys.kill(pid, sys.SIGCONT))
    local _, st = sys.waitpid(pid, 0)
    ev.eq(sys.WEXITSTATUS(st), 7, "expiries the child read at 100 ms")

    -- A shared kqueue: the child's timer, deleted by the parent.
    local kq = sys.kqueue()
    local r, w = sys.pipe()
    local r2 = sys.pipe()
    local child = sys.rfork(sys.RFPROC, function()
      assert(sys.kevent(kq, {{ ident = 2, filter = sys.EVFILT_TIMER,
        flags = sys.EV_ADD, data = 10 }}, 0, 0))
      sys.write(w, "t")
      sys.read(r2, 1) -- stopped in here; killed at the end
    end)
    ev.eq(sys.read(r, 1), "t", "timer armed by the child")
    assert(sys.kill(child, sys.SIGSTOP))
    ev.eq(select(2, sys.waitpid(child, sys.WUNTRACED)) & 0xff, 0x7f, "stopped")
    sys.sleep(15 * sim.MSEC) -- the expiry at 10 ms parks the timer
    local k = sim.inspect(kq, 2, sys.EVFILT_TIMER)
    ev.eq(k.kn_data, 1, "one expiry counted before parking")
    assert(sys.kevent(kq, {{ ident = 2, filter = sys.EVFILT_TIMER,
      flags = sys.EV_DELETE }}, 0, 0))
    assert(sim.inspect(kq, 2, sys.EVFILT_TIMER) == nil)
    assert(sys.kill(child, sys.SIGCONT))
    assert(sys.kill(child, sys.SIGKILL))
    local _, st2 = sys.waitpid(child, 0)
    ev.eq(sys.WTERMSIG(st2), sys.SIGKILL, "killed")
    ev.eq(#assert(sys.kevent(kq, nil, 4, 0)), 0, "nothing left")
  end,
}
