-- SPDX-License-Identifier: BSD-2-Clause
-- Historical race (reference/kqueue.md sections 5.1 and 5.2 item 4,
-- PR 180385, fixed by r295012 / D4900 in 2016): NOTE_CHILD merged with
-- NOTE_EXIT.  The parent tracks a child (NOTE_TRACK); the child forks a
-- grandchild that exits with status 7 at the virtual instant the parent
-- wakes up to read its events.
--
-- freebsd (fixed): knote_fork() registers a one-shot NOTE_CHILD note
-- (data = the parent pid) and a separate tracking note that reports the
-- grandchild's NOTE_EXIT.
-- freebsd@pre-r295012: one knote does both; if the grandchild exits
-- before the parent reads NOTE_CHILD, the parent gets one event
-- NOTE_CHILD|NOTE_EXIT whose data is the exit status: the ppid is lost and
-- the assertion below fails.
--
-- evsim explore scenarios/races/hist_r295012_note_child_exit.lua \
--   --kernel freebsd@pre-r295012 --strategy random --runs 1000
return {
  name = "r295012: NOTE_CHILD read after the tracked grandchild exited",
  kernels = { "freebsd", "freebsd@pre-r295012", "freebsd@7773002" },
  main = function()
    local kq = sys.kqueue()
    local r, w = sys.pipe()
    local c = sys.fork(function()
      sys.read(r, 1)
      local g = sys.fork(function() sys.sleep(sim.MSEC); return 7 end)
      sys.waitpid(g, 0)
      return 0
    end)
    assert(sys.kevent(kq, {{ident = c, filter = sys.EVFILT_PROC, flags = sys.EV_ADD,
      fflags = sys.NOTE_TRACK | sys.NOTE_EXIT}}, 0, 0))
    sys.write(w, "x")
    -- wake up at the instant the grandchild does: who runs first decides
    sys.sleep(sim.MSEC)
    local done = false
    local reaper = sys.thread(function()
      assert(sys.waitpid(c, 0) == c)
      done = true
    end)
    local children = 0
    while not done do
      local ev = assert(sys.kevent(kq, nil, 8, sim.MSEC))
      for _, e in ipairs(ev) do
        if e.fflags & sys.NOTE_CHILD ~= 0 then
          children = children + 1
          assert(e.fflags == sys.NOTE_CHILD and e.data == c,
            string.format("NOTE_CHILD event of pid %d has fflags %#x and data %d, "
              .. "not the parent pid %d (PR 180385)", e.ident, e.fflags, e.data, c))
        end
      end
    end
    sys.join(reaper)
    assert(children <= 1, children)
  end,
}
