-- SPDX-License-Identifier: BSD-2-Clause
-- Race: port_send while another thread copies events out of the temporary
-- queue.  T1 takes one of A, B, C (max 1): it moves all three to its
-- temporary list and drops portq_mutex; T2 posts D meanwhile.  T1 always
-- gets A; the rest is B, C, D if D was posted before the move or after the
-- push back, and D, B, C if D arrived while T1 held the temporary list
-- (pitfall P13, leftover events appended behind newer ones).
return {
  name = "port_send while another thread copies from the temporary queue",
  kernel = "illumos",
  invariants = {
    counts = function()
      return true
    end,
  },
  main = function()
    local p = assert(sys.port_create())
    for _, u in ipairs({ "A", "B", "C" }) do
      assert(sys.port_send(p, 1, u))
    end
    local t1 = sys.thread(function()
      local evs = assert(sys.port_getn(p, 1, 1))
      return evs[1].user
    end)
    local t2 = sys.thread(function()
      assert(sys.port_send(p, 2, "D"))
    end)
    assert(sys.join(t1) == "A")
    sys.join(t2)
    assert(sys.port_getn(p, 0, 0) == 3)
    local evs = assert(sys.port_getn(p, 10, 3))
    local order = evs[1].user .. evs[2].user .. evs[3].user
    assert(order == "BCD" or order == "DBC", order)
    local s = sim.inspect(p)
    assert(s.portq_nent == 0 and s.portq_tnent == 0 and s.port_curr == 0)
    assert(not s.portq_flags.BLOCKED)
  end,
}
