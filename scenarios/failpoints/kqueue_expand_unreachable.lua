-- SPDX-License-Identifier: BSD-2-Clause
-- kqueue_expand() allocates a larger kq_knlist, or the kq_knhash, with the
-- caller's mflag, and only an M_NOWAIT allocation can fail (ENOMEM): fail
-- point kqueue_expand:malloc.  The kernel's only M_NOWAIT caller is
-- knote_fork(), whose two registrations are EVFILT_PROC notes (no
-- descriptor: they go to the hash) into the kqueue of the NOTE_TRACK knote
-- being processed, and that knote is itself in that kqueue's hash, so the
-- hash always exists and kqueue_expand() allocates nothing.  kevent(2)
-- (kqueue_register(..., M_WAITOK)) and the KQUEUE_CPONFORK copy
-- (kqueue_fork_copy_knote() with M_WAITOK) may sleep instead of failing.
-- So the fail point is never even evaluated: with '1*return' set, a
-- tracked fork, a descriptor table grown by kevent(2) and a CPONFORK copy
-- that grows the child's tables leave it at '1*return', and every note is
-- delivered.  The kernel's ENOMEM path exists but no caller reaches it.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "fail point kqueue_expand:malloc: no caller reaches the M_NOWAIT allocation",
  kernel = "freebsd",
  failpoints = { ["kqueue_expand:malloc"] = "1*return" },
  main = function()
    local kq = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    local me = sys.getpid()
    assert(reg(kq, {ident = me, filter = sys.EVFILT_PROC, flags = sys.EV_ADD,
      fflags = sys.NOTE_FORK | sys.NOTE_TRACK, udata = "w"}))
    local r, w = sys.pipe()
    local high = assert(sys.dup2(r, 200)) -- kq_knlist grows past KQEXTENT
    assert(reg(kq, {ident = high, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    local pid = sys.fork(function()
      -- the copy grew the child's kq_knlist and made its hash (M_WAITOK)
      assert(sim.inspect(kq, high, sys.EVFILT_READ) ~= nil, "no copied READ knote")
      return 0
    end)
    local child = false
    for _, e in ipairs(assert(sys.kevent(kq, nil, 8, 0))) do
      if e.fflags & sys.NOTE_CHILD ~= 0 then child = e.ident == pid end
      assert(e.fflags & sys.NOTE_TRACKERR == 0, "NOTE_TRACKERR")
    end
    assert(child, "no NOTE_CHILD for the new child")
    sys.waitpid(pid, 0)
    assert(sim.failpoint("kqueue_expand:malloc") == "1*return",
      "kqueue_expand:malloc was evaluated")
  end,
}
