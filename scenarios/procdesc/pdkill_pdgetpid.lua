-- SPDX-License-Identifier: BSD-2-Clause
-- pdgetpid(2) (kern_pdgetpid()) and pdkill(2) (sys_pdkill(), kern_sig.c):
-- EBADF for a descriptor that is not open or not a process descriptor
-- (procdesc_find()), EINVAL for a bad signal before the descriptor is
-- looked at; pdkill delivers the signal, whose number NOTE_EXIT's data
-- then carries (KW_EXITCODE()).  read and write are EOPNOTSUPP.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "pdgetpid and pdkill: errors, and a signal seen in NOTE_EXIT",
  kernels = { "freebsd", "freebsd@b11289f" },
  main = function()
    local kq = assert(sys.kqueue())
    local r, w = sys.pipe()
    local pid, fd = sys.pdfork(function()
      sys.read(r, 1) -- never returns: killed
      return 0
    end)
    for _, bad in ipairs({r, kq, 77, -1}) do
      local p, err = sys.pdgetpid(bad)
      assert(p == nil and err == "EBADF", tostring(bad) .. " " .. tostring(err))
      local ok, e2 = sys.pdkill(bad, 0)
      assert(ok == nil and e2 == "EBADF", e2)
    end
    for _, sig in ipairs({-1, 200, 1000}) do
      local ok, err = sys.pdkill(fd, sig)
      assert(ok == nil and err == "EINVAL", err)
      ok, err = sys.pdkill(r, sig) -- the signal is checked first
      assert(ok == nil and err == "EINVAL", err)
    end
    assert(sys.pdgetpid(fd) == pid)
    -- read and write are invfo_rdwr()
    local _, er = sys.read(fd, 1)
    assert(er == "EOPNOTSUPP", er)
    _, er = sys.write(fd, "x")
    assert(er == "EOPNOTSUPP", er)
    assert(reg(kq, {ident = fd, filter = sys.EVFILT_PROCDESC, flags = sys.EV_ADD,
      fflags = sys.NOTE_EXIT}))
    assert(sys.pdkill(fd, sys.SIGTERM))
    local ev = assert(sys.kevent(kq, nil, 4, nil))
    assert(#ev == 1 and ev[1].fflags == sys.NOTE_EXIT and ev[1].data == sys.SIGTERM,
      ev[1].data)
    -- a duplicate names the same process descriptor
    local fd2 = assert(sys.dup(fd))
    assert(sys.pdgetpid(fd2) == pid)
    assert(sys.close(fd))
    assert(sys.pdkill(fd2, 0)) -- the zombie is still there
    assert(sys.close(fd2))
    local _, err = sys.pdgetpid(fd2)
    assert(err == "EBADF", err)
  end,
}
