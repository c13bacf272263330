-- SPDX-License-Identifier: BSD-2-Clause
-- kern_wait6()/proc_to_reap(): wait for any child (P_ALL) passes over a
-- child that has a process descriptor, so with only such children it is
-- ECHILD; waiting for its pid works as for any child (WNOHANG: 0 while it
-- runs) and reaps it, releasing the process's reference on the descriptor
-- (procdesc_reap()); the descriptor's knote has fired already.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "wait: any child skips a procdesc child, its pid does not",
  kernels = { "freebsd", "freebsd@b11289f" },
  main = function()
    local kq = assert(sys.kqueue())
    local r, w = sys.pipe()
    local pdpid, fd = sys.pdfork(function()
      sys.read(r, 1)
      return 2
    end)
    local plain = sys.fork(function() return 4 end)
    -- wait for any child finds the plain one only
    local rp, st = sys.waitpid(-1, 0)
    assert(rp == plain and sys.WEXITSTATUS(st) == 4, rp)
    local p, err = sys.waitpid(-1, sys.WNOHANG)
    assert(p == nil and err == "ECHILD", err)
    p, err = sys.waitpid(-1, 0) -- would block forever otherwise
    assert(p == nil and err == "ECHILD", err)
    -- its pid is found: still running
    rp = sys.waitpid(pdpid, sys.WNOHANG)
    assert(rp == 0, rp)
    assert(reg(kq, {ident = fd, filter = sys.EVFILT_PROCDESC, flags = sys.EV_ADD,
      fflags = sys.NOTE_EXIT}))
    assert(sys.write(w, "x") == 1)
    rp, st = sys.waitpid(pdpid, 0)
    assert(rp == pdpid and sys.WEXITSTATUS(st) == 2, st)
    local ev = assert(sys.kevent(kq, nil, 4, 0))
    assert(#ev == 1 and ev[1].data == 2 << 8)
    -- reaped: the descriptor outlives the process
    local _, e2 = sys.pdkill(fd, sys.SIGKILL)
    assert(e2 == "ESRCH", e2)
    assert(sys.close(fd))
  end,
}
