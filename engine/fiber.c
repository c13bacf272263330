/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fibers: stack allocation, the entry path and the switch.  A fiber's stack
 * is one anonymous mapping whose lowest page is PROT_NONE, so that running
 * off the end faults instead of scribbling on a neighbour.  The switch itself
 * is fiber_x86_64.S or fiber_aarch64.S, which push the callee-saved registers
 * on the old stack, store the stack pointer in the old fiber, load the new
 * one and pop.  A fresh fiber's stack is prepared so that its first resume
 * "returns" into 'fiber_asm_trampoline', which calls 'fiber_entry'.  On any
 * other machine, or with -DFIBER_UCONTEXT, ucontext(3) is used instead.
 * A SIGSEGV/SIGBUS handler on an alternate signal stack (fiber_on_overflow())
 * tells a fault in the running fiber's guard area from any other and hands
 * the former to the caller's hook, which switches away for good.
 * Under AddressSanitizer every switch is announced to the runtime with
 * __sanitizer_start_switch_fiber() and __sanitizer_finish_switch_fiber(), so
 * that it follows the stack changes and does not report false overflows.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "eassert.h"
#include "fiber.h"

#if !defined(FIBER_UCONTEXT) && !defined(__x86_64__) && !defined(__aarch64__)
#define FIBER_UCONTEXT 1
#endif

#ifdef FIBER_UCONTEXT
#include <ucontext.h>
#endif

#if defined(__SANITIZE_ADDRESS__)
#define FIBER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FIBER_ASAN 1
#endif
#endif

#ifdef FIBER_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

/* MAP_STACK is a hint (Linux, FreeBSD); harmless where it is missing. */
#ifdef MAP_STACK
#define FIBER_MAP_FLAGS (MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK)
#else
#define FIBER_MAP_FLAGS (MAP_PRIVATE | MAP_ANONYMOUS)
#endif

/* Smaller stacks are rounded up to this: deep kernel paths need room. */
#define FIBER_MIN_STACK (16 * 1024)

/*
 * The PROT_NONE area below each stack: large enough that no single frame
 * (a luaL_Buffer, a sanitizer's redzones) steps over it.
 */
#define FIBER_GUARD (64 * 1024)

struct fiber {
#ifdef FIBER_UCONTEXT
	ucontext_t f_uc;
#else
	void *f_sp; /* saved stack pointer while switched out */
#endif
	fiber_fn *f_fn;
	void *f_arg;
	void *f_map; /* whole mapping, guard page first; NULL for the host */
	size_t f_map_len;
	void *f_stack_lo; /* lowest usable stack byte (above the guard) */
	size_t f_stack_len;
#ifdef FIBER_ASAN
	void *f_fake_stack; /* ASan's fake stack, saved while switched out */
#endif
};

/* The fiber running now; NULL on the host (or before any switch). */
static struct fiber *fiber_cur;

/* Hidden: called from the trampoline by a direct jump, never via the PLT. */
__attribute__((visibility("hidden"))) void fiber_entry(struct fiber *f);

#ifndef FIBER_UCONTEXT
/* In fiber_<arch>.S: the register switch and the first-entry trampoline. */
__attribute__((visibility("hidden"))) void fiber_asm_switch(
    void **save_sp, void *new_sp);
__attribute__((visibility("hidden"))) void fiber_asm_trampoline(void);
#endif

#ifdef FIBER_ASAN
/*
 * The fiber being switched away from, so that the side that resumes can
 * learn the host stack's bounds from __sanitizer_finish_switch_fiber(): the
 * host fiber does not know them when it is created.
 */
static _Thread_local struct fiber *switching_from;

static void
asan_finish(struct fiber *self)
{
	const void *lo;
	size_t len;

	__sanitizer_finish_switch_fiber(self->f_fake_stack, &lo, &len);
	if (switching_from != NULL && switching_from->f_map == NULL) {
		switching_from->f_stack_lo = (void *)(uintptr_t)lo;
		switching_from->f_stack_len = len;
	}
	switching_from = NULL;
}
#endif

/*
 * First code run on a new fiber's stack.  Called from the assembly
 * trampoline (or by makecontext(3)), hence not static.
 */
void
fiber_entry(struct fiber *f)
{
#ifdef FIBER_ASAN
	asan_finish(f);
#endif
	fiber_cur = f;
	f->f_fn(f->f_arg);
	fprintf(stderr,
	    "fiber: entry function %p returned; a fiber must end by "
	    "switching away\n",
	    (void *)(uintptr_t)f->f_fn);
	abort();
}

