-- SPDX-License-Identifier: BSD-2-Clause
-- KQUEUE_CPONFORK, EV_ONESHOT EVFILT_TIMER armed before fork: the child's
-- copy fires once at the parent's deadline and is then dropped, like the
-- parent's (reference/kqueue.md §3.2, filt_timercopy).
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "CPONFORK: one-shot timer fires once at the parent's deadline in both",
  kernels = { "freebsd", "freebsd@b11289f" },
  main = function()
    local kq = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    assert(reg(kq, {ident = 3, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD | sys.EV_ONESHOT, data = 10}))
    sys.sleep(4 * sim.MSEC)
    local pid = sys.fork(function()
      local ev = assert(sys.kevent(kq, nil, 4, nil))
      assert(#ev == 1 and ev[1].ident == 3 and ev[1].data == 1, #ev)
      assert(ev[1].flags & sys.EV_ONESHOT ~= 0 and sim.now() == 10 * sim.MSEC, sim.now())
      assert(#sim.inspect(kq).knotes == 0)
      ev = assert(sys.kevent(kq, nil, 4, 20 * sim.MSEC))
      assert(#ev == 0)
      return 0
    end)
    local ev = assert(sys.kevent(kq, nil, 4, nil))
    assert(#ev == 1 and ev[1].ident == 3 and sim.now() == 10 * sim.MSEC)
    assert(#sim.inspect(kq).knotes == 0)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 0, st)
  end,
}
