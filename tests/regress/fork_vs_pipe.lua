-- args: --strategy random --seed 1
-- status: passed
--
-- The fuzzer's reproducer: fork() while another thread is inside pipe()
-- (NULL f_ops in fdcopy()).
return {
  name = "fork while another thread is inside pipe",
  main = function()
    local t = sys.thread(function() for i = 1, 5 do sys.pipe() end end)
    for i = 1, 5 do sys.fork(function() end) end
    sys.join(t)
  end,
}
