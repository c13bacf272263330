-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_PROC NOTE_EXIT of a killed child: data is the signal number.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EVFILT_PROC NOTE_EXIT of a killed child: data is the signal number",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    local r, w = sys.pipe()
    local pid = sys.fork(function() sys.read(r, 1) end)
    assert(reg(kq, {ident = pid, filter = sys.EVFILT_PROC, flags = sys.EV_ADD, fflags = sys.NOTE_EXIT}))
    assert(sys.kill(pid, sys.SIGTERM))
    local ev = assert(sys.kevent(kq, nil, 4, nil))
    assert(#ev == 1 and ev[1].data == sys.SIGTERM, ev[1].data)
    sys.waitpid(pid, 0)
  end,
}
