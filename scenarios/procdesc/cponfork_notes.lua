-- SPDX-License-Identifier: BSD-2-Clause
-- FreeBSD's own test cponfork_notes (tests/sys/kqueue/kqueue_fork.c),
-- which forks with pdfork(2) "for the kill-on-exit semantics": a
-- KQUEUE_CPONFORK kqueue holds a one-shot VNODE knote on a directory, a
-- one-shot 3 s timer and a one-shot READ knote on a plain kqueue (clofd)
-- made readable by EVFILT_USER.  The child has kq but not clofd (a plain
-- kqueue is not copied), so it sees the timer and the vnode note but not
-- the READ note; the parent sees all three ("forking doesn't steal any of
-- the knotes").  The parent collects the child's mask with waitid(P_PID),
-- here waitpid(pid): a process-descriptor child is found by its pid.
local TIMER_FORKED, TIMER_TIMEOUT = 0, 1
local RECV_TIMER, RECV_VNODE, RECV_CLOREAD, RECV_ERROR = 0x01, 0x02, 0x04, 0x80

local function notes_check(kq, clofd, mask)
  local received = 0
  local ok = sys.kevent(kq, {{ident = TIMER_TIMEOUT, filter = sys.EVFILT_TIMER,
    flags = sys.EV_ADD | sys.EV_ENABLE | sys.EV_ONESHOT, fflags = sys.NOTE_SECONDS,
    data = 4}}, 0, 0)
  if not ok then return RECV_ERROR end
  while received & mask ~= mask do
    local ev = sys.kevent(kq, nil, 1, nil)
    if ev == nil then return RECV_ERROR end
    if #ev == 0 then break end
    local e = ev[1]
    if e.filter == sys.EVFILT_TIMER then
      if e.ident == TIMER_TIMEOUT then return received | RECV_ERROR end
      received = received | RECV_TIMER
    elseif e.filter == sys.EVFILT_VNODE then
      received = received | RECV_VNODE
    elseif e.filter == sys.EVFILT_READ then
      if e.ident ~= clofd then return received | RECV_ERROR end
      received = received | RECV_CLOREAD
    end
  end
  return received
end

return {
  name = "cponfork_notes with pdfork (FreeBSD's kqueue_fork.c)",
  kernels = { "freebsd", "freebsd@b11289f" },
  main = function()
    local kq = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    assert(sys.mkdir("/t"))
    local dfd = assert(sys.open("/t", sys.O_RDONLY))
    local clofd = assert(sys.kqueue())
    assert(sys.kevent(clofd, {{ident = 0, filter = sys.EVFILT_USER,
      flags = sys.EV_ADD | sys.EV_ENABLE}}, 0, 0))
    assert(sys.kevent(kq, {
      {ident = dfd, filter = sys.EVFILT_VNODE, flags = sys.EV_ADD | sys.EV_ENABLE | sys.EV_ONESHOT,
       fflags = sys.NOTE_WRITE},
      {ident = TIMER_FORKED, filter = sys.EVFILT_TIMER,
       flags = sys.EV_ADD | sys.EV_ENABLE | sys.EV_ONESHOT, fflags = sys.NOTE_SECONDS, data = 3},
      {ident = clofd, filter = sys.EVFILT_READ, flags = sys.EV_ADD | sys.EV_ENABLE | sys.EV_ONESHOT},
    }, 0, 0))
    assert(sys.kevent(clofd, {{ident = 0, filter = sys.EVFILT_USER,
      fflags = sys.NOTE_TRIGGER}}, 0, 0))
    local pid, pdfd = sys.pdfork(function()
      -- kq is there (a copy), clofd is not
      assert(sim.inspect(kq) ~= nil)
      local _, err = sys.fcntl(clofd, sys.F_GETFD)
      if err ~= "EBADF" then return RECV_ERROR end
      return notes_check(kq, clofd, RECV_TIMER | RECV_VNODE)
    end)
    assert(pid and pdfd)
    assert(sys.mkdir("/t/canary"))
    local pmask = notes_check(kq, clofd, RECV_TIMER | RECV_VNODE | RECV_CLOREAD)
    assert(pmask == RECV_TIMER | RECV_VNODE | RECV_CLOREAD, pmask)
    local rp, st = sys.waitpid(pid, 0)
    assert(rp == pid and sys.WIFEXITED(st), st)
    assert(sys.WEXITSTATUS(st) == RECV_TIMER | RECV_VNODE, sys.WEXITSTATUS(st))
  end,
}
