/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one-line error message every fallible evsim function leaves in its
 * caller's buffer (char *err, size_t errlen), written by one function.
 */
#ifndef ENGINE_ERRBUF_H
#define ENGINE_ERRBUF_H

#include <stdarg.h>
#include <stddef.h>

/* Formats into err (errlen bytes); nothing when err is NULL or errlen 0. */
void errbuf_set(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void errbuf_vset(char *err, size_t errlen, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

#endif /* ENGINE_ERRBUF_H */
