-- SPDX-License-Identifier: BSD-2-Clause
-- fork: the child's kqueue slot is empty; the parent's knotes are untouched.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "fork: the child's kqueue slot is empty; the parent's knotes are untouched",
  kernel = "freebsd",
  kernels = { "freebsd", "freebsd@7773002" },
  main = function()
    local kq = sys.kqueue()
    local r, w = sys.pipe()
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    local pid = sys.fork(function()
      local _, err = sys.kevent(kq, nil, 1, 0)
      assert(err == "EBADF", err)
      _, err = sys.close(kq)
      assert(err == "EBADF", err)
      sys.write(w, "c")
      return 0
    end)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 0)
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].data == 1)
  end,
}
