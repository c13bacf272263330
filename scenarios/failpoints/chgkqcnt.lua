-- SPDX-License-Identifier: BSD-2-Clause
-- kern_kqueue_alloc() charges the kqueue to the user's RLIMIT_KQUEUES with
-- chgkqcnt(); at the limit (fail point kern_kqueue_alloc:chgkqcnt) kqueue()
-- fails with ENOMEM and no descriptor is used, and a KQUEUE_CPONFORK kqueue
-- is not copied at fork: kqueue_fork_alloc() fails, fdcopy() leaves the
-- child's slot empty and fork() succeeds (reference/kqueue.md sections 1
-- and 3.2).
return {
  name = "fail point kern_kqueue_alloc:chgkqcnt: kqueue() ENOMEM, no copy at fork",
  kernel = "freebsd",
  main = function()
    local kq = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    sim.failpoint("kern_kqueue_alloc:chgkqcnt", "return")
    local fd, err = sys.kqueue()
    assert(fd == nil and err == "ENOMEM", err)
    local pid = sys.fork(function()
      local _, e = sys.kevent(kq, nil, 1, 0)
      assert(e == "EBADF", e)
      return 0
    end)
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WEXITSTATUS(st) == 0, st)
    sim.failpoint("kern_kqueue_alloc:chgkqcnt", "off")
    assert(sys.kqueue() == kq + 1)
  end,
}
