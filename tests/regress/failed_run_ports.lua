-- args:
-- status: failed
-- message: boom
--
-- illumos: a run that fails with a thread blocked in port_get and events
-- queued: ports, events and sources are freed at the end.
return {
  name = "failed run with ports",
  kernel = "illumos",
  main = function()
    local p = sys.port_create()
    local r, w = sys.pipe()
    sys.port_associate(p, sys.PORT_SOURCE_FD, r, sys.POLLIN, "u")
    sys.port_send(p, 1, "x")
    sys.thread(function() sys.port_get(sys.port_create()) end)
    sys.sched_yield()
    error("boom")
  end,
}
