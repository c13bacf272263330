-- SPDX-License-Identifier: BSD-2-Clause
-- Pipe buffer sizes as sys_pipe.c makes them, seen in EVFILT_WRITE data:
-- pipe_paircreate() backs the forward direction (fildes[1] -> fildes[0])
-- with PIPE_SIZE (16384) and the reverse one with SMALL_PIPE_SIZE (4096);
-- a write that does not fit makes pipe_write() double the buffer
-- (pipespace()) up to BIG_PIPE_SIZE (65536).  Non-blocking writes, which
-- never take the direct-write path.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
local function wdata(kq, fd) return sim.inspect(kq, fd, sys.EVFILT_WRITE).kn_data end
return {
  name = "pipe buffer sizes: 16384 forward, 4096 reverse, grown up to 65536",
  kernel = "freebsd",
  main = function()
    local r, w = sys.pipe()
    sys.fcntl(w, sys.F_SETFL, sys.O_NONBLOCK)
    sys.fcntl(r, sys.F_SETFL, sys.O_NONBLOCK)
    local kq = sys.kqueue()
    assert(reg(kq, {ident = w, filter = sys.EVFILT_WRITE, flags = sys.EV_ADD}))
    assert(reg(kq, {ident = r, filter = sys.EVFILT_WRITE, flags = sys.EV_ADD}))
    local ev = poll(kq)
    assert(#ev == 2)
    local data = {}
    for _, e in ipairs(ev) do data[e.ident] = e.data end
    assert(data[w] == 16384 and data[r] == 4096, data[w] .. " " .. data[r])
    -- 20000 bytes do not fit in 16384: the buffer doubles to 32768 first
    assert(sys.write(w, string.rep("a", 20000)) == 20000)
    poll(kq)
    assert(wdata(kq, w) == 32768 - 20000, wdata(kq, w))
    -- 20000 + 50000 would need 131072: capped at BIG_PIPE_SIZE
    assert(sys.write(w, string.rep("b", 50000)) == 65536 - 20000)
    assert(wdata(kq, w) == 0)
    local n, e = sys.write(w, "c")
    assert(n == nil and e == "EAGAIN")
    -- drained, the buffer keeps its size
    local got = 0
    while true do
      local s = sys.read(r, 65536)
      if s == nil then break end
      got = got + #s
    end
    assert(got == 65536)
    ev = poll(kq)
    for _, x in ipairs(ev) do data[x.ident] = x.data end
    assert(data[w] == 65536, data[w])
    -- the reverse direction grows from SMALL_PIPE_SIZE: 5000 -> 8192
    assert(sys.write(r, string.rep("d", 5000)) == 5000)
    ev = poll(kq)
    for _, x in ipairs(ev) do data[x.ident] = x.data end
    assert(data[r] == 8192 - 5000, data[r])
    assert(#sys.read(w, 8192) == 5000)
  end,
}
