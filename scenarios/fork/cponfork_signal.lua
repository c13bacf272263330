-- SPDX-License-Identifier: BSD-2-Clause
-- KQUEUE_CPONFORK, EVFILT_SIGNAL: the copy keeps kn_ptr.p_proc = parent and
-- sits on the parent's p_klist, so it counts the parent's signals and not the
-- child's (reference/kqueue.md §3.2, code-derived, "no test; surprising").
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "CPONFORK: a copied SIGNAL knote counts the parent's signals",
  kernels = { "freebsd", "freebsd@b11289f" },
  main = function()
    local kq = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    sys.sigaction(sys.SIGUSR1, "ignore")
    sys.sigaction(sys.SIGUSR2, "ignore")
    assert(reg(kq, {ident = sys.SIGUSR2, filter = sys.EVFILT_SIGNAL, flags = sys.EV_ADD}))
    local parent = sys.getpid()
    local g, gw = sys.pipe()
    local d, dw = sys.pipe()
    local pid = sys.fork(function()
      sys.kill(sys.getpid(), sys.SIGUSR2)
      sys.kill(sys.getpid(), sys.SIGUSR2)
      assert(#assert(sys.kevent(kq, nil, 4, 0)) == 0)
      assert(sys.write(dw, "d") == 1)
      assert(sys.read(g, 1) == "g")
      local ev = assert(sys.kevent(kq, nil, 4, 0))
      assert(#ev == 1 and ev[1].ident == sys.SIGUSR2 and ev[1].data == 3, ev[1] and ev[1].data)
      return 0
    end)
    assert(sys.read(d, 1) == "d")
    for _ = 1, 3 do sys.kill(parent, sys.SIGUSR2) end
    assert(sys.write(gw, "g") == 1)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 0, st)
    local ev = assert(sys.kevent(kq, nil, 4, 0))
    assert(#ev == 1 and ev[1].data == 3)
  end,
}
