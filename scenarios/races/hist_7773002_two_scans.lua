-- SPDX-License-Identifier: BSD-2-Clause
-- Historical race of the seed's kernel (seeds/000_18ff6dd3fccf25ff.txt,
-- FreeBSD 5.x kern_event.c, 2003-04): two threads scan one kqueue.
--
-- freebsd@7773002: kqueue_scan() puts a marker on 'kq_head' and, after
-- every KQ_NEVENTS events, copies them out; copyout() may fault and
-- sleep, which releases Giant with the marker still queued.  A second
-- scan of the same kqueue then takes that marker for a knote (the seed has
-- no KN_MARKER) and calls through its garbage 'kn_fop': a panic.
-- freebsd: markers are KN_MARKER knotes that a scan skips (or waits on).
--
-- evsim explore scenarios/races/hist_7773002_two_scans.lua \
--   --kernel freebsd@7773002 --strategy random --runs 1000
return {
  name = "7773002: two threads scan one kqueue with more than KQ_NEVENTS events",
  kernels = { "freebsd", "freebsd@7773002" },
  main = function()
    local kq = sys.kqueue()
    local ch = {}
    for i = 1, 12 do
      local r, w = sys.pipe()
      sys.write(w, "x")
      ch[i] = {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD}
    end
    assert(sys.kevent(kq, ch, 0, 0))
    local t = sys.thread(function() return #assert(sys.kevent(kq, nil, 16, 0)) end)
    local n = #assert(sys.kevent(kq, nil, 16, 0))
    local n2 = sys.join(t)
    -- level-triggered: each scan reports each ready pipe at most once
    assert(n <= 12 and n2 <= 12 and n + n2 >= 12, n .. " " .. n2)
  end,
}
