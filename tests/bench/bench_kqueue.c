/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kqueue benchmarks (not part of the pass/fail suite):
 *   1. register/trigger/scan cycles per second on 10,000 pipes in one
 *      kqueue: each cycle writes one byte to a pipe, retrieves its
 *      EVFILT_READ event with kevent() and reads the byte back;
 *   2. scan cost as the number of registered knotes grows from 10^3 to
 *      10^6 with 10 active events: it must stay proportional to the events
 *      returned, not to the knotes registered.  The knotes are EVFILT_READ
 *      knotes on descriptors dup2'ed from 1000 idle pipes (knotes are keyed
 *      by descriptor number, as in FreeBSD), so registration is cheap and
 *      no knlist grows beyond 1000 (knlist_remove is linear in the list, as
 *      FreeBSD's SLIST_REMOVE is, which would make teardown quadratic);
 *      descriptors are registered from the highest down, so that
 *      kqueue_expand() (which grows 'kq_knlist' by KQEXTENT, as FreeBSD does)
 *      expands once; the scan
 *      cost is the difference of two runs that differ only in the number of
 *      scans.
 * The scenarios are generated here as Lua source; the host clock is read
 * only by this harness.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "simrun.h"
#include "trace.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static double
run_src(const char *name, const char *src, struct sim_run_result *r)
{
	struct sim_run_opts o;
	struct trace *t;
	char err[1200];
	double t0;

	if (trace_open(&t, NULL, err, sizeof(err)) != 0)
		exit(2);
	memset(&o, 0, sizeof(o));
	o.path = name;
	o.source = src;
	o.source_len = strlen(src);
	o.strategy = SCHED_FIFO;
	o.trace = t;
	o.quiet = true;
	t0 = now_s();
	if (sim_run(&o, r, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		exit(2);
	}
	trace_close(t);
	if (r->status != SCHED_PASSED) {
		fprintf(stderr, "%s: %s: %s\n", name,
		    sched_status_name(r->status), r->message);
		exit(1);
	}
	return (now_s() - t0);
}

static const char cycles_src[]
    = "return { name = 'bench: kevent cycles', limits = { "
      "['kern.maxfilesperproc'] = 100000 }, main = function()\n"
      "  local kq = sys.kqueue()\n"
      "  local r, w = {}, {}\n"
      "  for i = 1, %d do\n"
      "    r[i], w[i] = sys.pipe()\n"
      "    sys.kevent(kq, {{ident = r[i], filter = sys.EVFILT_READ, flags = "
      "sys.EV_ADD}}, 0, 0)\n"
      "  end\n"
      "  for c = 1, %d do\n"
      "    local i = (c * 7919) %% %d + 1\n"
      "    sys.write(w[i], 'x')\n"
      "    local ev = sys.kevent(kq, nil, 1, 0)\n"
      "    assert(#ev == 1 and ev[1].ident == r[i])\n"
      "    sys.read(r[i], 1)\n"
      "  end\n"
      "end }\n";

static const char scan_src[]
    = "return { name = 'bench: scan cost', limits = { "
      "['kern.maxfilesperproc'] = 2097152 }, main = function()\n"
      "  local kq = sys.kqueue()\n"
      "  local idle = {}\n"
      "  for i = 1, 1000 do idle[i] = sys.pipe() end\n"
      "  local act = {}\n"
      "  for i = 1, 10 do\n"
      "    local r, w = sys.pipe()\n"
      "    sys.write(w, 'x')\n"
      "    act[i] = r\n"
      "    sys.kevent(kq, {{ident = r, filter = sys.EVFILT_READ, flags = "
      "sys.EV_ADD}}, 0, 0)\n"
      "  end\n"
      "  local base = 3000\n"
      "  for i = %d, 1, -1 do\n"
      "    sys.dup2(idle[i %% 1000 + 1], base + i)\n"
      "    sys.kevent(kq, {{ident = base + i, filter = sys.EVFILT_READ, "
      "flags = sys.EV_ADD}}, 0, 0)\n"
      "  end\n"
      "  for s = 1, %d do\n"
      "    local ev = sys.kevent(kq, nil, 64, 0)\n"
      "    assert(#ev == 10)\n"
      "  end\n"
      "end }\n";

int
main(void)
{
	struct sim_run_result r;
	static char src[4096];
	double t;
	int n, cycles = 200000;

	setvbuf(stdout, NULL, _IOLBF, 0);

	snprintf(src, sizeof(src), cycles_src, 10000, cycles, 10000);
	t = run_src("cycles", src, &r);
	snprintf(src, sizeof(src), cycles_src, 10000, 0, 10000);
	t -= run_src("cycles-setup", src, &r);
	printf("kevent register/trigger/scan cycles on 10,000 pipes: %.0f "
	       "cycles/s (%d cycles, %.3f s beyond setup)\n",
	    cycles / t, cycles, t);
	printf("scan cost with 10 active events (64-event kevent calls):\n");
	for (n = 1000; n <= 1000000; n *= 10) {
		int scans = 20000;
		double with, without;

		snprintf(src, sizeof(src), scan_src, n, scans);
		with = run_src("scan", src, &r);
		snprintf(src, sizeof(src), scan_src, n, 0);
		without = run_src("scan-setup", src, &r);
		printf("  %8d knotes: %.2f us per scan (setup %.2f s)\n", n,
		    (with - without) / scans * 1e6, without);
	}
	return (0);
}
