-- SPDX-License-Identifier: BSD-2-Clause
-- Race: close(2) of the port fd while two threads of the process wait in
-- port_getn/port_get.  Derived from closeandsetf(): the waiters' fd is made
-- stale and they are woken (MUSTRETURN), so each returns EBADF -- whether it
-- was asleep, still entering, or had not reached getf() yet.  The close must
-- wait for them (uf_refcnt) before the last close runs: no panic, no
-- deadlock, and the port is gone afterwards.
return {
  name = "port close while two threads wait in port_getn",
  kernel = "illumos",
  main = function()
    local p = assert(sys.port_create())
    local t1 = sys.thread(function()
      local r, e = sys.port_getn(p, 2, 2)
      return e
    end)
    local t2 = sys.thread(function()
      local r, e = sys.port_get(p)
      return e
    end)
    sys.sched_yield()
    assert(sys.close(p))
    local e1, e2 = sys.join(t1), sys.join(t2)
    assert(e1 == "EBADF", tostring(e1))
    assert(e2 == "EBADF", tostring(e2))
    local r, e = sys.port_send(p, 1, 1)
    assert(r == nil and e == "EBADF")
  end,
}
