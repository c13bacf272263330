/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tests for the fail points of sim/kernel.c: which specs parse, how often
 * each spec fires, that 'P%return' draws a reproducible stream of its own,
 * that fail points belong to their kernel, and that an 'explore' fail
 * point passes under the fifo strategy.  The bodies run as pid 1 of a
 * simulated kernel (a firing is a transition, which needs a run).  Also the
 * simulated KASAN of sim/sim.c: the quarantine's bound and its record, and
 * a stale access ending the run as a panic.
 */
#include "simtest.h"

#include <sys/wait.h>
#include <unistd.h>

#include "../engine/trace.h"
#include "../sim/sim.h"

Test(sim_failpoint, spec_syntax)
{
	const char *good[]
	    = { "off", "return", "1*return", "250*return", "0*return",
		      "50%return", "0.5%return", "100%return", "explore" };
	const char *bad[]
	    = { "", "on", "ret", "return ", "*return", "-1*return", "3*ret",
		      "3x*return", "%return", "101%return", "-5%return", "5%",
		      "explore!", "99999999999999999999999999999999*return" };
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		cr_expect_eq(
		    sim_failpoint_spec_check(good[i]), 0, "'%s'", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(
		    sim_failpoint_spec_check(bad[i]), EINVAL, "'%s'", bad[i]);
}

static int
fire_count(enum sim_fp fp, int n)
{
	int i, fired = 0;

	for (i = 0; i < n; i++)
		fired += SIM_FAIL_POINT(fp);
	return (fired);
}

static void
body_counts(void *arg)
{
	const char *name = "fget:fhold";
	const struct sim_revision *rev;

	CHECK(strcmp(sim_failpoint_get(name), "off"), 0);
	CHECK(fire_count(SIM_FP_FGET_FHOLD, 10), 0);
	CHECK(sim_failpoint_set(name, "3*return", 1), 0);
	CHECK(SIM_FAIL_POINT(SIM_FP_FGET_FHOLD), 1);
	CHECK(strcmp(sim_failpoint_get(name), "2*return"), 0);
	CHECK(fire_count(SIM_FP_FGET_FHOLD, 10), 2);
	CHECK(strcmp(sim_failpoint_get(name), "off"), 0);
	CHECK(sim_fp_armed[SIM_FP_FGET_FHOLD], 0);
	CHECK(sim_failpoint_set(name, "return", 1), 0);
	CHECK(fire_count(SIM_FP_FGET_FHOLD, 10), 10);
	CHECK(sim_failpoint_set(name, "0%return", 1), 0);
	CHECK(fire_count(SIM_FP_FGET_FHOLD, 100), 0);
	CHECK(sim_failpoint_set(name, "100%return", 1), 0);
	CHECK(fire_count(SIM_FP_FGET_FHOLD, 100), 100);
	/* fifo takes the passing branch of every 'explore' evaluation */
	CHECK(sim_failpoint_set(name, "explore", 1), 0);
	CHECK(fire_count(SIM_FP_FGET_FHOLD, 10), 0);
	CHECK(sim_failpoint_set(name, "bogus", 1), EINVAL);
	CHECK(strcmp(sim_failpoint_get(name), "explore"), 0);
	/* an illumos fail point does not exist in a FreeBSD kernel */
	CHECK(
	    sim_failpoint_set("port_create:max-port-ids", "return", 1), ENOENT);
	CHECK(sim_failpoint_get("port_create:max-port-ids") == NULL, 1);
	CHECK(sim_failpoint_set("no:such", "return", 1), ENOENT);
	CHECK(sim_failpoint_check(
		  "kqueue_register:knote_alloc", sim_revision_find("freebsd")),
	    0);
	CHECK(sim_failpoint_check(
		  "kqueue_register:knote_alloc", sim_revision_find("illumos")),
	    ENOENT);
	CHECK(sim_failpoint_check(
		  "fdalloc:maxfilesperproc", sim_revision_find("illumos")),
	    0);
	/*
	 * freebsd@7773002 runs a model of its own: only the callout limit
	 * and the shared process and descriptor layer apply; its knote
	 * allocations are M_WAITOK and its fget() cannot lose to a close.
	 */
	rev = sim_revision_find("freebsd@7773002");
	CHECK(sim_failpoint_check("filt_timerattach:kq_calloutmax", rev), 0);
	CHECK(sim_failpoint_check("fork1:maxproc", rev), 0);
	CHECK(sim_failpoint_check("kqueue_register:knote_alloc", rev), ENOENT);
	CHECK(sim_failpoint_check("filt_timercopy:kq_calloutmax", rev), ENOENT);
	CHECK(sim_failpoint_check("fget:fhold", rev), ENOENT);
}

Test(sim_failpoint, spec_counts_and_kernels)
{
	simtest_run("freebsd", body_counts);
}

/* 64 evaluations of a 50% fail point as bits. */
static uint64_t
draw(uint64_t seed)
{
	uint64_t bits = 0;
	int i;

	sim_failpoint_set("fget:fhold", "50%return", seed);
	for (i = 0; i < 64; i++)
		bits |= (uint64_t)SIM_FAIL_POINT(SIM_FP_FGET_FHOLD) << i;
	return (bits);
}

static void
body_pct(void *arg)
{
	uint64_t a = draw(7), b, c;
	int n;

	/* another fail point's draws do not shift this one's stream */
	sim_failpoint_set("fdalloc:maxfilesperproc", "50%return", 7);
	(void)fire_count(SIM_FP_FDALLOC_MAXFILESPERPROC, 5);
	b = draw(7);
	c = draw(8);
	CHECK(a == b, 1);
	CHECK(a != c, 1);
	n = __builtin_popcountll(a);
	CHECK(n > 16 && n < 48, 1);
	sim_failpoint_set("fget:fhold", "off", 7);
	sim_failpoint_set("fdalloc:maxfilesperproc", "off", 7);
}

Test(sim_failpoint, pct_own_reproducible_stream)
{
	simtest_run("freebsd", body_pct);
}

static void
body_alias(void *arg)
{
	CHECK(sim_failpoint_set(
		  "port_alloc_event:kmem_cache_alloc", "1*return", 1),
	    0);
	CHECK(
	    strcmp(sim_failpoint_get("port_alloc_event_local:kmem_cache_alloc"),
		"1*return"),
	    0);
	CHECK(
	    SIM_FAIL_POINT(SIM_FP_PORT_ALLOC_EVENT_LOCAL_KMEM_CACHE_ALLOC), 1);
	CHECK(
	    SIM_FAIL_POINT(SIM_FP_PORT_ALLOC_EVENT_LOCAL_KMEM_CACHE_ALLOC), 0);
	CHECK(sim_failpoint_check(
		  "kqueue_register:knote_alloc", sim_revision_find("illumos")),
	    ENOENT);
}

Test(sim_failpoint, illumos_alias)
{
	simtest_run("illumos", body_alias);
}

/* Every fail point has a distinct name of the form FUNCTION:SITE. */
Test(sim_failpoint, table)
{
	const struct sim_failpoint_info *a, *b;
	char buf[128];
	int i, j;

	for (i = 0; (a = sim_failpoint_at(i)) != NULL; i++) {
		snprintf(buf, sizeof(buf), "%s:%s", a->fpi_func, a->fpi_site);
		cr_expect_str_eq(a->fpi_name, buf);
		cr_expect_neq(a->fpi_kernels, 0, "%s", a->fpi_name);
		for (j = 0; j < i; j++) {
			b = sim_failpoint_at(j);
			cr_expect_str_neq(a->fpi_name, b->fpi_name);
		}
	}
	cr_expect_eq(i, SIM_NFP);
}

/* Simulated KASAN (sim/sim.c): the quarantine and the access check. */

struct thing {
	struct sim_obj t_obj;
	char t_pad[40];
};

static struct thing *
thing_new(void)
{
	struct thing *t = sim_calloc(1, sizeof(*t));

	sim_obj_init(&t->t_obj, "thing");
	return (t);
}

static void
body_quarantine(void *arg)
{
	struct thing *first = NULL, *t;
	uint64_t seq0;
	int i;

	seq0 = trace_seq(sched_trace_sink());
	for (i = 0; i < SIM_QUARANTINE_MAX; i++) {
		t = thing_new();
		if (first == NULL)
			first = t;
		sim_quarantine(t, &t->t_obj, "thing_free");
	}
	/* full, nothing recycled, nothing recorded; the first still intact */
	CHECK(sim_quarantine_recycled(), 0);
	CHECK(trace_seq(sched_trace_sink()) - seq0, 0);
	CHECK(strcmp(first->t_obj.so_name, "thing#1"), 0);
	CHECK(strcmp(first->t_obj.so_freed_by, "thing_free"), 0);
	for (i = 0; i < 5; i++) {
		t = thing_new();
		sim_quarantine(t, &t->t_obj, "thing_free");
	}
	/* five recycled, the first of them recorded once */
	CHECK(sim_quarantine_recycled(), 5);
	CHECK(trace_seq(sched_trace_sink()) - seq0, 1);
	/* a live object passes the check; memory reused is not "freed" */
	t = thing_new();
	SIM_KASAN_ACCESS(&t->t_obj, "body_quarantine");
	CHECK(t->t_obj.so_freed_by == NULL, 1);
	sim_free(t);
}

Test(sim_kasan, quarantine_bounded_and_recorded)
{
	simtest_run("freebsd", body_quarantine);
	sim_quarantine_drain();
	cr_expect_eq(sim_quarantine_recycled(), 0);
}

/* The byte limit: large objects recycle the oldest before the count does. */
static void
body_quarantine_bytes(void *arg)
{
	struct thing *small = thing_new();
	void *big[3];
	uint64_t seq0 = trace_seq(sched_trace_sink());
	int i;

	sim_quarantine(small, &small->t_obj, "thing_free");
	for (i = 0; i < 3; i++) {
		big[i] = sim_malloc(SIM_QUARANTINE_MAX_BYTES / 2);
		CHECK(sim_malloc_size(big[i]), SIM_QUARANTINE_MAX_BYTES / 2);
	}
	/* small + one half fit; the second half pushes small out */
	sim_quarantine(big[0], NULL, "big_free");
	CHECK(sim_quarantine_recycled(), 0);
	CHECK(strcmp(small->t_obj.so_freed_by, "thing_free"), 0);
	sim_quarantine(big[1], NULL, "big_free");
	CHECK(sim_quarantine_recycled(), 1);
	CHECK(trace_seq(sched_trace_sink()) - seq0, 1);
	/* the third pushes out the first half: two halves at most */
	sim_quarantine(big[2], NULL, "big_free");
	CHECK(sim_quarantine_recycled(), 2);
	CHECK(trace_seq(sched_trace_sink()) - seq0, 1);
	/* one object larger than the limit waits alone */
	sim_quarantine(sim_malloc(SIM_QUARANTINE_MAX_BYTES + 1), NULL, "huge");
	CHECK(sim_quarantine_recycled(), 4);
}

Test(sim_kasan, quarantine_bounded_in_bytes)
{
	simtest_run("freebsd", body_quarantine_bytes);
	sim_quarantine_drain();
	cr_expect_eq(sim_quarantine_recycled(), 0);
}

static bool reached;

static void
body_uaf(void *arg)
{
	struct thing *t = thing_new();

	sim_trace_freed("thing_free", &t->t_obj);
	sim_quarantine(t, &t->t_obj, "thing_free");
	SIM_KASAN_ACCESS(&t->t_obj, "body_uaf");
	reached = true;
}

Test(sim_kasan, stale_access_panics)
{
	reached = false;
	cr_expect_eq(sim_test_run("freebsd", body_uaf, NULL), SCHED_PANIC);
	cr_expect(!reached, "the run went on after the stale access");
}

/*
 * The CPU-time watchdog's last resort (lhost_config.stuck): a loop in C
 * that reaches no scheduling point, as a model bug would make one, ends
 * the run with status error after twice --cpu-limit instead of hanging
 * evsim; under explore it kills the process with SIGXCPU instead.
 */
static volatile unsigned long spins;

static void
body_spin(void *arg)
{
	(void)arg;
	for (;;)
		spins++;
}

static void
body_nothing(void *arg)
{
	(void)arg;
}

Test(sim_watchdog, loop_in_c_ends_run_as_error, .timeout = 30)
{
	char msg[1200];
	enum sched_status st;

	st = sim_test_run_cpu(
	    "freebsd", 1, false, body_spin, NULL, msg, sizeof(msg));
	cr_assert_eq(st, SCHED_ERROR, "status %d: %s", st, msg);
	cr_assert(strstr(msg, "CPU limit of 1 s exceeded") != NULL, "%s", msg);
	cr_assert(strstr(msg, "stuck in its own C code") != NULL, "%s", msg);
	cr_assert_gt(spins, 0);
	/* The process goes on: the next run is whole. */
	st = sim_test_run_cpu(
	    "freebsd", 1, false, body_nothing, NULL, msg, sizeof(msg));
	cr_assert_eq(st, SCHED_PASSED, "status %d: %s", st, msg);
}

Test(sim_watchdog, loop_in_c_under_explore_dies_of_sigxcpu, .timeout = 30)
{
	pid_t pid;
	int ws;

	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		(void)sim_test_run_cpu(
		    "freebsd", 1, true, body_spin, NULL, NULL, 0);
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, &ws, 0), pid);
	/* SIGXCPU: <signal.h> would clash with the simulated numbers. */
	cr_assert(WIFSIGNALED(ws), "status %#x", ws);
	cr_assert_str_eq(strsignal(WTERMSIG(ws)), "CPU time limit exceeded");
}
