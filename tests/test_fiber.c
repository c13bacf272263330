/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tests for engine/fiber.c: switch ordering over many round trips, separate
 * stacks whose contents survive switches, callee-saved registers and the
 * floating-point control state surviving a switch, the guard page (a child
 * process overflows a fiber stack and must die by SIGSEGV at an address in
 * a PROT_NONE mapping), and abort() when an entry function returns.
 */
#include <criterion/criterion.h>

#include <fenv.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../engine/fiber.h"

#define STACK (64 * 1024)

/* Ping-pong: the host drives A, A hands to B, B hands back to the host. */

#define ROUNDS 100000

struct pingpong {
	struct fiber *host, *a, *b;
	char *log; /* one letter per step */
	size_t n;
	long a_count, b_count;
};

static void
pp_a(void *arg)
{
	struct pingpong *pp = arg;

	for (;;) {
		pp->log[pp->n++] = 'a';
		pp->a_count++;
		fiber_switch(pp->a, pp->b);
	}
}

static void
pp_b(void *arg)
{
	struct pingpong *pp = arg;

	for (;;) {
		pp->log[pp->n++] = 'b';
		pp->b_count++;
		fiber_switch(pp->b, pp->host);
	}
}

Test(fiber_switch, ping_pong_alternates_in_order)
{
	struct pingpong pp = { 0 };
	long i;

	pp.log = calloc(3 * ROUNDS + 1, 1);
	cr_assert_not_null(pp.log);
	cr_assert_eq(fiber_new_host(&pp.host), 0);
	cr_assert_eq(fiber_new(&pp.a, STACK, pp_a, &pp), 0);
	cr_assert_eq(fiber_new(&pp.b, STACK, pp_b, &pp), 0);
	for (i = 0; i < ROUNDS; i++) {
		pp.log[pp.n++] = 'h';
		fiber_switch(pp.host, pp.a);
	}
	cr_assert_eq(pp.n, (size_t)3 * ROUNDS);
	for (i = 0; i < 3 * ROUNDS; i++)
		cr_assert_eq(
		    pp.log[i], "hab"[i % 3], "step %ld is '%c'", i, pp.log[i]);
	cr_assert_eq(pp.a_count, ROUNDS);
	cr_assert_eq(pp.b_count, ROUNDS);
	fiber_free(pp.a);
	fiber_free(pp.b);
	fiber_free(pp.host);
	free(pp.log);
}

/* Separate stacks: each fiber fills a local array and checks it later. */

#define NFIB 4
#define WORDS 1024

struct stacks {
	struct fiber *host, *f[NFIB];
	uintptr_t local[NFIB];
	int bad[NFIB];
	int id;
};

static void
stack_fn(void *arg)
{
	struct stacks *st = arg;
	int me = st->id;
	volatile uint64_t buf[WORDS];
	int round, i;

	st->local[me] = (uintptr_t)&buf[0];
	for (round = 0;; round++) {
		for (i = 0; i < WORDS; i++)
			buf[i] = ((uint64_t)me << 48) ^ ((uint64_t)round << 32)
			    ^ (uint64_t)i;
		fiber_switch(st->f[me], st->host);
		for (i = 0; i < WORDS; i++)
			if (buf[i]
			    != (((uint64_t)me << 48) ^ ((uint64_t)round << 32)
				^ (uint64_t)i))
				st->bad[me]++;
	}
}

Test(fiber_new, stacks_are_separate_and_survive_switches)
{
	struct stacks st = { 0 };
	int round, i, j;

	cr_assert_eq(fiber_new_host(&st.host), 0);
	for (i = 0; i < NFIB; i++)
		cr_assert_eq(fiber_new(&st.f[i], STACK, stack_fn, &st), 0);
	for (round = 0; round < 50; round++)
		for (i = 0; i < NFIB; i++) {
			st.id = i;
			fiber_switch(st.host, st.f[i]);
		}
	for (i = 0; i < NFIB; i++) {
		cr_assert_eq(
		    st.bad[i], 0, "fiber %d lost %d words", i, st.bad[i]);
		cr_assert_neq(st.local[i], (uintptr_t)&round);
		for (j = 0; j < i; j++) {
			uintptr_t d = st.local[i] > st.local[j]
			    ? st.local[i] - st.local[j]
			    : st.local[j] - st.local[i];

			/* Distinct stacks are at least a stack apart. */
			cr_assert_geq(d, (uintptr_t)STACK,
			    "fibers %d and %d share a stack", i, j);
		}
	}
	for (i = 0; i < NFIB; i++)
		fiber_free(st.f[i]);
	fiber_free(st.host);
}

/*
 * Callee-saved registers: many values live across fiber_switch() in
 * optimised code sit in rbx, r12-r15 (x19-x28, d8-d15); the other fiber
 * clobbers them all with its own live values.
 */

struct regs {
	struct fiber *host, *f;
	uint64_t seed, result;
};

