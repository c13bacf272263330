-- SPDX-License-Identifier: BSD-2-Clause
-- An error object whose __tostring blocks cannot change the verdict; one
-- whose __tostring only computes gives the message.
-- message: boom from __tostring
return {
  name = "__tostring that blocks, then one that works",
  expect = "failed",
  main = function()
    local r, w = sys.pipe()
    local ok, e = pcall(error, setmetatable({}, {
      __tostring = function() sys.read(r, 1) return "blocked" end }))
    assert(not ok)
    error(setmetatable({}, { __tostring = function() return "boom from __tostring" end }))
  end,
}
