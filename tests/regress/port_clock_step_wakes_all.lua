-- args: --strategy random --seed 3
-- status: passed
--
-- illumos: a step of the wall clock wakes every port_getn() asleep until a
-- wall-clock deadline (callout_hrestime() expires their callouts under the
-- callout table's lock).  The model woke them one by one with a
-- scheduling point after each, so a woken waiter could run, dequeue and
-- free its portget_t while the walk still held it (a heap use-after-free,
-- then a loop that never ended, in port_clock_settime()).
return {
  name = "a clock step waking three port_get() sleepers",
  kernel = "illumos",
  main = function()
    local p = sys.port_create()
    local waiters = {}
    for i = 1, 3 do
      waiters[i] = sys.thread(function()
        local r, e = sys.port_get(p, 10 * sim.SEC)
        assert(r == nil and e == "ETIME", tostring(e))
      end)
    end
    sys.sleep(sim.MSEC)
    local now = sys.clock_gettime(sys.CLOCK_REALTIME)
    assert(sys.clock_settime(sys.CLOCK_REALTIME, now + 3600 * sim.SEC))
    for i = 1, 3 do sys.join(waiters[i]) end
    assert(sys.clock_gettime(sys.CLOCK_MONOTONIC) < 10 * sim.SEC,
      "the step ended every sleep")
    assert(sys.close(p))
  end,
}
