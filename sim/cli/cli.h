/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helpers shared by the evsim subcommands that read a trace database.
 */
#ifndef SIM_CLI_CLI_H
#define SIM_CLI_CLI_H

#include <stddef.h>
#include <stdint.h>

struct tracedb;

#define EXIT_FAILED 1
#define EXIT_USAGE 2
#define EXIT_DIVERGED 3

/*
 * Opens path through tracedb_open and resolves *run (0: the latest) to an
 * existing run.  Returns 0, or EXIT_USAGE after printing a one-line error.
 */
int cli_open_db(const char *path, int64_t *run, struct tracedb **ret_db);

/*
 * Reads a whole file (a scenario) into a NUL-terminated buffer the caller
 * frees.  Returns 0, EISDIR, or the errno of fopen.
 */
int cli_read_file(const char *path, char **ret, size_t *ret_len);

#endif /* SIM_CLI_CLI_H */
