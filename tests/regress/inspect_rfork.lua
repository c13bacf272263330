-- args:
-- status: passed
--
-- sim.inspect in an invariant around a refused rfork (flags 2^31) and a
-- kqueue being made.
return {
  name = "sim.inspect in an invariant, rfork with flags 2^31",
  invariants = { b = function() pcall(sim.inspect, 0) return true end },
  main = function()
    sys.fork(function() end)
    sys.kqueue()
    pcall(sys.rfork, 2^31, function() end)
  end,
}
