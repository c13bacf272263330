-- SPDX-License-Identifier: BSD-2-Clause
-- KQUEUE_CPONFORK, EVFILT_VNODE: the copy sits on the vnode's knlist, so one
-- write by the parent fires NOTE_WRITE|NOTE_EXTEND in both kqueues
-- (reference/kqueue.md §3.2, FreeBSD test cponfork_notes).
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "CPONFORK: VNODE, one write fires parent and child",
  kernels = { "freebsd", "freebsd@b11289f" },
  main = function()
    local fd = assert(sys.open("/f", sys.O_CREAT | sys.O_RDWR, 420))
    local kq = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    local g, gw = sys.pipe()
    local d, dw = sys.pipe()
    assert(reg(kq, {ident = fd, filter = sys.EVFILT_VNODE, flags = sys.EV_ADD | sys.EV_CLEAR,
      fflags = sys.NOTE_WRITE | sys.NOTE_EXTEND | sys.NOTE_DELETE}))
    local pid = sys.fork(function()
      assert(#assert(sys.kevent(kq, nil, 4, 0)) == 0)
      assert(sys.write(dw, "d") == 1)
      assert(sys.read(g, 1) == "g")
      local ev = assert(sys.kevent(kq, nil, 4, 0))
      assert(#ev == 1 and ev[1].ident == fd, #ev)
      assert(ev[1].fflags == sys.NOTE_WRITE | sys.NOTE_EXTEND, ev[1].fflags)
      return 0
    end)
    assert(sys.read(d, 1) == "d") -- the child looked first
    assert(sys.write(fd, "data") == 4)
    assert(sys.write(gw, "g") == 1)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 0, st)
    local ev = assert(sys.kevent(kq, nil, 4, 0))
    assert(#ev == 1 and ev[1].fflags == sys.NOTE_WRITE | sys.NOTE_EXTEND)
  end,
}
