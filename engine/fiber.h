/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fibers: cooperatively switched execution contexts, each with its own C
 * stack allocated by mmap(2) with an inaccessible guard page below it.  The
 * switch saves only the callee-saved registers and is written in assembly
 * for x86-64 and aarch64 (fiber_x86_64.S, fiber_aarch64.S); other machines
 * fall back to ucontext(3), which is correct but about a hundred times slower.
 */
#ifndef ENGINE_FIBER_H
#define ENGINE_FIBER_H

#include <stddef.h>

struct fiber;

typedef void fiber_fn(void *arg);

/*
 * Creates a fiber that will run fn(arg) on a fresh stack of at least
 * stack_bytes (rounded up to pages, plus one guard page) the first time it is
 * switched to.  fn must never return: its last act is a fiber_switch() away.
 * Returns 0 or ENOMEM; the fiber is stored in *ret_f.
 */
int fiber_new(
    struct fiber **ret_f, size_t stack_bytes, fiber_fn *fn, void *arg);

/*
 * Returns the fiber standing for the calling host thread's own stack, so that
 * the scheduler can switch away from and back to it.  It owns no stack.
 * Returns 0 or ENOMEM.
 */
int fiber_new_host(struct fiber **ret_f);

/* Frees a fiber and unmaps its stack.  NULL is a no-op.  Never the running one.
 */
void fiber_free(struct fiber *f);

/* Saves the current context into from and resumes to. */
void fiber_switch(struct fiber *from, struct fiber *to);

/* Name of the switch implementation in use: "x86_64", "aarch64" or "ucontext".
 */
/*
 * From now on a fault in the guard area below the running fiber's stack
 * calls hook on an alternate signal stack, with every signal unblocked;
 * hook must switch to another fiber and never return nor resume the one
 * that overflowed.  Other faults keep their previous disposition.  0 or an
 * errno.
 */
int fiber_on_overflow(void (*hook)(void));

const char *fiber_impl(void);

#endif /* ENGINE_FIBER_H */
