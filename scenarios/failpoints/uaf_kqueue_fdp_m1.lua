-- SPDX-License-Identifier: BSD-2-Clause
-- The M1 counterpart of uaf_kqueue_fdp.lua: current main does not copy
-- KN_KQUEUE knotes into a KQUEUE_CPONFORK child, so A's inner kqueue is
-- closed while A's table still exists and the quarantine has nothing to
-- report (the kernel is safe here).
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "KASAN: kqueue_close() locks the freed table of a CPONFORK parent (M1: nothing to catch)",
  kernel = "freebsd",
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
