-- SPDX-License-Identifier: BSD-2-Clause
-- filt_pipewrite(): space left in the reader's buffer, true from PIPE_BUF
-- (512).  pipeclose() of 2003 runs the closing reader's knotes before it
-- marks the reader gone, so a writer whose buffer was nearly full is not
-- told: no EV_EOF until the knote is evaluated again (a re-add).
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: a writer is not told that the reader closed",
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
    assert(#poll(kq) == 0)
    local k = sim.inspect(kq, w, sys.EVFILT_WRITE)
    assert(k.kn_data == 100 and not k.kn_status.ACTIVE, k.kn_data)
    sys.sigaction(sys.SIGPIPE, "ignore")
    local n, err = sys.write(w, "y")
    assert(n == nil and err == "EPIPE")
    -- a re-add evaluates the filter: now EV_EOF
    assert(reg(kq, {ident = w, filter = sys.EVFILT_WRITE, flags = sys.EV_ADD}))
    ev = poll(kq)
    assert(#ev == 1 and ev[1].data == 0 and ev[1].flags & sys.EV_EOF ~= 0)
  end,
}
