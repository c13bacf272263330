-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_READ on a file is size minus offset, EVFILT_WRITE always true with data 0.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EVFILT_READ on a file is size minus offset, EVFILT_WRITE always true with data 0",
  kernel = "freebsd",
  kernels = { "freebsd", "freebsd@7773002" },
  main = function()
    local fd = assert(sys.open("/r", sys.O_CREAT | sys.O_RDWR, 420))
    sys.write(fd, "0123456789")
    local fd2 = assert(sys.open("/r", sys.O_RDONLY))
    local kq = sys.kqueue()
    assert(sys.kevent(kq, {{ident = fd2, filter = sys.EVFILT_READ, flags = sys.EV_ADD},
      {ident = fd, filter = sys.EVFILT_WRITE, flags = sys.EV_ADD}}, 0, 0))
    local ev = poll(kq)
    assert(#ev == 2)
    local got = {}
    for _, e in ipairs(ev) do got[e.filter] = e.data end
    assert(got[sys.EVFILT_READ] == 10 and got[sys.EVFILT_WRITE] == 0)
    sys.read(fd2, 4)
    ev = poll(kq)
    for _, e in ipairs(ev) do got[e.filter] = e.data end
    assert(got[sys.EVFILT_READ] == 6, got[sys.EVFILT_READ])
    -- at the end of the file: not readable (no NOTE_FILE_POLL)
    sys.read(fd2, 100)
    ev = poll(kq)
    for _, e in ipairs(ev) do assert(e.filter ~= sys.EVFILT_READ) end
  end,
}
