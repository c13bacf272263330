-- args: --strategy fifo
-- status: passed
--
-- illumos: a socketpair (fds below the port's) watched by a port through
-- PORT_SOURCE_FD, left open at exit.  fdescfree() closes the sockets
-- first and the pair is freed; the port's close then removes the
-- association, which must find the socket's poll heads drained (sofree()'s
-- seldrain()), not freed memory.
return {
  name = "a port's socket association left at exit",
  kernel = "illumos",
  main = function()
    local a, b = sys.socketpair()
    local p = sys.port_create()
    assert(sys.port_associate(p, sys.PORT_SOURCE_FD, a, sys.POLLIN, 1))
    assert(sys.port_associate(p, sys.PORT_SOURCE_FD, b, sys.POLLOUT, 2))
    assert(a < p and b < p)
  end,
}