#ifdef FIBER_UCONTEXT
/*
 * makecontext(3) passes only int arguments, so the fiber pointer travels as
 * two 32-bit halves.
 */
static void
uc_entry(unsigned int hi, unsigned int lo)
{
	uintptr_t p = ((uintptr_t)(((uint64_t)hi << 32) | lo));

	fiber_entry((struct fiber *)p);
}
#endif

/*
 * A cache of unmapped-to-be stacks: exploration creates and frees every
 * thread's stack in every run, and mmap/mprotect/munmap (with the page
 * faults of a fresh mapping) were most of a short run's cost.  Stacks keep
 * their guard page.  Not thread-safe: evsim is single-threaded (--jobs uses
 * processes).
 */
#define FIBER_CACHE_MAX 64

static struct {
	void *map;
	size_t len;
} stack_cache[FIBER_CACHE_MAX];
static int nstack_cache;

static void *
stack_cache_get(size_t map_len)
{
	int i;

	for (i = nstack_cache - 1; i >= 0; i--) {
		if (stack_cache[i].len == map_len) {
			void *map = stack_cache[i].map;

			stack_cache[i] = stack_cache[--nstack_cache];
			return (map);
		}
	}
	return (NULL);
}

int
fiber_new(struct fiber **ret_f, size_t stack_bytes, fiber_fn *fn, void *arg)
{
	struct fiber *f;
	size_t page, len;
	void *map;

	page = (size_t)sysconf(_SC_PAGESIZE);
	page = (FIBER_GUARD + page - 1) / page * page;
	if (stack_bytes < FIBER_MIN_STACK)
		stack_bytes = FIBER_MIN_STACK;
	if (stack_bytes > SIZE_MAX - 2 * page)
		return (ENOMEM);
	len = (stack_bytes + page - 1) / page * page;

	f = calloc(1, sizeof(*f));
	if (f == NULL)
		return (ENOMEM);
	map = stack_cache_get(len + page);
	if (map != NULL)
		goto mapped;
	map = mmap(
	    NULL, len + page, PROT_READ | PROT_WRITE, FIBER_MAP_FLAGS, -1, 0);
	if (map == MAP_FAILED) {
		free(f);
		return (ENOMEM);
	}
	if (mprotect(map, page, PROT_NONE) != 0) {
		munmap(map, len + page);
		free(f);
		return (ENOMEM);
	}
mapped:
	f->f_fn = fn;
	f->f_arg = arg;
	f->f_map = map;
	f->f_map_len = len + page;
	f->f_stack_lo = (char *)map + page;
	f->f_stack_len = len;

#ifdef FIBER_UCONTEXT
	if (getcontext(&f->f_uc) != 0) {
		munmap(map, len + page);
		free(f);
		return (ENOMEM);
	}
	f->f_uc.uc_stack.ss_sp = f->f_stack_lo;
	f->f_uc.uc_stack.ss_size = f->f_stack_len;
	f->f_uc.uc_link = NULL;
	makecontext(&f->f_uc, (void (*)(void))uc_entry, 2,
	    (unsigned int)((uint64_t)(uintptr_t)f >> 32),
	    (unsigned int)((uintptr_t)f & 0xffffffffu));
#elif defined(__x86_64__)
	{
		/*
		 * The frame 'fiber_asm_switch' pops, from the lowest address:
		 * MXCSR and the x87 control word in one 8-byte slot, r15, r14,
		 * r13, r12, rbx, rbp, then the return address.  rbx carries
		 * the fiber to the trampoline.  Above the return address sits
		 * a zero, which the trampoline leaves as the return address of
		 * 'fiber_entry' (it jumps there): the stack is then aligned as
		 * the ABI requires at function entry (16n + 8) and unwinders
		 * stop at the zero.
		 */
		uintptr_t top
		    = ((uintptr_t)f->f_stack_lo + len) & ~(uintptr_t)15;
		uint64_t *sp = (uint64_t *)top;

		*--sp = 0; /* return address of 'fiber_entry' */
		*--sp = (uint64_t)(uintptr_t)fiber_asm_trampoline;
		*--sp = 0; /* rbp: end of frame chain */
		*--sp = (uint64_t)(uintptr_t)f; /* rbx */
		*--sp = 0; /* r12 */
		*--sp = 0; /* r13 */
		*--sp = 0; /* r14 */
		*--sp = 0; /* r15 */
		/* Default MXCSR (all masked, nearest) and x87 control word. */
		*--sp = (uint64_t)0x1f80 | ((uint64_t)0x037f << 32);
		f->f_sp = sp;
	}
#elif defined(__aarch64__)
	{
		/*
		 * The frame 'fiber_asm_switch' loads, 160 bytes from the
		 * lowest address: x19..x28, x29, x30, then d8..d15.  x19
		 * carries the fiber and x30 the trampoline.  sp stays 16-byte
		 * aligned throughout.
		 */
		uintptr_t top
		    = ((uintptr_t)f->f_stack_lo + len) & ~(uintptr_t)15;
		uint64_t *sp = (uint64_t *)(top - 160);

		memset(sp, 0, 160);
		sp[0] = (uint64_t)(uintptr_t)f;
		sp[11] = (uint64_t)(uintptr_t)fiber_asm_trampoline;
		f->f_sp = sp;
	}
#endif
	*ret_f = f;
	return (0);
}

