/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helpers shared by the evsim subcommands that read a trace database (see
 * cli.h).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "simrun.h"
#include "tracedb.h"

int
cli_parse_strategy(const char *s, unsigned mask, struct cli_strategy *ret)
{
	struct cli_strategy r;
	const char *arg = NULL;
	char *end;
	long v;

	memset(&r, 0, sizeof(r));
	r.pct_depth = 3;
	r.dfs_bound = 2;
	if (strcmp(s, "fifo") == 0) {
		r.strategy = SCHED_FIFO;
	} else if (strcmp(s, "random") == 0) {
		r.strategy = SCHED_RANDOM;
	} else if (strncmp(s, "pct", 3) == 0 && (s[3] == '\0' || s[3] == ':')) {
		r.strategy = SCHED_PCT;
		arg = s[3] == ':' ? s + 4 : NULL;
	} else if (strncmp(s, "dfs", 3) == 0 && (s[3] == '\0' || s[3] == ':')) {
		r.strategy = SCHED_DFS;
		arg = s[3] == ':' ? s + 4 : NULL;
	} else {
		return (EINVAL);
	}
	if ((mask & CLI_STRATEGY(r.strategy)) == 0)
		return (EINVAL);
	if (arg != NULL) {
		if (arg[0] < '0' || arg[0] > '9')
			return (EINVAL);
		v = strtol(arg, &end, 10);
		if (*end != '\0')
			return (EINVAL);
		if (r.strategy == SCHED_PCT) {
			if (v < 1 || v > CLI_MAX_PCT_DEPTH)
				return (EINVAL);
			r.pct_depth = (int)v;
		} else {
			if (v > CLI_MAX_DFS_BOUND)
				return (EINVAL);
			r.dfs_bound = (int)v;
		}
	}
	*ret = r;
	return (0);
}

int
cli_parse_u64(const char *s, uint64_t *ret)
{
	char *end;
	unsigned long long v;

	if (s[0] == '-' || s[0] == '\0')
		return (EINVAL);
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || *end != '\0')
		return (EINVAL);
	*ret = v;
	return (0);
}

int
cli_parse_run_id(const char *cmd, const char *opt, const char *s, int64_t *run)
{
	uint64_t v;

	if (cli_parse_u64(s, &v) != 0 || v == 0 || v > INT64_MAX)
		return (cli_usage_error(cmd, "%s'%s' is not a run id", opt, s));
	*run = (int64_t)v;
	return (0);
}

int
cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "evsim %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return (EXIT_USAGE);
}

int
cli_bad_option(const char *cmd, char **argv)
{
	const char *a = argv[optind - 1];

	if (optopt != 0 && a[0] == '-' && a[1] != '-')
		return (cli_usage_error(cmd,
		    "bad option '-%c' (see evsim %s --help)", optopt, cmd));
	if (optopt != 0 && strchr(a, '=') == NULL && a[1] == '-')
		return (cli_usage_error(cmd,
		    "option '%s' needs a value (see evsim %s --help)", a, cmd));
	return (cli_usage_error(
	    cmd, "bad argument '%s' (see evsim %s --help)", a, cmd));
}

int
cli_status_exit(enum sched_status st)
{
	switch (st) {
	case SCHED_PASSED:
		return (0);
	case SCHED_ERROR:
		return (EXIT_USAGE);
	case SCHED_DIVERGED:
		return (EXIT_DIVERGED);
	default:
		return (EXIT_FAILED);
	}
}

int
cli_open_db(const char *path, int64_t *run, struct tracedb **ret_db)
{
	struct tracedb *db = NULL;
	char err[1200];

	if (tracedb_open(&db, path, err, sizeof(err)) != 0
	    || tracedb_run_resolve(db, run, err, sizeof(err)) != 0) {
		if (db != NULL)
			tracedb_close(db);
		fprintf(stderr, "evsim: %s\n", err);
		return (EXIT_USAGE);
	}
	*ret_db = db;
	return (0);
}

int
cli_read_file(const char *path, char **ret, size_t *ret_len)
{
	FILE *f;
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	struct stat sb;

	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
		return (EISDIR);
	f = fopen(path, "rb");
	if (f == NULL)
		return (errno);
	for (;;) {
		if (len + 1 >= cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			if (buf == NULL)
				sim_oom();
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0)
			break;
	}
	fclose(f);
	buf[len] = '\0';
	*ret = buf;
	*ret_len = len;
	return (0);
}
