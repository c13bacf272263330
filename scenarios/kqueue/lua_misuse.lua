-- SPDX-License-Identifier: BSD-2-Clause
-- misuse a C compiler would reject raises a Lua error naming the argument.
local function reg(kq, t) return sys.kevent(kq, {t}, 0, 0) end
local function poll(kq, n) return assert(sys.kevent(kq, nil, n or 8, 0)) end
return {
  name = "misuse a C compiler would reject raises a Lua error naming the argument",
  kernel = "freebsd",
  kernels = { "freebsd", "freebsd@7773002" },
  main = function()
    local kq = sys.kqueue()
    local ok, err = pcall(sys.kevent, kq, {ident = 1, filter = sys.EVFILT_USER, flags = sys.EV_ADD}, 0, 0)
    assert(not ok and err:find("array"), err)
    ok, err = pcall(sys.kevent, kq, {{ident = 1, filter = sys.EVFILT_USER, flag = 1}}, 0, 0)
    assert(not ok and err:find("unknown kevent field"), err)
    ok, err = pcall(sys.kevent, kq, {{ident = 1, filter = sys.EVFILT_USER, udata = {}}}, 0, 0)
    assert(not ok and err:find("udata"), err)
    ok, err = pcall(sys.kevent, kq, {{ident = 1.5, filter = sys.EVFILT_USER}}, 0, 0)
    assert(not ok and err:find("integer"), err)
    ok, err = pcall(sys.kqueuex, "x")
    assert(not ok, err)
    -- nothing was registered by the failed calls
    assert(#sim.inspect(kq).knotes == 0)
  end,
}
