-- SPDX-License-Identifier: BSD-2-Clause
-- EV_RECEIPT: an EV_ERROR entry with data 0 per change, and no scan.
-- code-derived: returned fflags of a receipt (reference §1.6)
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EV_RECEIPT: an EV_ERROR entry with data 0 per change, and no scan",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    local r, w = sys.pipe()
    sys.write(w, "ready")
    local ev = assert(sys.kevent(kq, {
      {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD | sys.EV_RECEIPT, fflags = 3, data = 9, udata = 1},
      {ident = 77, filter = sys.EVFILT_READ, flags = sys.EV_ADD | sys.EV_RECEIPT, udata = 2},
    }, 8, 0))
    assert(#ev == 2)
    assert(ev[1].flags == sys.EV_ERROR and ev[1].data == 0 and ev[1].ident == r and ev[1].udata == 1)
    -- kqueue_register() zeroed fflags/data of a new knote's change
    assert(ev[1].fflags == 0)
    assert(ev[2].flags == sys.EV_ERROR and ev[2].data == 9 and ev[2].udata == 2) -- EBADF
    -- EV_RECEIPT stays in kn_flags and is reported with events
    ev = poll(kq)
    assert(#ev == 1 and ev[1].flags == sys.EV_RECEIPT and ev[1].data == 5)
  end,
}
