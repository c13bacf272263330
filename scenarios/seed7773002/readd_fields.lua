-- SPDX-License-Identifier: BSD-2-Clause
-- A re-add (kqueue_register() on an existing knote) changes only kn_sfflags, kn_sdata and udata: flags such as EV_ONESHOT or EV_CLEAR stay as first added.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: a re-add changes only fflags, data and udata",
  kernel = "freebsd@7773002",
  main = function()
    local a, b = sys.socketpair()
    local kq = sys.kqueue()
    assert(reg(kq, {ident = a, filter = sys.EVFILT_READ, flags = sys.EV_ADD, udata = 1}))
    assert(reg(kq, {ident = a, filter = sys.EVFILT_READ, flags = sys.EV_ADD | sys.EV_ONESHOT | sys.EV_CLEAR,
      fflags = sys.NOTE_LOWAT, data = 3, udata = 2}))
    local k = sim.inspect(kq, a, sys.EVFILT_READ)
    assert(k.kn_flags == sys.EV_ADD and k.kn_sfflags == sys.NOTE_LOWAT and k.kn_sdata == 3 and k.udata == 2)
    sys.write(b, "xy")
    assert(#poll(kq) == 0) -- below the new low-water mark
    sys.write(b, "z")
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].flags == sys.EV_ADD and ev[1].udata == 2 and ev[1].data == 3)
    -- not oneshot: still there
    assert(sim.inspect(kq, a, sys.EVFILT_READ) ~= nil)
    assert(#poll(kq) == 1)
  end,
}
