-- SPDX-License-Identifier: BSD-2-Clause
-- KQUEUE_CPONFORK: a periodic timer is copied with the parent's deadline and period.
-- code-derived: filt_timercopy() (reference §3.2)
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "KQUEUE_CPONFORK: a periodic timer is copied with the parent's deadline and period",
  kernel = "freebsd",
  main = function()
    local kq = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    assert(reg(kq, {ident = 7, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 10}))
    sys.sleep(4 * sim.MSEC)
    local pid = sys.fork(function()
      local ev = assert(sys.kevent(kq, nil, 4, nil))
      assert(#ev == 1 and ev[1].ident == 7 and ev[1].data == 1)
      assert(sim.now() == 10 * sim.MSEC, sim.now())
      ev = assert(sys.kevent(kq, nil, 4, nil))
      assert(sim.now() == 20 * sim.MSEC and ev[1].data == 1)
      return 0
    end)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 0, st)
    -- the parent's own timer kept counting meanwhile
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].data == 2, ev[1] and ev[1].data)
  end,
}
