-- SPDX-License-Identifier: BSD-2-Clause
-- kqueue_kqfilter() accepts EVFILT_READ on any kqueue, itself included; any other filter returns 1, which kevent() reports as errno 1 (EPERM).
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: a kqueue may watch itself; other filters on a kqueue are EPERM",
  kernel = "freebsd@7773002",
  main = function()
    local kq = sys.kqueue()
    assert(reg(kq, {ident = kq, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    local ok, err = reg(kq, {ident = kq, filter = sys.EVFILT_WRITE, flags = sys.EV_ADD})
    assert(ok == nil and err == "EPERM", err)
    ok, err = reg(kq, {ident = kq, filter = sys.EVFILT_VNODE, flags = sys.EV_ADD})
    assert(ok == nil and err == "EPERM", err)
    local r, w = sys.pipe()
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    sys.write(w, "x")
    -- the pipe knote and the self-watching knote (data = kq_count at activation)
    local s = sim.inspect(kq)
    assert(s.kq_count == 2, s.kq_count)
    local ev = poll(kq)
    assert(#ev == 2)
    local self
    for _, e in ipairs(ev) do if e.ident == kq then self = e end end
    assert(self and self.data == 2, self and self.data)
    -- close() runs knote_fdclose(), which drops the knote holding the
    -- kqueue's own file, so the kqueue is freed (exit alone would not:
    -- see races/hist_7773002_self_watch_exit.lua)
    sys.close(kq)
    assert(sim.inspect(kq) == nil)
  end,
}
