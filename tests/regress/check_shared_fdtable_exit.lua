-- args: --check --strategy random --seed 7
-- args: --check --strategy random --seed 13
-- args: --check --strategy random --seed 14
-- args: --check --strategy random --seed 20
-- status: passed
--
-- --check while pid 1 and an rfork(RFPROC) child sharing its table exit:
-- fdescfree() must clear p_fd before the last sharer may free the table
-- (the checker read the freed table).
return {
  name = "--check while pid 1 exits, children running",
  main = function()
    sys.fork(function() for i = 1, 6 do sys.kqueue() end end)
    sys.rfork(sys.RFPROC, function() sys.dup(0) end)
  end,
}
