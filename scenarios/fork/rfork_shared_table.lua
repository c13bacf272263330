-- SPDX-License-Identifier: BSD-2-Clause
-- rfork(RFPROC) without RFFDG shares the descriptor table and therefore the
-- kqueue (reference/kqueue.md §3.1): the child's registrations and events are
-- the parent's, and a close in the child closes it for both.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "rfork without RFFDG shares the kqueue",
  kernels = { "freebsd", "freebsd@b11289f" },
  main = function()
    local kq = assert(sys.kqueue())
    local r, w = sys.pipe()
    local g, gw = sys.pipe()
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD, udata = "parent"}))
    local pid = sys.rfork(sys.RFPROC, function()
      -- same kqueue: the parent's knote is here, queue it and consume it
      assert(sim.inspect(kq, r, sys.EVFILT_READ).udata == "parent")
      assert(sys.write(w, "ab") == 2)
      local ev = assert(sys.kevent(kq, nil, 8, 0))
      assert(#ev == 1 and ev[1].data == 2)
      -- a registration by the child is seen by the parent
      assert(reg(kq, {ident = 5, filter = sys.EVFILT_USER, flags = sys.EV_ADD | sys.EV_CLEAR}))
      assert(reg(kq, {ident = 5, filter = sys.EVFILT_USER, fflags = sys.NOTE_TRIGGER}))
      assert(sys.write(gw, "g") == 1)
      return 0
    end)
    assert(sys.read(g, 1) == "g")
    local ev = assert(sys.kevent(kq, nil, 8, 0))
    assert(#ev == 2, #ev)
    local user
    for _, e in ipairs(ev) do if e.filter == sys.EVFILT_USER then user = e end end
    assert(user and user.ident == 5)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 0, st)
    -- a close in an rfork child closes the shared slot
    local pid2 = sys.rfork(sys.RFPROC, function() assert(sys.close(kq)); return 0 end)
    sys.waitpid(pid2, 0)
    local _, err = sys.kevent(kq, nil, 1, 0)
    assert(err == "EBADF", err)
  end,
}
