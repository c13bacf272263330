-- SPDX-License-Identifier: BSD-2-Clause
-- kevent() on a descriptor that is not a kqueue is EBADF, as is a closed descriptor.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: kevent on a non-kqueue descriptor is EBADF",
  kernel = "freebsd@7773002",
  main = function()
    local r, w = sys.pipe()
    local ok, err = sys.kevent(r, nil, 1, 0)
    assert(ok == nil and err == "EBADF")
    ok, err = sys.kevent(99, nil, 1, 0)
    assert(ok == nil and err == "EBADF")
    local kq = sys.kqueue()
    sys.close(kq)
    ok, err = sys.kevent(kq, nil, 1, 0)
    assert(ok == nil and err == "EBADF")
    -- an fd filter on a bad descriptor
    kq = sys.kqueue()
    ok, err = reg(kq, {ident = 77, filter = sys.EVFILT_READ, flags = sys.EV_ADD})
    assert(ok == nil and err == "EBADF")
  end,
}
