-- args:
-- status: error
-- message: C stack exhausted
--
-- Recursion through a C library function runs off the fiber's stack
-- before Lua's own C-call limit: the guard-area fault is status error,
-- never a SIGSEGV.
return {
  name = "deep recursion inside string.gsub",
  main = function()
    local function f(s) return (string.gsub(s, ".", f)) end
    pcall(f, "abc")
  end,
}
