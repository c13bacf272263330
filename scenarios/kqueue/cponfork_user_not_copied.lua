-- SPDX-License-Identifier: BSD-2-Clause
-- KQUEUE_CPONFORK: EVFILT_USER knotes stay KN_DETACHED and are not copied.
-- code-derived: filt_userattach() never clears KN_DETACHED and
-- kqueue_fork_copy_list() skips detached knotes (M0 and M1).
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "KQUEUE_CPONFORK: EVFILT_USER knotes stay KN_DETACHED and are not copied",
  kernel = "freebsd",
  main = function()
    local kq = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    assert(reg(kq, {ident = 1, filter = sys.EVFILT_USER, flags = sys.EV_ADD}))
    assert(reg(kq, {ident = 1, filter = sys.EVFILT_USER, fflags = sys.NOTE_TRIGGER}))
    assert(reg(kq, {ident = 2, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 1000}))
    local pid = sys.fork(function()
      local k = sim.inspect(kq)
      -- the timer was copied, the user event was skipped
      assert(#k.knotes == 1 and k.knotes[1].filter == sys.EVFILT_TIMER, #k.knotes)
      assert(sim.inspect(kq, 1, sys.EVFILT_USER) == nil)
      return 0
    end)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 0, st)
    assert(#poll(kq) == 1)
  end,
}
