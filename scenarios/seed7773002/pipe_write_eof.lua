-- SPDX-License-Identifier: BSD-2-Clause
-- filt_pipewrite(): space left in the reader's buffer, true from PIPE_BUF (512); EV_EOF with data 0 once the reader closed.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: EVFILT_WRITE on a pipe, then the reader closes",
  kernel = "freebsd@7773002",
  main = function()
    local r, w = sys.pipe()
    local kq = sys.kqueue()
    assert(reg(kq, {ident = w, filter = sys.EVFILT_WRITE, flags = sys.EV_ADD}))
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].data == 16384, ev[1].data)
    sys.write(w, string.rep("x", 16384 - 100))
    assert(#poll(kq) == 0) -- 100 bytes free, below PIPE_BUF
    sys.close(r)
    ev = poll(kq)
    assert(#ev == 1 and ev[1].data == 0 and ev[1].flags & sys.EV_EOF ~= 0)
  end,
}
