-- Modelled on FreeBSD's tests/sys/kqueue/kqueue_fork.c:cponfork_timer_race:
-- a periodic 1 ns EVFILT_TIMER on a KQUEUE_CPONFORK kqueue, then fork,
-- the child exits at once, the parent waits and finally closes the kqueue.
--
-- Under freebsd@b11289f (reference/kqueue.md "M0", section 5.2 item 10a)
-- kqueue_fork_copy_knote() arms the copied timer in filt_timercopy() and
-- later enqueues the copy because the parent's knote was queued; if the
-- copied timer fired in between, the copy is already queued and the
-- "knote already queued" KASSERT in knote_enqueue() panics.  Current
-- FreeBSD ("M1") enqueues only if the copy is not already queued.
-- `evsim explore` under random schedules finds the panic under M0 and
-- none under M1 (tests/fork_race.py).
return {
  name = "CPONFORK periodic timer copied while it fires",
  kernels = { "freebsd", "freebsd@b11289f" },
  main = function()
    local kq = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    assert(sys.kevent(kq, { { ident = 1, filter = sys.EVFILT_TIMER,
      flags = sys.EV_ADD, fflags = sys.NOTE_NSECONDS, data = 1 } }, 0, 0))
    for _ = 1, 20 do
      local pid = sys.fork(function() return 0 end)
      sys.waitpid(pid, 0)
      sys.sleep(1)
    end
    assert(sys.close(kq))
  end,
}
