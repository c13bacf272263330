-- SPDX-License-Identifier: BSD-2-Clause
-- A program that assumes NOTE_TRACK always delivers NOTE_CHILD: it passes
-- as long as no allocation fails (fifo, `evsim run`), but knote_fork()'s
-- M_NOWAIT registrations may fail, and then the parent gets NOTE_TRACKERR
-- instead (reference/kqueue.md section 2.5).  With the fail point set to
-- 'explore', `evsim explore` (random, pct or dfs) finds the failing branch
-- as a choose decision, shrinks the schedule to it and replay reproduces
-- it:
--
--   evsim explore scenarios/failpoints/explore_note_track.lua --strategy dfs:1
return {
  name = "explore finds a program that ignores NOTE_TRACKERR",
  kernel = "freebsd",
  failpoints = { ["kqueue_register:knote_alloc"] = "explore" },
  main = function()
    local kq = assert(sys.kqueue())
    local me = sys.getpid()
    assert(sys.kevent(kq, {{ident = me, filter = sys.EVFILT_PROC, flags = sys.EV_ADD,
      fflags = sys.NOTE_FORK | sys.NOTE_TRACK}}, 0, 0))
    local pid = sys.fork(function() return 0 end)
    local child = false
    for _, e in ipairs(assert(sys.kevent(kq, nil, 8, 0))) do
      if e.fflags & sys.NOTE_CHILD ~= 0 then child = e.ident == pid end
    end
    assert(child, "no NOTE_CHILD for the new child")
    sys.waitpid(pid, 0)
  end,
}
