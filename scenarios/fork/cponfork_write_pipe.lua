-- SPDX-License-Identifier: BSD-2-Clause
-- KQUEUE_CPONFORK, EVFILT_WRITE on a pipe that has space: the parent's knote
-- is queued at fork time and f_event is true, so both M0 ("parent queued")
-- and M1 (f_event) queue the copy (reference/kqueue.md §3.2).  Closing the
-- read end then reports EV_EOF in both kqueues.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "CPONFORK: WRITE on a pipe, copy queued, EOF in both",
  kernels = { "freebsd", "freebsd@b11289f" },
  main = function()
    local kq = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    local r, w = sys.pipe()
    local g, gw = sys.pipe()
    assert(reg(kq, {ident = w, filter = sys.EVFILT_WRITE, flags = sys.EV_ADD}))
    assert(sim.inspect(kq).kq_count == 1)
    local pid = sys.fork(function()
      local k = sim.inspect(kq)
      assert(k.kq_count == 1 and #k.queue == 1, k.kq_count)
      local ev = assert(sys.kevent(kq, nil, 4, 0))
      assert(#ev == 1 and ev[1].ident == w and ev[1].data > 0 and ev[1].flags == 0)
      assert(sys.close(r))
      assert(sys.read(g, 1) == "g")
      ev = assert(sys.kevent(kq, nil, 4, 0))
      assert(#ev == 1 and ev[1].flags & sys.EV_EOF ~= 0, ev[1] and ev[1].flags)
      return 0
    end)
    assert(sys.close(r))
    assert(sys.write(gw, "g") == 1)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 0, st)
    local ev = assert(sys.kevent(kq, nil, 4, 0))
    assert(#ev == 1 and ev[1].flags & sys.EV_EOF ~= 0)
  end,
}
