-- SPDX-License-Identifier: BSD-2-Clause
-- Argument errors name sys.* and sim.* functions the same way whether they
-- are called directly or through pcall.
return {
  name = "argument errors name sys.kevent, also through pcall",
  main = function()
    local kq = sys.kqueue()
    local ok, e = pcall(sys.kevent, kq, nil, "eight", 0)
    assert(not ok and e == "bad argument #3 to 'sys.kevent' (number expected, got string)", e)
    ok, e = pcall(function() return sys.kevent(kq, nil, 8, {}) end)
    assert(not ok and e:find("bad argument #4 to 'sys.kevent' (number expected, got table)", 1, true), e)
    ok, e = pcall(sim.choose, "x")
    assert(not ok and e:find("bad argument #1 to 'sim.choose'", 1, true), e)
    ok, e = pcall(sys.sleep)
    assert(not ok and e:find("bad argument #1 to 'sys.sleep'", 1, true), e)
    -- several unknown kevent fields: the first in name order is named
    ok, e = pcall(sys.kevent, kq, {{ident = 1, filter = sys.EVFILT_USER, zz = 1, yy = 2, aa = 3, mm = 4}}, 0, 0)
    assert(not ok and e:find("unknown kevent field 'aa'", 1, true), e)
  end,
}
