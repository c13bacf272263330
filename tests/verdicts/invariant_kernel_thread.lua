-- SPDX-License-Identifier: BSD-2-Clause
-- Invariants run in the scenario's threads, not in the kernel's softclock
-- thread (a timer's callout), which belongs to no process: sim.inspect
-- there dereferenced a missing process (SIGSEGV).
local kq, done
return { name = "invariants are not run in kernel threads", invariants = {
  a = function() if kq and not done then assert(sim.inspect(kq)) end return true end },
  main = function()
  kq = sys.kqueue()
  assert(sys.kevent(kq, {{ident = 1, filter = sys.EVFILT_TIMER, flags = sys.EV_ADD, data = 1}}, 0, 0))
  for i = 1, 3 do sys.kevent(kq, nil, 1, nil) end
  done = true
end }
