-- SPDX-License-Identifier: BSD-2-Clause
-- KQUEUE_CPONFORK: the child gets a copy at the same fd; both see one write.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "KQUEUE_CPONFORK: the child gets a copy at the same fd; both see one write",
  kernel = "freebsd",
  main = function()
    local kq = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    local r, w = sys.pipe()
    local r2, w2 = sys.pipe()
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD, udata = "p"}))
    local pid = sys.fork(function()
      local k = sim.inspect(kq, r, sys.EVFILT_READ)
      assert(k ~= nil and k.udata == "p")
      sys.read(r2, 1) -- wait for the parent's write
      local ev = assert(sys.kevent(kq, nil, 4, 0))
      assert(#ev == 1 and ev[1].ident == r and ev[1].data == 3)
      return 0
    end)
    sys.write(w, "abc")
    sys.write(w2, "g")
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WIFEXITED(st) and sys.WEXITSTATUS(st) == 0, st)
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].data == 3)
  end,
}
