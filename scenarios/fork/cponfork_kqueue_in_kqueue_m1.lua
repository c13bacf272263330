-- SPDX-License-Identifier: BSD-2-Clause
-- KQUEUE_CPONFORK, kqueue-in-kqueue under current FreeBSD (M1): the outer
-- kqueue's EVFILT_READ knote on the inner kqueue (KN_KQUEUE) is not copied,
-- "cannot hold references to a kqueue outside of the process itself"
-- (reference/kqueue.md §3.2, §5.2 item 10b).  The inner kqueue itself is
-- CPONFORK and is copied with its pipe knote.  The M0 counterpart is
-- cponfork_kqueue_in_kqueue_m0.lua.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "CPONFORK M1: a KN_KQUEUE knote is not copied",
  kernel = "freebsd",
  main = function()
    local inner = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    local outer = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    local r, w = sys.pipe()
    local g, gw = sys.pipe()
    local d, dw = sys.pipe()
    assert(reg(inner, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    assert(reg(outer, {ident = inner, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    assert(sim.inspect(outer, inner, sys.EVFILT_READ).kn_status.KQUEUE)
    local pid = sys.fork(function()
      assert(#sim.inspect(outer).knotes == 0)
      assert(#sim.inspect(inner).knotes == 1)
      assert(sys.write(dw, "d") == 1)
      assert(sys.read(g, 1) == "g")
      -- the child's inner copy saw the write; nothing watches it
      local ev = assert(sys.kevent(inner, nil, 4, 0))
      assert(#ev == 1 and ev[1].ident == r)
      assert(#assert(sys.kevent(outer, nil, 4, 0)) == 0)
      return 0
    end)
    assert(sys.read(d, 1) == "d")
    assert(sys.write(w, "x") == 1)
    assert(sys.write(gw, "g") == 1)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 0, st)
    local ev = assert(sys.kevent(outer, nil, 4, 0))
    assert(#ev == 1 and ev[1].ident == inner and ev[1].data == 1)
    assert(sys.close(inner))
    assert(sys.close(outer))
  end,
}
