-- SPDX-License-Identifier: BSD-2-Clause
-- Two threads blocked in kevent() on one kqueue: both sleep on the kqueue with Giant released; one event wakes both (wakeup(kq)), the first scan takes it and the other goes back to sleep until its timeout.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: two threads sleep in kqueue_scan",
  kernel = "freebsd@7773002",
  main = function()
    local kq = sys.kqueue()
    local r, w = sys.pipe()
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD | sys.EV_ONESHOT}))
    local got = {}
    local t = sys.thread(function()
      local ev = assert(sys.kevent(kq, nil, 1, 50 * sim.MSEC))
      got[#got + 1] = #ev
    end)
    sys.thread(function() sys.sleep(5 * sim.MSEC); sys.write(w, "x") end)
    local ev = assert(sys.kevent(kq, nil, 1, 50 * sim.MSEC))
    got[#got + 1] = #ev
    sys.join(t)
    assert(got[1] + got[2] == 1, got[1] .. " " .. got[2])
  end,
}
