-- SPDX-License-Identifier: BSD-2-Clause
-- Historical race (reference/kqueue.md sections 1.4 and 5.2 item 1,
-- r310302 + D8898, 2016): a scan's in-flux ownership stolen.  A NOTE_TRACK
-- knote watches a child that forks three times; the parent scans the
-- kqueue meanwhile.  kqueue_scan() holds the queued knote in flux with
-- KN_SCAN and waits for the knlist (the child's proc lock); knote_fork(),
-- holding that lock, processes the KN_SCAN knote, entering and leaving
-- flux itself.
--
-- freebsd (fixed): kn_influx is a counter, each holder leaves its own
-- reference.
-- freebsd@pre-D8898: in flux is the flag KN_INFLUX; the first holder to
-- leave clears it for both, and the second finds its knote no longer in
-- flux (panic in kn_leave_flux: "another holder cleared KN_INFLUX").
--
-- evsim explore scenarios/races/hist_d8898_scan_vs_knote_fork.lua \
--   --kernel freebsd@pre-D8898 --strategy random --runs 1000
return {
  name = "D8898: kevent scan vs knote_fork on a KN_SCAN knote",
  kernels = { "freebsd", "freebsd@pre-D8898", "freebsd@7773002" },
  main = function()
    local kq = sys.kqueue()
    local r, w = sys.pipe()
    local c = sys.fork(function()
      sys.read(r, 1)
      for _ = 1, 3 do
        local g = sys.fork(function() return 0 end)
        sys.waitpid(g, 0)
      end
      return 0
    end)
    assert(sys.kevent(kq, {{ident = c, filter = sys.EVFILT_PROC, flags = sys.EV_ADD,
      fflags = sys.NOTE_TRACK | sys.NOTE_FORK | sys.NOTE_EXIT}}, 0, 0))
    sys.write(w, "x")
    -- A thread reaps the child; the scan loop ends when it has.  (Waiting
    -- for NOTE_EXIT instead can hang: an exit hint processed while a scan
    -- holds the knote with KN_SCAN clears 'p_proc', and the scan's
    -- f_event(kn, 0) then reports nothing.)
    local done = false
    local reaper = sys.thread(function()
      assert(sys.waitpid(c, 0) == c)
      done = true
    end)
    local forks = 0
    while not done do
      local ev = assert(sys.kevent(kq, nil, 8, sim.MSEC))
      for _, e in ipairs(ev) do
        if e.ident == c and e.fflags & sys.NOTE_FORK ~= 0 then forks = forks + 1 end
      end
    end
    sys.join(reaper)
    assert(forks <= 3, forks)
  end,
}
