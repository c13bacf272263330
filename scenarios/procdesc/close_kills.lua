-- SPDX-License-Identifier: BSD-2-Clause
-- The last close of a process descriptor whose process still runs
-- (procdesc_close()): the process is detached from it, reparented to init
-- and killed with SIGKILL; its exit is then an ordinary child's exit for
-- init (SIGCHLD, wait for any child).  Here pid 2 pdforks pid 3 and closes
-- the descriptor; pid 1 (init) gets pid 3.  A dup of the descriptor keeps
-- it open: only the last close acts.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "pdfork: the last close kills the child and gives it to init",
  kernels = { "freebsd", "freebsd@b11289f" },
  main = function()
    local kq = assert(sys.kqueue())
    assert(reg(kq, {ident = sys.SIGCHLD, filter = sys.EVFILT_SIGNAL, flags = sys.EV_ADD}))
    local g, gw = sys.pipe()
    local d, dw = sys.pipe()
    local mid = sys.fork(function()
      local pid, fd = sys.pdfork(function()
        sys.sleep(3600 * sim.SEC) -- killed long before
        return 1
      end)
      assert(sys.write(dw, string.pack("i4", pid)) == 4)
      local fd2 = assert(sys.dup(fd))
      assert(sys.close(fd)) -- not the last close: nothing happens
      sys.sleep(sim.MSEC)
      assert(sys.pdkill(fd2, 0))
      assert(sys.close(fd2)) -- the last one
      assert(sys.read(g, 1) == "g")
      return 0
    end)
    local kid = string.unpack("i4", sys.read(d, 4))
    -- pid 3 dies of SIGKILL as a child of init: SIGCHLD and wait(-1)
    local rp, st = sys.waitpid(-1, 0)
    assert(rp == kid, rp)
    assert(sys.WIFSIGNALED(st) and sys.WTERMSIG(st) == sys.SIGKILL, st)
    local ev = assert(sys.kevent(kq, nil, 4, 0))
    assert(#ev == 1 and ev[1].ident == sys.SIGCHLD and ev[1].data == 1, #ev)
    assert(sys.write(gw, "g") == 1)
    rp, st = sys.waitpid(-1, 0)
    assert(rp == mid and sys.WEXITSTATUS(st) == 0)
  end,
}
