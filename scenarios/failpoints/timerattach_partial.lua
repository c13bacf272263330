-- SPDX-License-Identifier: BSD-2-Clause
-- filt_timerattach() fails with ENOMEM at kern.kq_calloutmax (fail point
-- filt_timerattach:kq_calloutmax).  kqueue_kevent() applies the change list
-- in order: with no room for events it returns the error at the failing
-- change, leaving the changes before it applied and those after it not;
-- with room it reports the failure as an EV_ERROR event and goes on
-- (reference/kqueue.md section 1.6).
return {
  name = "fail point filt_timerattach:kq_calloutmax: a change list partly applied",
  kernel = "freebsd",
  main = function()
    local kq = assert(sys.kqueue())
    local function user(id) return {ident = id, filter = sys.EVFILT_USER, flags = sys.EV_ADD} end
    local timer = {ident = 9, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 10}
    sim.failpoint("filt_timerattach:kq_calloutmax", "1*return")
    local _, err = sys.kevent(kq, {user(1), timer, user(2)}, 0, 0)
    assert(err == "ENOMEM", err)
    assert(sim.failpoint("filt_timerattach:kq_calloutmax") == "off")
    local k = sim.inspect(kq)
    assert(#k.knotes == 1 and k.knotes[1].ident == 1, #k.knotes)
    -- with room for events: an EV_ERROR entry, the rest applied
    sim.failpoint("filt_timerattach:kq_calloutmax", "1*return")
    local ev = assert(sys.kevent(kq, {user(3), timer, user(4)}, 4, 0))
    assert(#ev == 1 and ev[1].ident == 9 and ev[1].flags == sys.EV_ERROR, #ev)
    assert(sys.errname(ev[1].data) == "ENOMEM", ev[1].data)
    assert(#sim.inspect(kq).knotes == 3)
    -- the limit gone, the same timer registers
    assert(sys.kevent(kq, {timer}, 0, 0))
  end,
}
