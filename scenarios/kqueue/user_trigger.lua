-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_USER: NOTE_TRIGGER fires, fflags and data are the saved ones.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EVFILT_USER: NOTE_TRIGGER fires, fflags and data are the saved ones",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    assert(reg(kq, {ident = 1, filter = sys.EVFILT_USER, flags = sys.EV_ADD | sys.EV_CLEAR, fflags = 0x11}))
    assert(#poll(kq) == 0)
    assert(reg(kq, {ident = 1, filter = sys.EVFILT_USER, fflags = sys.NOTE_TRIGGER | sys.NOTE_FFOR | 0x100, data = 42}))
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].fflags == 0x111 and ev[1].data == 42, ev[1] and ev[1].fflags)
    assert(ev[1].flags == sys.EV_CLEAR)
    -- EV_CLEAR: the trigger is consumed
    assert(#poll(kq) == 0)
  end,
}
