-- SPDX-License-Identifier: BSD-2-Clause
-- sys.sleep(math.maxinteger) sleeps forever, also after time has passed
-- (1 + maxinteger overflowed and returned at once): both threads block
-- forever, a deadlock.
return {
  name = "sleep(math.maxinteger) never returns",
  expect = "deadlock",
  main = function()
    sys.thread(function() sys.sleep(1) sys.sleep(math.maxinteger) error("woke") end)
    sys.sleep(math.maxinteger)
    error("woke")
  end,
}
