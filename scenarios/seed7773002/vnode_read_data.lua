-- SPDX-License-Identifier: BSD-2-Clause
-- filt_ufsread(): data is the file size less the descriptor offset; filt_ufswrite() is always true with data 0.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: EVFILT_READ/WRITE on a regular file",
  kernel = "freebsd@7773002",
  main = function()
    local fd = assert(sys.open("/f", sys.O_RDWR | sys.O_CREAT, 420))
    sys.write(fd, "0123456789")
    local kq = sys.kqueue()
    assert(reg(kq, {ident = fd, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    assert(#poll(kq) == 0) -- the offset is at the end
    local fd2 = assert(sys.open("/f", sys.O_RDONLY))
    sys.read(fd2, 4)
    assert(reg(kq, {ident = fd2, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    assert(reg(kq, {ident = fd2, filter = sys.EVFILT_WRITE, flags = sys.EV_ADD}))
    local ev = poll(kq)
    assert(#ev == 2)
    for _, e in ipairs(ev) do
      if e.filter == sys.EVFILT_READ then assert(e.data == 6, e.data) else assert(e.data == 0) end
    end
  end,
}
