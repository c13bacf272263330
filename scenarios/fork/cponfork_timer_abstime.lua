-- SPDX-License-Identifier: BSD-2-Clause
-- KQUEUE_CPONFORK, NOTE_ABSTIME EVFILT_TIMER: the copy keeps the absolute
-- deadline (filt_timercopy copies 'next', reference/kqueue.md §3.2), so the
-- child's event arrives at the same realtime instant as the parent's.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "CPONFORK: abstime timer keeps the absolute deadline in the child",
  kernels = { "freebsd", "freebsd@b11289f" },
  main = function()
    local kq = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    local now = sys.clock_gettime(sys.CLOCK_REALTIME)
    assert(reg(kq, {ident = 1, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD,
      fflags = sys.NOTE_ABSTIME | sys.NOTE_NSECONDS, data = now + 5 * sim.MSEC}))
    sys.sleep(2 * sim.MSEC)
    local pid = sys.fork(function()
      assert(#assert(sys.kevent(kq, nil, 4, 0)) == 0)
      local ev = assert(sys.kevent(kq, nil, 4, nil))
      assert(#ev == 1 and ev[1].ident == 1 and ev[1].data == 1, #ev)
      assert(sim.now() == 5 * sim.MSEC, sim.now())
      return 0
    end)
    local ev = assert(sys.kevent(kq, nil, 4, nil))
    assert(#ev == 1 and ev[1].data == 1 and sim.now() == 5 * sim.MSEC)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 0, st)
  end,
}
