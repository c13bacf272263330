-- SPDX-License-Identifier: BSD-2-Clause
-- A KQUEUE_CPONFORK kqueue marked FD_CLOFORK is not copied at all: fdcopy()
-- skips UF_FOCLOSE slots before calling fo_fork (reference/kqueue.md §3.2),
-- so kqueue_fork_alloc() never runs and the child's slot is empty (EBADF,
-- reusable); a second CPONFORK kqueue without the flag is copied with its
-- FD_CLOEXEC.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "CPONFORK: an FD_CLOFORK CPONFORK kqueue is not copied",
  kernels = { "freebsd", "freebsd@b11289f" },
  main = function()
    local kq = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    local kq2 = assert(sys.kqueuex(sys.KQUEUE_CPONFORK | sys.KQUEUE_CLOEXEC))
    assert(sys.fcntl(kq, sys.F_SETFD, sys.FD_CLOFORK))
    assert(reg(kq, {ident = 1, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 1}))
    assert(reg(kq2, {ident = 2, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 1}))
    local pid = sys.fork(function()
      local _, err = sys.kevent(kq, nil, 1, 0)
      assert(err == "EBADF", err)
      assert(sys.fcntl(kq2, sys.F_GETFD) == sys.FD_CLOEXEC)
      assert(#sim.inspect(kq2).knotes == 1)
      local n = assert(sys.kqueue())
      assert(n == kq, n)
      return 0
    end)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 0, st)
    assert(sim.inspect(kq).kq_refcnt == 0 and #sim.inspect(kq).knotes == 1)
  end,
}
