-- args:
-- status: passed
--
-- sys.thread with 60 arguments and 62 results: every value arrives (the
-- copies need lua_checkstack on both Lua threads).
return {
  name = "sys.thread with 60 arguments",
  main = function()
    local args = {}
    for i = 1, 60 do args[i] = i end
    local t = sys.thread(function(...)
      local s = 0
      for i = 1, select("#", ...) do s = s + select(i, ...) end
      return select("#", ...), s, ...
    end, table.unpack(args))
    local r = { sys.join(t) }
    assert(r[1] == 60 and r[2] == 1830 and #r == 62 and r[62] == 60,
      "got " .. tostring(r[1]) .. " " .. tostring(r[2]) .. " " .. #r)
  end,
}
