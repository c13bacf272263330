-- SPDX-License-Identifier: BSD-2-Clause
-- NOTE_FORK: knote(p_klist, NOTE_FORK | pid) from fork1(); fflags records it, data stays 0 (the pid is not reported without NOTE_TRACK).
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: NOTE_FORK",
  kernel = "freebsd@7773002",
  main = function()
    local kq = sys.kqueue()
    local r, w = sys.pipe()
    local pid = sys.fork(function()
      sys.read(r, 1)
      local g = sys.fork(function() return 0 end)
      sys.waitpid(g, 0)
    end)
    assert(reg(kq, {ident = pid, filter = sys.EVFILT_PROC, flags = sys.EV_ADD, fflags = sys.NOTE_FORK}))
    sys.write(w, "x")
    local ev = assert(sys.kevent(kq, nil, 1, nil))
    assert(#ev == 1 and ev[1].fflags == sys.NOTE_FORK and ev[1].data == 0)
    sys.waitpid(pid, 0)
  end,
}
