-- The schedule depends on `pairs` over string keys and on math.random:
-- Lua randomises string hashes per process, so without the host's
-- deterministic pairs and seeded math.random this scenario's trace would
-- differ between processes.  tests/determinism.py runs it twice.
return {
  name = "schedule from pairs over string keys and math.random",
  seed = 42,
  main = function()
    local t = {}
    for _, k in ipairs({ "kq", "knote", "port", "alpha", "zeta", "mu",
        "omega", "beta", "gamma", "delta", "epsilon" }) do
      t[k] = #k
    end
    local order = {}
    for k, v in pairs(t) do
      order[#order + 1] = k
    end
    -- Deterministic pairs visits string keys in byte order.
    assert(table.concat(order, ",") ==
      "alpha,beta,delta,epsilon,gamma,knote,kq,mu,omega,port,zeta")
    local r, w = sys.pipe()
    local tids = {}
    for i, k in ipairs(order) do
      local delay = math.random(1, 5) * sim.USEC
      tids[#tids + 1] = sys.thread(function()
        sys.sleep(delay)
        sys.write(w, k .. ";")
      end)
    end
    for _, tid in ipairs(tids) do
      sys.join(tid)
    end
    local got = sys.read(r, 4096)
    print(got, tostring({}), tostring(print))
    sim.label(got)
  end,
}
