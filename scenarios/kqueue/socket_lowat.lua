-- SPDX-License-Identifier: BSD-2-Clause
-- NOTE_LOWAT: EVFILT_READ fires from 'data' bytes on.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "NOTE_LOWAT: EVFILT_READ fires from 'data' bytes on",
  kernel = "freebsd",
  kernels = { "freebsd", "freebsd@7773002" },
  main = function()
    local a, b = sys.socketpair()
    local kq = sys.kqueue()
    assert(reg(kq, {ident = a, filter = sys.EVFILT_READ, flags = sys.EV_ADD,
      fflags = sys.NOTE_LOWAT, data = 10}))
    sys.write(b, "12345")
    assert(#poll(kq) == 0)
    assert(sim.inspect(kq, a, sys.EVFILT_READ).kn_data == 5)
    sys.write(b, "67890")
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].data == 10 and ev[1].fflags == 0)
  end,
}
