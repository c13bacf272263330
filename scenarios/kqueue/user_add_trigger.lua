-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_USER: EV_ADD with NOTE_TRIGGER does not trigger.
-- code-derived: filt_userattach() reads the zeroed kn_fflags (reference §2.7)
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EVFILT_USER: EV_ADD with NOTE_TRIGGER does not trigger",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    assert(reg(kq, {ident = 9, filter = sys.EVFILT_USER, flags = sys.EV_ADD, fflags = sys.NOTE_TRIGGER}))
    assert(#poll(kq) == 0)
    local k = sim.inspect(kq, 9, sys.EVFILT_USER)
    -- the raw input is saved, FFCTRL bits included
    assert(k.kn_sfflags == sys.NOTE_TRIGGER, k.kn_sfflags)
    -- and the knote is never attached to anything: it stays DETACHED
    assert(k.kn_status.DETACHED)
  end,
}
