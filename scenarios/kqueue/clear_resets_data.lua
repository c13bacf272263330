-- SPDX-License-Identifier: BSD-2-Clause
-- EV_CLEAR on EVFILT_SIGNAL: data restarts from zero after delivery.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EV_CLEAR on EVFILT_SIGNAL: data restarts from zero after delivery",
  kernel = "freebsd",
  kernels = { "freebsd", "freebsd@7773002" },
  main = function()
    local kq = sys.kqueue()
    sys.sigaction(sys.SIGUSR1, "ignore")
    assert(reg(kq, {ident = sys.SIGUSR1, filter = sys.EVFILT_SIGNAL, flags = sys.EV_ADD}))
    sys.kill(sys.getpid(), sys.SIGUSR1)
    assert(poll(kq)[1].data == 1)
    sys.kill(sys.getpid(), sys.SIGUSR1)
    sys.kill(sys.getpid(), sys.SIGUSR1)
    assert(poll(kq)[1].data == 2)
  end,
}
