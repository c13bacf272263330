-- SPDX-License-Identifier: BSD-2-Clause
-- fget() finds the file being closed by another thread and cannot take a
-- reference (fail point fget:fhold): the call fails with EBADF as if the
-- descriptor were closed already, and the descriptor stays usable.
return {
  name = "fail point fget:fhold: EBADF for a file being closed",
  kernels = { "freebsd", "illumos" },
  main = function()
    local r, w = sys.pipe()
    sim.failpoint("fget:fhold", "1*return")
    local n, err = sys.write(w, "x")
    assert(n == nil and err == "EBADF", err)
    assert(sys.write(w, "y") == 1)
    assert(sys.read(r, 1) == "y")
  end,
}
