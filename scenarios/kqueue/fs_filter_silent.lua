-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_FS on a system without mounts: filt_fsattach() takes the knote
-- (EV_CLEAR set) onto fs_knlist, but only vfs_event_signal() notifies that
-- list, and its callers (mount, unmount, NFS timeouts, disk events) cannot
-- be reached: file-system activity reports nothing; delete works.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EVFILT_FS: attached, silent without mounts",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    assert(reg(kq, {ident = 0, filter = sys.EVFILT_FS, flags = sys.EV_ADD}))
    local k = sim.inspect(kq, 0, sys.EVFILT_FS)
    assert(k and k.kn_flags & sys.EV_CLEAR ~= 0)
    assert(sys.mkdir("/d"))
    local fd = assert(sys.open("/d/f", sys.O_CREAT | sys.O_WRONLY))
    sys.write(fd, "data")
    sys.close(fd)
    assert(sys.rename("/d/f", "/d/g"))
    assert(sys.unlink("/d/g"))
    assert(#poll(kq) == 0)
    assert(reg(kq, {ident = 0, filter = sys.EVFILT_FS, flags = sys.EV_DELETE}))
    assert(sim.inspect(kq, 0, sys.EVFILT_FS) == nil)
  end,
}
