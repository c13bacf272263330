/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The JSON of the syscall rows ('args' and 'result' of the syscalls table),
 * decoded as kdump(1) decodes a call: constants and flags by name, flag sets
 * as arrays of names, errno by name, strings as strings.  Strings are always
 * valid UTF-8: a byte that is not part of a valid UTF-8 sequence is written
 * as the four characters \xHH, and NUL bytes are kept (\u0000).
 *
 * A value is its compact JSON text, written as it is built: the text is
 * byte for byte what jansson's json_pack() and json_dumps() (JSON_COMPACT)
 * wrote for the same value, which this file once used (members in the
 * order given, a repeated key replacing the value in place, the same error
 * texts).  Every builder returns NULL when the run records no syscall rows,
 * so that an unrecorded run builds nothing; the bindings pass what they
 * build to sim_syscall_enter() and sim_syscall_return() (sysent.h) with
 * the "o" conversion of sysjson_pack(), which consumes the value.
 */
#ifndef SIM_SYS_SYSJSON_H
#define SIM_SYS_SYSJSON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim.h"

/* A JSON value (its text); owned by whoever holds the pointer. */
struct sysjson;

/* Whether the run in progress records syscall rows. */
bool sysjson_on(void);

/* For the unit tests: with on set, values are built outside any run too. */
void sysjson_force(bool on);

/* A JSON integer. */
struct sysjson *sysjson_int(int64_t v);

/* A JSON string of len bytes of s (NUL bytes kept, invalid UTF-8 escaped). */
struct sysjson *sysjson_str(const char *s, size_t len);

/* A JSON string of the name s (valid UTF-8, as every name here is). */
struct sysjson *sysjson_name(const char *s);

/* null, true or false. */
struct sysjson *sysjson_null(void);
struct sysjson *sysjson_bool(bool b);

/* A JSON real, as jansson writes it. */
struct sysjson *sysjson_real(double d);

/* An empty array; sysjson_append() adds v (consumed) at its end. */
struct sysjson *sysjson_array(void);
void sysjson_append(struct sysjson *a, struct sysjson *v);

/*
 * Appends to the array a the names of the bits of v; leftover bits as
 * "0x..".  Returns a.
 */
struct sysjson *sysjson_add_flags(
    struct sysjson *a, const struct sim_flagname *names, uint64_t v);

/* An array of the names of the bits of v; leftover bits as "0x..". */
struct sysjson *sysjson_flags(const struct sim_flagname *names, uint64_t v);

/* The name of v in a table of (value, name) pairs, else v as a number. */
struct sysjson *sysjson_enum(const struct sim_flagname *names, int64_t v);

/*
 * The value of a json_pack() format: '{' '}' '[' ']', "s" (a const char *
 * name; "s?" NULL gives null, "s*" NULL leaves the member out), "n", "b"
 * (an int), "i" (an int), "I" (an int64_t), "f" (a double) and "o" (a
 * struct sysjson *, consumed; "o?" and "o*" as for "s").  A value jansson
 * refused (a bug in a binding) does not end the run: the value is then
 * {"json_error": "..."} with jansson's message.  NULL when nothing is
 * recorded; the "o" values are consumed in any case.
 */
struct sysjson *sysjson_pack(const char *fmt, ...);
struct sysjson *sysjson_vpack(const char *fmt, va_list ap);

/* The text of v (NUL-terminated), or NULL for NULL. */
const char *sysjson_text(struct sysjson *v);

/* Frees v; NULL is a no-op. */
void sysjson_free(struct sysjson *v);

#endif /* SIM_SYS_SYSJSON_H */
