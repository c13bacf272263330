-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_WRITE data is the free space of the reader's buffer.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EVFILT_WRITE data is the free space of the reader's buffer",
  kernel = "freebsd",
  kernels = { "freebsd", "freebsd@7773002" },
  main = function()
    local r, w = sys.pipe()
    local kq = sys.kqueue()
    assert(reg(kq, {ident = w, filter = sys.EVFILT_WRITE, flags = sys.EV_ADD}))
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].ident == w and ev[1].filter == sys.EVFILT_WRITE)
    assert(ev[1].data == 16384, ev[1].data)
    sys.write(w, string.rep("x", 16000))
    -- 384 bytes free: below PIPE_BUF (512), not writable
    assert(#poll(kq) == 0)
    assert(sim.inspect(kq, w, sys.EVFILT_WRITE).kn_data == 384)
    sys.read(r, 200)
    ev = poll(kq)
    assert(#ev == 1 and ev[1].data == 584, ev[1].data)
  end,
}
