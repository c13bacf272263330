-- SPDX-License-Identifier: BSD-2-Clause
-- KQUEUE_CPONFORK copies an EVFILT_PROCDESC knote (procdesc_kqops' f_copy
-- is knote_triv_copy()): a process descriptor is passable, so a later
-- fork's child has it at the same number, and the copied knote sits on the
-- same descriptor's knote list.  The forked child's exit closes its
-- reference only (not the last close: nothing is killed); the pdforked
-- process's exit then fires NOTE_EXIT in the parent's kqueue, and a
-- second forked child that is waiting sees it in its copy too.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "CPONFORK: an EVFILT_PROCDESC knote is copied and fires in both",
  kernels = { "freebsd", "freebsd@b11289f" },
  main = function()
    local kq = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    local g, gw = sys.pipe()
    local pdpid, fd = sys.pdfork(function()
      assert(sys.read(g, 1) == "g")
      return 9
    end)
    assert(reg(kq, {ident = fd, filter = sys.EVFILT_PROCDESC, flags = sys.EV_ADD,
      fflags = sys.NOTE_EXIT, udata = "pd"}))
    -- a child that only looks and leaves: its close is not the last
    local c1 = sys.fork(function()
      local k = sim.inspect(kq, fd, sys.EVFILT_PROCDESC)
      assert(k ~= nil and not k.kn_status.ACTIVE)
      assert(sys.pdgetpid(fd) == pdpid)
      return 0
    end)
    local rp = sys.waitpid(c1, 0)
    assert(rp == c1)
    assert(sys.pdkill(fd, 0)) -- still running
    -- a child that waits for the exit in its copy
    local c2 = sys.fork(function()
      local ev = assert(sys.kevent(kq, nil, 4, nil))
      assert(#ev == 1 and ev[1].ident == fd and ev[1].udata == "pd")
      assert(ev[1].fflags == sys.NOTE_EXIT and ev[1].data == 9 << 8, ev[1].data)
      return 0
    end)
    sys.sleep(sim.MSEC)
    assert(sys.write(gw, "g") == 1)
    local st
    rp, st = sys.waitpid(c2, 0)
    assert(rp == c2 and sys.WEXITSTATUS(st) == 0, st)
    local ev = assert(sys.kevent(kq, nil, 4, 0))
    assert(#ev == 1 and ev[1].data == 9 << 8)
  end,
}
