-- SPDX-License-Identifier: BSD-2-Clause
-- A knote queued at fork time whose condition no longer holds, under
-- current FreeBSD (M1): the pipe's data was read with read(2), so the READ
-- knote is still on the parent's queue, but f_event is now false.  M1
-- decides the copy's enqueue by f_event under the knlist lock
-- (reference/kqueue.md §3.2): the copy keeps ACTIVE but is not queued.
-- The M0 counterpart is queued_stale_m0.lua; tests/fork_diff.py diffs the
-- two revisions on this scenario.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "CPONFORK M1: a stale queued knote's copy is not queued",
  kernel = "freebsd",
  main = function()
    local kq = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    local r, w = sys.pipe()
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    assert(sys.write(w, "x") == 1)
    assert(sys.read(r, 1) == "x")
    local p = sim.inspect(kq, r, sys.EVFILT_READ)
    assert(p.kn_status.QUEUED and sim.inspect(kq).kq_count == 1)
    local pid = sys.fork(function()
      local k = sim.inspect(kq, r, sys.EVFILT_READ)
      assert(not k.kn_status.QUEUED and k.kn_data == 0, k.kn_status._value)
      assert(sim.inspect(kq).kq_count == 0)
      assert(#assert(sys.kevent(kq, nil, 4, 0)) == 0)
      return 0
    end)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 0, st)
    -- the parent's scan drops its stale entry
    assert(#assert(sys.kevent(kq, nil, 4, 0)) == 0)
    assert(sim.inspect(kq).kq_count == 0)
  end,
}
