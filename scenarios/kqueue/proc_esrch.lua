-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_PROC on a missing pid is ESRCH.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EVFILT_PROC on a missing pid is ESRCH",
  kernel = "freebsd",
  kernels = { "freebsd", "freebsd@7773002" },
  main = function()
    local kq = sys.kqueue()
    local _, err = reg(kq, {ident = 4242, filter = sys.EVFILT_PROC, flags = sys.EV_ADD, fflags = sys.NOTE_EXIT})
    assert(err == "ESRCH", err)
  end,
}
