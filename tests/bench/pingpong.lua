-- Benchmark scenario: two processes bounce one byte over two pipes.
-- tests/bench/bench_sim runs it; EVSIM_BENCH_ROUNDS is not readable from a
-- scenario (no os library), so the round count is fixed here.
return {
  name = "bench: pipe ping-pong between two processes",
  main = function()
    local rounds = 100000
    local a_r, a_w = sys.pipe()
    local b_r, b_w = sys.pipe()
    local pid = sys.fork(function()
      for _ = 1, rounds do
        sys.read(a_r, 1)
        sys.write(b_w, "y")
      end
    end)
    for _ = 1, rounds do
      sys.write(a_w, "x")
      sys.read(b_r, 1)
    end
    sys.waitpid(pid, 0)
  end,
}
