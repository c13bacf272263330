-- SPDX-License-Identifier: BSD-2-Clause
-- Race: NOTE_TRACK makes fork register knotes on the child with every lock
-- dropped (knote_fork), while another thread closes the kqueue.  The close
-- must wait for the knote in flux; registrations into the closing kqueue
-- fail (EBADF, NOTE_TRACKERR) instead of landing in a freed kqueue
-- (D18316).
return {
  name = "NOTE_TRACK fork while the kqueue is being closed",
  kernel = "freebsd",
  kernels = { "freebsd", "freebsd@7773002" },
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
