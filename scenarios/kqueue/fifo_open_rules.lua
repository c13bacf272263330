-- SPDX-License-Identifier: BSD-2-Clause
-- Opening FIFOs as fifo_open() does: O_WRONLY|O_NONBLOCK without a reader
-- is ENXIO; a blocking open waits for the other side ("fifoor"/"fifoow")
-- and a signal interrupts it (EINTR); O_RDWR never waits; once the last
-- reader closes, the writer's EVFILT_WRITE has EV_EOF and write(2) EPIPE.
-- sys.mkfifo: EEXIST, ENOENT; sys.revoke: only character devices can be
-- revoked (sys_revoke()), so every name here is EINVAL.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "FIFO open rules: ENXIO, blocking opens, EOF for the writer",
  kernel = "freebsd",
  main = function()
    assert(sys.sigaction(sys.SIGPIPE, "ignore"))
    assert(sys.sigaction(sys.SIGUSR1, "catch"))
    assert(sys.mkfifo("/p", 420))
    local ok, e = sys.mkfifo("/p", 420)
    assert(not ok and e == "EEXIST", e)
    ok, e = sys.mkfifo("/no/p")
    assert(not ok and e == "ENOENT", e)
    ok, e = sys.revoke("/p")
    assert(not ok and e == "EINVAL", e)
    ok, e = sys.revoke("/nothing")
    assert(not ok and e == "ENOENT", e)
    local fd
    fd, e = sys.open("/p", sys.O_WRONLY | sys.O_NONBLOCK)
    assert(fd == nil and e == "ENXIO", e)
    -- a blocking reader waits for a writer
    local t = sys.thread(function()
      local r = assert(sys.open("/p", sys.O_RDONLY))
      return r, sim.now()
    end)
    sys.sleep(5 * sim.MSEC)
    local w = assert(sys.open("/p", sys.O_WRONLY))
    local r, when = sys.join(t)
    assert(when == 5 * sim.MSEC, when)
    -- the reader goes: the writer's knote reports EOF, writes fail
    local kq = sys.kqueue()
    assert(reg(kq, {ident = w, filter = sys.EVFILT_WRITE, flags = sys.EV_ADD}))
    assert(#poll(kq) == 1)
    sys.close(r)
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].flags & sys.EV_EOF ~= 0)
    local n
    n, e = sys.write(w, "x")
    assert(n == nil and e == "EPIPE", e)
    sys.close(w)
    -- a blocking writer waits for a reader; O_RDWR does not wait
    t = sys.thread(function()
      local w2 = assert(sys.open("/p", sys.O_WRONLY))
      return w2, sim.now()
    end)
    sys.sleep(2 * sim.MSEC)
    local rw = assert(sys.open("/p", sys.O_RDWR))
    local w2, when2 = sys.join(t)
    assert(when2 == 7 * sim.MSEC, when2)
    assert(sys.write(w2, "abc") == 3)
    assert(sys.read(rw, 10) == "abc")
    sys.close(w2)
    sys.close(rw)
    -- a signal interrupts a blocking open
    t = sys.thread(function()
      local x, err = sys.open("/p", sys.O_RDONLY)
      return x, err
    end)
    -- (main blocks the signal, so the sleeping opener takes it)
    assert(sys.sigprocmask(sys.SIG_BLOCK, {sys.SIGUSR1}))
    sys.sleep(sim.MSEC)
    assert(sys.kill(sys.getpid(), sys.SIGUSR1))
    local x, err = sys.join(t)
    assert(x == nil and err == "EINTR", err)
    -- nobody has it open: ENXIO again
    fd, e = sys.open("/p", sys.O_WRONLY | sys.O_NONBLOCK)
    assert(fd == nil and e == "ENXIO", e)
  end,
}
