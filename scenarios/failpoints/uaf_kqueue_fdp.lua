-- SPDX-License-Identifier: BSD-2-Clause
-- Simulated KASAN, kqueue_close() through a freed table.  As first committed
-- (freebsd@b11289f, M0) KQUEUE_CPONFORK copies a KN_KQUEUE knote, and the
-- copy holds a reference on the parent's inner kqueue file (reference/
-- kqueue.md section 5.2 item 10b).  Process A makes the kqueues and forks B,
-- then exits: A's descriptor table is freed, but its inner kqueue lives on
-- through B's copy.  When B exits, the last fdrop() of that file runs
-- kqueue_close(), which locks the kqueue's 'kq_fdp', A's freed table: a use
-- after free, reported as a panic naming the free and the access.  Current
-- main (M1) does not copy KN_KQUEUE knotes: uaf_kqueue_fdp_m1.lua passes.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "KASAN: kqueue_close() locks the freed table of a CPONFORK parent (M0)",
  kernel = "freebsd@b11289f",
  expect = "panic",
  main = function()
    local g, gw = sys.pipe()
    local a = sys.fork(function()
      local inner = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
      local outer = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
      assert(reg(outer, {ident = inner, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
      sys.fork(function()
        assert(sys.read(g, 1) == "g")
        return 0
      end)
      return 0
    end)
    sys.waitpid(a, 0)
    assert(sys.write(gw, "g") == 1)
    sys.waitpid(-1, 0)
  end,
}
