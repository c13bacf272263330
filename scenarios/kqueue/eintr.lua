-- SPDX-License-Identifier: BSD-2-Clause
-- a caught signal interrupts a blocked kevent: EINTR.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "a caught signal interrupts a blocked kevent: EINTR",
  kernel = "freebsd",
  kernels = { "freebsd", "freebsd@7773002" },
  main = function()
    local kq = sys.kqueue()
    sys.sigaction(sys.SIGUSR1, "catch")
    local me = sys.getpid()
    local t = sys.thread(function()
      sys.sleep(3 * sim.MSEC)
      sys.kill(me, sys.SIGUSR1)
    end)
    local ev, err = sys.kevent(kq, nil, 4, nil)
    assert(ev == nil and err == "EINTR", err)
    assert(sim.now() == 3 * sim.MSEC)
    sys.join(t)
  end,
}
