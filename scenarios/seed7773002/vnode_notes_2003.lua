-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_VNODE of 2003 (ufs_kqfilter): NOTE_WRITE|NOTE_EXTEND on a growing write, NOTE_ATTRIB, NOTE_LINK, NOTE_DELETE, NOTE_RENAME; no NOTE_OPEN/NOTE_CLOSE/NOTE_READ events.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: vnode notes of 2003",
  kernel = "freebsd@7773002",
  main = function()
    local fd = assert(sys.open("/f", sys.O_RDWR | sys.O_CREAT, 420))
    local kq = sys.kqueue()
    local all = sys.NOTE_DELETE | sys.NOTE_WRITE | sys.NOTE_EXTEND | sys.NOTE_ATTRIB
      | sys.NOTE_LINK | sys.NOTE_RENAME | sys.NOTE_OPEN | sys.NOTE_CLOSE | sys.NOTE_READ
    assert(reg(kq, {ident = fd, filter = sys.EVFILT_VNODE, flags = sys.EV_ADD | sys.EV_CLEAR, fflags = all}))
    local fd2 = assert(sys.open("/f", sys.O_RDONLY))
    sys.read(fd2, 10)
    sys.close(fd2)
    assert(#poll(kq) == 0)
    sys.write(fd, "abc")
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].fflags == sys.NOTE_WRITE | sys.NOTE_EXTEND, ev[1].fflags)
    sys.chmod("/f", 384)
    assert(sys.link("/f", "/g"))
    ev = poll(kq)
    assert(ev[1].fflags == sys.NOTE_ATTRIB | sys.NOTE_LINK, ev[1].fflags)
    assert(sys.rename("/f", "/h"))
    ev = poll(kq)
    assert(ev[1].fflags & sys.NOTE_RENAME ~= 0, ev[1].fflags)
  end,
}