/*
 * Values come from, and go to, functions called through volatile pointers,
 * so the compiler can neither fold them into one sum before the switch nor
 * recompute them after it: all ten stay live, separately, across
 * fiber_switch(), most of them in callee-saved registers.
 */
static uint64_t
gen(uint64_t x, uint64_t k)
{
	return ((x + k) * UINT64_C(0x9e3779b97f4a7c15) ^ (x >> 7));
}

static uint64_t
sum10(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, uint64_t g,
    uint64_t h, uint64_t k, double p, double q)
{
	return ((a ^ 1) + (b ^ 2) + (c ^ 3) + (d ^ 4) + (e ^ 5) + (g ^ 6)
	    + (h ^ 7) + (k ^ 8) + (uint64_t)p * 3 + (uint64_t)q * 5);
}

static uint64_t (*volatile genp)(uint64_t, uint64_t) = gen;
static uint64_t (*volatile sum10p)(uint64_t, uint64_t, uint64_t, uint64_t,
    uint64_t, uint64_t, uint64_t, uint64_t, double, double)
    = sum10;

static uint64_t
expect(uint64_t x, uint64_t base)
{
	return (sum10(gen(x, base + 1), gen(x, base + 2), gen(x, base + 3),
	    gen(x, base + 4), gen(x, base + 5), gen(x, base + 6),
	    gen(x, base + 7), gen(x, base + 8),
	    (double)(gen(x, base + 9) >> 20),
	    (double)(gen(x, base + 10) >> 20)));
}

/* Runs on the host: ten live values across a switch to the fiber. */
static uint64_t
churn(struct regs *rg, uint64_t x)
{
	uint64_t a = genp(x, 1), b = genp(x, 2), c = genp(x, 3), d = genp(x, 4),
		 e = genp(x, 5), g = genp(x, 6), h = genp(x, 7), k = genp(x, 8);
	double p = (double)(genp(x, 9) >> 20), q = (double)(genp(x, 10) >> 20);

	fiber_switch(rg->host, rg->f);
	return (sum10p(a, b, c, d, e, g, h, k, p, q));
}

/*
 * Sets its locals from 'seed', switches to the host, and on return sums
 * them into 'result', which the host checks against the previous seed.
 */
static void
regs_fn(void *arg)
{
	struct regs *rg = arg;
	uint64_t a, b, c, d, e, g, h, k, x;
	double p, q;

	for (;;) {
		x = rg->seed;
		a = genp(x, 101);
		b = genp(x, 102);
		c = genp(x, 103);
		d = genp(x, 104);
		e = genp(x, 105);
		g = genp(x, 106);
		h = genp(x, 107);
		k = genp(x, 108);
		p = (double)(genp(x, 109) >> 20);
		q = (double)(genp(x, 110) >> 20);
		fiber_switch(rg->f, rg->host);
		rg->result = sum10p(a, b, c, d, e, g, h, k, p, q);
	}
}

Test(fiber_switch, callee_saved_registers_survive)
{
	struct regs rg = { 0 };
	uint64_t x, prev, got;

	cr_assert_eq(fiber_new_host(&rg.host), 0);
	cr_assert_eq(fiber_new(&rg.f, STACK, regs_fn, &rg), 0);
	prev = rg.seed = 12345;
	fiber_switch(rg.host, rg.f); /* the fiber's locals now hold 12345 */
	for (x = 1; x < 2000; x++) {
		rg.seed = x * 977;
		got = churn(&rg, x);
		cr_assert_eq(got, expect(x, 0), "host lost x=%llu",
		    (unsigned long long)x);
		cr_assert_eq(rg.result, expect(prev, 100),
		    "fiber lost seed %llu", (unsigned long long)prev);
		prev = rg.seed;
	}
	fiber_free(rg.f);
	fiber_free(rg.host);
}

/*
 * The floating-point control state is per fiber on x86-64: fegetround()
 * reads the x87 control word, and an SSE division shows the MXCSR rounding.
 */

static volatile double one = 1.0, three = 3.0;

struct fpenv {
	struct fiber *host, *f;
	int seen;
	double third;
};

static void
fpenv_fn(void *arg)
{
	struct fpenv *fe = arg;

	fesetround(FE_UPWARD);
	for (;;) {
		fiber_switch(fe->f, fe->host);
		fe->seen = fegetround();
		fe->third = one / three;
	}
}

