-- SPDX-License-Identifier: BSD-2-Clause
-- KQUEUE_CPONFORK, EVFILT_USER not triggered at fork time: not copied either
-- (code-derived finding of the kqueue model: EVFILT_USER knotes stay
-- KN_DETACHED and kqueue_fork_copy_list() skips them; reference/kqueue.md
-- §3.2 expected a copy).  A trigger by the parent after fork is therefore
-- seen only by the parent.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "CPONFORK: an untriggered USER knote is not copied",
  kernels = { "freebsd", "freebsd@b11289f" },
  main = function()
    local kq = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    local g, gw = sys.pipe()
    assert(reg(kq, {ident = 4, filter = sys.EVFILT_USER, flags = sys.EV_ADD}))
    local pid = sys.fork(function()
      assert(sim.inspect(kq, 4, sys.EVFILT_USER) == nil)
      assert(sys.read(g, 1) == "g")
      assert(#assert(sys.kevent(kq, nil, 4, 0)) == 0)
      -- the child may register its own
      assert(reg(kq, {ident = 4, filter = sys.EVFILT_USER, flags = sys.EV_ADD}))
      assert(reg(kq, {ident = 4, filter = sys.EVFILT_USER, fflags = sys.NOTE_TRIGGER}))
      local ev = assert(sys.kevent(kq, nil, 4, 0))
      assert(#ev == 1 and ev[1].ident == 4)
      return 0
    end)
    assert(reg(kq, {ident = 4, filter = sys.EVFILT_USER, fflags = sys.NOTE_TRIGGER}))
    assert(sys.write(gw, "g") == 1)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 0, st)
    local ev = assert(sys.kevent(kq, nil, 4, 0))
    assert(#ev == 1 and ev[1].ident == 4)
  end,
}
