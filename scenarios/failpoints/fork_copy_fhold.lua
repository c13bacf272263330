-- SPDX-License-Identifier: BSD-2-Clause
-- At fork, fhold() of the pipe a knote watches fails (fail point
-- kqueue_fork_copy_knote:fhold): the copy is dropped and the
-- KQUEUE_CPONFORK child's kqueue has the timer (no file to hold) but no
-- EVFILT_READ knote, while its descriptor table has the pipe; the parent's
-- knotes are untouched (reference/kqueue.md section 3.2).  As first
-- committed (freebsd@b11289f) this error path panics: fork_copy_fhold_m0.lua.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "fail point kqueue_fork_copy_knote:fhold: an fd knote silently not copied",
  kernel = "freebsd",
  failpoints = { ["kqueue_fork_copy_knote:fhold"] = "return" },
  main = function()
    local kq = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    local r, w = sys.pipe()
    assert(reg(kq, {ident = 1, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 100}))
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    assert(sys.write(w, "x") == 1)
    local pid = sys.fork(function()
      local k = sim.inspect(kq)
      assert(#k.knotes == 1 and k.knotes[1].filter == sys.EVFILT_TIMER, #k.knotes)
      assert(sys.read(r, 1) == "x")
      return 0
    end)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 0, st)
    assert(#sim.inspect(kq).knotes == 2)
  end,
}
