-- SPDX-License-Identifier: BSD-2-Clause
-- closing a kqueue frees its knotes; its fd number is reusable.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "closing a kqueue frees its knotes; its fd number is reusable",
  kernel = "freebsd",
  kernels = { "freebsd", "freebsd@7773002" },
  main = function()
    local kq = sys.kqueue()
    local r, w = sys.pipe()
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    assert(reg(kq, {ident = 1, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 5}))
    sys.write(w, "x")
    assert(sys.close(kq))
    local kq2 = sys.kqueue()
    assert(kq2 == kq)
    assert(#sim.inspect(kq2).knotes == 0)
    sys.sleep(20 * sim.MSEC) -- the drained timer callout does not fire
  end,
}
