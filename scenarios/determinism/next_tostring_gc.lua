-- Host state that Lua would otherwise leak into a run: `next` order
-- (string hashes are randomised per process), table addresses in tostring
-- and string.format, and finaliser timing.  Each is neutralised or
-- rejected, and the outcome steers the schedule so that a leak would show
-- as a different trace in tests/determinism.py.
return {
  name = "next order, tostring, %p and __gc are host-independent",
  seed = 7,
  main = function()
    local t = {}
    for i = 1, 40 do t["key" .. i] = i end
    local order, k = {}, next(t)
    while k do order[#order + 1] = k; k = next(t, k) end
    assert(order[1] == "key1" and order[2] == "key10", order[1])
    -- tostring of tables and functions is a per-run counter, not an address.
    local a, b = {}, function() end
    assert(tostring(a) == "table: #1" and tostring(b) == "function: #2")
    assert(string.format("%s", a) == "table: #1")
    assert(not pcall(string.format, "%p", a), "%p is refused")
    assert(not pcall(setmetatable, {}, { __gc = function() end }),
      "finalisers are refused")
    assert(not pcall(collectgarbage, "generational"))
    -- Let the visiting order pick which thread writes first.
    local r, w = sys.pipe()
    local tids = {}
    for i = 1, 5 do
      local name = order[(i * 7) % #order + 1]
      tids[i] = sys.thread(function()
        sys.sleep(t[name] * sim.USEC)
        sys.write(w, name .. " ")
      end)
    end
    for _, tid in ipairs(tids) do sys.join(tid) end
    sim.label(sys.read(r, 1000))
  end,
}
