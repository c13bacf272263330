-- SPDX-License-Identifier: BSD-2-Clause
-- filt_proc() returns true for NOTE_EXIT whatever kn_sfflags asks: a knote watching only NOTE_FORK still reports the exit, with fflags 0.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: an exit event even without NOTE_EXIT",
  kernel = "freebsd@7773002",
  main = function()
    local kq = sys.kqueue()
    local r, w = sys.pipe()
    local pid = sys.fork(function() sys.read(r, 1) end)
    assert(reg(kq, {ident = pid, filter = sys.EVFILT_PROC, flags = sys.EV_ADD, fflags = sys.NOTE_FORK}))
    sys.write(w, "x")
    local ev = assert(sys.kevent(kq, nil, 1, nil))
    assert(#ev == 1 and ev[1].fflags == 0 and ev[1].flags & sys.EV_EOF ~= 0)
    sys.waitpid(pid, 0)
  end,
}
