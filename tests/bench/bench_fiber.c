/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Benchmark for engine/fiber.c: the host switches to a fiber and the fiber
 * switches straight back, 20 million times, and the rate of these round
 * trips (two switches each) is printed with the implementation's name.  A
 * benchmark may read the host's clock; the engine never does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../../engine/fiber.h"

#define ROUND_TRIPS 20000000L

static struct fiber *host, *fib;

static void
bounce(void *arg)
{
	for (;;)
		fiber_switch(fib, host);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec * 1e-9);
}

int
main(void)
{
	double t0, t1;
	long i;

	if (fiber_new_host(&host) != 0
	    || fiber_new(&fib, 64 * 1024, bounce, NULL) != 0) {
		fprintf(stderr, "bench_fiber: out of memory\n");
		return (1);
	}
	fiber_switch(host, fib); /* first entry, not timed */
	t0 = now_s();
	for (i = 0; i < ROUND_TRIPS; i++)
		fiber_switch(host, fib);
	t1 = now_s();
	printf("fiber_switch: %.1f M round trips/s (impl %s)\n",
	    (double)ROUND_TRIPS / (t1 - t0) / 1e6, fiber_impl());
	fiber_free(fib);
	fiber_free(host);
	return (0);
}
