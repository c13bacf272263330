-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_AIO, EVFILT_LIO and EVFILT_SENDFILE have no filter: ENXIO.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EVFILT_AIO, EVFILT_LIO and EVFILT_SENDFILE have no filter: ENXIO",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    for _, f in ipairs({sys.EVFILT_AIO, sys.EVFILT_LIO, sys.EVFILT_SENDFILE}) do
      local _, err = reg(kq, {ident = 1, filter = f, flags = sys.EV_ADD})
      assert(err == "ENXIO", err)
    end
    -- as error entries: data is FreeBSD's ENXIO (6)
    local ev = assert(sys.kevent(kq, {{ident = 1, filter = sys.EVFILT_AIO, flags = sys.EV_ADD}}, 2, 0))
    assert(#ev == 1 and ev[1].flags == sys.EV_ERROR and ev[1].data == 6)
    assert(sys.errname(ev[1].data) == "ENXIO")
  end,
}
