-- SPDX-License-Identifier: BSD-2-Clause
-- KQUEUE_CPONFORK, periodic EVFILT_TIMER that has already fired once when the
-- process forks: filt_timercopy() arms a new callout for the child with the
-- parent's next deadline and period (reference/kqueue.md §3.2).  The copy
-- keeps kn_data (one expiry) and is queued under both revisions: M0 because
-- the parent's knote was queued, M1 because f_event (kn_data != 0) says so.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "CPONFORK: periodic timer, fired before fork, copy keeps count and phase",
  kernels = { "freebsd", "freebsd@b11289f" },
  main = function()
    local kq = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    assert(reg(kq, {ident = 7, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 10}))
    sys.sleep(15 * sim.MSEC)
    assert(sim.inspect(kq).kq_count == 1)
    local pid = sys.fork(function()
      local k = sim.inspect(kq, 7, sys.EVFILT_TIMER)
      assert(k.kn_status.QUEUED and k.kn_data == 1, k.kn_data)
      local ev = assert(sys.kevent(kq, nil, 4, 0))
      assert(#ev == 1 and ev[1].ident == 7 and ev[1].data == 1)
      -- same phase as the parent: next expiry at 20 ms, then 30 ms
      ev = assert(sys.kevent(kq, nil, 4, nil))
      assert(#ev == 1 and ev[1].data == 1 and sim.now() == 20 * sim.MSEC, sim.now())
      ev = assert(sys.kevent(kq, nil, 4, nil))
      assert(#ev == 1 and ev[1].data == 1 and sim.now() == 30 * sim.MSEC, sim.now())
      return 0
    end)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 0, st)
    -- the parent's own callout kept counting: 10, 20 and 30 ms
    local ev = assert(sys.kevent(kq, nil, 4, 0))
    assert(#ev == 1 and ev[1].data == 3, ev[1] and ev[1].data)
  end,
}
