-- SPDX-License-Identifier: BSD-2-Clause
-- KQUEUE_CPONFORK, EVFILT_PROC: the copy watches the same pid (it sits on the
-- watched process's p_klist, reference/kqueue.md §3.2), so a sibling's exit
-- is reported with its status in the parent's and the child's kqueue.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "CPONFORK: PROC knote copied, the watched exit reaches both",
  kernels = { "freebsd", "freebsd@b11289f" },
  main = function()
    local kq = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    local r, w = sys.pipe()
    local g, gw = sys.pipe()
    local sib = sys.fork(function() sys.read(r, 1); return 9 end)
    assert(reg(kq, {ident = sib, filter = sys.EVFILT_PROC, flags = sys.EV_ADD,
      fflags = sys.NOTE_EXIT, udata = "sib"}))
    local pid = sys.fork(function()
      assert(sim.inspect(kq, sib, sys.EVFILT_PROC).udata == "sib")
      assert(sys.read(g, 1) == "g")
      local ev = assert(sys.kevent(kq, nil, 4, 0))
      assert(#ev == 1 and ev[1].ident == sib and ev[1].fflags == sys.NOTE_EXIT, #ev)
      assert(ev[1].data == 9 << 8 and ev[1].flags & sys.EV_EOF ~= 0, ev[1].data)
      return 0
    end)
    assert(sys.write(w, "x") == 1)
    local ev = assert(sys.kevent(kq, nil, 4, nil))
    assert(#ev == 1 and ev[1].ident == sib and ev[1].data == 9 << 8)
    assert(sys.write(gw, "g") == 1)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 0, st)
    sys.waitpid(sib, 0)
  end,
}
