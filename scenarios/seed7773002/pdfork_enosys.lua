-- SPDX-License-Identifier: BSD-2-Clause
-- Process descriptors came with FreeBSD 9 (sys_procdesc.c, 2012): in 2003
-- pdfork(2), pdgetpid(2) and pdkill(2) do not exist (ENOSYS).  The filter
-- number of EVFILT_PROCDESC (-8) was EVFILT_NETDEV then, a descriptor
-- filter that only sockets took: on a pipe, 2003's pipe_kqfilter() returned
-- 1 for it, which kqueue_register() passed on as the errno 1, EPERM.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "freebsd@7773002: pdfork, pdgetpid, pdkill are ENOSYS",
  kernel = "freebsd@7773002",
  main = function()
    local pid, err = sys.pdfork(function() return 0 end)
    assert(pid == nil and err == "ENOSYS", err)
    pid, err = sys.pdfork(function() return 0 end, sys.PD_DAEMON)
    assert(pid == nil and err == "ENOSYS", err)
    local r, w = sys.pipe()
    assert(r == 0, r) -- pdfork allocated nothing
    local p, e2 = sys.pdgetpid(r)
    assert(p == nil and e2 == "ENOSYS", e2)
    local ok, e3 = sys.pdkill(r, 0)
    assert(ok == nil and e3 == "ENOSYS", e3)
    local kq = assert(sys.kqueue())
    local ok4, e4 = reg(kq, {ident = r, filter = sys.EVFILT_PROCDESC, flags = sys.EV_ADD})
    assert(ok4 == nil and e4 == "EPERM", e4)
  end,
}
