-- SPDX-License-Identifier: BSD-2-Clause
-- Credentials where kern_prot.c checks them: setuid(2) as root changes
-- every uid, unprivileged only to the real or saved one (EPERM); kill(2)
-- needs p_cansignal() (a real or effective uid matching the target's real
-- or saved uid: EPERM otherwise; SIGCONT always, as within one session);
-- with security.bsd.see_other_uids at 0, p_cansee() hides processes of
-- other real uids: kill() and EVFILT_PROC say ESRCH.  NOTE_TRACK is never
-- refused by p_cansee(): knote_fork() registers as the forking thread,
-- whose credentials the child shares (NetBSD's t_proc2 expects
-- NOTE_TRACKERR here; FreeBSD does not give it).
local ev = require("evsim")
return {
  name = "credentials: setuid, kill EPERM/ESRCH, EVFILT_PROC p_cansee, NOTE_TRACK",
  kernel = "freebsd",
  main = function()
    ev.eq(sys.getuid(), 0, "init runs as root")
    ev.eq(sys.geteuid(), 0, "euid")
    local me = sys.getpid()
    local r, w = sys.pipe() -- parent to children
    local r2, w2 = sys.pipe() -- children to parent
    local a = sys.fork(function()
      ev.eq(sys.getuid(), 0, "inherited uid")
      assert(sys.setuid(1001))
      ev.eq(sys.getuid(), 1001, "ruid")
      ev.eq(sys.geteuid(), 1001, "euid")
      ev.fails("EPERM", sys.setuid(0))
      ev.fails("EPERM", sys.setgid(5))
      ev.eq(sys.getgid(), 0, "gid unchanged")
      ev.fails("EPERM", sys.kill(me, sys.SIGUSR1))
      ev.fails("EPERM", sys.kill(me, 0))
      assert(sys.kill(me, sys.SIGCONT)) -- same session
      assert(sys.kill(sys.getpid(), 0)) -- itself
      sys.write(w2, "1")
      sys.read(r, 1) -- until see_other_uids is 0
      ev.fails("ESRCH", sys.kill(me, sys.SIGUSR1))
      local kq = sys.kqueue()
      local evs = assert(sys.kevent(kq, {{ ident = me, filter = sys.EVFILT_PROC,
        flags = sys.EV_ADD, fflags = sys.NOTE_EXIT }}, 1, 0))
      ev.eq(evs[1].flags, sys.EV_ERROR, "EVFILT_PROC refused")
      ev.eq(sys.errname(evs[1].data), "ESRCH", "p_cansee")
      return 0
    end)
    ev.eq(sys.read(r2, 1), "1", "a checked the default policy")
    assert(sys.kill(a, 0), "root may signal anyone")
    sim.sysctl("security.bsd.see_other_uids", 0)
    sys.write(w, "2")
    local _, st = sys.waitpid(a, 0)
    ev.eq(sys.WEXITSTATUS(st), 0, "a's checks")

    -- NOTE_TRACK across a setuid: the grandchild is still tracked.
    local kq = sys.kqueue()
    local b = sys.fork(function()
      sys.read(r, 1)
      assert(sys.setuid(1002))
      local g = sys.fork(function() return 3 end)
      sys.waitpid(g, 0)
      return 0
    end)
    assert(sys.kevent(kq, {{ ident = b, filter = sys.EVFILT_PROC, flags = sys.EV_ADD,
      fflags = sys.NOTE_TRACK | sys.NOTE_FORK | sys.NOTE_EXIT }}, 0, 0))
    sys.write(w, "g")
    sys.waitpid(b, 0)
    local fflags = 0
    for _, e in ipairs(assert(sys.kevent(kq, nil, 8, 0))) do
      fflags = fflags | e.fflags
    end
    assert(fflags & sys.NOTE_CHILD ~= 0, "NOTE_CHILD for the grandchild")
    assert(fflags & sys.NOTE_FORK ~= 0, "NOTE_FORK of b")
    ev.eq(fflags & sys.NOTE_TRACKERR, 0, "no NOTE_TRACKERR")
  end,
}
