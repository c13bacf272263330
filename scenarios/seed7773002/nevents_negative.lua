-- SPDX-License-Identifier: BSD-2-Clause
-- kevent() has no nevents < 0 check: errors are still reported while nevents is nonzero, and the scan, counting down from a negative count, returns every queued event.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: negative nevents returns every event",
  kernel = "freebsd@7773002",
  main = function()
    local kq = sys.kqueue()
    local ch = {}
    for i = 1, 10 do
      local r, w = sys.pipe()
      sys.write(w, "x")
      ch[#ch + 1] = {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD}
    end
    assert(sys.kevent(kq, ch, 0, 0))
    local ev = assert(sys.kevent(kq, nil, -1, 0))
    assert(#ev == 10, #ev)
    ev = assert(sys.kevent(kq, nil, -5, 0))
    assert(#ev == 10, #ev)
    -- an error with negative nevents is an EV_ERROR entry, not the call error
    ev = assert(sys.kevent(kq, {{ident = 1, filter = 0, flags = sys.EV_ADD}}, -1, 0))
    assert(#ev == 1 and ev[1].flags == sys.EV_ERROR)
  end,
}
