-- args:
-- status: failed
-- message: boom
--
-- A run that fails with threads blocked in read(), a knote, a child and a
-- pipe buffer: everything is freed at the end (LeakSanitizer in the
-- sanitizer build).
return {
  name = "failed run with blocked readers",
  main = function()
    local r, w = sys.pipe()
    local kq = sys.kqueue()
    sys.kevent(kq, {{ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD}}, 0)
    sys.thread(function() sys.read(r, 10) end)
    sys.fork(function() sys.read(r, 5) end)
    sys.write(w, "")
    sys.sched_yield()
    error("boom")
  end,
}
