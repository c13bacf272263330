-- SPDX-License-Identifier: BSD-2-Clause
-- kqueuex(2) did not exist in 2003: ENOSYS whatever the flags.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: kqueuex is ENOSYS",
  kernel = "freebsd@7773002",
  main = function()
    local ok, err = sys.kqueuex(0)
    assert(ok == nil and err == "ENOSYS")
    ok, err = sys.kqueuex(sys.KQUEUE_CLOEXEC)
    assert(ok == nil and err == "ENOSYS")
    ok, err = sys.kqueuex(0x100)
    assert(ok == nil and err == "ENOSYS")
    assert(sys.kqueue())
  end,
}
