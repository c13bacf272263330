-- SPDX-License-Identifier: BSD-2-Clause
-- The tsleep of kqueue_scan() is PCATCH: a caught signal ends it with EINTR (ERESTART is not restarted).
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: a signal interrupts a blocked kevent",
  kernel = "freebsd@7773002",
  main = function()
    local kq = sys.kqueue()
    sys.sigaction(sys.SIGUSR1, "catch")
    local me = sys.getpid()
    local pid = sys.fork(function() sys.sleep(5 * sim.MSEC); sys.kill(me, sys.SIGUSR1) end)
    local ok, err = sys.kevent(kq, nil, 1, nil)
    assert(ok == nil and err == "EINTR" and sim.now() == 5 * sim.MSEC)
    sys.waitpid(pid, 0)
  end,
}
