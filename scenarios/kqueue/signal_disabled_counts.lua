-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_SIGNAL keeps counting while disabled.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EVFILT_SIGNAL keeps counting while disabled",
  kernel = "freebsd",
  kernels = { "freebsd", "freebsd@7773002" },
  main = function()
    local kq = sys.kqueue()
    sys.sigaction(sys.SIGUSR2, "ignore")
    assert(reg(kq, {ident = sys.SIGUSR2, filter = sys.EVFILT_SIGNAL, flags = sys.EV_ADD | sys.EV_DISABLE}))
    for i = 1, 3 do sys.kill(sys.getpid(), sys.SIGUSR2) end
    assert(#poll(kq) == 0)
    local k = sim.inspect(kq, sys.SIGUSR2, sys.EVFILT_SIGNAL)
    assert(k.kn_data == 3 and k.kn_status.DISABLED and k.kn_status.ACTIVE)
    assert(reg(kq, {ident = sys.SIGUSR2, filter = sys.EVFILT_SIGNAL, flags = sys.EV_ENABLE}))
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].data == 3)
  end,
}
