-- args:
-- args: --strategy random --seed 3
-- status: error
-- message: C stack exhausted
--
-- The same in a second thread and in a child process.
return {
  name = "deep recursion inside string.gsub in a thread and a child",
  main = function()
    local function f(s) return (string.gsub(s, ".", f)) end
    local t = sys.thread(function() sys.sched_yield() return pcall(f, "abc") end)
    sys.fork(function() pcall(f, "abc") end)
    sys.join(t)
  end,
}
