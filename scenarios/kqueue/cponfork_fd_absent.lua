-- SPDX-License-Identifier: BSD-2-Clause
-- KQUEUE_CPONFORK: a knote on an fd the child does not have is not copied.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "KQUEUE_CPONFORK: a knote on an fd the child does not have is not copied",
  kernel = "freebsd",
  main = function()
    local kq = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    local r, w = sys.pipe()
    local plain = sys.kqueue()
    assert(sys.fcntl(r, sys.F_SETFD, sys.FD_CLOFORK))
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    assert(reg(kq, {ident = w, filter = sys.EVFILT_WRITE, flags = sys.EV_ADD}))
    assert(reg(kq, {ident = plain, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    local pid = sys.fork(function()
      local k = sim.inspect(kq)
      assert(#k.knotes == 1 and k.knotes[1].ident == w, #k.knotes)
      -- the WRITE copy was queued because f_event said so (M1)
      assert(k.kq_count == 1)
      return 0
    end)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 0, st)
  end,
}
