-- SPDX-License-Identifier: BSD-2-Clause
-- a blocked kevent wakes when another thread makes an event.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "a blocked kevent wakes when another thread makes an event",
  kernel = "freebsd",
  kernels = { "freebsd", "freebsd@7773002" },
  main = function()
    local kq = sys.kqueue()
    local r, w = sys.pipe()
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    local t = sys.thread(function() sys.sleep(2 * sim.MSEC); sys.write(w, "wake") end)
    local ev = assert(sys.kevent(kq, nil, 4, nil))
    assert(#ev == 1 and ev[1].data == 4 and sim.now() == 2 * sim.MSEC)
    sys.join(t)
  end,
}
