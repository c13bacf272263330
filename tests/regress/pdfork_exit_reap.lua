-- args: --strategy pct --seed 3
-- status: passed
--
-- The fuzzer's reproducer (seed 50): a procdesc child's exit preempted
-- between PRS_ZOMBIE and its parent check while its parent exited and
-- proc0 reaped the zombie, which the child then reaped again (a double
-- free at the end of the run; found in a work version of pdfork that
-- unlocked the process there).
-- evsim fuzz scenario (tests/fuzz/gen.py), seed 50
local pool = {0, 1, 2, 3}
local tids, pids, timers = {}, {}, {}
local function keep(list, ...)
  for i = 1, select("#", ...) do
    local v = select(i, ...)
    if math.type(v) == "integer" then
      list[#list + 1] = v
      if #list > 48 then table.remove(list, 1) end
    end
  end
  return ...
end
local function at(list, k)
  if #list == 0 then return k end
  return list[(k - 1) % #list + 1]
end
-- Protected call: a bad argument is a caught error, not the end of the run.
local function P(list, f, ...)
  if f == nil then return end
  local r = table.pack(pcall(f, ...))
  if r[1] then keep(list, table.unpack(r, 2, r.n)) end
  return table.unpack(r, 2, r.n)
end
-- Unprotected call: a bad argument ends the run with a script error.
local function U(list, f, ...)
  if f == nil then return end
  return keep(list, f(...))
end
return {
  name = "fuzz 50",
  main = function()
    P(pool, sys.port_get, -32768, {sec = math.maxinteger, nsec = math.maxinteger})
    P(pool, sys.truncate, "/g", 16385)
    P(pool, sys.dup, (1 << 63))
    P(pool, sys.unlink, "/d/y")
    P(pool, sys.chmod, "/d/../f", -1)
    P(pool, sys.socketpair)
    for i = 1, 4 do
          P(pool, sys.setsockopt)
    end
    P(pool, sys.port_sendn, {at(pool, 51), at(pool, 52), at(pool, 7)}, (sys.POLLOUT or 0), nil)
    P(pool, sys.sigaction, 64, "default", nil)
    P(pool, sys.pipe, "/")
    P(pool, sys.mkdir, "/f", 2^31)
    P(pool, sys.open, "nan", (sys.O_RDWR or 0) | (sys.O_WRONLY or 0) | (sys.O_CREAT or 0), 0x7fffffff)
    P(pool, sys.WEXITSTATUS, 2^63)
    P(pool, sys.truncate, "/d/x", {})
    P(pool, sys.port_create)
    P(pool, sys.WIFSTOPPED, 0x7f)
    if P(pool, sim.choose, 4) == 1 then
          P(pool, sys.dup2, {{[1] = 1}}, 0x8000)
          P(pool, sys.thr_set_name)
          P(pool, sys.WSTOPSIG, 1)
    end
    P(pool, sim.trace_hash)
    for i = 1, 8 do
          P(pool, sys.setsockopt, at(pool, 16), 6, "12", 1864136)
    end
    P(pool, sys.thr_set_name, 65535, string.rep("n", 300))
    P(pids, sys.waitpid, at(pids, 9), nil)
    P(pool, coroutine.wrap(function()
          P(pool, sys.thr_set_name)
    end))
    for i = 1, 9 do
          P(pool, sys.gettid)
          P(pool, sys.port_associate, {{[1] = 1}}, (sys.PORT_SOURCE_MQ or -1), "/tmp", (sys.UNMOUNTED or 0) | (sys.UNMOUNTED or 0), {filter = 1, ident = 1})
          P(pool, sys.pdfork, function(...)
                  P(pool, sys.port_send, at(pool, 6), (sys.UNMOUNTED or 0) | (sys.MOUNTEDOVER or 0) | (sys.FILE_ATTRIB or 0), "\n\r\t")
                  P(pool, sim.label, string.rep("n", 300))
                  for i = 1, 7 do
                            P(pool, sim.failpoint, "fork1:maxproc", "bogus")
                  end
                  P(pool, sys.socketpair)
          end, nil)
    end
    P(pool, sim.label, "\xff")
    local ok = pcall(next, {a = 1}, string.rep("\xff", 1 << 16))
    sim.label(tostring(-1e308))
    P(pool, sys.stat, "/d/../f")
    P(pool, coroutine.wrap(function()
          P(pool, sys.gettid)
          return 1
    end))
    P(pool, sys.WIFEXITED, 0x100)
    P(pool, coroutine.wrap(function()
          P(pool, coroutine.wrap(function()
                  for i = 1, 10 do
                            P(pool, sys.shutdown, -1, sys.SIG_SETMASK)
                            error(setmetatable({1, 2}, {__index = function(t, k) return sys.getpid() end}))
                  end
                  P(pool, sys.sigaction, sys.SIGKILL, "ignore", "%s%s%n%x%d")
                  pcall(string.gsub, 'abc', '.', function(c) return tostring(sys.gettid()) end)
          end))
          P(pool, sys.revoke, "/d/../f")
          P(pool, sim.trace_hash)
    end))
    P(pool, sys.shutdown, "\n\r\t", 4)
    P(pool, sys.truncate, "/d", setmetatable({}, {__close = function() end}))
    for i = 1, 6 do
          P(pool, sys.pdkill, at(pool, 8), "EBADF")
          P(pool, sys.exit, -0.0)
    end
    P(pool, sim.choose, 0, 0x7fff)
    P(pool, sys.kqueuex, 4)
    P(pool, sys.WSTOPSIG, 0)
    P(pool, sys.close, at(pool, 12))
    P(pool, sys.clock_settime, "12", (1 << 62))
    P(pool, sys.getppid)
    P(pool, coroutine.wrap(function()
          for i = 1, 10 do
                  P(pool, sys.rename, "/d/y", "-1")
                  P(pool, sys.sleep, 0)
                  P(pool, sim.choose, "%s%s%n%x%d", setmetatable({}, {__name = 'FILE*'}))
          end
          P(pool, sys.dup, "\xed\xa0\x80")
          if P(pool, sim.choose, 2) == 1 then
                  P(timers, sys.timer_create, -1, {user = 1})
          end
          return 1
    end))
  end,
}
