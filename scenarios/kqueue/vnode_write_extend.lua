-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_VNODE: a write that grows the file is NOTE_WRITE|NOTE_EXTEND.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EVFILT_VNODE: a write that grows the file is NOTE_WRITE|NOTE_EXTEND",
  kernel = "freebsd",
  main = function()
    local fd = assert(sys.open("/f", sys.O_CREAT | sys.O_RDWR, 420))
    local kq = sys.kqueue()
    assert(reg(kq, {ident = fd, filter = sys.EVFILT_VNODE, flags = sys.EV_ADD | sys.EV_CLEAR,
      fflags = sys.NOTE_WRITE | sys.NOTE_EXTEND | sys.NOTE_ATTRIB}))
    assert(#poll(kq) == 0)
    sys.write(fd, "data")
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].fflags == sys.NOTE_WRITE | sys.NOTE_EXTEND, ev[1].fflags)
    assert(ev[1].flags == sys.EV_CLEAR and ev[1].data == 0)
    assert(#poll(kq) == 0)
  end,
}
