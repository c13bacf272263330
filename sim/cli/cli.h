/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the evsim subcommands share: the exit statuses, one parser for
 * numbers, run ids and schedule strategies, the reading of a scenario file
 * and the opening of a trace database, and one style of usage errors.  Each
 * subcommand is cmd_<name>.c; evsim.c dispatches.
 */
#ifndef SIM_CLI_CLI_H
#define SIM_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sched.h"

struct tracedb;

#define EXIT_FAILED 1
#define EXIT_USAGE 2
#define EXIT_DIVERGED 3

/* A parsed --strategy. */
struct cli_strategy {
	enum sched_strategy strategy; /* SCHED_FIFO, RANDOM, PCT or DFS */
	int pct_depth; /* pct:D, default 3 */
	int dfs_bound; /* dfs:B, default 2 */
};

/* The highest D of pct:D and B of dfs:B. */
#define CLI_MAX_PCT_DEPTH 16
#define CLI_MAX_DFS_BOUND 16

/* The strategies a command accepts, as a mask of (1 << SCHED_*). */
#define CLI_STRATEGY(s) (1u << (s))

/*
 * Parses "fifo", "random", "pct[:D]" (1 <= D <= 16) or "dfs[:B]"
 * (0 <= B <= 16) into *ret, accepting only the strategies in mask.
 * Returns 0 or EINVAL.
 */
int cli_parse_strategy(const char *s, unsigned mask, struct cli_strategy *ret);

/* A non-negative decimal (or 0x hex) integer.  Returns 0 or EINVAL. */
int cli_parse_u64(const char *s, uint64_t *ret);

/*
 * A run id (a positive integer) for option opt of command cmd.  Returns 0,
 * or EXIT_USAGE after printing a one-line error.
 */
int cli_parse_run_id(
    const char *cmd, const char *opt, const char *s, int64_t *run);

/*
 * Prints "evsim CMD: " and the formatted message as one line on stderr.
 * Returns EXIT_USAGE.
 */
int cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * The usage error for the option getopt_long just refused (opterr is 0 in
 * every command).  Returns EXIT_USAGE.
 */
int cli_bad_option(const char *cmd, char **argv);

/* The exit status of a run that ended with st. */
int cli_status_exit(enum sched_status st);

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

/* The subcommands: argv[0] is the subcommand's name. */
int cmd_coverage(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_explore(int argc, char **argv);
int cmd_kernels(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_trace(int argc, char **argv);

#endif /* SIM_CLI_CLI_H */
