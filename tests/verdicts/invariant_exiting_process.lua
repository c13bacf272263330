-- SPDX-License-Identifier: BSD-2-Clause
-- An invariant that inspects a kqueue is not run while its process tears
-- itself down in exit1() (the descriptor table being freed): the check
-- after main returns is the last in pid 1.
local kq
return {
  name = "invariants are not run in an exiting process",
  invariants = {
    watched = function()
      if kq == nil then return true end
      local s = assert(sim.inspect(kq))
      return s.kq_count <= 1
    end,
  },
  main = function()
    kq = sys.kqueue()
    local r, w = sys.pipe()
    assert(sys.kevent(kq, { { ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD } }, 0, 0))
    sys.write(w, "x")
    assert(#sys.kevent(kq, nil, 1, 0) == 1)
  end,
}
