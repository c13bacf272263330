-- SPDX-License-Identifier: BSD-2-Clause
-- socketpair: EVFILT_READ bytes buffered, EVFILT_WRITE peer space.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "socketpair: EVFILT_READ bytes buffered, EVFILT_WRITE peer space",
  kernel = "freebsd",
  kernels = { "freebsd", "freebsd@7773002" },
  main = function()
    local a, b = sys.socketpair()
    local kq = sys.kqueue()
    assert(sys.kevent(kq, {{ident = a, filter = sys.EVFILT_READ, flags = sys.EV_ADD},
      {ident = a, filter = sys.EVFILT_WRITE, flags = sys.EV_ADD}}, 0, 0))
    local ev = poll(kq)
    assert(#ev == 1 and ev[1].filter == sys.EVFILT_WRITE and ev[1].data == 8192, ev[1].data)
    sys.write(b, "ping")
    ev = poll(kq)
    -- the write knote was requeued behind the marker: READ comes first
    assert(#ev == 2)
    local seen = {}
    for _, e in ipairs(ev) do seen[e.filter] = e.data end
    assert(seen[sys.EVFILT_READ] == 4 and seen[sys.EVFILT_WRITE] == 8192)
    -- the peer's buffer full: no room, not writable
    sys.write(a, string.rep("z", 8192))
    ev = poll(kq)
    for _, e in ipairs(ev) do assert(e.filter ~= sys.EVFILT_WRITE) end
    assert(sim.inspect(kq, a, sys.EVFILT_WRITE).kn_data == 0)
  end,
}
