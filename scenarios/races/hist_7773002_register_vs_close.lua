-- SPDX-License-Identifier: BSD-2-Clause
-- Historical race of the seed's kernel (seeds/000_18ff6dd3fccf25ff.txt,
-- FreeBSD 5.x kern_event.c, 2003-04): a registration racing close().
--
-- freebsd@7773002: kqueue_register() takes a reference on the file with
-- fhold() and then allocates the knote (M_WAITOK, Giant released).  A
-- close() of the descriptor that runs then finds no knote to remove in
-- knote_fdclose(), and the registration attaches one afterwards: the
-- knote keeps the closed descriptor's file referenced (the pipe's read
-- end never closes) until the kqueue goes.
-- freebsd: the same schedules leave no knote.
--
-- evsim explore scenarios/races/hist_7773002_register_vs_close.lua \
--   --kernel freebsd@7773002 --strategy random --runs 1000
return {
  name = "7773002: a registration racing close keeps the file referenced",
  kernels = { "freebsd", "freebsd@7773002" },
  main = function()
    local kq = sys.kqueue()
    local r, w = sys.pipe()
    local t = sys.thread(function()
      sys.kevent(kq, {{ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD}}, 0, 0)
    end)
    sys.close(r)
    sys.join(t)
    assert(#sim.inspect(kq).knotes == 0,
      "a knote keeps the closed descriptor's file referenced")
  end,
}
