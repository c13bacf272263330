-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_READ reports EV_EOF when the writer closes.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EVFILT_READ reports EV_EOF when the writer closes",
  kernel = "freebsd",
  main = function()
    local r, w = sys.pipe()
    local kq = sys.kqueue()
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD, udata = 7}))
    sys.write(w, "tail")
    sys.close(w)
    local ev = poll(kq)
    assert(#ev == 1)
    assert(ev[1].flags == sys.EV_EOF and ev[1].data == 4 and ev[1].udata == 7)
    assert(sys.read(r, 10) == "tail")
    -- EOF stays: still reported with data 0
    ev = poll(kq)
    assert(#ev == 1 and ev[1].flags == sys.EV_EOF and ev[1].data == 0)
  end,
}
