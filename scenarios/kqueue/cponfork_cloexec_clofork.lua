-- SPDX-License-Identifier: BSD-2-Clause
-- KQUEUE_CPONFORK: FD_CLOEXEC is copied; an FD_CLOFORK kqueue is not copied.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "KQUEUE_CPONFORK: FD_CLOEXEC is copied; an FD_CLOFORK kqueue is not copied",
  kernel = "freebsd",
  main = function()
    local kq = assert(sys.kqueuex(sys.KQUEUE_CPONFORK | sys.KQUEUE_CLOEXEC))
    local kq2 = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    assert(sys.fcntl(kq2, sys.F_SETFD, sys.FD_CLOFORK))
    local pid = sys.fork(function()
      assert(sys.fcntl(kq, sys.F_GETFD) == sys.FD_CLOEXEC)
      assert(sim.inspect(kq).kq_state.CPONFORK)
      local _, err = sys.kevent(kq2, nil, 1, 0)
      assert(err == "EBADF", err)
      return 0
    end)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 0, st)
  end,
}
