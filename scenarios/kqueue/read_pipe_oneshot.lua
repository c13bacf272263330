-- EVFILT_READ with EV_ONESHOT on a pipe: reported once with the byte count,
-- then the knote is dropped (reference §2.2).
return {
  name = "oneshot read on a pipe",
  kernel = "freebsd",
  main = function()
    local r, w = sys.pipe()
    local kq = assert(sys.kqueue())
    local ev = assert(sys.kevent(kq, {{ident = r, filter = sys.EVFILT_READ,
      flags = sys.EV_ADD | sys.EV_ONESHOT, udata = "rd"}}, 0, 0))
    assert(#ev == 0)
    assert(sys.write(w, "hello") == 5)
    ev = assert(sys.kevent(kq, nil, 4, 0))
    assert(#ev == 1, #ev)
    assert(ev[1].ident == r and ev[1].filter == sys.EVFILT_READ)
    assert(ev[1].flags == sys.EV_ONESHOT, ev[1].flags)
    assert(ev[1].fflags == 0 and ev[1].data == 5 and ev[1].udata == "rd")
    assert(sim.inspect(kq, r, sys.EVFILT_READ) == nil)
    ev = assert(sys.kevent(kq, nil, 4, 0))
    assert(#ev == 0)
    local _, err = sys.kevent(kq, {{ident = r, filter = sys.EVFILT_READ, flags = sys.EV_DELETE}}, 0, 0)
    assert(err == "ENOENT", err)
  end,
}
