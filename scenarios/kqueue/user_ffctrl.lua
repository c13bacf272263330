-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_USER: NOTE_FFAND, NOTE_FFOR, NOTE_FFCOPY, NOTE_FFNOP on the saved fflags.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EVFILT_USER: NOTE_FFAND, NOTE_FFOR, NOTE_FFCOPY, NOTE_FFNOP on the saved fflags",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    local function upd(ff) assert(reg(kq, {ident = 2, filter = sys.EVFILT_USER, fflags = ff})) end
    assert(reg(kq, {ident = 2, filter = sys.EVFILT_USER, flags = sys.EV_ADD, fflags = 0xf0}))
    upd(sys.NOTE_FFAND | 0x30)
    assert(sim.inspect(kq, 2, sys.EVFILT_USER).kn_sfflags == 0x30)
    upd(sys.NOTE_FFOR | 0x3)
    assert(sim.inspect(kq, 2, sys.EVFILT_USER).kn_sfflags == 0x33)
    upd(sys.NOTE_FFCOPY | 0x5)
    assert(sim.inspect(kq, 2, sys.EVFILT_USER).kn_sfflags == 0x5)
    upd(sys.NOTE_FFNOP | 0x7)
    assert(sim.inspect(kq, 2, sys.EVFILT_USER).kn_sfflags == 0x5)
    upd(sys.NOTE_TRIGGER)
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].fflags == 0x5 and ev[1].data == 0)
  end,
}
