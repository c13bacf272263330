-- SPDX-License-Identifier: BSD-2-Clause
-- filt_piperead(): EV_EOF once the writer closed, data the bytes left.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: EVFILT_READ sees the writer close",
  kernel = "freebsd@7773002",
  main = function()
    local r, w = sys.pipe()
    local kq = sys.kqueue()
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    sys.write(w, "ab")
    sys.close(w)
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].data == 2 and ev[1].flags == sys.EV_ADD | sys.EV_EOF)
  end,
}
