-- SPDX-License-Identifier: BSD-2-Clause
-- KQUEUE_CPONFORK: a knote watching another kqueue (KN_KQUEUE) is not copied.
-- M1 only: freebsd@b11289f copies it (reference §3.2)
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "KQUEUE_CPONFORK: a knote watching another kqueue (KN_KQUEUE) is not copied",
  kernel = "freebsd",
  main = function()
    local inner = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    local kq = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    local r, w = sys.pipe()
    assert(reg(kq, {ident = inner, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    local pid = sys.fork(function()
      assert(sim.inspect(kq, inner, sys.EVFILT_READ) == nil)
      assert(sim.inspect(kq, r, sys.EVFILT_READ) ~= nil)
      return 0
    end)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 0, st)
  end,
}
