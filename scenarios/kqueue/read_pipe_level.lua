-- SPDX-License-Identifier: BSD-2-Clause
-- level-triggered EVFILT_READ on a pipe.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "level-triggered EVFILT_READ on a pipe",
  kernel = "freebsd",
  main = function()
    local r, w = sys.pipe()
    local kq = sys.kqueue()
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    assert(#poll(kq) == 0)
    sys.write(w, "abcdef")
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].data == 6 and ev[1].flags == 0, ev[1].data)
    -- level-triggered: reported again while data remains, data updated
    assert(sys.read(r, 2) == "ab")
    ev = poll(kq)
    assert(#ev == 1 and ev[1].data == 4)
    local k = sim.inspect(kq, r, sys.EVFILT_READ)
    assert(k.kn_status.QUEUED and k.kn_status.ACTIVE and k.kn_data == 4)
    assert(sys.read(r, 10) == "cdef")
    -- the scan re-runs f_event: nothing left, knote leaves the queue
    assert(#poll(kq) == 0)
    k = sim.inspect(kq, r, sys.EVFILT_READ)
    assert(not k.kn_status.QUEUED and not k.kn_status.ACTIVE)
    assert(sim.inspect(kq).kq_count == 0)
  end,
}
