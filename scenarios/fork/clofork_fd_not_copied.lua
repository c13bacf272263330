-- SPDX-License-Identifier: BSD-2-Clause
-- O_CLOFORK descriptors are not copied by fdcopy(), so kqueue_fork_copy_knote
-- finds the fd knote's slot empty in the child and does not copy it
-- (reference/kqueue.md §3.2); an fd without the flag is copied, and
-- FD_CLOEXEC does not matter.  A socket opened later at the same number in
-- the child has no knote.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "CPONFORK: an O_CLOFORK fd's knote is not copied",
  kernels = { "freebsd", "freebsd@b11289f" },
  main = function()
    local kq = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    local r, w = sys.pipe()
    local r2, w2 = sys.pipe()
    assert(sys.fcntl(r, sys.F_SETFD, sys.FD_CLOFORK))
    assert(sys.fcntl(r2, sys.F_SETFD, sys.FD_CLOEXEC))
    local f = assert(sys.open("/f", sys.O_CREAT | sys.O_RDWR | sys.O_CLOFORK, 420))
    assert(sys.fcntl(f, sys.F_GETFD) == sys.FD_CLOFORK)
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    assert(reg(kq, {ident = f, filter = sys.EVFILT_VNODE, flags = sys.EV_ADD, fflags = sys.NOTE_WRITE}))
    assert(reg(kq, {ident = r2, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    local pid = sys.fork(function()
      local _, err = sys.read(r, 1)
      assert(err == "EBADF", err)
      local k = sim.inspect(kq)
      assert(#k.knotes == 1 and k.knotes[1].ident == r2, #k.knotes)
      assert(sim.inspect(kq, r, sys.EVFILT_READ) == nil)
      assert(sim.inspect(kq, f, sys.EVFILT_VNODE) == nil)
      local a = sys.socketpair()
      assert(a == r and sim.inspect(kq, a, sys.EVFILT_READ) == nil, a)
      return 0
    end)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 0, st)
    assert(#sim.inspect(kq).knotes == 3)
  end,
}
