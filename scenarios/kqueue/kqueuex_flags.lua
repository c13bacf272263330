-- SPDX-License-Identifier: BSD-2-Clause
-- kqueuex: unknown flags are EINVAL; KQUEUE_CLOEXEC sets FD_CLOEXEC.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "kqueuex: unknown flags are EINVAL; KQUEUE_CLOEXEC sets FD_CLOEXEC",
  kernel = "freebsd",
  main = function()
    local _, err = sys.kqueuex(4)
    assert(err == "EINVAL", err)
    local kq = assert(sys.kqueuex(sys.KQUEUE_CLOEXEC))
    assert(sys.fcntl(kq, sys.F_GETFD) == sys.FD_CLOEXEC)
    local kq2 = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    assert(sim.inspect(kq2).kq_state.CPONFORK)
    assert(not sim.inspect(kq).kq_state.CPONFORK)
  end,
}
