-- SPDX-License-Identifier: BSD-2-Clause
-- udata: integers, strings, booleans and nil come back unchanged.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "udata: integers, strings, booleans and nil come back unchanged",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    local vals = {0, -1, 1 << 40, "s", true, false}
    for i, v in ipairs(vals) do
      assert(reg(kq, {ident = i, filter = sys.EVFILT_USER, flags = sys.EV_ADD | sys.EV_ONESHOT, udata = v}))
      assert(reg(kq, {ident = i, filter = sys.EVFILT_USER, flags = sys.EV_KEEPUDATA, fflags = sys.NOTE_TRIGGER}))
    end
    assert(reg(kq, {ident = 7, filter = sys.EVFILT_USER, flags = sys.EV_ADD | sys.EV_ONESHOT}))
    assert(reg(kq, {ident = 7, filter = sys.EVFILT_USER, flags = sys.EV_KEEPUDATA, fflags = sys.NOTE_TRIGGER}))
    local ev = poll(kq, 16)
    assert(#ev == 7)
    for _, e in ipairs(ev) do
      if e.ident == 7 then assert(e.udata == nil) else assert(e.udata == vals[e.ident]) end
    end
  end,
}
