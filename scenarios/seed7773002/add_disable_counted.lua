-- SPDX-License-Identifier: BSD-2-Clause
-- EV_ADD|EV_DISABLE on a ready descriptor: kqueue_register() queues the knote before disabling it, so kq_count counts it until the next scan unqueues it without reporting.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: EV_ADD|EV_DISABLE on a ready fd is counted until the next scan",
  kernel = "freebsd@7773002",
  main = function()
    local r, w = sys.pipe()
    sys.write(w, "x")
    local kq = sys.kqueue()
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD | sys.EV_DISABLE}))
    local s = sim.inspect(kq)
    assert(s.kq_count == 1 and #s.queue == 1)
    local k = sim.inspect(kq, r, sys.EVFILT_READ)
    assert(k.kn_status.QUEUED and k.kn_status.DISABLED and k.kn_status.ACTIVE)
    assert(#poll(kq) == 0)
    assert(sim.inspect(kq).kq_count == 0)
    -- EV_ENABLE: still ACTIVE, queued again
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ENABLE}))
    assert(#poll(kq) == 1)
  end,
}
