-- SPDX-License-Identifier: BSD-2-Clause
-- pid 1 exiting with status 0 from another thread while main blocks passes.
return {
  name = "pid 1 exits 0 from a thread",
  main = function()
    local r, w = sys.pipe()
    sys.thread(function() sys.sleep(sim.MSEC) sys.exit(0) end)
    sys.read(r, 1)
    error("not reached")
  end,
}
