-- SPDX-License-Identifier: BSD-2-Clause
-- close() calls knote_fdclose(): the knotes on that descriptor number go, in every kqueue of the table; a dup keeps its own.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: close drops the knotes of that descriptor",
  kernel = "freebsd@7773002",
  main = function()
    local kq1, kq2 = sys.kqueue(), sys.kqueue()
    local r, w = sys.pipe()
    local r2 = sys.dup(r)
    assert(reg(kq1, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    assert(reg(kq2, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    assert(reg(kq1, {ident = r2, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    sys.close(r)
    assert(sim.inspect(kq1, r, sys.EVFILT_READ) == nil)
    assert(sim.inspect(kq2, r, sys.EVFILT_READ) == nil)
    assert(sim.inspect(kq1, r2, sys.EVFILT_READ) ~= nil)
    sys.write(w, "z")
    local ev = poll(kq1)
    assert(#ev == 1 and ev[1].ident == r2)
    assert(#poll(kq2) == 0)
  end,
}
