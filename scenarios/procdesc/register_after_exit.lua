-- SPDX-License-Identifier: BSD-2-Clause
-- procdesc_kqops_event() with hint 0 ("initial test after registration"):
-- a knote registered after the process exited reports NOTE_EXIT at once; a
-- knote that asked for no note is dropped at the exit without an event
-- (EV_DROP); NOTE_FORK and NOTE_EXEC are never fired on a descriptor here.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "EVFILT_PROCDESC: registered after the exit, and without NOTE_EXIT",
  kernels = { "freebsd", "freebsd@b11289f" },
  main = function()
    local kq = assert(sys.kqueue())
    local r, w = sys.pipe()
    local pid, fd = sys.pdfork(function()
      sys.read(r, 1)
      sys.exit(3)
    end)
    assert(reg(kq, {ident = fd, filter = sys.EVFILT_PROCDESC, flags = sys.EV_ADD,
      fflags = sys.NOTE_FORK | sys.NOTE_EXEC, udata = "none"}))
    assert(sys.write(w, "x") == 1)
    sys.sleep(sim.MSEC)
    -- the knote without NOTE_EXIT was dropped silently
    assert(#assert(sys.kevent(kq, nil, 4, 0)) == 0)
    assert(#sim.inspect(kq).knotes == 0)
    -- registered now: NOTE_EXIT at once, status in data
    assert(reg(kq, {ident = fd, filter = sys.EVFILT_PROCDESC, flags = sys.EV_ADD,
      fflags = sys.NOTE_EXIT | sys.NOTE_FORK, udata = "late"}))
    local k = sim.inspect(kq, fd, sys.EVFILT_PROCDESC)
    assert(k.kn_status.ACTIVE and k.kn_status.QUEUED)
    local ev = assert(sys.kevent(kq, nil, 4, 0))
    assert(#ev == 1 and ev[1].udata == "late" and ev[1].fflags == sys.NOTE_EXIT)
    assert(ev[1].data == 3 << 8 and ev[1].flags & sys.EV_EOF ~= 0, ev[1].data)
    -- other filters are EINVAL on a process descriptor
    for _, f in ipairs({sys.EVFILT_READ, sys.EVFILT_WRITE, sys.EVFILT_VNODE}) do
      local ok, err = reg(kq, {ident = fd, filter = f, flags = sys.EV_ADD})
      assert(ok == nil and err == "EINVAL", err)
    end
    -- the last close reaps the zombie (procdesc_close() -> proc_reap())
    assert(sys.close(fd))
    local p, err = sys.waitpid(pid, sys.WNOHANG)
    assert(p == nil and err == "ECHILD", err)
  end,
}
