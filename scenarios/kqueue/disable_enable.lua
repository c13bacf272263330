-- SPDX-License-Identifier: BSD-2-Clause
-- EV_DISABLE: not reported; EV_ENABLE queues it again.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EV_DISABLE: not reported; EV_ENABLE queues it again",
  kernel = "freebsd",
  kernels = { "freebsd", "freebsd@7773002" },
  main = function()
    local kq = sys.kqueue()
    local r, w = sys.pipe()
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD | sys.EV_DISABLE}))
    sys.write(w, "a")
    assert(#poll(kq) == 0)
    local k = sim.inspect(kq, r, sys.EVFILT_READ)
    assert(k.kn_status.ACTIVE and k.kn_status.DISABLED and not k.kn_status.QUEUED)
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ENABLE}))
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].data == 1)
    -- disabling a queued knote: the scan unqueues it silently
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_DISABLE}))
    assert(sim.inspect(kq).kq_count == 1)
    assert(#poll(kq) == 0)
    assert(sim.inspect(kq).kq_count == 0)
  end,
}
