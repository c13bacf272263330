-- SPDX-License-Identifier: BSD-2-Clause
-- SIGSTOP and SIGCONT as kern_sig.c does them: a child sleeping
-- interruptibly is suspended where it sleeps (sig_suspend_threads()), its
-- sleep may end but it does not run until SIGCONT; wait(2) reports the stop
-- once with WUNTRACED ((SIGSTOP << 8) | 0177, P_WAITED) and the continue
-- with WCONTINUED (0x13); the parent gets SIGCHLD for both (EVFILT_SIGNAL
-- counts them), EVFILT_PROC reports neither; SIGKILL ends a stopped child.
local ev = require("evsim")
return {
  name = "job control: stop, continue, WUNTRACED/WCONTINUED, SIGCHLD, kill",
  kernel = "freebsd",
  main = function()
    local r, w = sys.pipe()
    local kq = sys.kqueue()
    local pid = sys.fork(function()
      sys.sleep(20 * sim.MSEC) -- ends at 20 ms, while stopped
      assert(sys.write(w, "x") == 1) -- runs only after SIGCONT
      sys.sleep(sim.SEC)
      return 0
    end)
    assert(sys.kevent(kq, {
      { ident = sys.SIGCHLD, filter = sys.EVFILT_SIGNAL, flags = sys.EV_ADD },
      { ident = pid, filter = sys.EVFILT_PROC, flags = sys.EV_ADD,
        fflags = sys.NOTE_EXIT | sys.NOTE_FORK | sys.NOTE_EXEC },
      { ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD },
    }, 0, 0))
    sys.sleep(5 * sim.MSEC)
    assert(sys.kill(pid, sys.SIGSTOP))
    local wpid, st = sys.waitpid(pid, sys.WUNTRACED)
    ev.eq(wpid, pid, "stopped child")
    ev.eq(st, (sys.SIGSTOP << 8) | 0x7f, "stop status")
    assert(sys.WIFSTOPPED(st) and not sys.WIFEXITED(st)
      and not sys.WIFSIGNALED(st) and not sys.WIFCONTINUED(st))
    ev.eq(sys.WSTOPSIG(st), sys.SIGSTOP, "WSTOPSIG")
    ev.eq(sim.now(), 5 * sim.MSEC, "stopped at once")
    -- Reported once: P_WAITED.
    ev.eq(sys.waitpid(pid, sys.WUNTRACED | sys.WNOHANG), 0, "stop reported once")
    -- Its sleep ends at 20 ms but the child stays suspended.
    sys.sleep(45 * sim.MSEC)
    local evs = assert(sys.kevent(kq, nil, 8, 0))
    ev.eq(#evs, 1, "only SIGCHLD while stopped")
    ev.eq(evs[1].filter, sys.EVFILT_SIGNAL, "filter")
    ev.eq(evs[1].data, 1, "one SIGCHLD (the stop)")
    -- A second SIGSTOP to a stopped process changes nothing.
    assert(sys.kill(pid, sys.SIGSTOP))
    ev.eq(sys.waitpid(pid, sys.WUNTRACED | sys.WNOHANG), 0, "no new stop")
    assert(sys.kill(pid, sys.SIGCONT))
    wpid, st = sys.waitpid(pid, sys.WCONTINUED)
    ev.eq(wpid, pid, "continued child")
    ev.eq(st, 0x13, "continue status")
    assert(sys.WIFCONTINUED(st) and not sys.WIFSIGNALED(st) and not sys.WIFSTOPPED(st))
    local seen = {}
    while seen[sys.EVFILT_READ] == nil do
      for _, e in ipairs(assert(sys.kevent(kq, nil, 8, nil))) do
        assert(seen[e.filter] == nil, "one event per filter")
        seen[e.filter] = e
      end
    end
    ev.eq(sim.now(), 50 * sim.MSEC, "the child wrote as soon as it ran")
    assert(seen[sys.EVFILT_PROC] == nil, "EVFILT_PROC has no stop/continue note")
    ev.eq(seen[sys.EVFILT_SIGNAL].data, 1, "one SIGCHLD (the continue)")
    ev.eq(seen[sys.EVFILT_READ].data, 1, "the write after SIGCONT")
    -- Stop again, then SIGKILL: the stopped child dies.
    assert(sys.kill(pid, sys.SIGSTOP))
    ev.eq(select(2, sys.waitpid(pid, sys.WUNTRACED)), (sys.SIGSTOP << 8) | 0x7f, "stopped again")
    assert(sys.kill(pid, sys.SIGKILL))
    wpid, st = sys.waitpid(pid, 0)
    assert(sys.WIFSIGNALED(st) and sys.WTERMSIG(st) == sys.SIGKILL, st)
    ev.eq(sim.now(), 50 * sim.MSEC, "killed at once")
  end,
}
