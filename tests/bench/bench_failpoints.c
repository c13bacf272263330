/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What fail points cost when nothing is injected (not part of the pass/fail
 * suite).  In one process:
 *   1. a kevent workload (pipe writes, kevent scans, reads, 20,000 cycles on
 *      100 pipes) timed five times with every fail point off, alternating
 *      with
 *   2. the same workload with every fail point of the kernel set to
 *      'explore' under the fifo strategy, which never fails one but records
 *      each evaluation as a decision: the number of fail-point checks the
 *      workload makes, and what an armed check costs;
 *   3. the cost of one check of an 'off' fail point, from a loop of 10^8
 *      checks against the same loop without them.
 * The estimated share of the off checks in the workload is (checks x cost
 * per check) / workload time; it is compared with the spread of the off
 * timings (the noise floor of a measurement).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernel.h"
#include "simrun.h"
#include "trace.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static const char src[]
    = "return { name = 'bench: fail points off', main = function()\n"
      "  local kq = sys.kqueue()\n"
      "  local r, w = {}, {}\n"
      "  for i = 1, 100 do\n"
      "    r[i], w[i] = sys.pipe()\n"
      "    sys.kevent(kq, {{ident = r[i], filter = sys.EVFILT_READ, flags = "
      "sys.EV_ADD}}, 0, 0)\n"
      "  end\n"
      "  for c = 1, 20000 do\n"
      "    local i = (c * 37) % 100 + 1\n"
      "    sys.write(w[i], 'x')\n"
      "    local ev = sys.kevent(kq, nil, 1, 0)\n"
      "    assert(#ev == 1 and ev[1].ident == r[i])\n"
      "    sys.read(r[i], 1)\n"
      "  end\n"
      "end }\n";

static double
run(bool armed, uint64_t *decisions)
{
	static char specs[SIM_NFP][96];
	static const char *fps[SIM_NFP];
	const struct sim_failpoint_info *fpi;
	struct sim_run_opts o;
	struct sim_run_result r;
	struct trace *t;
	char err[1200];
	double t0;
	int i, n = 0;

	for (i = 0; armed && (fpi = sim_failpoint_at(i)) != NULL; i++)
		if (fpi->fpi_kernels & SIM_FP_FREEBSD) {
			snprintf(specs[n], sizeof(specs[n]), "%s=explore",
			    fpi->fpi_name);
			fps[n] = specs[n];
			n++;
		}
	if (trace_open(&t, NULL, err, sizeof(err)) != 0)
		exit(2);
	memset(&o, 0, sizeof(o));
	o.path = "bench_failpoints";
	o.source = src;
	o.source_len = strlen(src);
	o.strategy = SCHED_FIFO;
	o.trace = t;
	o.quiet = true;
	o.failpoints = fps;
	o.nfailpoints = n;
	t0 = now_s();
	if (sim_run(&o, &r, err, sizeof(err)) != 0
	    || r.status != SCHED_PASSED) {
		fprintf(stderr, "bench_failpoints: %s %s\n", err, r.message);
		exit(1);
	}
	t0 = now_s() - t0;
	trace_close(t);
	*decisions = r.decisions;
	return (t0);
}

/* 10^8 checks of an off fail point (with), or of a plain counter. */
static double
loop(bool with)
{
	volatile unsigned sink = 0;
	double t0 = now_s();
	long i;

	for (i = 0; i < 100000000L; i++) {
		if (with && SIM_FAIL_POINT(SIM_FP_FGET_FHOLD))
			sink++;
		sink += (unsigned)i;
	}
	(void)sink;
	return (now_s() - t0);
}

int
main(void)
{
	double off[5], armed = 0, lo = 1e9, hi = 0, per_check, sum = 0;
	uint64_t d_off = 0, d_armed = 0;
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < 5; i++) {
		off[i] = run(false, &d_off);
		armed += run(true, &d_armed) / 5;
		lo = off[i] < lo ? off[i] : lo;
		hi = off[i] > hi ? off[i] : hi;
		sum += off[i];
	}
	sim_kernel_boot(sim_revision_find("freebsd"));
	per_check = (loop(true) - loop(false)) / 1e8;
	if (per_check < 0)
		per_check = 0;
	printf("workload, every fail point off: %.3f s mean (%.3f .. %.3f, "
	       "spread %.1f%%)\n",
	    sum / 5, lo, hi, (hi - lo) / lo * 100);
	printf("fail-point checks it makes: %llu (every one 'explore' under "
	       "fifo: %.3f s)\n",
	    (unsigned long long)(d_armed - d_off), armed);
	printf("one check of an off fail point: %.2f ns\n", per_check * 1e9);
	printf("estimated share of the off checks: %.4f%% of the workload\n",
	    (double)(d_armed - d_off) * per_check / (sum / 5) * 100);
	return (0);
}
