-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_EMPTY on a unix stream socket, as uipc_filt_soempty() computes it:
-- 'data' is the room in the peer's receive buffer and the event holds when
-- that room is 0 (code-derived: the reverse of "the send buffer is empty"
-- that filt_soempty() of other sockets reports); always once disconnected.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EVFILT_EMPTY on a unix stream socket: the peer's room is 0",
  kernel = "freebsd",
  main = function()
    local a, b = sys.socketpair()
    local kq = sys.kqueue()
    assert(reg(kq, {ident = a, filter = sys.EVFILT_EMPTY, flags = sys.EV_ADD}))
    -- nothing sent: the peer has 8192 bytes of room, no event
    assert(#poll(kq) == 0)
    assert(sim.inspect(kq, a, sys.EVFILT_EMPTY).kn_data == 8192)
    sys.write(a, string.rep("x", 8000))
    -- (a send notifies the peer's readers only: this knote is not
    -- evaluated again until the peer reads or goes away)
    assert(#poll(kq) == 0)
    -- the peer's buffer is full; the send notified the peer's readers
    -- only, so the knote learns it at its next evaluation (a re-add):
    -- "empty" fires with data 0
    assert(sys.write(a, string.rep("y", 192)) == 192)
    assert(#poll(kq) == 0)
    assert(reg(kq, {ident = a, filter = sys.EVFILT_EMPTY, flags = sys.EV_ADD}))
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].filter == sys.EVFILT_EMPTY and ev[1].data == 0)
    -- the peer reads: room again, the level-triggered knote goes quiet
    assert(#sys.read(b, 100) == 100)
    assert(#poll(kq) == 0)
    -- the peer closes: always an event, data left as it was
    sys.close(b)
    ev = poll(kq)
    assert(#ev == 1 and ev[1].data == 100 and ev[1].flags & sys.EV_EOF == 0)
    local _, err = reg(kq, {ident = a, filter = sys.EVFILT_VNODE, flags = sys.EV_ADD})
    assert(err == "EINVAL", err)
  end,
}
