-- SPDX-License-Identifier: BSD-2-Clause
-- A bug of the seed's kernel (seeds/000_18ff6dd3fccf25ff.txt, FreeBSD
-- 5.x kern_event.c, 2003-04), found by the exit invariants of `evsim
-- explore` rather than by a schedule: a kqueue that watches itself leaks
-- when its process exits without closing it.
--
-- freebsd@7773002: kqueue_kqfilter() accepts EVFILT_READ on the kqueue's
-- own descriptor, and the knote holds a reference on that file.  close()
-- would drop it through knote_fdclose(), but exit closes descriptors with
-- closef() only, so the file never reaches its last reference,
-- kqueue_close() never runs and the kqueue, its knote and its file stay
-- (invariant 'refcount' at exit).
-- freebsd: kqueue_register() refuses a kqueue watching itself (EINVAL).
--
-- evsim explore scenarios/races/hist_7773002_self_watch_exit.lua \
--   --kernel freebsd@7773002 --strategy random --runs 1000
return {
  name = "7773002: a kqueue watching itself leaks at exit",
  kernels = { "freebsd", "freebsd@7773002" },
  main = function()
    local kq = sys.kqueue()
    sys.kevent(kq, {{ident = kq, filter = sys.EVFILT_READ, flags = sys.EV_ADD}}, 0, 0)
  end,
}
