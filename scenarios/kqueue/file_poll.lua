-- SPDX-License-Identifier: BSD-2-Clause
-- NOTE_FILE_POLL: a file at EOF is still readable.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "NOTE_FILE_POLL: a file at EOF is still readable",
  kernel = "freebsd",
  main = function()
    local fd = assert(sys.open("/p", sys.O_CREAT | sys.O_RDWR, 420))
    local kq = sys.kqueue()
    assert(reg(kq, {ident = fd, filter = sys.EVFILT_READ, flags = sys.EV_ADD, fflags = sys.NOTE_FILE_POLL}))
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].data == 0)
  end,
}
