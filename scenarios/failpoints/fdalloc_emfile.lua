-- SPDX-License-Identifier: BSD-2-Clause
-- A full descriptor table (fail point fdalloc:maxfilesperproc): dup(),
-- pipe() and the kernel's own descriptor (kqueue() or port_create()) fail
-- with EMFILE and leave the table as it was.
return {
  name = "fail point fdalloc:maxfilesperproc: EMFILE",
  kernels = { "freebsd", "illumos" },
  main = function()
    local r, w = sys.pipe()
    sim.failpoint("fdalloc:maxfilesperproc", "1*return")
    local fd, err = sys.dup(r)
    assert(fd == nil and err == "EMFILE", err)
    sim.failpoint("fdalloc:maxfilesperproc", "1*return")
    local a, b = sys.pipe()
    assert(a == nil and b == "EMFILE", b)
    sim.failpoint("fdalloc:maxfilesperproc", "1*return")
    -- only the FreeBSD kernel has this fail point: a way to tell the kernel
    if sim.failpoint("kqueue_register:knote_alloc") then
      fd, err = sys.kqueue()
    else
      fd, err = sys.port_create()
    end
    assert(fd == nil and err == "EMFILE", err)
    assert(sys.dup(r) == w + 1)
  end,
}
