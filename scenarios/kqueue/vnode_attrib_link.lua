-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_VNODE: chmod is NOTE_ATTRIB, link is NOTE_LINK; unrequested hints are not recorded.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EVFILT_VNODE: chmod is NOTE_ATTRIB, link is NOTE_LINK; unrequested hints are not recorded",
  kernel = "freebsd",
  kernels = { "freebsd", "freebsd@7773002" },
  main = function()
    local fd = assert(sys.open("/h", sys.O_CREAT | sys.O_RDWR, 420))
    local kq = sys.kqueue()
    assert(reg(kq, {ident = fd, filter = sys.EVFILT_VNODE, flags = sys.EV_ADD | sys.EV_CLEAR,
      fflags = sys.NOTE_ATTRIB}))
    assert(sys.link("/h", "/h2"))
    local ev = poll(kq)
    -- NOTE_LINK was not requested; link(2) may also change attributes
    for _, e in ipairs(ev) do assert(e.fflags & sys.NOTE_LINK == 0) end
    assert(sys.chmod("/h", 384))
    ev = poll(kq)
    assert(#ev == 1 and ev[1].fflags == sys.NOTE_ATTRIB, ev[1] and ev[1].fflags)
    assert(reg(kq, {ident = fd, filter = sys.EVFILT_VNODE, flags = sys.EV_ADD | sys.EV_CLEAR,
      fflags = sys.NOTE_LINK}))
    assert(sys.link("/h", "/h3"))
    ev = poll(kq)
    assert(#ev == 1 and ev[1].fflags & sys.NOTE_LINK ~= 0, ev[1] and ev[1].fflags)
  end,
}
