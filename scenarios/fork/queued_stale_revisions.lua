-- SPDX-License-Identifier: BSD-2-Clause
-- The stale queued knote of queued_stale_m0.lua / queued_stale_m1.lua, run
-- under both revisions with one golden trace each (tests/fork_diff.py diffs
-- them).  The revision is not visible to Lua, so the child branches on what
-- it can observe: the copy is queued (M0: the parent's knote was queued) or
-- not (M1: f_event is false); either way it keeps ACTIVE, reports nothing,
-- and the child's queue is empty after one scan (reference/kqueue.md §3.2).
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "CPONFORK: a stale queued knote at fork, under both revisions",
  kernels = { "freebsd", "freebsd@b11289f" },
  main = function()
    local kq = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    local r, w = sys.pipe()
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    assert(sys.write(w, "x") == 1)
    assert(sys.read(r, 1) == "x")
    assert(sim.inspect(kq, r, sys.EVFILT_READ).kn_status.QUEUED)
    local pid = sys.fork(function()
      local k = sim.inspect(kq, r, sys.EVFILT_READ)
      local count = sim.inspect(kq).kq_count
      assert(k.kn_status.ACTIVE and not k.kn_status.DETACHED)
      assert(count == (k.kn_status.QUEUED and 1 or 0), count)
      assert(#assert(sys.kevent(kq, nil, 4, 0)) == 0)
      assert(sim.inspect(kq).kq_count == 0)
      return count
    end)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WIFEXITED(st) and sys.WEXITSTATUS(st) <= 1, st)
    assert(#assert(sys.kevent(kq, nil, 4, 0)) == 0)
  end,
}
