-- SPDX-License-Identifier: BSD-2-Clause
-- Historical race (reference/ports.md section 4 P10, illumos#14898, Oxide
-- 2022; golang/go #54254): PORT_SOURCE_FILE re-association keeps the old
-- user cookie.  A file watch is associated with user "U1"; one thread
-- writes the file while another re-associates the watch with "U2".
--
-- If the write comes first, its event (U1) is queued and the
-- re-association removes it; if the re-association comes first, the write
-- fires the re-armed watch and the event must carry U2.  Either way no
-- event may carry U1 after both threads are done.
-- illumos (fixed): the re-association stores the new cookie.
-- illumos@pre-14898: it keeps U1 (Go's runtime then used a freed pointer):
-- the assertion below fails.
--
-- evsim explore scenarios/races/hist_14898_file_reassociate_vs_write.lua \
--   --kernel illumos@pre-14898 --strategy random --runs 1000
return {
  name = "illumos#14898: FILE re-association racing a write",
  kernel = "illumos",
  kernels = { "illumos", "illumos@pre-14898" },
  main = function()
    local p = sys.port_create()
    local fd = sys.open("/watched", sys.O_CREAT | sys.O_RDWR)
    assert(sys.port_associate(p, sys.PORT_SOURCE_FILE, "/watched", sys.FILE_MODIFIED, "U1"))
    local writer = sys.thread(function()
      assert(sys.write(fd, "x") == 1)
    end)
    local reassoc = sys.thread(function()
      assert(sys.port_associate(p, sys.PORT_SOURCE_FILE, "/watched", sys.FILE_MODIFIED, "U2"))
    end)
    sys.join(writer)
    sys.join(reassoc)
    local ev = sys.port_get(p, 0)
    if ev ~= nil then
      assert(ev.user == "U2", "event after the re-association carries user "
        .. tostring(ev.user) .. ", not U2 (illumos#14898)")
    end
    assert(sys.close(p))
  end,
}
