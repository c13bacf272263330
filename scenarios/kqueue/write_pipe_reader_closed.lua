-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_WRITE: EV_EOF when the reader closes, EPIPE to register after.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EVFILT_WRITE: EV_EOF when the reader closes, EPIPE to register after",
  kernel = "freebsd",
  main = function()
    local r, w = sys.pipe()
    local kq = sys.kqueue()
    assert(reg(kq, {ident = w, filter = sys.EVFILT_WRITE, flags = sys.EV_ADD}))
    assert(#poll(kq) == 1)
    sys.close(r)
    local ev = poll(kq)
    -- pipeclose(): knote() marks EV_EOF, then knlist_clear() adds EV_ONESHOT
    assert(#ev == 1 and ev[1].flags == sys.EV_EOF | sys.EV_ONESHOT, ev[1].flags)
    assert(sim.inspect(kq, w, sys.EVFILT_WRITE) == nil)
    local _, err = reg(kq, {ident = w, filter = sys.EVFILT_WRITE, flags = sys.EV_ADD})
    assert(err == "EPIPE", err)
  end,
}
