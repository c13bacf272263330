-- SPDX-License-Identifier: BSD-2-Clause
-- port_getn()'s deadline is a wall-clock time slept on by
-- cv_waituntil_sig() (condvar.c):
--  1. the sleep is at least one clock tick (hz 100: 10 ms), so a 1 ms
--     timeout returns ETIME after 10 ms, while a 15 ms one is not rounded
--     further (a high-resolution sleep to the nanosecond);
--  2. a zero timeout polls without sleeping;
--  3. a step of the wall clock ends the sleep at once (callout_hrestime()
--     expires CALLOUT_FLAG_HRESTIME callouts), and cv_waituntil_sig(),
--     seeing 'timechanged' moved, reports a timeout: a premature ETIME at
--     the step, forward or back, for the caller to re-evaluate.
return {
  name = "illumos port_getn deadlines: one tick at least, a clock step ends them",
  kernel = "illumos",
  main = function()
    local p = sys.port_create()
    local function mono() return sys.clock_gettime(sys.CLOCK_MONOTONIC) end
    local t0 = mono()
    local r, e = sys.port_get(p, sim.MSEC)
    assert(r == nil and e == "ETIME")
    assert(mono() - t0 == 10 * sim.MSEC, "1 ms slept " .. (mono() - t0))
    t0 = mono()
    r, e = sys.port_get(p, 15 * sim.MSEC)
    assert(r == nil and e == "ETIME")
    assert(mono() - t0 == 15 * sim.MSEC, "15 ms slept " .. (mono() - t0))
    t0 = mono()
    assert(sys.port_get(p, 0) == nil and mono() == t0)
    for _, step in ipairs({ 3600 * sim.SEC, -3600 * sim.SEC }) do
      t0 = mono()
      local stepper = sys.thread(function()
        sys.sleep(100 * sim.MSEC)
        local now = sys.clock_gettime(sys.CLOCK_REALTIME)
        assert(sys.clock_settime(sys.CLOCK_REALTIME, now + step))
      end)
      r, e = sys.port_get(p, sim.SEC)
      assert(r == nil and e == "ETIME", e)
      assert(mono() - t0 == 100 * sim.MSEC, "step: ETIME after " .. (mono() - t0))
      sys.join(stepper)
    end
    -- a waiter without a deadline sleeps on
    local sender = sys.thread(function()
      sys.sleep(50 * sim.MSEC)
      local now = sys.clock_gettime(sys.CLOCK_REALTIME)
      assert(sys.clock_settime(sys.CLOCK_REALTIME, now + sim.SEC))
      sys.sleep(50 * sim.MSEC)
      assert(sys.port_send(p, 7, "x"))
    end)
    t0 = mono()
    local ev = assert(sys.port_get(p))
    assert(ev.events == 7 and mono() - t0 == 100 * sim.MSEC)
    sys.join(sender)
  end,
}
