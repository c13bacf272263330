-- SPDX-License-Identifier: BSD-2-Clause
-- The process table is full (fail point fork1:maxproc): fork() and
-- rfork() fail with EAGAIN and no process is created; the process has its
-- maximum of threads (fail point thread_create:max_threads_per_proc):
-- thread creation fails with EAGAIN (FreeBSD's thr_new says EPROCLIM, not
-- modelled).  Both work again once the condition is gone.
return {
  name = "fail points fork1:maxproc and thread_create:max_threads_per_proc: EAGAIN",
  kernels = { "freebsd", "illumos" },
  main = function()
    sim.failpoint("fork1:maxproc", "2*return")
    local pid, err = sys.fork(function() return 0 end)
    assert(pid == nil and err == "EAGAIN", err)
    pid, err = sys.rfork(sys.RFPROC, function() return 0 end)
    assert(pid == nil and err == "EAGAIN", err)
    pid = assert(sys.fork(function() return 0 end))
    assert(pid == 2, pid) -- the failed forks used no pid
    sys.waitpid(pid, 0)
    sim.failpoint("thread_create:max_threads_per_proc", "1*return")
    local tid
    tid, err = sys.thread(function() end)
    assert(tid == nil and err == "EAGAIN", err)
    tid = assert(sys.thread(function() end))
    sys.join(tid)
  end,
}
