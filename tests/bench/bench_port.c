/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Event-port benchmarks (not part of the pass/fail suite):
 *   1. send/get round trips per second with 1, 2 and 8 threads waiting in
 *      port_get on a request port: the main thread sends a request, a
 *      waiter takes it and sends a reply on a second port, the main thread
 *      gets the reply;
 *   2. the cost of one port_getn(port, 10, 10, 0) as the queue holds 10^3 to
 *      10^6 events (refilled with 10 port_send calls after each getn): it
 *      must stay proportional to the events retrieved, not to the queue.
 * Costs are differences of two runs that differ only in the measured loop.
 * The host clock is read only by this harness.
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
run_src(const char *name, const char *src)
{
	struct sim_run_result r;
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
	if (sim_run(&o, &r, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		exit(2);
	}
	trace_close(t);
	if (r.status != SCHED_PASSED) {
		fprintf(stderr, "%s: %s: %s\n", name,
		    sched_status_name(r.status), r.message);
		exit(1);
	}
	return (now_s() - t0);
}

static const char rt_src[]
    = "return { name = 'bench: port round trips', kernel = 'illumos', "
      "main = function()\n"
      "  local req, rep = sys.port_create(), sys.port_create()\n"
      "  local n, waiters = %d, %d\n"
      "  local tids = {}\n"
      "  for w = 1, waiters do\n"
      "    tids[w] = sys.thread(function()\n"
      "      while true do\n"
      "        local ev = sys.port_get(req, nil)\n"
      "        if ev.events == 0 then return end\n"
      "        sys.port_send(rep, ev.events, 'r')\n"
      "      end\n"
      "    end)\n"
      "  end\n"
      "  for i = 1, n do\n"
      "    sys.port_send(req, i, 'q')\n"
      "    assert(sys.port_get(rep, nil).events == i)\n"
      "  end\n"
      "  for w = 1, waiters do sys.port_send(req, 0, 'stop') end\n"
      "  for w = 1, waiters do sys.join(tids[w]) end\n"
      "end }\n";

static const char getn_src[]
    = "return { name = 'bench: port_getn cost', kernel = 'illumos', "
      "limits = { ['process.max-port-events'] = 2000000 }, "
      "main = function()\n"
      "  local p = sys.port_create()\n"
      "  for i = 1, %d do sys.port_send(p, 1, i) end\n"
      "  for s = 1, %d do\n"
      "    local evs = sys.port_getn(p, 10, 10, 0)\n"
      "    assert(#evs == 10)\n"
      "    for k = 1, 10 do sys.port_send(p, 1, k) end\n"
      "  end\n"
      "end }\n";

int
main(void)
{
	static char src[4096];
	static const int waiters[] = { 1, 2, 8 };
	double t;
	int i, n, trips = 100000;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < 3; i++) {
		snprintf(src, sizeof(src), rt_src, trips, waiters[i]);
		t = run_src("trips", src);
		snprintf(src, sizeof(src), rt_src, 0, waiters[i]);
		t -= run_src("trips-setup", src);
		printf("send/get round trips, %d waiting thread(s): %.0f/s\n",
		    waiters[i], trips / t);
	}
	printf("port_getn of 10 events with the queue holding:\n");
	for (n = 1000; n <= 1000000; n *= 10) {
		int scans = 20000;
		double with, without;

		snprintf(src, sizeof(src), getn_src, n, scans);
		with = run_src("getn", src);
		snprintf(src, sizeof(src), getn_src, n, 0);
		without = run_src("getn-setup", src);
		printf("  %8d events: %.2f us per port_getn + 10 port_send "
		       "(setup %.2f s)\n",
		    n, (with - without) / scans * 1e6, without);
	}
	return (0);
}
