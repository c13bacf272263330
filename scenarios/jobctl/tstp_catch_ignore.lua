-- SPDX-License-Identifier: BSD-2-Clause
-- SIGTSTP can be ignored or caught (then it stops nothing), SIGSTOP can
-- be neither (sigaction EINVAL); a process that sends itself SIGTSTP stops
-- on its way back to user mode (sigprocess(): thread_suspend_switch()).
-- With SA_NOCLDSTOP the parent gets no SIGCHLD for the stop and the
-- continue (childproc_jobstate()), still one for the exit, and wait(2)
-- still reports both.
local ev = require("evsim")
return {
  name = "job control: SIGTSTP ignored, caught, self-stop; SA_NOCLDSTOP",
  kernel = "freebsd",
  main = function()
    ev.fails("EINVAL", sys.sigaction(sys.SIGSTOP, "catch"))
    ev.fails("EINVAL", sys.sigaction(sys.SIGSTOP, "ignore"))
    assert(sys.sigaction(sys.SIGCHLD, "default", sys.SA_NOCLDSTOP))
    local kq = sys.kqueue()
    assert(sys.kevent(kq, {{ ident = sys.SIGCHLD, filter = sys.EVFILT_SIGNAL,
      flags = sys.EV_ADD }}, 0, 0))
    local r, w = sys.pipe()
    -- Ignored: SIGTSTP does nothing.
    local a = sys.fork(function()
      assert(sys.sigaction(sys.SIGTSTP, "ignore"))
      sys.sleep(10 * sim.MSEC)
      sys.write(w, "a")
      return 0
    end)
    -- Caught: the handler interrupts the sleep, nothing stops.
    local b = sys.fork(function()
      assert(sys.sigaction(sys.SIGTSTP, "catch"))
      local ok, err = sys.sleep(sim.SEC)
      assert(ok == nil and err == "EINTR", err)
      sys.write(w, "b")
      return 0
    end)
    sys.sleep(sim.MSEC)
    assert(sys.kill(a, sys.SIGTSTP))
    assert(sys.kill(b, sys.SIGTSTP))
    ev.eq(sys.read(r, 1), "b", "caught SIGTSTP: EINTR, runs on")
    ev.eq(sys.read(r, 1), "a", "ignored SIGTSTP: runs on")
    ev.eq(sim.now(), 10 * sim.MSEC, "a finished its sleep")
    local _, sa = sys.waitpid(a, sys.WUNTRACED)
    assert(sys.WIFEXITED(sa), "a exited, never stopped")
    local _, sb = sys.waitpid(b, sys.WUNTRACED)
    assert(sys.WIFEXITED(sb), "b exited, never stopped")
    local evs = assert(sys.kevent(kq, nil, 4, 0))
    ev.eq(evs[1].data, 2, "SIGCHLD for the two exits")
    -- Default: a self-sent SIGTSTP stops the sender.
    local r3, w3 = sys.pipe()
    local c = sys.fork(function()
      assert(sys.kill(sys.getpid(), sys.SIGTSTP))
      -- Here only after SIGCONT.
      sys.write(w, "c")
      sys.read(r3, 1) -- exit only once the parent saw the continue
      return 7
    end)
    local wpid, st = sys.waitpid(c, sys.WUNTRACED)
    ev.eq(wpid, c, "c stopped")
    assert(sys.WIFSTOPPED(st), st)
    ev.eq(sys.WSTOPSIG(st), sys.SIGTSTP, "stopped by SIGTSTP")
    ev.eq(#assert(sys.kevent(kq, nil, 4, 0)), 0, "SA_NOCLDSTOP: no SIGCHLD")
    sys.sleep(5 * sim.MSEC)
    ev.eq(sys.waitpid(c, sys.WNOHANG), 0, "still stopped")
    assert(sys.kill(c, sys.SIGCONT))
    ev.eq(select(2, sys.waitpid(c, sys.WCONTINUED)), 0x13, "continued")
    ev.eq(sys.read(r, 1), "c", "c runs after SIGCONT")
    sys.write(w3, "x")
    wpid, st = sys.waitpid(c, 0)
    ev.eq(sys.WEXITSTATUS(st), 7, "c exit status")
    evs = assert(sys.kevent(kq, nil, 4, 0))
    ev.eq(evs[1].data, 1, "one SIGCHLD: the exit only")
  end,
}
