-- SPDX-License-Identifier: BSD-2-Clause
-- freebsd@7773002 runs a model of its own: of the FreeBSD fail points only
-- filt_timerattach:kq_calloutmax applies to it (its knote and table
-- allocations are M_WAITOK and cannot fail).  The 2003 filt_timerattach()
-- returns ENOMEM at kern.kq_calloutmax; kqueue_register() drops the new
-- knote and kevent() returns the error; the next registration succeeds.
return {
  name = "freebsd@7773002: fail point filt_timerattach:kq_calloutmax",
  kernel = "freebsd@7773002",
  main = function()
    local kq = assert(sys.kqueue())
    local timer = {ident = 9, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 10}
    local none, err = sim.failpoint("kqueue_register:knote_alloc", "return")
    assert(none == nil and err == "ENOENT", err)
    assert(sim.failpoint("filt_timerattach:kq_calloutmax", "1*return") == "1*return")
    local ok, e = sys.kevent(kq, {timer}, 0, 0)
    assert(ok == nil and e == "ENOMEM", e)
    assert(sim.failpoint("filt_timerattach:kq_calloutmax") == "off")
    assert(#sim.inspect(kq).knotes == 0)
    assert(sys.kevent(kq, {timer}, 0, 0))
    assert(#sim.inspect(kq).knotes == 1)
    local ev = assert(sys.kevent(kq, nil, 4, nil))
    assert(#ev == 1 and ev[1].ident == 9, #ev)
  end,
}
