-- SPDX-License-Identifier: BSD-2-Clause
-- kern.kq_calloutmax bounds the copied timers too: filt_timercopy() fails
-- with ENOMEM once the limit is reached, and kqueue_fork_copy_knote() frees
-- the copy and goes on, so the timer is silently missing in the child while
-- fork() succeeds (reference/kqueue.md §3.2).  With a limit of 3 and two
-- timers in the parent, the child gets one of them; while it lives the
-- parent cannot add a third, and after it exits it can.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "CPONFORK: kq_calloutmax reached, a timer is silently not copied",
  kernels = { "freebsd", "freebsd@b11289f" },
  limits = { ["kern.kq_calloutmax"] = 3 },
  main = function()
    local kq = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    local r, w = sys.pipe()
    local g, gw = sys.pipe()
    local d, dw = sys.pipe()
    assert(reg(kq, {ident = 1, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 100}))
    assert(reg(kq, {ident = 2, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 100}))
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    local pid = sys.fork(function()
      local timers, reads = 0, 0
      for _, k in ipairs(sim.inspect(kq).knotes) do
        if k.filter == sys.EVFILT_TIMER then timers = timers + 1 end
        if k.filter == sys.EVFILT_READ then reads = reads + 1 end
      end
      assert(timers == 1 and reads == 1, timers)
      -- the child is at the limit as well
      local _, err = reg(kq, {ident = 5, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 100})
      assert(err == "ENOMEM", err)
      assert(sys.write(dw, "d") == 1)
      assert(sys.read(g, 1) == "g")
      return 0
    end)
    assert(sys.read(d, 1) == "d")
    local _, err = reg(kq, {ident = 3, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 100})
    assert(err == "ENOMEM", err)
    assert(sys.write(gw, "g") == 1)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 0, st)
    assert(reg(kq, {ident = 3, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 100}))
    -- now at the limit: a child gets no timer at all, fork still succeeds
    local pid2 = sys.fork(function()
      local k = sim.inspect(kq)
      assert(#k.knotes == 1 and k.knotes[1].filter == sys.EVFILT_READ, #k.knotes)
      return 0
    end)
    _, st = sys.waitpid(pid2, 0)
    assert(sys.WEXITSTATUS(st) == 0, st)
  end,
}
