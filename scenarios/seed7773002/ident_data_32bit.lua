-- SPDX-License-Identifier: BSD-2-Clause
-- The kevent of the i386 kernel of 2003: 'ident' is a 32-bit uintptr_t and
-- 'data' a 32-bit intptr_t, so kevent() sees a change's ident and data
-- modulo 2^32 (an fd filter on 2^32 + fd is that fd).
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: ident and data are 32-bit",
  kernel = "freebsd@7773002",
  main = function()
    local kq = sys.kqueue()
    local r, w = sys.pipe()
    assert(reg(kq, {ident = (1 << 32) + r, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    assert(sim.inspect(kq, r, sys.EVFILT_READ) ~= nil)
    -- data 2^32 + 30 ms is a 30 ms timer (tvtohz: 4 ticks)
    assert(reg(kq, {ident = (1 << 32) + 7, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD | sys.EV_ONESHOT,
      data = (1 << 32) + 30}))
    local k = sim.inspect(kq, 7, sys.EVFILT_TIMER)
    assert(k and k.kn_sdata == 30, k and k.kn_sdata)
    sys.write(w, "x")
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].ident == r)
    sys.read(r, 1)
    ev = assert(sys.kevent(kq, nil, 1, nil))
    assert(#ev == 1 and ev[1].ident == 7 and sim.now() == 40 * sim.MSEC, sim.now())
  end,
}
