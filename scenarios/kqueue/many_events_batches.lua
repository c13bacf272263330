-- SPDX-License-Identifier: BSD-2-Clause
-- twenty ready pipes: returned across copy-out batches of 8, queue order.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "twenty ready pipes: returned across copy-out batches of 8, queue order",
  kernel = "freebsd",
  kernels = { "freebsd", "freebsd@7773002" },
  main = function()
    local kq = sys.kqueue()
    local rs = {}
    for i = 1, 20 do
      local r, w = sys.pipe()
      rs[i] = r
      assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD, udata = i}))
      sys.write(w, string.rep("x", i))
    end
    local ev = poll(kq, 32)
    assert(#ev == 20)
    for i = 1, 20 do assert(ev[i].udata == i and ev[i].data == i) end
    -- nevents smaller than ready: the rest next time, in queue order
    ev = poll(kq, 5)
    assert(#ev == 5 and ev[1].udata == 1 and ev[5].udata == 5)
    ev = poll(kq, 5)
    assert(ev[1].udata == 6, ev[1].udata)
  end,
}
