/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Always-on assertions of the engine's own invariants (heap order, fiber
 * state, the scheduler's bookkeeping), in the manner of the kernel's
 * KASSERT but for evsim itself: a failure is a bug in the simulator, not a
 * simulated panic, so it prints where and why and aborts (under `evsim
 * explore` the worker's schedule is then recorded as crashed).  Each check
 * is one predictable branch.
 */
#ifndef ENGINE_EASSERT_H
#define ENGINE_EASSERT_H

/*
 * Reports a failed engine assertion (file, line, function, the condition's
 * text and a printf-style explanation) on standard error and aborts.
 */
_Noreturn void eassert_fail(const char *file, int line, const char *func,
    const char *cond, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#define EASSERT(cond, ...)                                                     \
	do {                                                                   \
		if (__builtin_expect(!(cond), 0))                              \
			eassert_fail(                                          \
			    __FILE__, __LINE__, __func__, #cond, __VA_ARGS__); \
	} while (0)

#endif /* ENGINE_EASSERT_H */
