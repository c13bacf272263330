-- SPDX-License-Identifier: BSD-2-Clause
-- PD_DAEMON (PDF_DAEMON): the last close detaches the process and
-- reparents it to init but does not kill it (procdesc_close()); it exits
-- later on its own and init collects its status with SIGCHLD.  PD_CLOEXEC
-- gives the descriptor close-on-exec (procdesc_falloc()); the child never
-- has its own descriptor (allocated with 'badfileops' before fdcopy()).
return {
  name = "pdfork: PD_DAEMON survives the close, PD_CLOEXEC, the child lacks it",
  kernels = { "freebsd", "freebsd@b11289f" },
  main = function()
    local g, gw = sys.pipe()
    local d, dw = sys.pipe()
    local mid = sys.fork(function()
      local pid, fd = sys.pdfork(function()
        -- the descriptor's number is free in the child
        local _, err = sys.fcntl(4, sys.F_GETFD)
        assert(err == "EBADF", err)
        assert(sys.read(g, 1) == "g")
        return 5
      end, sys.PD_DAEMON | sys.PD_CLOEXEC)
      assert(fd == 4, fd)
      assert(sys.fcntl(fd, sys.F_GETFD) == sys.FD_CLOEXEC)
      assert(sys.write(dw, string.pack("i4", pid)) == 4)
      assert(sys.close(fd))
      return 0
    end)
    local kid = string.unpack("i4", sys.read(d, 4))
    local rp, st = sys.waitpid(mid, 0)
    assert(rp == mid and sys.WEXITSTATUS(st) == 0)
    -- the daemon is init's child now, still running
    rp, st = sys.waitpid(-1, sys.WNOHANG)
    assert(rp == 0, rp)
    assert(sys.write(gw, "g") == 1)
    rp, st = sys.waitpid(-1, 0)
    assert(rp == kid and sys.WIFEXITED(st) and sys.WEXITSTATUS(st) == 5, st)
    -- bad flags
    local p, err = sys.pdfork(function() end, 4)
    assert(p == nil and err == "EINVAL", err)
  end,
}
