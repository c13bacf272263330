-- SPDX-License-Identifier: BSD-2-Clause
-- Only the eight filters of 2003 exist: 0, positive and newer filters are EINVAL in kqueue_register(); EVFILT_AIO is ENXIO (filt_nullattach).
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "freebsd@7773002: unknown filters are EINVAL, EVFILT_AIO ENXIO",
  kernel = "freebsd@7773002",
  main = function()
    local r, w = sys.pipe()
    local kq = sys.kqueue()
    for _, f in ipairs({0, 1, 5, -9, -10, sys.EVFILT_USER, sys.EVFILT_EMPTY, -15, -16}) do
      local ok, err = reg(kq, {ident = r, filter = f, flags = sys.EV_ADD})
      assert(ok == nil and err == "EINVAL", tostring(f) .. " " .. tostring(err))
    end
    -- as EV_ERROR entries: data is the errno number, flags only EV_ERROR
    local ev = assert(sys.kevent(kq, {{ident = r, filter = 0, flags = sys.EV_ADD},
      {ident = 1, filter = sys.EVFILT_AIO, flags = sys.EV_ADD}}, 4, 0))
    assert(#ev == 2)
    assert(ev[1].flags == sys.EV_ERROR and sys.errname(ev[1].data) == "EINVAL")
    assert(ev[2].flags == sys.EV_ERROR and sys.errname(ev[2].data) == "ENXIO")
    assert(#sim.inspect(kq).knotes == 0)
  end,
}
