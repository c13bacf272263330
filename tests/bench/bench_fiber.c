/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Benchmark for engine/fiber.c: the host switches to a fiber and the fiber
 * switches straight back, N times (default 20 million), and the CPU time
 * (getrusage) of these round trips (two switches each) is printed with the
 * implementation's name, for tests/bench/run.py.  A benchmark may read the
 * host's clocks; the engine never does.
 * Usage: bench_fiber [N]    Prints: cpu_s=SECONDS round_trips=N impl=NAME
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "../../engine/fiber.h"

static struct fiber *host, *fib;

static void
bounce(void *arg)
{
	for (;;)
		fiber_switch(fib, host);
}

static double
cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ((double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6
	    + (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6);
}

int
main(int argc, char **argv)
{
	long i, n = argc > 1 ? atol(argv[1]) : 20000000L;
	double t0, t1;

	if (fiber_new_host(&host) != 0
	    || fiber_new(&fib, 64 * 1024, bounce, NULL) != 0) {
		fprintf(stderr, "bench_fiber: out of memory\n");
		return (1);
	}
	fiber_switch(host, fib); /* first entry, not timed */
	t0 = cpu_s();
	for (i = 0; i < n; i++)
		fiber_switch(host, fib);
	t1 = cpu_s();
	printf(
	    "cpu_s=%.6f round_trips=%ld impl=%s\n", t1 - t0, n, fiber_impl());
	fiber_free(fib);
	fiber_free(host);
	return (0);
}
