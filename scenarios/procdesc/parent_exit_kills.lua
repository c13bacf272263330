-- SPDX-License-Identifier: BSD-2-Clause
-- A process that exits closes its descriptors (fdescfree()); the last
-- close of a process descriptor kills its live process (procdesc_close()).
-- Here pid 2 pdforks k1, then k2 with PD_DAEMON, and exits.  k2 was forked
-- after k1's descriptor was finished, so fdcopy() gave k2 a reference to
-- it (a process descriptor is passable): pid 2's exit closes k2's
-- descriptor (k2 lives on as a daemon, now init's child) but not the last
-- reference to k1's, so k1 survives until k2 exits and its fdescfree()
-- makes the last close of k1's descriptor.
return {
  name = "pdfork: an exit kills procdesc children at the last close only",
  kernels = { "freebsd", "freebsd@b11289f" },
  main = function()
    local g, gw = sys.pipe()
    local d, dw = sys.pipe()
    local mid = sys.fork(function()
      local k1, fd1 = sys.pdfork(function() sys.sleep(3600 * sim.SEC) return 1 end)
      local k2 = sys.pdfork(function()
        assert(sys.pdgetpid(fd1) == k1) -- inherited
        assert(sys.read(g, 1) == "g")
        return 6
      end, sys.PD_DAEMON)
      assert(sys.write(dw, string.pack("i4i4", k1, k2)) == 8)
      return 0
    end)
    local k1, k2 = string.unpack("i4i4", sys.read(d, 8))
    local rp, st = sys.waitpid(-1, 0)
    assert(rp == mid and sys.WEXITSTATUS(st) == 0, rp)
    -- both are init's children now and alive
    rp = sys.waitpid(-1, sys.WNOHANG)
    assert(rp == 0, rp)
    assert(sys.kill(k1, 0) and sys.kill(k2, 0))
    assert(sys.write(gw, "g") == 1)
    local seen = {}
    for _ = 1, 2 do
      rp, st = sys.waitpid(-1, 0)
      seen[rp] = st
    end
    assert(sys.WIFEXITED(seen[k2]) and sys.WEXITSTATUS(seen[k2]) == 6)
    assert(sys.WIFSIGNALED(seen[k1]) and sys.WTERMSIG(seen[k1]) == sys.SIGKILL)
    assert(sim.now() < sim.SEC)
  end,
}
