-- SPDX-License-Identifier: BSD-2-Clause
-- A knote disabled (EV_DISABLE) at fork time while its condition holds: the
-- copy keeps KN_DISABLED under both revisions (M0 keeps every status bit
-- but QUEUED; M1 keeps ACTIVE|DISABLED, reference/kqueue.md §3.2), reports
-- nothing until the child enables it, and enabling in the child does not
-- enable the parent's knote.  The traces differ: M1 enqueues the disabled
-- copy because f_event is true and it is not queued (the reference's M1
-- rule names no KN_DISABLED check), and the child's scan dequeues it
-- without reporting it; M0 does not enqueue it (the parent's knote, being
-- disabled, was not queued).
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "CPONFORK: a disabled knote stays disabled in the child",
  kernels = { "freebsd", "freebsd@b11289f" },
  main = function()
    local kq = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    local r, w = sys.pipe()
    assert(sys.write(w, "abc") == 3)
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD | sys.EV_DISABLE}))
    local pid = sys.fork(function()
      local k = sim.inspect(kq, r, sys.EVFILT_READ)
      assert(k.kn_status.DISABLED, k.kn_status._value)
      assert(#assert(sys.kevent(kq, nil, 4, 0)) == 0)
      assert(sim.inspect(kq).kq_count == 0)
      assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ENABLE}))
      local ev = assert(sys.kevent(kq, nil, 4, 0))
      assert(#ev == 1 and ev[1].ident == r and ev[1].data == 3, #ev)
      return 0
    end)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 0, st)
    assert(sim.inspect(kq, r, sys.EVFILT_READ).kn_status.DISABLED)
    assert(#assert(sys.kevent(kq, nil, 4, 0)) == 0)
  end,
}
