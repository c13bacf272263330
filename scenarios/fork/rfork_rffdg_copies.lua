-- SPDX-License-Identifier: BSD-2-Clause
-- rfork(RFPROC|RFFDG) copies the table like fork(): a plain kqueue's slot is
-- empty in the child, a CPONFORK kqueue is copied (reference/kqueue.md §3).
return {
  name = "rfork with RFFDG copies the table: plain kqueue absent, CPONFORK copied",
  kernels = { "freebsd", "freebsd@b11289f" },
  main = function()
    local plain = assert(sys.kqueue())
    local cp = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    assert(sys.kevent(cp, {{ident = 1, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 1}}, 0, 0))
    local pid = sys.rfork(sys.RFPROC | sys.RFFDG, function()
      local _, err = sys.kevent(plain, nil, 1, 0)
      assert(err == "EBADF", err)
      local k = sim.inspect(cp)
      assert(k.kq_state.CPONFORK and #k.knotes == 1)
      local ev = assert(sys.kevent(cp, nil, 4, nil))
      assert(#ev == 1 and ev[1].ident == 1)
      return 0
    end)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 0, st)
  end,
}
