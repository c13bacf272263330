-- SPDX-License-Identifier: BSD-2-Clause
-- Race: a child exits (NOTE_EXIT) and is reaped while the parent's other
-- thread is scanning its EVFILT_PROC knote.  The exit must be reported
-- exactly once, with the wait status, whatever the interleaving.
return {
  name = "process exit while its EVFILT_PROC knote is scanned",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    local r, w = sys.pipe()
    local pid = sys.fork(function() sys.read(r, 1); return 7 end)
    assert(sys.kevent(kq, {{ident = pid, filter = sys.EVFILT_PROC, flags = sys.EV_ADD,
      fflags = sys.NOTE_EXIT | sys.NOTE_FORK}}, 0, 0))
    local t = sys.thread(function()
      local exits = 0
      for i = 1, 6 do
        local ev = assert(sys.kevent(kq, nil, 4, sim.MSEC))
        for _, e in ipairs(ev) do
          assert(e.ident == pid and e.fflags == sys.NOTE_EXIT, e.fflags)
          assert(e.data == 7 << 8, e.data)
          assert(e.flags & sys.EV_EOF ~= 0)
          exits = exits + 1
        end
      end
      return exits
    end)
    sys.write(w, "x")
    local p, st = sys.waitpid(pid, 0)
    assert(p == pid and sys.WEXITSTATUS(st) == 7)
    local exits = sys.join(t)
    assert(exits == 1, exits)
    assert(#sim.inspect(kq).knotes == 0)
  end,
}
