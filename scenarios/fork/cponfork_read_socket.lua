-- SPDX-License-Identifier: BSD-2-Clause
-- KQUEUE_CPONFORK, EVFILT_READ on a socket: the copy shares the socket's
-- receive knlist; the data and EOF on shutdown reach both kqueues
-- (reference/kqueue.md §3.2).
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "CPONFORK: READ on a socket, data and EOF in parent and child",
  kernels = { "freebsd", "freebsd@b11289f" },
  main = function()
    local kq = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    local a, b = sys.socketpair()
    local g, gw = sys.pipe()
    assert(reg(kq, {ident = a, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    local pid = sys.fork(function()
      assert(sim.inspect(kq, a, sys.EVFILT_READ) ~= nil)
      assert(sys.read(g, 1) == "g")
      local ev = assert(sys.kevent(kq, nil, 4, 0))
      assert(#ev == 1 and ev[1].ident == a and ev[1].data == 3)
      assert(ev[1].flags & sys.EV_EOF == sys.EV_EOF, ev[1].flags)
      return 0
    end)
    assert(sys.write(b, "xyz") == 3)
    assert(sys.shutdown(b, sys.SHUT_WR))
    assert(sys.write(gw, "g") == 1)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 0, st)
    local ev = assert(sys.kevent(kq, nil, 4, 0))
    assert(#ev == 1 and ev[1].data == 3 and ev[1].flags & sys.EV_EOF ~= 0)
  end,
}
