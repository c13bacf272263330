-- SPDX-License-Identifier: BSD-2-Clause
-- Race: close(2) of a watched descriptor while another thread is blocked in
-- (or scanning) kevent() on the kqueue.  knote_fdclose() must wait for a
-- knote the scan holds in flux (KN_SCAN) and drop it; the scan must never
-- report a freed knote.  Run with --strategy random over many seeds.
return {
  name = "close of a watched fd during a blocked kevent",
  kernel = "freebsd",
  kernels = { "freebsd", "freebsd@7773002" },
  main = function()
    local kq = sys.kqueue()
    local r, w = sys.pipe()
    local r2 = sys.dup(r)
    assert(sys.kevent(kq, {
      {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD, udata = "r"},
      {ident = r2, filter = sys.EVFILT_READ, flags = sys.EV_ADD | sys.EV_CLEAR, udata = "r2"},
    }, 0, 0))
    local t = sys.thread(function()
      local n = 0
      for i = 1, 4 do
        local ev = assert(sys.kevent(kq, nil, 4, 2 * sim.MSEC))
        for _, e in ipairs(ev) do
          assert(e.filter == sys.EVFILT_READ)
          assert((e.ident == r and e.udata == "r") or (e.ident == r2 and e.udata == "r2"))
          assert(e.data >= 0 and e.data <= 3)
          n = n + 1
        end
      end
      return n
    end)
    sys.write(w, "abc")
    assert(sys.close(r))
    sys.sleep(sim.MSEC)
    assert(sim.inspect(kq, r, sys.EVFILT_READ) == nil)
    local n = sys.join(t)
    assert(n >= 1)
    local k = sim.inspect(kq)
    assert(#k.knotes == 1 and k.knotes[1].ident == r2)
    assert(k.knotes[1].kn_influx == 0)
  end,
}
