-- SPDX-License-Identifier: BSD-2-Clause
-- Shared helpers for scenarios: `local ev = require("evsim")`.
-- Assertions here raise errors at the caller's line, so a failing
-- scenario reports where the expectation was written.
local M = {}

-- Compares two values; on mismatch raises "what: expected X, got Y".
function M.eq(actual, expected, what)
  if actual ~= expected then
    error(string.format("%s: expected %s, got %s", what or "value",
      tostring(expected), tostring(actual)), 2)
  end
  return actual
end

-- Expects a syscall to have failed with errno name `err`:
--   ev.fails("EBADF", sys.close(99))
function M.fails(err, ok, got, ...)
  if ok ~= nil or got ~= err then
    error(string.format("expected failure %s, got %s, %s", err,
      tostring(ok), tostring(got)), 2)
  end
  return ...
end

-- Checks the listed fields of an event table (kevent or port event).
--   ev.event(evs[1], {ident = r, filter = sys.EVFILT_READ, data = 5})
function M.event(e, want, what)
  if type(e) ~= "table" then
    error(string.format("%s: expected an event, got %s", what or "event",
      tostring(e)), 2)
  end
  local keys = {}
  for k in pairs(want) do keys[#keys + 1] = k end
  table.sort(keys)
  for _, k in ipairs(keys) do
    if e[k] ~= want[k] then
      error(string.format("%s: field %s: expected %s, got %s",
        what or "event", k, tostring(want[k]), tostring(e[k])), 2)
    end
  end
  return e
end

-- The names of the bits set in `v` among `prefix`-named constants of sys,
-- e.g. ev.flagnames(e.flags, "EV_") == "EV_ADD|EV_CLEAR".
function M.flagnames(v, prefix)
  local names = {}
  for k, bit in pairs(sys) do
    if type(bit) == "number" and k:sub(1, #prefix) == prefix and bit ~= 0
        and v & bit == bit and (bit & (bit - 1)) == 0 then
      names[#names + 1] = k
    end
  end
  table.sort(names)
  return table.concat(names, "|")
end

return M
