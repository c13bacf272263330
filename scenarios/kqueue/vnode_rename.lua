-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_VNODE: rename of the file is NOTE_RENAME.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EVFILT_VNODE: rename of the file is NOTE_RENAME",
  kernel = "freebsd",
  kernels = { "freebsd", "freebsd@7773002" },
  main = function()
    local fd = assert(sys.open("/a", sys.O_CREAT | sys.O_RDWR, 420))
    local kq = sys.kqueue()
    assert(reg(kq, {ident = fd, filter = sys.EVFILT_VNODE, flags = sys.EV_ADD | sys.EV_CLEAR,
      fflags = sys.NOTE_RENAME | sys.NOTE_DELETE}))
    assert(sys.rename("/a", "/b"))
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].fflags == sys.NOTE_RENAME, ev[1] and ev[1].fflags)
  end,
}