int
fiber_new_host(struct fiber **ret_f)
{
	struct fiber *f;

	f = calloc(1, sizeof(*f));
	if (f == NULL)
		return (ENOMEM);
	*ret_f = f;
	return (0);
}

void
fiber_free(struct fiber *f)
{
	if (f == NULL)
		return;
	if (f->f_map != NULL) {
#ifdef FIBER_ASAN
		/*
		 * Frames left on the dead stack are still poisoned in the
		 * shadow; clear them so that a later mapping at the same
		 * address does not inherit stale redzones.
		 */
		ASAN_UNPOISON_MEMORY_REGION(f->f_stack_lo, f->f_stack_len);
#endif
		if (nstack_cache < FIBER_CACHE_MAX) {
			stack_cache[nstack_cache].map = f->f_map;
			stack_cache[nstack_cache].len = f->f_map_len;
			nstack_cache++;
		} else {
			munmap(f->f_map, f->f_map_len);
		}
	}
	free(f);
}

void
fiber_switch(struct fiber *from, struct fiber *to)
{
	EASSERT(from != to, "fiber: switch from a fiber to itself");
	EASSERT(to->f_map == NULL || to != fiber_cur,
	    "fiber: switch to the fiber that is running");
#ifdef FIBER_ASAN
	switching_from = from;
	__sanitizer_start_switch_fiber(
	    &from->f_fake_stack, to->f_stack_lo, to->f_stack_len);
#endif
#ifdef FIBER_UCONTEXT
	if (swapcontext(&from->f_uc, &to->f_uc) != 0) {
		perror("fiber: swapcontext");
		abort();
	}
#else
	fiber_asm_switch(&from->f_sp, to->f_sp);
#endif
#ifdef FIBER_ASAN
	asan_finish(from);
#endif
	fiber_cur = from->f_map != NULL ? from : NULL;
}

static void (*overflow_hook)(void);
static struct sigaction old_segv, old_bus;

/*
 * A fault in the guard area of the running fiber is a stack overflow: the
 * hook ends the fiber (it switches away and never returns here, so the
 * alternate stack is free again for the next one).  Any other fault goes
 * back to the handler there was before, and happens again.
 */
static void
overflow_handler(int sig, siginfo_t *si, void *uc)
{
	struct fiber *f = fiber_cur;
	uintptr_t a = (uintptr_t)si->si_addr;

	(void)uc;
	if (f != NULL && overflow_hook != NULL && a >= (uintptr_t)f->f_map
	    && a < (uintptr_t)f->f_stack_lo) {
		fiber_cur = NULL;
		overflow_hook();
	}
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	/* A fault happens again on return; a sent signal must be sent again. */
	if (si->si_code <= 0)
		raise(sig);
}

int
fiber_on_overflow(void (*hook)(void))
{
	static char altstack[64 * 1024];
	static bool installed;
	stack_t ss;
	struct sigaction sa;

	overflow_hook = hook;
	if (installed)
		return (0);
	memset(&ss, 0, sizeof(ss));
	ss.ss_sp = altstack;
	ss.ss_size = sizeof(altstack);
	if (sigaltstack(&ss, NULL) != 0)
		return (errno);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = overflow_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, &old_segv) != 0
	    || sigaction(SIGBUS, &sa, &old_bus) != 0)
		return (errno);
	installed = true;
	return (0);
}

const char *
fiber_impl(void)
{
#if defined(FIBER_UCONTEXT)
	return ("ucontext");
#elif defined(__x86_64__)
	return ("x86_64");
#else
	return ("aarch64");
#endif
}
