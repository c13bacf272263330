/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * evsim merge OUT IN...: copies every run of the IN databases into OUT
 * (created if missing) through tracedb_merge.  Each input is checked to be
 * an evsim database of the same schema version before OUT is touched; a bad
 * input is refused with a one-line error.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "tracedb.h"

int
cmd_merge(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char err[1200];
	int c, i, k;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			printf("usage: evsim merge OUT IN...\n\n"
			       "Copies every run of the IN databases (with "
			       "their trace, syscalls, decisions\nand "
			       "threads) into OUT, created if missing, "
			       "numbering them after OUT's runs.\n\n"
			       "examples:\n"
			       "  evsim merge all.db monday.db tuesday.db\n"
			       "  evsim merge shards.db shard0.db shard1.db "
			       "shard2.db\n");
			return (0);
		default:
			return (cli_bad_option("merge", argv));
		}
	}
	/* The positional arguments, as argv[1...]. */
	argc -= optind - 1;
	argv += optind - 1;
	if (argc < 3)
		return (cli_usage_error("merge",
		    "expected OUT IN... (see "
		    "evsim merge --help)"));
	/* Every input is checked before OUT is touched. */
	for (i = 2; i < argc; i++) {
		if (tracedb_check_file(argv[i], err, sizeof(err)) != 0) {
			fprintf(stderr, "evsim merge: %s\n", err);
			return (EXIT_USAGE);
		}
		for (k = 1; k < i; k++)
			if (strcmp(argv[k], argv[i]) == 0) {
				fprintf(stderr,
				    "evsim merge: %s: given twice (or as "
				    "OUT)\n",
				    argv[i]);
				return (EXIT_USAGE);
			}
	}
	if (access(argv[1], F_OK) == 0
	    && tracedb_check_file(argv[1], err, sizeof(err)) != 0) {
		fprintf(stderr, "evsim merge: %s\n", err);
		return (EXIT_USAGE);
	}
	for (i = 2; i < argc; i++) {
		int64_t first = 0;
		size_t n = 1;

		if (tracedb_merge(
			argv[1], argv[i], NULL, 0, &first, &n, err, sizeof(err))
		    != 0) {
			fprintf(stderr, "evsim merge: %s\n", err);
			return (EXIT_USAGE);
		}
		if (n == 0)
			printf("%s: no runs\n", argv[i]);
		else
			printf("%s: %zu run(s) merged into %s as runs %" PRId64
			       "..%" PRId64 "\n",
			    argv[i], n, argv[1], first, first + (int64_t)n - 1);
	}
	return (0);
}
