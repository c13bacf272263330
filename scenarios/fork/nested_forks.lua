-- SPDX-License-Identifier: BSD-2-Clause
-- Nested forks: the child's CPONFORK copy is itself CPONFORK (kqueue_fork_alloc
-- sets KQ_CPONFORK), so the grandchild gets a copy of the copy at the same
-- index.  All three READ knotes share the pipe's knlist: one write fires
-- three kqueues; the copied timer keeps the original deadline
-- (reference/kqueue.md §3.2).
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "CPONFORK: nested forks copy the copy; one write fires three kqueues",
  kernels = { "freebsd", "freebsd@b11289f" },
  main = function()
    local kq = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    local r, w = sys.pipe()
    local g, gw = sys.pipe()
    local d, dw = sys.pipe()
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD | sys.EV_CLEAR}))
    assert(reg(kq, {ident = 8, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD | sys.EV_ONESHOT, data = 10}))
    local pid = sys.fork(function()
      assert(sim.inspect(kq).kq_state.CPONFORK)
      local gpid = sys.fork(function()
        local k = sim.inspect(kq)
        assert(k.kq_state.CPONFORK and #k.knotes == 2, #k.knotes)
        assert(sys.write(dw, "d") == 1)
        assert(sys.read(g, 1) == "g")
        local ev = assert(sys.kevent(kq, nil, 4, 0))
        assert(#ev == 1 and ev[1].ident == r and ev[1].data == 4, #ev)
        ev = assert(sys.kevent(kq, nil, 4, nil))
        assert(#ev == 1 and ev[1].ident == 8 and sim.now() == 10 * sim.MSEC, tostring(#ev) .. " " .. tostring(ev[1] and ev[1].ident) .. " " .. sim.now())
        return 0
      end)
      assert(sys.write(dw, "d") == 1)
      assert(sys.read(g, 1) == "g")
      local ev = assert(sys.kevent(kq, nil, 4, 0))
      assert(#ev == 1 and ev[1].ident == r and ev[1].data == 4, #ev)
      local _, st = sys.waitpid(gpid, 0)
      assert(sys.WEXITSTATUS(st) == 0, st)
      ev = assert(sys.kevent(kq, nil, 4, nil))
      assert(#ev == 1 and ev[1].ident == 8 and sim.now() == 10 * sim.MSEC)
      return 0
    end)
    assert(sys.read(d, 1) == "d" and sys.read(d, 1) == "d")
    assert(sys.write(w, "ping") == 4)
    assert(sys.write(gw, "gg") == 2)
    local ev = assert(sys.kevent(kq, nil, 4, 0))
    assert(#ev == 1 and ev[1].ident == r and ev[1].data == 4)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 0, st)
    ev = assert(sys.kevent(kq, nil, 4, 0))
    assert(#ev == 1 and ev[1].ident == 8)
  end,
}
