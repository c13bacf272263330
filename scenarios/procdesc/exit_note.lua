-- SPDX-License-Identifier: BSD-2-Clause
-- pdfork(2) and EVFILT_PROCDESC (sys/kern/sys_procdesc.c): the child's exit
-- fires NOTE_EXIT on the descriptor's knote with the raw exit status in
-- data and EV_EOF|EV_ONESHOT (procdesc_kqops_event()); exit1() sends the
-- parent no SIGCHLD while the descriptor is open (procdesc_exit() returns
-- 0), and wait for any child passes over the zombie (proc_to_reap(),
-- P_ALL); waitpid naming its pid reaps it (procdesc_reap()), after which
-- pdkill is ESRCH and pdgetpid still answers the pid.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "pdfork: NOTE_EXIT with the exit status, no SIGCHLD, wait(-1) skips it",
  kernels = { "freebsd", "freebsd@b11289f", "freebsd@pre-D18316", "freebsd@pre-D8898",
    "freebsd@pre-r295012" },
  main = function()
    local kq = assert(sys.kqueue())
    assert(reg(kq, {ident = sys.SIGCHLD, filter = sys.EVFILT_SIGNAL, flags = sys.EV_ADD}))
    local r, w = sys.pipe()
    local pid, fd = sys.pdfork(function()
      assert(sys.read(r, 1) == "x")
      return 7
    end)
    assert(math.type(pid) == "integer" and pid > 1 and fd == 3, fd)
    assert(sys.pdgetpid(fd) == pid)
    assert(reg(kq, {ident = fd, filter = sys.EVFILT_PROCDESC, flags = sys.EV_ADD,
      fflags = sys.NOTE_EXIT, udata = "pd"}))
    -- EV_CLEAR is set automatically (procdesc_kqfilter())
    local k = sim.inspect(kq, fd, sys.EVFILT_PROCDESC)
    assert(k.kn_flags & sys.EV_CLEAR ~= 0 and not k.kn_status.ACTIVE)
    assert(#assert(sys.kevent(kq, nil, 4, 0)) == 0)
    assert(sys.write(w, "x") == 1)
    local ev = assert(sys.kevent(kq, nil, 4, nil))
    assert(#ev == 1, #ev)
    local e = ev[1]
    assert(e.ident == fd and e.filter == sys.EVFILT_PROCDESC and e.udata == "pd")
    assert(e.fflags == sys.NOTE_EXIT, e.fflags)
    assert(e.data == 7 << 8, e.data)
    assert(e.flags == sys.EV_CLEAR | sys.EV_ONESHOT | sys.EV_EOF, e.flags)
    -- one shot: the knote is gone
    assert(#sim.inspect(kq).knotes == 1)
    -- no SIGCHLD was sent: the EVFILT_SIGNAL knote counted nothing
    assert(#assert(sys.kevent(kq, nil, 4, 0)) == 0)
    -- the zombie is invisible to wait for any child ...
    local p, err = sys.waitpid(-1, sys.WNOHANG)
    assert(p == nil and err == "ECHILD", err)
    -- ... and may still be signalled (a no-op on a zombie)
    assert(sys.pdkill(fd, 0))
    assert(sys.pdkill(fd, sys.SIGTERM))
    -- waitpid naming it reaps it
    local rp, st = sys.waitpid(pid, 0)
    assert(rp == pid and sys.WIFEXITED(st) and sys.WEXITSTATUS(st) == 7, st)
    local _, e2 = sys.pdkill(fd, 0)
    assert(e2 == "ESRCH", e2)
    assert(sys.pdgetpid(fd) == pid)
    assert(sys.close(fd))
  end,
}
