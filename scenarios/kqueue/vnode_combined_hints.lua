-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_VNODE: each file operation posts one combined hint per vnode, as
-- the VOP post hooks of vfs_subr.c do, and filt_vfsvnode() adds the whole
-- hint to kn_fflags once any bit of it was asked for.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
local function watch(kq, fd, fflags)
  assert(reg(kq, {ident = fd, filter = sys.EVFILT_VNODE, flags = sys.EV_ADD | sys.EV_CLEAR,
    fflags = fflags}))
end
-- The events of a poll by ident, checking there are n of them.
local function byident(kq, n)
  local ev, t = poll(kq), {}
  assert(#ev == n, #ev)
  for _, e in ipairs(ev) do t[e.ident] = e.fflags end
  return t
end
return {
  name = "EVFILT_VNODE: one combined hint per operation (VOP post hooks)",
  kernel = "freebsd",
  main = function()
    local W, E, L = sys.NOTE_WRITE, sys.NOTE_EXTEND, sys.NOTE_LINK
    local kq = sys.kqueue()

    -- A growing write: one hint NOTE_WRITE|NOTE_EXTEND, so a knote asking
    -- for NOTE_WRITE alone, or NOTE_EXTEND alone, reports both bits.
    local fw = assert(sys.open("/f", sys.O_CREAT | sys.O_RDWR, 420))
    local fe = assert(sys.open("/f", sys.O_RDONLY))
    watch(kq, fw, W)
    watch(kq, fe, E)
    assert(sys.write(fw, "data") == 4)
    local t = byident(kq, 2)
    assert(t[fw] == W | E, t[fw])
    assert(t[fe] == W | E, t[fe])
    -- Overwriting in place: NOTE_WRITE only, nothing for NOTE_EXTEND.
    local fo = assert(sys.open("/f", sys.O_WRONLY))
    assert(sys.write(fo, "DA") == 2)
    t = byident(kq, 1)
    assert(t[fw] == W, t[fw])

    -- A thread blocked in kevent() on NOTE_WRITE|NOTE_EXTEND is woken by
    -- one activation that carries both bits.
    local th = sys.thread(function() sys.sleep(sim.MSEC); sys.write(fw, "more") end)
    local ev = assert(sys.kevent(kq, nil, 8, nil))
    assert(#ev == 2, #ev)
    for _, e in ipairs(ev) do assert(e.fflags == W | E, e.fflags) end
    sys.join(th)

    -- mkdir: NOTE_WRITE|NOTE_LINK on the parent, also for NOTE_WRITE alone.
    assert(sys.mkdir("/d", 493))
    assert(sys.mkdir("/e", 493))
    local dw = assert(sys.open("/d", sys.O_RDONLY))
    watch(kq, dw, W)
    assert(sys.mkdir("/d/s", 493))
    t = byident(kq, 1)
    assert(t[dw] == W | L, t[dw])

    -- link: NOTE_LINK on the file, NOTE_WRITE (no NOTE_LINK) on the
    -- directory.
    local dl = assert(sys.open("/e", sys.O_RDONLY))
    watch(kq, dl, L | W)
    assert(sys.link("/f", "/e/g"))
    t = byident(kq, 1)
    assert(t[dl] == W, t[dl])

    -- rename of a file between directories: NOTE_WRITE|NOTE_EXTEND on
    -- both, no NOTE_LINK; a knote asking only for NOTE_LINK stays quiet.
    local dq = assert(sys.open("/d", sys.O_RDONLY))
    watch(kq, dq, L)
    assert(sys.rename("/e/g", "/d/g"))
    t = byident(kq, 2)
    assert(t[dw] == W | E, t[dw])
    assert(t[dl] == W | E, t[dl])
    assert(t[dq] == nil)

    -- rename of a directory between directories: NOTE_LINK joins.
    assert(sys.rename("/d/s", "/e/s"))
    t = byident(kq, 3)
    assert(t[dw] == W | E | L, t[dw])
    assert(t[dq] == W | E | L, t[dq])
    assert(t[dl] == W | E | L, t[dl])
  end,
}
