-- SPDX-License-Identifier: BSD-2-Clause
-- At fork, filt_timercopy() fails with ENOMEM for the first timer (fail
-- point filt_timercopy:kq_calloutmax): kqueue_fork_copy_knote() frees the
-- copy and goes on, so the KQUEUE_CPONFORK child has the other timer and the
-- pipe knote but not that one; fork() itself succeeds and the parent keeps
-- all three (reference/kqueue.md section 3.2).
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "fail point filt_timercopy:kq_calloutmax: a timer silently not copied",
  kernels = { "freebsd", "freebsd@b11289f" },
  failpoints = { ["filt_timercopy:kq_calloutmax"] = "1*return" },
  main = function()
    local kq = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    local r, w = sys.pipe()
    assert(reg(kq, {ident = 1, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 100}))
    assert(reg(kq, {ident = 2, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 100}))
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    local pid = sys.fork(function()
      local timers, reads = {}, 0
      for _, k in ipairs(sim.inspect(kq).knotes) do
        if k.filter == sys.EVFILT_TIMER then timers[#timers + 1] = k.ident end
        if k.filter == sys.EVFILT_READ then reads = reads + 1 end
      end
      assert(#timers == 1 and reads == 1, #timers)
      return 0
    end)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 0, st)
    assert(#sim.inspect(kq).knotes == 3)
  end,
}
