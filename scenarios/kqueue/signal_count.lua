-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_SIGNAL counts deliveries, even of an ignored signal.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EVFILT_SIGNAL counts deliveries, even of an ignored signal",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    sys.sigaction(sys.SIGUSR1, "ignore")
    assert(reg(kq, {ident = sys.SIGUSR1, filter = sys.EVFILT_SIGNAL, flags = sys.EV_ADD}))
    sys.kill(sys.getpid(), sys.SIGUSR1)
    sys.kill(sys.getpid(), sys.SIGUSR1)
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].ident == sys.SIGUSR1 and ev[1].data == 2, ev[1] and ev[1].data)
    assert(ev[1].flags == sys.EV_CLEAR)
    assert(#poll(kq) == 0)
  end,
}
