-- SPDX-License-Identifier: BSD-2-Clause
-- kqueue_scan() re-evaluates a level-triggered knote and requeues it at the tail.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: level-triggered EVFILT_READ on a pipe",
  kernel = "freebsd@7773002",
  main = function()
    local r, w = sys.pipe()
    local kq = sys.kqueue()
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    assert(#poll(kq) == 0)
    sys.write(w, "abcdef")
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].ident == r and ev[1].data == 6)
    -- still readable: reported again
    ev = poll(kq)
    assert(#ev == 1 and ev[1].data == 6)
    sys.read(w == nil and r or r, 6)
    assert(#poll(kq) == 0)
    assert(not sim.inspect(kq, r, sys.EVFILT_READ).kn_status.QUEUED)
  end,
}
