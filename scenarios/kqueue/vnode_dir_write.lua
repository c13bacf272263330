-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_VNODE on a directory: creating an entry is NOTE_WRITE.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EVFILT_VNODE on a directory: creating an entry is NOTE_WRITE",
  kernel = "freebsd",
  kernels = { "freebsd", "freebsd@7773002" },
  main = function()
    assert(sys.mkdir("/d"))
    local dfd = assert(sys.open("/d", sys.O_RDONLY))
    local kq = sys.kqueue()
    assert(reg(kq, {ident = dfd, filter = sys.EVFILT_VNODE, flags = sys.EV_ADD | sys.EV_CLEAR,
      fflags = sys.NOTE_WRITE}))
    assert(sys.open("/d/x", sys.O_CREAT | sys.O_RDWR, 420))
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].fflags == sys.NOTE_WRITE, ev[1] and ev[1].fflags)
  end,
}
