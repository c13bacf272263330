-- SPDX-License-Identifier: BSD-2-Clause
-- a port timer created through a dup2'd port fd does not hang exit:
-- proc_exit() runs timer_exit() before closeall(), so the timer's slot is
-- back before the port's last close waits for outstanding slots
-- (timer_close_port() matches only the port's creation fd)
return {
  name = "a port timer created through a dup2'd port fd does not hang exit",
  kernel = "illumos",
  main = function()
  local pid = sys.fork(function()
    local p = sys.port_create()
    assert(sys.dup2(p, 9))
    assert(sys.close(p))
    local id = assert(sys.timer_create(sys.CLOCK_MONOTONIC, { port = 9, user = "t" }))
    assert(sys.timer_settime(id, 0, 50 * sim.MSEC, 0))
    sys.exit(3)
  end)
  local _, st = sys.waitpid(pid)
  assert(sys.WIFEXITED(st) and sys.WEXITSTATUS(st) == 3)
  assert(sim.now() == 0)
  end,
}