Test(fiber_switch, rounding_mode_is_per_fiber)
{
	struct fpenv fe = { 0 };
	double nearest = one / three;

	if (strcmp(fiber_impl(), "aarch64") == 0)
		cr_skip_test("aarch64 switch does not save FPCR");
	cr_assert_eq(fiber_new_host(&fe.host), 0);
	cr_assert_eq(fiber_new(&fe.f, STACK, fpenv_fn, &fe), 0);
	cr_assert_eq(fegetround(), FE_TONEAREST);
	fiber_switch(fe.host, fe.f);
	cr_assert_eq(fegetround(), FE_TONEAREST,
	    "fiber's x87 rounding mode leaked to the host");
	cr_assert(one / three == nearest,
	    "fiber's MXCSR rounding mode leaked to the host");
	fiber_switch(fe.host, fe.f);
	cr_assert_eq(fe.seen, FE_UPWARD, "fiber lost its x87 rounding mode");
	cr_assert(fe.third > nearest, "fiber lost its MXCSR rounding mode");
	cr_assert_eq(fegetround(), FE_TONEAREST);
	cr_assert(one / three == nearest);
	fiber_free(fe.f);
	fiber_free(fe.host);
}

/*
 * Guard page.  The parent creates the fiber before fork(), so it can look up
 * the faulting address in its own /proc/self/maps afterwards: the child
 * reports si_addr through a pipe from a handler on an alternate stack, then
 * the handler (SA_RESETHAND) returns, the access faults again and the child
 * dies by SIGSEGV.  Without a guard page the recursion would either run on
 * into whatever lies below or fault somewhere that is not PROT_NONE.
 */

static int report_fd = -1;
static struct fiber *guard_host, *guard_fiber;

static void
segv_handler(int sig, siginfo_t *si, void *uc)
{
	uintptr_t addr = (uintptr_t)si->si_addr;

	(void)!write(report_fd, &addr, sizeof(addr));
}

static int
recurse(volatile char *prev, int depth)
{
	volatile char frame[256];

	frame[0] = (char)depth;
	frame[255] = prev != NULL ? prev[0] : 0;
	/* 256 MiB of frames: far past the end of any 64 KiB stack. */
	if (depth == 1 << 20)
		return (0);
	return (recurse(frame, depth + 1) + frame[0]);
}

static void
overflow_fn(void *arg)
{
	recurse(NULL, 0);
	fiber_switch(guard_fiber, guard_host);
}

/* Whether addr lies in a mapping of this process with no access at all. */
static bool
in_prot_none(uintptr_t addr)
{
	FILE *fp = fopen("/proc/self/maps", "r");
	char line[512], perms[5];
	unsigned long lo, hi;
	bool found = false;

	cr_assert_not_null(fp);
	while (fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) == 3
		    && addr >= lo && addr < hi) {
			found = strcmp(perms, "---p") == 0;
			break;
		}
	fclose(fp);
	return (found);
}

Test(fiber_new, stack_overflow_hits_guard_page)
{
	int fds[2], status;
	uintptr_t addr = 0;
	pid_t pid;

	cr_assert_eq(fiber_new_host(&guard_host), 0);
	cr_assert_eq(fiber_new(&guard_fiber, STACK, overflow_fn, NULL), 0);
	cr_assert_eq(pipe(fds), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		static char altstack[64 * 1024];
		struct rlimit nocore = { 0, 0 };
		stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
		struct sigaction sa;

		setrlimit(RLIMIT_CORE, &nocore);
		close(fds[0]);
		report_fd = fds[1];
		sigaltstack(&ss, NULL);
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = segv_handler;
		sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGSEGV, &sa, NULL);
		fiber_switch(guard_host, guard_fiber);
		_exit(0); /* ran on: no guard */
	}
	close(fds[1]);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFSIGNALED(status), "child exited with status %d",
	    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	cr_assert_eq(WTERMSIG(status), SIGSEGV);
	cr_assert_eq(read(fds[0], &addr, sizeof(addr)), (ssize_t)sizeof(addr),
	    "the handler did not report a fault address");
	close(fds[0]);
	cr_assert(in_prot_none(addr),
	    "fault at %#lx is not in a PROT_NONE mapping", (unsigned long)addr);
	fiber_free(guard_fiber);
	fiber_free(guard_host);
}

/* A fiber whose entry function returns takes the process down loudly. */

static void
returns_fn(void *arg)
{
}

Test(fiber_new, returning_entry_aborts, .signal = SIGABRT)
{
	struct fiber *host, *f;

	cr_assert_eq(fiber_new_host(&host), 0);
	cr_assert_eq(fiber_new(&f, STACK, returns_fn, NULL), 0);
	fiber_switch(host, f);
}

Test(fiber_impl, names_the_compiled_switch)
{
#if defined(FIBER_UCONTEXT)
	cr_assert_str_eq(fiber_impl(), "ucontext");
#elif defined(__x86_64__)
	cr_assert_str_eq(fiber_impl(), "x86_64");
#elif defined(__aarch64__)
	cr_assert_str_eq(fiber_impl(), "aarch64");
#else
	cr_assert_str_eq(fiber_impl(), "ucontext");
#endif
	fiber_free(NULL);
}

/* A switch from a fiber to itself is an engine assertion, not a hang. */
Test(fiber_switch, to_itself_is_an_engine_assertion, .signal = SIGABRT)
{
	struct fiber *host;

	cr_assert_eq(fiber_new_host(&host), 0);
	fiber_switch(host, host);
}
