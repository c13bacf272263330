-- SPDX-License-Identifier: BSD-2-Clause
-- EVFILT_READ on a kqueue: data is the watched kq_count, via the deferred task.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "EVFILT_READ on a kqueue: data is the watched kq_count, via the deferred task",
  kernel = "freebsd",
  main = function()
    local inner = sys.kqueue()
    local outer = sys.kqueue()
    local r, w = sys.pipe()
    assert(reg(inner, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    assert(reg(outer, {ident = inner, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    assert(#poll(outer) == 0)
    sys.write(w, "x")
    -- the task ran before write() returned to user mode (TDA_KQUEUE AST)
    local ev = poll(outer)
    assert(#ev == 1 and ev[1].ident == inner and ev[1].data == 1, #ev)
    assert(sim.inspect(outer, inner, sys.EVFILT_READ).kn_status.KQUEUE)
    assert(#poll(inner) == 1)
    sys.read(r, 1)
    assert(#poll(inner) == 0)
    assert(#poll(outer) == 0)
  end,
}
