-- SPDX-License-Identifier: BSD-2-Clause
-- A wakeup before the deadline (as the last tick saw it) retries: the scan finds the event and returns it.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: a wakeup before the deadline returns the event",
  kernel = "freebsd@7773002",
  main = function()
    local kq = sys.kqueue()
    local r, w = sys.pipe()
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    sys.thread(function()
      sys.sleep(17 * sim.MSEC)
      sys.write(w, "x")
    end)
    -- at 17 ms the last tick was 10 ms, before the 25 ms deadline
    local ev = assert(sys.kevent(kq, nil, 1, 25 * sim.MSEC))
    assert(#ev == 1 and sim.now() == 17 * sim.MSEC, sim.now())
  end,
}
