-- SPDX-License-Identifier: BSD-2-Clause
-- Classic fork (reference/kqueue.md §3.1): a kqueue is not DFLAG_PASSABLE,
-- so fdcopy() leaves its index empty in the child (EBADF, and the number is
-- the lowest free one again); the parent's kqueue and knotes are untouched.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "classic fork: the child's kqueue slot is empty and reusable",
  kernels = { "freebsd", "freebsd@b11289f", "freebsd@7773002" },
  main = function()
    local kq = assert(sys.kqueue())
    assert(kq == 0)
    local r, w = sys.pipe()
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD, udata = "p"}))
    assert(reg(kq, {ident = 9, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 100}))
    local pid = sys.fork(function()
      local _, err = sys.kevent(kq, nil, 1, 0)
      assert(err == "EBADF", err)
      _, err = sys.close(kq)
      assert(err == "EBADF", err)
      _, err = sys.fcntl(kq, sys.F_GETFD)
      assert(err == "EBADF", err)
      -- the number is free: the next descriptor takes it
      local r2, w2 = sys.pipe()
      assert(r2 == kq and w2 == 3, r2)
      assert(sys.write(w, "c") == 1)
      return 0
    end)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 0, st)
    local k = sim.inspect(kq)
    assert(#k.knotes == 2 and k.kq_count == 1, #k.knotes)
    local ev = assert(sys.kevent(kq, nil, 8, 0))
    assert(#ev == 1 and ev[1].ident == r and ev[1].data == 1 and ev[1].udata == "p")
  end,
}
