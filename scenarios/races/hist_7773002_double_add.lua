-- SPDX-License-Identifier: BSD-2-Clause
-- Historical race of the seed's kernel (seeds/000_18ff6dd3fccf25ff.txt,
-- FreeBSD 5.x kern_event.c, 2003-04): two threads add the same event.
--
-- freebsd@7773002: kqueue_register() looks the knote up under the table
-- lock, finds none, and then allocates one with uma_zalloc(M_WAITOK);
-- an allocation that sleeps releases Giant, so the other thread runs the
-- same lookup, finds none either, and both attach a knote for the same
-- (kqueue, ident, filter): the event is then reported twice per scan.
-- freebsd: kqueue_register() allocates before the lookup and looks up
-- again under the kqueue lock, so the second add finds the first knote.
--
-- evsim explore scenarios/races/hist_7773002_double_add.lua \
--   --kernel freebsd@7773002 --strategy random --runs 1000
return {
  name = "7773002: two threads add the same event",
  kernels = { "freebsd", "freebsd@7773002" },
  main = function()
    local kq = sys.kqueue()
    local r, w = sys.pipe()
    local add = {{ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD}}
    local t = sys.thread(function() assert(sys.kevent(kq, add, 0, 0)) end)
    assert(sys.kevent(kq, add, 0, 0))
    sys.join(t)
    sys.write(w, "x")
    local ev = assert(sys.kevent(kq, nil, 8, 0))
    assert(#ev == 1, "duplicate knotes: the event was reported " .. #ev .. " times")
  end,
}
