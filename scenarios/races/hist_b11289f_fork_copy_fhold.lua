-- SPDX-License-Identifier: BSD-2-Clause
-- A KQUEUE_CPONFORK kqueue watching a pipe with data in it is copied into
-- the child at fork while another thread of the parent makes a second
-- kqueue.  The program tolerates
-- what the kernel may do when fhold() of the watched file fails at the
-- copy (kqueue_fork_copy_knote() then leaves the knote out of the child,
-- reference/kqueue.md section 3.2): the child sees the copied event or
-- no knote at all.  Under fifo nothing fails and the copy sees the write.
--
-- As first committed (freebsd@b11289f, seed 004) the fhold() failure path
-- calls f_detach() on the copy, which is KN_DETACHED (it took the parent's
-- status with '*kn1 = *kn' and was never put on the pipe's knlist):
-- filt_pipedetach() -> knlist_remove() panics "knote ... was already
-- detached" (INVARIANTS; without them SLIST_REMOVE walks off the list).
-- The bug is reachable only through the failing fhold(), so the search
-- needs the fail point:
--
--   evsim explore scenarios/races/hist_b11289f_fork_copy_fhold.lua \
--     --kernel freebsd@b11289f --failpoint kqueue_fork_copy_knote:fhold=explore
--
-- Under `freebsd` the copy is only freed and the same schedules pass.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
return {
  name = "b11289f: a CPONFORK copy whose fhold() fails panics in knlist_remove",
  kernel = "freebsd",
  kernels = { "freebsd", "freebsd@b11289f" },
  main = function()
    local kq = assert(sys.kqueuex(sys.KQUEUE_CPONFORK))
    local r, w = sys.pipe()
    assert(reg(kq, {ident = r, filter = sys.EVFILT_READ, flags = sys.EV_ADD, udata = "p"}))
    assert(sys.write(w, "abc") == 3)
    local other = sys.thread(function() return sys.kqueue() end)
    local pid = sys.fork(function()
      local k = sim.inspect(kq, r, sys.EVFILT_READ)
      if k == nil then return 0 end -- the copy was left out
      assert(k.udata == "p", "the copy lost its udata")
      local ev = assert(sys.kevent(kq, nil, 4, nil))
      assert(#ev == 1 and ev[1].ident == r, "the copy missed the write")
      return 0
    end)
    assert(sys.join(other))
    local _, st = sys.waitpid(pid, 0)
    assert(sys.WIFEXITED(st) and sys.WEXITSTATUS(st) == 0, "child status " .. st)
    local ev = assert(sys.kevent(kq, nil, 4, 0))
    assert(#ev == 1 and ev[1].data == 3, "parent: " .. #ev .. " events, data " .. tostring(ev[1] and ev[1].data))
  end,
}
