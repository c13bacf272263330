-- SPDX-License-Identifier: BSD-2-Clause
-- A kernel bug found through the fail point kqueue_fork_copy_knote:fhold.
-- As first committed (freebsd@b11289f, seed 004), kqueue_fork_copy_knote()
-- handles a failing fhold() of the watched file by calling f_detach() on
-- the copy before freeing it.  But the copy is KN_DETACHED and on no
-- knlist: it took the parent's fields with '*kn1 = *kn' and was never
-- added.  For a pipe, filt_pipedetach() calls knlist_remove() on the
-- pipe's list, which asserts "already detached" under INVARIANTS and
-- otherwise faults in SLIST_REMOVE, walking off the end of a list the copy
-- is not on.  Either way the fork panics the kernel instead of silently
-- leaving the knote out of the child.  (fhold() fails only when the file's
-- reference count cannot grow, so this needs the fail point to be seen.)
-- Whether current main still calls f_detach() there is not known to the
-- model; on `freebsd` the copy is only freed (fork_copy_fhold.lua).
--
--   evsim run scenarios/failpoints/fork_copy_fhold_m0.lua
--   evsim run scenarios/kqueue/cponfork_copy.lua --kernel freebsd@b11289f \
--     --strategy random --failpoint kqueue_fork_copy_knote:fhold=explore
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "b11289f: a failing fhold() at a CPONFORK copy panics in knlist_remove",
  kernel = "freebsd@b11289f",
  expect = "panic",
  failpoints = { ["kqueue_fork_copy_knote:fhold"] = "return" },
  main = function()
    local kq = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    local r, w = sys.pipe()
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD}))
    local pid = sys.fork(function() return 0 end)
    sys.waitpid(pid, 0)
  end,
}
