-- SPDX-License-Identifier: BSD-2-Clause
-- KQUEUE_CPONFORK, EVFILT_USER triggered before fork.  The reference
-- (kqueue.md §3.2) says EVFILT_USER keeps its hookid in the copy, so a
-- triggered event would be pending in the child too.  But the kqueue model
-- found, from the code, that filt_userattach() never clears KN_DETACHED
-- and kqueue_fork_copy_list() skips detached knotes, so EVFILT_USER knotes
-- are never copied, under M0 and M1 alike.  This is code-derived and has not
-- been checked on a live system.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "CPONFORK: a triggered USER knote is not copied (stays KN_DETACHED)",
  kernels = { "freebsd", "freebsd@b11289f" },
  main = function()
    local kq = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    assert(reg(kq, {ident = 1, filter = sys.EVFILT_USER, flags = sys.EV_ADD | sys.EV_CLEAR}))
    assert(reg(kq, {ident = 1, filter = sys.EVFILT_USER, fflags = sys.NOTE_TRIGGER}))
    local k = sim.inspect(kq, 1, sys.EVFILT_USER)
    assert(k.kn_status.DETACHED and k.kn_status.QUEUED)
    local pid = sys.fork(function()
      local c = sim.inspect(kq)
      assert(#c.knotes == 0 and c.kq_count == 0, #c.knotes)
      assert(#assert(sys.kevent(kq, nil, 4, 0)) == 0)
      -- the identifier is free in the child's copy
      local _, err = reg(kq, {ident = 1, filter = sys.EVFILT_USER, fflags = sys.NOTE_TRIGGER})
      assert(err == "ENOENT", err)
      return 0
    end)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 0, st)
    local ev = assert(sys.kevent(kq, nil, 4, 0))
    assert(#ev == 1 and ev[1].ident == 1 and ev[1].filter == sys.EVFILT_USER)
  end,
}
