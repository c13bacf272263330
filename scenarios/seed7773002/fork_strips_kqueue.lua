-- SPDX-License-Identifier: BSD-2-Clause
-- A kqueue is not passable: the child's slot is empty (EBADF), its pipe descriptors are there, and the parent's knotes are untouched.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: fork strips kqueue descriptors",
  kernel = "freebsd@7773002",
  main = function()
    local kq = sys.kqueue()
    local r, w = sys.pipe()
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    local pid = sys.fork(function()
      local ok, err = sys.kevent(kq, nil, 1, 0)
      assert(ok == nil and err == "EBADF")
      sys.write(w, "c")
      return 0
    end)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 0)
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].data == 1)
  end,
}
