-- SPDX-License-Identifier: BSD-2-Clause
-- kqueue_close() walks the table's fd_knlist and fd_knhash and frees this kqueue's knotes only, releasing their files.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: closing a kqueue frees its knotes only",
  kernel = "freebsd@7773002",
  main = function()
    local kq1, kq2 = sys.kqueue(), sys.kqueue()
    local r, w = sys.pipe()
    assert(reg(kq1, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    assert(reg(kq1, {ident = 5, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 1000}))
    assert(reg(kq2, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    sys.close(kq1)
    assert(#sim.inspect(kq2).knotes == 1)
    sys.write(w, "z")
    assert(#poll(kq2) == 1)
    -- the reader is still open through the pipe fd; closing it ends the knote
    sys.close(r)
    assert(#sim.inspect(kq2).knotes == 0)
  end,
}
