-- SPDX-License-Identifier: BSD-2-Clause
-- a kqueue watching itself is EINVAL; EVFILT_WRITE on a kqueue is EINVAL.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "a kqueue watching itself is EINVAL; EVFILT_WRITE on a kqueue is EINVAL",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    local other = sys.kqueue()
    local _, err = reg(kq, {ident = kq, filter = sys.EVFILT_READ, flags = sys.EV_ADD})
    assert(err == "EINVAL", err)
    _, err = reg(kq, {ident = other, filter = sys.EVFILT_WRITE, flags = sys.EV_ADD})
    assert(err == "EINVAL", err)
    -- mutual watching is allowed
    assert(reg(kq, {ident = other, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    assert(reg(other, {ident = kq, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    assert(reg(other, {ident = 1, filter = sys.EVFILT_USER, flags = sys.EV_ADD}))
    assert(reg(other, {ident = 1, filter = sys.EVFILT_USER, fflags = sys.NOTE_TRIGGER}))
    -- other holds the user event and the knote watching kq (queued by
    -- the deferred task chain): data 2
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].ident == other and ev[1].data == 2, ev[1].data)
    ev = poll(other)
    assert(#ev == 2)
  end,
}
