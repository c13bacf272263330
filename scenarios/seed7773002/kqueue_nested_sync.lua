-- SPDX-License-Identifier: BSD-2-Clause
-- kqueue_wakeup() calls knote() on the watchers synchronously: the outer kqueue is ready when write() returns, no task in between.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: kqueue-in-kqueue wakes the outer kqueue synchronously",
  kernel = "freebsd@7773002",
  main = function()
    local inner, outer = sys.kqueue(), sys.kqueue()
    local r, w = sys.pipe()
    assert(reg(inner, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    assert(reg(outer, {ident = inner, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    assert(sim.inspect(outer).kq_count == 0)
    sys.write(w, "x")
    assert(sim.inspect(outer).kq_count == 1)
    local k = sim.inspect(outer, inner, sys.EVFILT_READ)
    assert(k.kn_status.QUEUED and k.kn_data == 1)
    local ev = poll(outer)
    assert(#ev == 1 and ev[1].ident == inner and ev[1].data == 1)
  end,
}
