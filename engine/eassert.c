/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The failure path of EASSERT (eassert.h): one line naming the broken
 * engine invariant, then abort().  Imports nothing but libc.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "eassert.h"

void
eassert_fail(const char *file, int line, const char *func, const char *cond,
    const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr,
	    "evsim: engine assertion '%s' failed in %s() at %s:%d: ", cond,
	    func, file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
