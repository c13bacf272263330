-- Stream socket pairs: both directions, shutdown, EOF and EPIPE.
local ev = require("evsim")
return {
  name = "socketpair: both directions, shutdown, EOF, EPIPE",
  main = function()
    local a, b = sys.socketpair()
    ev.eq(sys.write(a, "ping"), 4, "a->b")
    ev.eq(sys.read(b, 10), "ping", "b reads")
    ev.eq(sys.write(b, "pong"), 4, "b->a")
    ev.eq(sys.read(a, 10), "pong", "a reads")
    assert(sys.shutdown(a, sys.SHUT_WR))
    ev.eq(sys.read(b, 10), "", "EOF after the peer's SHUT_WR")
    assert(sys.sigaction(sys.SIGPIPE, "ignore"))
    ev.fails("EPIPE", sys.write(a, "x"))
    ev.fails("EINVAL", sys.shutdown(a, 7))
    local r = sys.pipe()
    ev.fails("ENOTSOCK", sys.shutdown(r, sys.SHUT_RD))
    assert(sys.close(b))
    ev.eq(sys.read(a, 10), "", "EOF once the peer closed")
  end,
}
