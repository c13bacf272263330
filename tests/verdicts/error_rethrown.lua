-- SPDX-License-Identifier: BSD-2-Clause
-- A script error caught by pcall and raised again with error() is the
-- scenario's own verdict: failed.
-- message: attempt to index a nil value
return {
  name = "a caught script error raised again with error() fails",
  expect = "failed",
  main = function()
    local ok, e = pcall(function() local t = nil return t.x end)
    assert(not ok)
    error(e, 0)
  end,
}
