-- SPDX-License-Identifier: BSD-2-Clause
-- Socket buffer options and low-water marks of a unix stream pair, as
-- sosetopt()/sbsetopt() set them and filt_soread()/uipc_filt_sowrite() and
-- uipc_soreceive_stream_or_seqpacket() read them: a socket's SO_RCVLOWAT
-- gates its own reads and readability *and* its peer's writability; its
-- SO_SNDLOWAT gates nothing; SO_RCVBUF is the peer's room.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
local S = sys.SOL_SOCKET
return {
  name = "socket options: SO_RCVLOWAT, SO_SNDLOWAT, SO_RCVBUF as the filters see them",
  kernel = "freebsd",
  main = function()
    local a, b = sys.socketpair()
    local r, w = sys.pipe()
    -- soreserve() defaults of a unix stream socket
    assert(sys.getsockopt(a, S, sys.SO_RCVBUF) == 8192)
    assert(sys.getsockopt(a, S, sys.SO_SNDBUF) == 8192)
    assert(sys.getsockopt(a, S, sys.SO_RCVLOWAT) == 1)
    assert(sys.getsockopt(a, S, sys.SO_SNDLOWAT) == 2048)
    assert(sys.getsockopt(a, S, sys.SO_TYPE) == 1)
    -- kernel errnos
    local function err(...) local ok, e = sys.setsockopt(...); assert(not ok); return e end
    assert(err(a, S, sys.SO_RCVLOWAT, 0) == "EINVAL")
    assert(err(a, S, 0x9999, 1) == "ENOPROTOOPT")
    assert(err(a, 6, sys.SO_RCVLOWAT, 1) == "EINVAL")
    assert(err(a, sys.SOL_LOCAL, 1, 1) == "EOPNOTSUPP")
    assert(err(r, S, sys.SO_RCVLOWAT, 1) == "ENOTSOCK")
    assert(err(99, S, sys.SO_RCVLOWAT, 1) == "EBADF")
    assert(err(a, S, sys.SO_RCVBUF, 2000000) == "ENOBUFS")
    local _, e = sys.getsockopt(a, S, 0x9999)
    assert(e == "ENOPROTOOPT")
    -- a low-water mark is clamped to the buffer's limit
    assert(sys.setsockopt(a, S, sys.SO_RCVLOWAT, 100000))
    assert(sys.getsockopt(a, S, sys.SO_RCVLOWAT) == 8192)

    -- SO_RCVLOWAT 10 on a: readable from 10 bytes, reads wait for them
    assert(sys.setsockopt(a, S, sys.SO_RCVLOWAT, 10))
    local kq = sys.kqueue()
    assert(reg(kq, {ident = a, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    sys.write(b, "12345")
    assert(#poll(kq) == 0)
    sys.fcntl(a, sys.F_SETFL, sys.O_NONBLOCK)
    local s, e2 = sys.read(a, 100)
    assert(s == nil and e2 == "EAGAIN", e2)
    sys.write(b, "67890")
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].filter == sys.EVFILT_READ and ev[1].data == 10)
    assert(sys.read(a, 100) == "1234567890")

    -- b's SO_RCVLOWAT 4096 gates a's writes: 3192 bytes of room are not
    -- enough; a's own SO_SNDLOWAT (1) does not matter
    assert(sys.setsockopt(b, S, sys.SO_RCVLOWAT, 4096))
    assert(sys.setsockopt(a, S, sys.SO_SNDLOWAT, 1))
    assert(sys.write(a, string.rep("x", 5000)) == 5000)
    assert(reg(kq, {ident = a, filter = sys.EVFILT_WRITE, flags = sys.EV_ADD}))
    assert(#poll(kq) == 0)
    assert(sim.inspect(kq, a, sys.EVFILT_WRITE).kn_data == 3192)
    -- a non-blocking write below the peer's mark sends nothing
    local n, e3 = sys.write(a, "more")
    assert(n == nil and e3 == "EAGAIN", e3)
    -- NOTE_LOWAT overrides the peer's mark
    assert(reg(kq, {ident = a, filter = sys.EVFILT_WRITE, flags = sys.EV_ADD,
      fflags = sys.NOTE_LOWAT, data = 3000}))
    ev = poll(kq)
    assert(#ev == 1 and ev[1].data == 3192 and ev[1].fflags == 0)
    -- SO_RCVBUF on b is a's room: 16384 - 5000
    assert(sys.setsockopt(b, S, sys.SO_RCVBUF, 16384))
    assert(reg(kq, {ident = a, filter = sys.EVFILT_WRITE, flags = sys.EV_ADD,
      fflags = 0, data = 0}))
    ev = poll(kq)
    assert(#ev == 1 and ev[1].data == 11384, ev[1].data)
    assert(#sys.read(b, 5000) == 5000)

    -- the peer goes: EV_EOF with so_error (none: a closed unix peer sets
    -- no error) in fflags, on both filters; SO_ERROR reads 0
    sys.close(b)
    ev = poll(kq)
    assert(#ev == 2)
    for _, x in ipairs(ev) do
      assert(x.flags & sys.EV_EOF ~= 0 and x.fflags == 0)
    end
    assert(sys.getsockopt(a, S, sys.SO_ERROR) == 0)
  end,
}
