-- SPDX-License-Identifier: BSD-2-Clause
-- kevent on a bad descriptor is EBADF, on a non-kqueue EINVAL.
-- code-derived: kqueue_acquire() returns EINVAL (reference §1.6)
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "kevent on a bad descriptor is EBADF, on a non-kqueue EINVAL",
  kernel = "freebsd",
  main = function()
    local _, err = sys.kevent(55, nil, 1, 0)
    assert(err == "EBADF", err)
    local r, w = sys.pipe()
    _, err = sys.kevent(r, nil, 1, 0)
    assert(err == "EINVAL", err)
    sys.close(r)
    _, err = sys.kevent(r, nil, 1, 0)
    assert(err == "EBADF", err)
  end,
}
