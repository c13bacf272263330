-- SPDX-License-Identifier: BSD-2-Clause
-- KQUEUE_CPONFORK, EVFILT_READ on a pipe: the copy is at the same index and
-- on the same knlist as the parent's knote (reference/kqueue.md §3.2), so
-- one write after the fork fires both kqueues.  Nothing was pending at fork
-- time, so M0 and M1 agree.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "CPONFORK: READ on a pipe, one write fires parent and child",
  kernels = { "freebsd", "freebsd@b11289f" },
  main = function()
    local kq = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    local r, w = sys.pipe()
    local g, gw = sys.pipe()
    local d, dw = sys.pipe()
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD, udata = "rd"}))
    local pid = sys.fork(function()
      local k = sim.inspect(kq)
      assert(k.kq_state.CPONFORK and k.kq_count == 0 and #k.knotes == 1)
      assert(k.knotes[1].ident == r and k.knotes[1].udata == "rd")
      assert(#assert(sys.kevent(kq, nil, 4, 0)) == 0)
      assert(sys.write(dw, "d") == 1)
      assert(sys.read(g, 1) == "g")
      local ev = assert(sys.kevent(kq, nil, 4, 0))
      assert(#ev == 1 and ev[1].ident == r and ev[1].data == 5 and ev[1].udata == "rd")
      return 0
    end)
    assert(sys.read(d, 1) == "d") -- the child looked first
    assert(sys.write(w, "hello") == 5)
    assert(sys.write(gw, "g") == 1)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 0, st)
    local ev = assert(sys.kevent(kq, nil, 4, 0))
    assert(#ev == 1 and ev[1].ident == r and ev[1].data == 5)
  end,
}
