-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_USER without EV_CLEAR stays triggered until deleted.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EVFILT_USER without EV_CLEAR stays triggered until deleted",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    assert(reg(kq, {ident = 3, filter = sys.EVFILT_USER, flags = sys.EV_ADD}))
    assert(reg(kq, {ident = 3, filter = sys.EVFILT_USER, fflags = sys.NOTE_TRIGGER}))
    for i = 1, 3 do assert(#poll(kq) == 1) end
    -- EV_CLEAR in a later change resets the trigger
    assert(reg(kq, {ident = 3, filter = sys.EVFILT_USER, flags = sys.EV_CLEAR}))
    assert(#poll(kq) == 0)
  end,
}
