-- SPDX-License-Identifier: BSD-2-Clause
-- close(fd) drops the knotes on that fd number; a dup keeps its own.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "close(fd) drops the knotes on that fd number; a dup keeps its own",
  kernel = "freebsd",
  kernels = { "freebsd", "freebsd@7773002" },
  main = function()
    local kq = sys.kqueue()
    local r, w = sys.pipe()
    local r2 = sys.dup(r)
    assert(sys.kevent(kq, {{ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD},
      {ident = r2, filter = sys.EVFILT_READ, flags = sys.EV_ADD}}, 0, 0))
    sys.write(w, "q")
    assert(sim.inspect(kq).kq_count == 2)
    sys.close(r)
    assert(sim.inspect(kq, r, sys.EVFILT_READ) == nil)
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].ident == r2)
  end,
}
