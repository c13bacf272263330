-- SPDX-License-Identifier: BSD-2-Clause
-- Race: EV_DELETE from one thread while another scans the same knotes.
-- The deleter must wait for knotes in flux; the scanner must skip a knote
-- being dropped and never count it twice (kq_count stays consistent).
return {
  name = "EV_DELETE from one thread while another scans",
  kernel = "freebsd",
  main = function()
    local kq = sys.kqueue()
    local N = 12
    for i = 1, N do
      assert(sys.kevent(kq, {{ident = i, filter = sys.EVFILT_USER, flags = sys.EV_ADD, udata = i}}, 0, 0))
      assert(sys.kevent(kq, {{ident = i, filter = sys.EVFILT_USER, flags = sys.EV_KEEPUDATA, fflags = sys.NOTE_TRIGGER}}, 0, 0))
    end
    local t = sys.thread(function()
      local seen = 0
      for round = 1, 3 do
        local ev = assert(sys.kevent(kq, nil, 32, 0))
        local dup = {}
        for _, e in ipairs(ev) do
          assert(e.filter == sys.EVFILT_USER and e.udata == e.ident)
          assert(not dup[e.ident], "reported twice in one scan")
          dup[e.ident] = true
          seen = seen + 1
        end
        sys.sched_yield()
      end
      return seen
    end)
    for i = 1, N do
      assert(sys.kevent(kq, {{ident = i, filter = sys.EVFILT_USER, flags = sys.EV_DELETE}}, 0, 0))
    end
    sys.join(t)
    local k = sim.inspect(kq)
    assert(#k.knotes == 0 and k.kq_count == 0, k.kq_count)
    assert(#assert(sys.kevent(kq, nil, 32, 0)) == 0)
  end,
}
