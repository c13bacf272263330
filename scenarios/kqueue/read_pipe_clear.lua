-- SPDX-License-Identifier: BSD-2-Clause
-- EV_CLEAR makes EVFILT_READ edge-triggered.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EV_CLEAR makes EVFILT_READ edge-triggered",
  kernel = "freebsd",
  main = function()
    local r, w = sys.pipe()
    local kq = sys.kqueue()
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD | sys.EV_CLEAR}))
    sys.write(w, "xyz")
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].data == 3 and ev[1].flags == sys.EV_CLEAR)
    -- no new write: not reported again although data is still there
    assert(#poll(kq) == 0)
    local k = sim.inspect(kq, r, sys.EVFILT_READ)
    assert(k.kn_data == 0 and not k.kn_status.ACTIVE)
    sys.write(w, "1")
    ev = poll(kq)
    assert(#ev == 1 and ev[1].data == 4)
  end,
}
