-- SPDX-License-Identifier: BSD-2-Clause
-- exit1() of FreeBSD 5.x holds Giant from sys_exit() to the end, moves
-- the children to init and only then runs KNOTE(&p->p_klist, NOTE_EXIT):
-- in the trace the grandchild's reparenting comes before the watcher's
-- knote is activated (today's exit1() notifies first).
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "freebsd@7773002: exit reparents the children before NOTE_EXIT",
  kernel = "freebsd@7773002",
  main = function()
    local kq = sys.kqueue()
    local r, w = sys.pipe()
    local r2, w2 = sys.pipe()
    local pid = sys.fork(function()
      sys.read(r, 1)
      sys.fork(function() sys.read(r2, 1) end)
    end)
    assert(reg(kq, {ident = pid, filter = sys.EVFILT_PROC, flags = sys.EV_ADD, fflags = sys.NOTE_EXIT}))
    sys.write(w, "x")
    local ev = assert(sys.kevent(kq, nil, 1, nil))
    assert(#ev == 1 and ev[1].fflags == sys.NOTE_EXIT)
    sys.waitpid(pid, 0)
    sys.write(w2, "y")
  end,
}
