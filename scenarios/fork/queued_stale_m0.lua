-- SPDX-License-Identifier: BSD-2-Clause
-- A knote queued at fork time whose condition no longer holds, as first
-- committed (freebsd@b11289f, M0): the copy is enqueued because the
-- parent's knote was KN_QUEUED, whatever f_event would say
-- (reference/kqueue.md §3.2).  (The read already ran filt_piperead, which
-- set kn_data to 0 but does not dequeue.)  The child's scan then re-checks f_event and drops it: no event, but kq_count
-- was 1.  The M1 counterpart is queued_stale_m1.lua.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "CPONFORK M0: a stale queued knote's copy is queued",
  kernel = "freebsd@b11289f",
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
      assert(k.kn_status.QUEUED and k.kn_status.ACTIVE and k.kn_data == 0, k.kn_status._value)
      assert(sim.inspect(kq).kq_count == 1)
      assert(#assert(sys.kevent(kq, nil, 4, 0)) == 0)
      assert(sim.inspect(kq).kq_count == 0)
      return 0
    end)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 0, st)
    assert(#assert(sys.kevent(kq, nil, 4, 0)) == 0)
    assert(sim.inspect(kq).kq_count == 0)
  end,
}
