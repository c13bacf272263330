-- SPDX-License-Identifier: BSD-2-Clause
-- KQUEUE_CPONFORK, kqueue-in-kqueue as first committed (freebsd@b11289f,
-- M0): the outer kqueue's KN_KQUEUE knote is copied, and the copy keeps
-- kn_fp = the parent's inner kqueue file and sits on that kqueue's knlist
-- (reference/kqueue.md §3.2 last bullet, §5.2 item 10b).  So the child's
-- outer kqueue reports the *parent's* inner kqueue (data = its kq_count),
-- not the child's own copy of it; and the child's exit drops the last
-- reference to the parent's inner kqueue file after the parent closed it.
-- The M1 counterpart is cponfork_kqueue_in_kqueue_m1.lua.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "CPONFORK M0: a KN_KQUEUE knote is copied and watches the parent's kqueue",
  kernel = "freebsd@b11289f",
  main = function()
    local inner = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    local outer = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    local r, w = sys.pipe()
    local g, gw = sys.pipe()
    local d, dw = sys.pipe()
    assert(reg(inner, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    assert(reg(outer, {ident = inner, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    local pid = sys.fork(function()
      local k = sim.inspect(outer, inner, sys.EVFILT_READ)
      assert(k ~= nil and k.kn_status.KQUEUE)
      assert(sys.write(dw, "d") == 1)
      assert(sys.read(g, 1) == "g")
      -- the child drains its own inner copy: that does not clear the event
      local ev = assert(sys.kevent(inner, nil, 4, 0))
      assert(#ev == 1 and ev[1].ident == r)
      ev = assert(sys.kevent(outer, nil, 4, 0))
      assert(#ev == 1 and ev[1].ident == inner and ev[1].data == 1, #ev)
      assert(sys.write(dw, "d") == 1)
      assert(sys.read(g, 1) == "g")
      return 0
    end)
    assert(sys.read(d, 1) == "d")
    assert(sys.write(w, "x") == 1)
    assert(sys.write(gw, "g") == 1)
    assert(sys.read(d, 1) == "d")
    local ev = assert(sys.kevent(outer, nil, 4, 0))
    assert(#ev == 1 and ev[1].ident == inner)
    assert(sys.close(inner))
    assert(sys.write(gw, "g") == 1)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 0, st)
    assert(sys.close(outer))
  end,
}
