-- SPDX-License-Identifier: BSD-2-Clause
-- FIFOs under kqueue, as fifo_vnops.c and sys_pipe.c make them: the
-- FIFO's one pipe (PIPE_SIZE) carries both filters; a reader knote with no
-- writer yet has no EOF (PIPE_EOF was cleared by the first reader's open);
-- EV_EOF comes only once a writer the reader could have seen has gone
-- (f_pipegen of its open != pipe_wgen); a reader that opens after that
-- writer left does not see EOF in its knote, though read(2) returns 0.
-- EVFILT_VNODE attaches to the FIFO's vnode; a filter the access mode does
-- not allow attaches and never fires.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "FIFO read/write filters and their EOF rules",
  kernel = "freebsd",
  main = function()
    assert(sys.sigaction(sys.SIGPIPE, "ignore"))
    assert(sys.mkfifo("/f", 420))
    local kq = sys.kqueue()
    local r = assert(sys.open("/f", sys.O_RDONLY | sys.O_NONBLOCK))
    -- no writer yet: read would block, the knote has neither data nor EOF
    local s, e = sys.read(r, 10)
    assert(s == nil and e == "EAGAIN", e)
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD, udata = "r"}))
    assert(reg(kq, {ident = r, filter = sys.EVFILT_VNODE, flags = sys.EV_ADD | sys.EV_CLEAR,
      fflags = sys.NOTE_DELETE, udata = "vnode"}))
    assert(#poll(kq) == 0)
    -- a writer: EVFILT_WRITE data is the FIFO pipe's room
    local w = assert(sys.open("/f", sys.O_WRONLY | sys.O_NONBLOCK))
    assert(reg(kq, {ident = w, filter = sys.EVFILT_WRITE, flags = sys.EV_ADD, udata = "w"}))
    -- EVFILT_READ on the write-only descriptor: attached, never fires
    assert(reg(kq, {ident = w, filter = sys.EVFILT_READ, flags = sys.EV_ADD, udata = "never"}))
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].udata == "w" and ev[1].data == 16384, ev[1] and ev[1].data)
    assert(sys.write(w, "hello") == 5)
    ev = poll(kq)
    local by = {}
    for _, x in ipairs(ev) do by[x.udata] = x end
    assert(by.r and by.r.data == 5 and by.r.flags & sys.EV_EOF == 0)
    assert(by.w and by.w.data == 16384 - 5)
    assert(by.never == nil)
    -- the writer goes: EV_EOF on the reader, the data still there
    sys.close(w)
    ev = poll(kq)
    assert(#ev == 1 and ev[1].udata == "r" and ev[1].data == 5
      and ev[1].flags & sys.EV_EOF ~= 0)
    assert(sys.read(r, 10) == "hello")
    assert(sys.read(r, 10) == "")
    -- a reader opened after that writer left: read(2) says EOF, its
    -- knote does not (f_pipegen == pipe_wgen)
    local r2 = assert(sys.open("/f", sys.O_RDONLY | sys.O_NONBLOCK))
    assert(reg(kq, {ident = r2, filter = sys.EVFILT_READ, flags = sys.EV_ADD, udata = "r2"}))
    ev = poll(kq)
    for _, x in ipairs(ev) do assert(x.udata ~= "r2") end
    assert(sys.read(r2, 10) == "")
    -- the name goes: the FIFO's vnode reports NOTE_DELETE to the reader
    assert(sys.unlink("/f"))
    ev = poll(kq)
    local seen = false
    for _, x in ipairs(ev) do
      if x.udata == "vnode" then seen = x.fflags == sys.NOTE_DELETE end
    end
    assert(seen)
    sys.close(r)
    sys.close(r2)
  end,
}
