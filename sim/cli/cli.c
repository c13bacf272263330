/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helpers shared by the evsim subcommands that read a trace database (see
 * cli.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "simrun.h"
#include "tracedb.h"

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
