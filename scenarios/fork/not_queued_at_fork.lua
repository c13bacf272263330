-- SPDX-License-Identifier: BSD-2-Clause
-- A knote that is neither active nor queued at fork time: the copy starts
-- idle under both revisions (M0 copies no QUEUED bit and the parent's knote
-- was not queued; M1's f_event is false), and later activity reaches both
-- copies independently (reference/kqueue.md §3.2).
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "CPONFORK: a knote idle at fork is idle in the child",
  kernels = { "freebsd", "freebsd@b11289f" },
  main = function()
    local kq = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    local r, w = sys.pipe()
    local g, gw = sys.pipe()
    local d, dw = sys.pipe()
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD | sys.EV_CLEAR}))
    local pid = sys.fork(function()
      local k = sim.inspect(kq, r, sys.EVFILT_READ)
      assert(k.kn_status._value == 0, k.kn_status._value)
      assert(sim.inspect(kq).kq_count == 0)
      assert(sys.write(dw, "d") == 1)
      assert(sys.read(g, 1) == "g")
      local ev = assert(sys.kevent(kq, nil, 4, 0))
      assert(#ev == 1 and ev[1].data == 2 and ev[1].flags == sys.EV_CLEAR)
      -- EV_CLEAR is per knote: the child's consumption leaves the parent's
      return 0
    end)
    assert(sys.read(d, 1) == "d")
    assert(sys.write(w, "ab") == 2)
    assert(sys.write(gw, "g") == 1)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 0, st)
    local ev = assert(sys.kevent(kq, nil, 4, 0))
    assert(#ev == 1 and ev[1].data == 2)
  end,
}
