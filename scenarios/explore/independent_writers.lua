-- Two threads each write their own pipe, yielding in between: under random
-- schedules their writes interleave in many orders that are all equivalent
-- (different threads, different objects), while the order in which the
-- threads exit is a real difference (both change proc#1's p_numthreads).
-- tests/diff_test.py diffs such runs with `evsim diff`.
return {
  name = "two threads writing their own pipes",
  main = function()
    local r1, w1 = sys.pipe()
    local r2, w2 = sys.pipe()
    local function writer(w)
      return function()
        for _ = 1, 3 do
          sys.write(w, "x")
          sys.sched_yield()
        end
      end
    end
    local a = sys.thread(writer(w1))
    local b = sys.thread(writer(w2))
    sys.join(a)
    sys.join(b)
    assert(#sys.read(r1, 16) == 3 and #sys.read(r2, 16) == 3)
  end,
}
