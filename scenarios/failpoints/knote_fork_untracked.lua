-- SPDX-License-Identifier: BSD-2-Clause
-- Both child registrations of knote_fork() fail (fail point
-- knote_fork:kqueue_register, ENOMEM): the parent's knote gets NOTE_TRACKERR
-- with NOTE_FORK, no NOTE_CHILD note is delivered and the child is not
-- tracked, so its exit is never reported (reference/kqueue.md section 2.5).
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "fail point knote_fork:kqueue_register: the child is not tracked",
  kernel = "freebsd",
  failpoints = { ["knote_fork:kqueue_register"] = "return" },
  main = function()
    local kq = assert(sys.kqueue())
    local me = sys.getpid()
    assert(reg(kq, {ident = me, filter = sys.EVFILT_PROC, flags = sys.EV_ADD,
      fflags = sys.NOTE_FORK | sys.NOTE_TRACK | sys.NOTE_EXIT}))
    local pid = sys.fork(function() return 3 end)
    local ev = assert(sys.kevent(kq, nil, 8, 0))
    assert(#ev == 1 and ev[1].ident == me, #ev)
    assert(ev[1].fflags == sys.NOTE_FORK | sys.NOTE_TRACKERR, ev[1].fflags)
    sys.waitpid(pid, 0)
    ev = assert(sys.kevent(kq, nil, 8, 0))
    assert(#ev == 0, #ev)
    assert(#sim.inspect(kq).knotes == 1)
  end,
}
