/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * evsim trace DB: prints the canonical text trace of a run, one transition a
 * line, the form the trace hash is computed over.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "tracedb.h"

int
cmd_trace(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "run", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tracedb *db;
	char **lines;
	size_t n, k;
	int64_t run = 0;
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "r:h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if ((rc = cli_parse_run_id(
				 "trace", "--run: ", optarg, &run))
			    != 0)
				return (rc);
			break;
		case 'h':
			printf("usage: evsim trace DB [--run ID]\n\n"
			       "Prints the canonical text trace of a run (the "
			       "latest by default):\none transition a line, "
			       "the form the trace hash is computed over.\n\n"
			       "examples:\n"
			       "  evsim trace evsim.db\n"
			       "  evsim trace evsim.db --run 3 | grep "
			       "kn_status\n");
			return (0);
		default:
			return (cli_bad_option("trace", argv));
		}
	}
	if (optind != argc - 1)
		return (cli_usage_error("trace", "expected one DB"));
	if ((rc = cli_open_db(argv[optind], &run, &db)) != 0)
		return (rc);
	tracedb_lines(db, run, &lines, &n);
	for (k = 0; k < n; k++)
		fputs(lines[k], stdout);
	tracedb_lines_free(lines, n);
	tracedb_close(db);
	return (0);
}
