-- SPDX-License-Identifier: BSD-2-Clause
-- kqueue_scan() checks the deadline against getmicrouptime(), the uptime of the last tick, when a wakeup retries: woken at or after the deadline it returns 0 events although one is queued.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: a wakeup after the deadline returns no events",
  kernel = "freebsd@7773002",
  main = function()
    local kq = sys.kqueue()
    local r, w = sys.pipe()
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    sys.thread(function()
      sys.sleep(21 * sim.MSEC)
      sys.write(w, "x")
    end)
    -- deadline 15 ms, sleep 3 ticks (30 ms); the write at 21 ms wakes the
    -- scan, which sees uptime 20 ms >= 15 ms and returns
    local ev = assert(sys.kevent(kq, nil, 1, 15 * sim.MSEC))
    assert(#ev == 0 and sim.now() == 21 * sim.MSEC, sim.now())
    assert(sim.inspect(kq).kq_count == 1)
    assert(#poll(kq) == 1)
  end,
}
