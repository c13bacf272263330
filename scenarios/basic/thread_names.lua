-- Thread names (thr_set_name(2): field td_name of thread#T, cut at the
-- first NUL and at MAXCOMLEN bytes), print and sim.label text with NUL
-- bytes (kept: \x00 in the canonical trace), and kqueue udata returned as
-- it was registered, whatever values came before it.
local ev = require("evsim")

function reader(fd)
  assert(sys.thr_set_name(-1, "reader\0ignored"))
  return sys.read(fd, 1)
end

return {
  name = "thread names, NUL bytes in print and labels, udata",
  main = function()
    local r, w = sys.pipe()
    local t = sys.thread(reader, r)
    assert(sys.thr_set_name(t, "a-name-longer-than-maxcomlen"))
    ev.fails("ESRCH", sys.thr_set_name(999999, "nobody"))
    sys.write(w, "x")
    sys.join(t)
    print("x\0y")
    sim.label("before\0after")
    local kq = sys.kqueue()
    assert(sys.kevent(kq, {
      { ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD, udata = "x" },
      { ident = w, filter = sys.EVFILT_WRITE, flags = sys.EV_ADD, udata = 1 },
    }, 0))
    sys.write(w, "y")
    local evs = assert(sys.kevent(kq, nil, 4, 0))
    ev.eq(#evs, 2, "both knotes fire")
    for _, e in ipairs(evs) do
      if e.filter == sys.EVFILT_READ then
        ev.eq(e.udata, "x", "the string udata comes back unchanged")
      else
        ev.eq(e.udata, 1, "the integer udata comes back unchanged")
      end
    end
  end,
}
