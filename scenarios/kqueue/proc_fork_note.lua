-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_PROC NOTE_FORK: the watched process forks.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EVFILT_PROC NOTE_FORK: the watched process forks",
  kernel = "freebsd",
  kernels = { "freebsd", "freebsd@7773002" },
  main = function()
    local kq = sys.kqueue()
    local r, w = sys.pipe()
    local pid = sys.fork(function()
      sys.read(r, 1)
      local g = sys.fork(function() return 0 end)
      sys.waitpid(g, 0)
      return 0
    end)
    assert(reg(kq, {ident = pid, filter = sys.EVFILT_PROC, flags = sys.EV_ADD, fflags = sys.NOTE_FORK | sys.NOTE_EXIT}))
    sys.write(w, "x")
    sys.waitpid(pid, 0)
    local ev = poll(kq)
    -- both notes were recorded in the same knote before the scan
    assert(#ev == 1 and ev[1].fflags == sys.NOTE_FORK | sys.NOTE_EXIT, ev[1] and ev[1].fflags)
    assert(ev[1].data == 0)
  end,
}
