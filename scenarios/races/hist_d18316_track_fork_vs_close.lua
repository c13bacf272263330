-- SPDX-License-Identifier: BSD-2-Clause
-- Historical race (reference/kqueue.md section 5.2 item 2, D18316, 2018):
-- knote_fork() racing close(kq).  A NOTE_TRACK knote watches this process;
-- each fork makes knote_fork() hold the knote in flux, drop every lock and
-- register knotes on the child, while another thread closes the kqueue.
--
-- freebsd (fixed): kqueue_expand()/knote_attach() refuse the closing
-- kqueue (EBADF, NOTE_TRACKERR) and knote_fork() relocks the knlist before
-- it leaves flux, so kqueue_drain() waits for it.
-- freebsd@pre-D18316: knote_fork() leaves flux first; the drain frees the
-- knote and the list walk continues from the freed knote: the model panics
-- in knote_fork ("a knote was freed while the knlist was unlocked").
--
-- evsim explore scenarios/races/hist_d18316_track_fork_vs_close.lua \
--   --kernel freebsd@pre-D18316 --strategy random --runs 1000
return {
  name = "D18316: NOTE_TRACK fork while the kqueue is being closed",
  kernels = { "freebsd", "freebsd@pre-D18316", "freebsd@7773002" },
  main = function()
    local kq = sys.kqueue()
    local me = sys.getpid()
    assert(sys.kevent(kq, {{ident = me, filter = sys.EVFILT_PROC, flags = sys.EV_ADD,
      fflags = sys.NOTE_TRACK | sys.NOTE_FORK | sys.NOTE_EXIT}}, 0, 0))
    local r, w = sys.pipe()
    local t = sys.thread(function()
      sys.sched_yield()
      assert(sys.close(kq))
    end)
    local pids = {}
    for i = 1, 2 do
      pids[i] = sys.fork(function() sys.read(r, 1); return i end)
    end
    sys.join(t)
    sys.write(w, "xy")
    for i = 1, 2 do
      local p, st = sys.waitpid(pids[i], 0)
      assert(p == pids[i] and sys.WEXITSTATUS(st) == i)
    end
    local _, err = sys.kevent(kq, nil, 1, 0)
    assert(err == "EBADF", err)
  end,
}
