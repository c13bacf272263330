-- SPDX-License-Identifier: BSD-2-Clause
-- NOTE_REAP: the knote finishes when the parent reaps the child.
-- code-derived: M1 filt_proc() with NOTE_REAP
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "NOTE_REAP: the knote finishes when the parent reaps the child",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    local pid = sys.fork(function() return 4 end)
    assert(reg(kq, {ident = pid, filter = sys.EVFILT_PROC, flags = sys.EV_ADD, fflags = sys.NOTE_EXIT | sys.NOTE_REAP}))
    sys.sleep(sim.MSEC)
    local ev = poll(kq)
    -- exit recorded but not finished: no EV_EOF yet
    assert(#ev == 1 and ev[1].fflags == sys.NOTE_EXIT and ev[1].flags == sys.EV_CLEAR, ev[1] and ev[1].flags)
    sys.waitpid(pid, 0)
    ev = poll(kq)
    -- EV_CLEAR zeroed the recorded NOTE_EXIT at the first delivery
    assert(#ev == 1 and ev[1].fflags == sys.NOTE_REAP, ev[1] and ev[1].fflags)
    assert(ev[1].flags == sys.EV_CLEAR | sys.EV_EOF | sys.EV_ONESHOT)
  end,
}
