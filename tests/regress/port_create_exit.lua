-- args: --strategy random --seed 1
-- args: --strategy random --seed 4
-- args: --strategy random --seed 5
-- status: passed
--
-- illumos: three processes whose threads loop on port_create() exit
-- together.  port_exit_cleanup() held a port whose last close was under
-- way in another process (use after free, double free); the snapshot of
-- sources after the last close read a NULL portq_scache.
return {
  name = "three forks whose threads loop on port_create",
  kernel = "illumos",
  main = function()
    for i = 1, 3 do
      sys.fork(function()
        local t = sys.thread(function() for j = 1, 4 do sys.port_create() end end)
        for j = 1, 4 do sys.port_create() end
        sys.join(t)
      end)
    end
  end,
}
