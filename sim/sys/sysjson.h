/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The JSON of the syscall rows ('args' and 'result' of the syscalls table),
 * built with jansson and decoded as kdump(1) decodes a call: constants and
 * flags by name, flag sets as arrays of names, errno by name, strings as
 * strings.  Strings are always valid UTF-8: a byte that is not part of a
 * valid UTF-8 sequence is written as the four characters \xHH, and NUL bytes
 * are kept (\u0000).  Every builder returns NULL when the run records no
 * syscall rows, so that an unrecorded run builds nothing; the bindings pass
 * what they build to sim_syscall_enter() and sim_syscall_return() (sysent.h)
 * with json_pack's "o" conversion, which takes the reference.
 */
#ifndef SIM_SYS_SYSJSON_H
#define SIM_SYS_SYSJSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim.h"

/* Whether the run in progress records syscall rows. */
bool sysjson_on(void);

/* A JSON integer. */
json_t *sysjson_int(int64_t v);

/* A JSON string of len bytes of s (NUL bytes kept, invalid UTF-8 escaped). */
json_t *sysjson_str(const char *s, size_t len);

/* An array of the names of the bits of v; leftover bits as "0x..". */
json_t *sysjson_flags(const struct sim_flagname *names, uint64_t v);

/* The name of v in a table of (value, name) pairs, else v as a number. */
json_t *sysjson_enum(const struct sim_flagname *names, int64_t v);

/*
 * Formats a JSON value as compact text (caller frees), consuming v; NULL
 * gives NULL.  Aborts on a host allocation failure.
 */
char *sysjson_dump(json_t *v);

#endif /* SIM_SYS_SYSJSON_H */
