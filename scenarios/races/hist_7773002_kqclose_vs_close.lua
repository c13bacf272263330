-- SPDX-License-Identifier: BSD-2-Clause
-- Historical race of the seed's kernel (seeds/000_18ff6dd3fccf25ff.txt,
-- FreeBSD 5.x kern_event.c, 2003-04): the last close of a kqueue racing
-- close() of a descriptor it watches.
--
-- freebsd@7773002: a thread in kevent() holds the kqueue's file, so when
-- another thread closes the kqueue descriptor, kqueue_close() runs at the
-- end of that kevent(), in its fdrop() after Giant was released.
-- kqueue_close() walks the table's fd_knlist and keeps the next knote
-- ('kn0') while it drops the table lock to free the current one; a
-- close() of that descriptor meanwhile runs knote_fdclose(), which frees
-- 'kn0' (another kqueue's knote on the same descriptor), and
-- kqueue_close() then continues from freed memory.
-- freebsd: kqueue_drain() holds each knote in flux; knote_fdclose() waits.
--
-- evsim explore scenarios/races/hist_7773002_kqclose_vs_close.lua \
--   --kernel freebsd@7773002 --strategy random --runs 1000
return {
  name = "7773002: kqueue_close() racing close() of a watched descriptor",
  kernels = { "freebsd", "freebsd@7773002" },
  main = function()
    local kq1, kq2 = sys.kqueue(), sys.kqueue()
    local r, w = sys.pipe()
    local r2, w2 = sys.pipe()
    local add = {{ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD}}
    assert(sys.kevent(kq2, add, 0, 0))
    assert(sys.kevent(kq1, add, 0, 0))
    assert(sys.kevent(kq1, {{ident = r2, filter = sys.EVFILT_READ, flags = sys.EV_ADD}}, 0, 0))
    local t = sys.thread(function() sys.kevent(kq1, nil, 1, nil) end)
    sys.sleep(sim.MSEC)
    sys.close(kq1) -- the thread's kevent() still holds its file
    sys.write(w2, "x") -- wakes it: its fdrop() runs kqueue_close()
    sys.close(r)
    sys.join(t)
    assert(#sim.inspect(kq2).knotes == 0)
  end,
}
