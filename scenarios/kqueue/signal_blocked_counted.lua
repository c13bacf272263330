-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_SIGNAL counts a blocked signal; a signal pending before registration is not counted.
-- code-derived: the pending signal is not counted (reference §2.8)
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EVFILT_SIGNAL counts a blocked signal; a signal pending before registration is not counted",
  kernel = "freebsd",
  kernels = { "freebsd", "freebsd@7773002" },
  main = function()
    local kq = sys.kqueue()
    sys.sigprocmask(sys.SIG_BLOCK, {sys.SIGHUP})
    sys.kill(sys.getpid(), sys.SIGHUP)
    assert(reg(kq, {ident = sys.SIGHUP, filter = sys.EVFILT_SIGNAL, flags = sys.EV_ADD}))
    assert(#poll(kq) == 0)
    sys.kill(sys.getpid(), sys.SIGHUP)
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].data == 1)
  end,
}
