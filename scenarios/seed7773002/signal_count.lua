-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_SIGNAL (kern_sig.c filt_signal): counts deliveries of its signal, also ignored ones; EV_CLEAR set automatically.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: EVFILT_SIGNAL counts deliveries",
  kernel = "freebsd@7773002",
  main = function()
    local kq = sys.kqueue()
    sys.sigaction(sys.SIGUSR1, "ignore")
    assert(reg(kq, {ident = sys.SIGUSR1, filter = sys.EVFILT_SIGNAL, flags = sys.EV_ADD}))
    sys.kill(sys.getpid(), sys.SIGUSR1)
    sys.kill(sys.getpid(), sys.SIGUSR1)
    sys.kill(sys.getpid(), sys.SIGUSR2 == nil and 0 or sys.SIGUSR1)
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].data == 3 and ev[1].flags == sys.EV_ADD | sys.EV_CLEAR, ev[1].data)
    assert(#poll(kq) == 0)
  end,
}
