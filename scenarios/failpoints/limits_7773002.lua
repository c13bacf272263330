-- SPDX-License-Identifier: BSD-2-Clause
-- The shared resource limits under the 2003 kernel (freebsd@7773002): a
-- full descriptor table (fail point fdalloc:maxfilesperproc) makes dup(),
-- pipe() and kqueue() fail with EMFILE and leaves the table as it was
-- (fdalloc() in kern_descrip.c); a full process table (fork1:maxproc)
-- makes fork() fail with EAGAIN before any pid is used (fork1() in
-- kern_fork.c).  The allocation fail points of the modern model do not
-- exist in this revision (its allocations are M_WAITOK).
return {
  name = "fail points fdalloc:maxfilesperproc and fork1:maxproc under freebsd@7773002",
  kernel = "freebsd@7773002",
  main = function()
    local ok, err = sim.failpoint("kqueue_register:knote_alloc")
    assert(ok == nil and err == "ENOENT", "knote_alloc is M_WAITOK in 2003")
    local r, w = sys.pipe()
    sim.failpoint("fdalloc:maxfilesperproc", "1*return")
    local fd
    fd, err = sys.dup(r)
    assert(fd == nil and err == "EMFILE", err)
    sim.failpoint("fdalloc:maxfilesperproc", "1*return")
    local a, b = sys.pipe()
    assert(a == nil and b == "EMFILE", b)
    sim.failpoint("fdalloc:maxfilesperproc", "1*return")
    fd, err = sys.kqueue()
    assert(fd == nil and err == "EMFILE", err)
    assert(sys.dup(r) == w + 1)
    sim.failpoint("fork1:maxproc", "1*return")
    local pid
    pid, err = sys.fork(function() return 0 end)
    assert(pid == nil and err == "EAGAIN", err)
    pid = assert(sys.fork(function() return 0 end))
    assert(pid == 2, pid) -- the failed fork used no pid
    sys.waitpid(pid, 0)
  end,
}
