-- SPDX-License-Identifier: BSD-2-Clause
-- Race: port_dissociate while another thread retrieves the fd's event
-- (pitfall P5).  Exactly one of them "has" the event: either the retriever
-- returns it and dissociate answers ENOENT, or dissociate removes it
-- (success) and the retriever gets nothing.
return {
  name = "dissociate racing port_getn",
  kernel = "illumos",
  main = function()
    local p = assert(sys.port_create())
    local r, w = sys.pipe()
    assert(sys.write(w, "x"))
    assert(sys.port_associate(p, sys.PORT_SOURCE_FD, r, sys.POLLIN, 1))
    local tg = sys.thread(function()
      local evs = assert(sys.port_getn(p, 1, 1, 0))
      return #evs
    end)
    local td = sys.thread(function()
      local ok, e = sys.port_dissociate(p, sys.PORT_SOURCE_FD, r)
      return ok and "ok" or e
    end)
    local n, d = sys.join(tg), sys.join(td)
    assert((n == 1 and d == "ENOENT") or (n == 0 and d == "ok"), n .. " " .. d)
    assert(sim.inspect(p).port_curr == 0)
  end,
}
