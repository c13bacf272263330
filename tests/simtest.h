/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The harness shared by the unit tests that boot a simulated kernel
 * (test_fd.c, test_kern_event.c, test_pipe.c, test_port.c, test_proc.c,
 * test_socket.c, test_vfs.c).  A test body runs as pid 1 of the kernel
 * (sim_test_run) and records what it observed with CHECK(got, want);
 * simtest_run() then asserts every recorded check on the host stack, so
 * that a failing assertion never unwinds a fiber.  Also here: descriptor
 * read/write helpers (fget/fo_read/fo_write/ fdrop), sys() for the return to
 * user space of a syscall and nap() for a sleep in virtual time.
 *
 * A file that needs room for more checks than the default defines
 * SIMTEST_MAXCHECKS before including this header.  Everything is static
 * inline, so a file pays only for what it uses.
 */
#ifndef TESTS_SIMTEST_H
#define TESTS_SIMTEST_H

#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/fd.h"
#include "../sim/kernel.h"
#include "../sim/proc.h"
#include "../sim/run/simrun.h"

/* How many checks one run may record. */
#ifndef SIMTEST_MAXCHECKS
#define SIMTEST_MAXCHECKS 128
#endif

/* A millisecond of virtual time, in nanoseconds. */
#define MS 1000000LL

/* What a body observed, checked after the run. */
struct check {
	char what[128];
	long long got;
	long long want;
};

static struct {
	int n;
	struct check c[SIMTEST_MAXCHECKS];
} res;

static inline void
check(const char *what, int line, long long got, long long want)
{
	struct check *c;

	if (res.n == (int)(sizeof(res.c) / sizeof(res.c[0])))
		abort();
	c = &res.c[res.n++];
	snprintf(c->what, sizeof(c->what), "line %d: %.100s", line, what);
	c->got = got;
	c->want = want;
}

#define CHECK(got, want) check(#got, __LINE__, (long long)(got), (want))

/*
 * Runs body as pid 1 of a fresh simulated kernel, asserts that the run ended
 * with status want (SCHED_PANIC for a test of a KASSERT) and checks
 * everything it recorded.
 */
static inline void
simtest_run_want(
    const char *kernel, void (*body)(void *), enum sched_status want)
{
	enum sched_status st;
	int i;

	memset(&res, 0, sizeof(res));
	st = sim_test_run(kernel, body, NULL);
	cr_assert_eq(st, want, "run ended %s, want %s", sched_status_name(st),
	    sched_status_name(want));
	cr_assert_gt(res.n, 0, "the body checked nothing");
	for (i = 0; i < res.n; i++)
		cr_expect_eq(res.c[i].got, res.c[i].want,
		    "%s: got %lld (%s), want %lld (%s)", res.c[i].what,
		    res.c[i].got, sim_errname((int)res.c[i].got), res.c[i].want,
		    sim_errname((int)res.c[i].want));
}

/*
 * Runs body as pid 1 of a fresh simulated kernel, asserts that it passed and
 * checks everything it recorded.  Each test file's run() resets its own
 * state and calls this.
 */
static inline void
simtest_run(const char *kernel, void (*body)(void *))
{
	simtest_run_want(kernel, body, SCHED_PASSED);
}

/* The return to user space of a syscall: pending signals act here. */
static inline int
sys(int error)
{
	userret(curthread);
	return (error);
}

/* Sleeps for ms of virtual time (uninterruptibly). */
static inline void
nap(int64_t ms)
{
	int chan = 0;

	(void)msleep(&chan, NULL, 0, "nap", ms * MS);
}

/* fo_read of the file at fd, on behalf of td. */
static inline int
fdread_td(struct thread *td, int fd, char *buf, size_t len, size_t *ret_n)
{
	struct file *fp;
	int error;

	*ret_n = 0;
	error = fget(td, fd, &fp);
	if (error != 0)
		return (error);
	error = fp->f_ops->fo_read(fp, buf, len, ret_n, td);
	(void)fdrop(fp, td);
	return (error);
}

/* fo_write of the file at fd, on behalf of td. */
static inline int
fdwrite_td(
    struct thread *td, int fd, const char *buf, size_t len, size_t *ret_n)
{
	struct file *fp;
	int error;

	*ret_n = 0;
	error = fget(td, fd, &fp);
	if (error != 0)
		return (error);
	error = fp->f_ops->fo_write(fp, buf, len, ret_n, td);
	(void)fdrop(fp, td);
	return (error);
}

static inline int
fdread(int fd, char *buf, size_t len, size_t *ret_n)
{
	return (fdread_td(curthread, fd, buf, len, ret_n));
}

static inline int
fdwrite(int fd, const char *buf, size_t len, size_t *ret_n)
{
	return (fdwrite_td(curthread, fd, buf, len, ret_n));
}

#endif /* !TESTS_SIMTEST_H */
