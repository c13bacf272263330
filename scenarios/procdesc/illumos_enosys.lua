-- SPDX-License-Identifier: BSD-2-Clause
-- illumos has no process descriptors: pdfork, pdgetpid and pdkill are
-- FreeBSD calls and answer ENOSYS there, allocating nothing.
return {
  name = "illumos: pdfork, pdgetpid, pdkill are ENOSYS",
  kernel = "illumos",
  main = function()
    local pid, err = sys.pdfork(function() return 0 end)
    assert(pid == nil and err == "ENOSYS", err)
    local r = sys.pipe()
    assert(r == 0, r)
    local p, e2 = sys.pdgetpid(r)
    assert(p == nil and e2 == "ENOSYS", e2)
    local ok, e3 = sys.pdkill(r, sys.SIGKILL)
    assert(ok == nil and e3 == "ENOSYS", e3)
  end,
}
