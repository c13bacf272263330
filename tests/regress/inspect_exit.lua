-- args:
-- status: passed
--
-- sim.inspect in an invariant while processes exit: an exiting process
-- has no descriptor table left (EBADF, not a NULL dereference).
return {
  name = "sim.inspect in an invariant while children exit",
  invariants = { a = function() pcall(sim.inspect, 0) return true end },
  main = function()
    for i = 1, 8 do sys.fork(function() end) end
    sys.sleep(sim.MSEC)
  end,
}
