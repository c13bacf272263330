-- SPDX-License-Identifier: BSD-2-Clause
-- a port associated (PORT_SOURCE_FD, POLLIN) with another port's fd fires
-- when the inner port gets an event: port_poll() hooks the outer port onto
-- the inner's poll head, port_send_event() (user event) and pollwakeup()
-- through port_pollwkup() (fd event) wake it
return {
  name = 'a port associated with another port fires on its events',
  kernel = "illumos",
  main = function()
  local outer = sys.port_create()
  local inner = sys.port_create()
  -- nothing queued in the inner port: no event yet
  assert(sys.port_associate(outer, sys.PORT_SOURCE_FD, inner, sys.POLLIN, "in"))
  assert(sim.inspect(outer).portq_nent == 0)
  -- a user event on the inner port fires the outer association
  assert(sys.port_send(inner, 7, "u"))
  local ev = sys.port_get(outer, 0)
  assert(ev.source == sys.PORT_SOURCE_FD and ev.object == inner)
  assert(ev.events == sys.POLLIN and ev.user == "in")
  local e2 = sys.port_get(inner, 0)
  assert(e2.source == sys.PORT_SOURCE_USER and e2.events == 7)
  -- re-armed on an empty inner port; an fd event inside the inner port
  -- reaches the outer one through pollwakeup()'s port list
  assert(sys.port_associate(outer, sys.PORT_SOURCE_FD, inner, sys.POLLIN, "in2"))
  assert(sim.inspect(outer).portq_nent == 0)
  local r, w = sys.pipe()
  assert(sys.port_associate(inner, sys.PORT_SOURCE_FD, r, sys.POLLIN, "pipe"))
  assert(sim.inspect(outer).portq_nent == 0)
  sys.write(w, "x")
  ev = sys.port_get(outer, 0)
  assert(ev.object == inner and ev.events == sys.POLLIN and ev.user == "in2")
  e2 = sys.port_get(inner, 0)
  assert(e2.object == r and e2.user == "pipe")
  -- a waiter blocked on the outer port is woken by the inner port's event
  assert(sys.port_associate(outer, sys.PORT_SOURCE_FD, inner, sys.POLLIN, "in3"))
  local t = sys.thread(function()
    local e = assert(sys.port_get(outer))
    return e.object, e.user
  end)
  sys.sleep(sim.MSEC)
  assert(#sim.inspect(outer).waiters == 1)
  assert(sys.port_send(inner, 1, "again"))
  local obj, u = sys.join(t)
  assert(obj == inner and u == "in3")
  sys.close(inner)
  sys.close(outer)
  end,
}
