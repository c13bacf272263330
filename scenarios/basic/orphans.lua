-- Orphans are reparented to pid 1, which reaps them; a grandchild's
-- getppid changes when its parent exits.
local ev = require("evsim")
return {
  name = "orphans reparented to pid 1 and reaped",
  main = function()
    local r, w = sys.pipe()
    local child = sys.fork(function()
      sys.fork(function()
        sys.sleep(5 * sim.MSEC)
        sys.write(w, tostring(sys.getppid()))
        return 9
      end)
      return 0 -- exits at once, orphaning the grandchild
    end)
    local pid, st = sys.waitpid(child, 0)
    ev.eq(sys.WEXITSTATUS(st), 0, "child status")
    ev.eq(sys.read(r, 10), "1", "the grandchild's new parent")
    local gpid, gst = sys.waitpid(-1, 0)
    assert(gpid > child, "reaped the grandchild")
    ev.eq(sys.WEXITSTATUS(gst), 9, "grandchild status")
    ev.fails("ECHILD", sys.waitpid(-1, sys.WNOHANG))
  end,
}
