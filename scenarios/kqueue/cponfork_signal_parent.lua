-- SPDX-License-Identifier: BSD-2-Clause
-- KQUEUE_CPONFORK: a copied EVFILT_SIGNAL knote counts the parent's signals.
-- code-derived: the copy stays on the parent's p_klist (reference §3.2)
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "KQUEUE_CPONFORK: a copied EVFILT_SIGNAL knote counts the parent's signals",
  kernel = "freebsd",
  main = function()
    local kq = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    sys.sigaction(sys.SIGUSR1, "ignore")
    assert(reg(kq, {ident = sys.SIGUSR1, filter = sys.EVFILT_SIGNAL, flags = sys.EV_ADD}))
    local parent = sys.getpid()
    local r, w = sys.pipe()
    local pid = sys.fork(function()
      -- a signal to the child itself is not seen by the copy
      sys.kill(sys.getpid(), sys.SIGUSR1)
      assert(#assert(sys.kevent(kq, nil, 4, 0)) == 0)
      sys.write(w, "r")
      sys.sleep(sim.MSEC)
      local ev = assert(sys.kevent(kq, nil, 4, 0))
      assert(#ev == 1 and ev[1].data == 1)
      return 0
    end)
    sys.read(r, 1)
    sys.kill(parent, sys.SIGUSR1)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 0, st)
  end,
}
