/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Peer benchmark: the same workload as bench-peers/kq_cycle.lua, on a real
 * kqueue implementation (FreeBSD natively, or libkqueue on Linux).
 * N pipes watched with EVFILT_READ in one kqueue; each round writes one byte
 * to K pipes (deterministic LCG choice), collects with a zero-timeout kevent,
 * reads the bytes back.  Prints rounds/s, syscalls/s and events/s.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/event.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec + t.tv_nsec / 1e9);
}

int
main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000;
	int rounds = argc > 2 ? atoi(argv[2]) : 20000;
	int k = argc > 3 ? atoi(argv[3]) : 16;
	int(*p)[2] = calloc(n, sizeof(*p));
	struct kevent ch, ev[64];
	struct timespec zero = { 0, 0 };
	unsigned long x = 12345, events = 0, calls = 0;
	char c;
	int kq = kqueue(), i, r, m;

	for (i = 0; i < n; i++) {
		if (pipe(p[i]) != 0) {
			perror("pipe");
			return 1;
		}
		EV_SET(&ch, p[i][0], EVFILT_READ, EV_ADD, 0, 0, NULL);
		if (kevent(kq, &ch, 1, NULL, 0, NULL) != 0) {
			perror("kevent");
			return 1;
		}
	}
	double t0 = now();
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < k; i++) {
			x = x * 6364136223846793005UL + 1442695040888963407UL;
			if (write(p[(x >> 33) % n][1], "x", 1) != 1)
				return 1;
			calls++;
		}
		m = kevent(kq, NULL, 0, ev, 64, &zero);
		calls++;
		for (i = 0; i < m; i++) {
			while (read((int)ev[i].ident, &c, 1) == 1
			    && ev[i].data-- > 1)
				calls++;
			calls++;
		}
		events += m;
	}
	double dt = now() - t0;
	printf("peer kq_cycle n=%d rounds=%d k=%d: %.0f rounds/s, %.0f "
	       "syscalls/s, %.0f events/s\n",
	    n, rounds, k, rounds / dt, calls / dt, events / dt);
	return 0;
}
