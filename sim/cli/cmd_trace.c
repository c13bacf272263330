/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * evsim trace DB: prints the canonical text trace of a run, one transition a
 * line, the form the trace hash is computed over, streamed from the
 * database.
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
	struct tracedb_cursor *cur;
	struct tracerows_row row;
	size_t len;
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
	/* Streamed: memory does not grow with the run. */
	cur = tracedb_cursor_open(db, run, 1);
	while ((rc = tracedb_cursor_next(cur, &row)) == 1) {
		const char *line = tracedb_cursor_line(cur, &len);

		if (fwrite(line, 1, len, stdout) != len)
			break;
	}
	tracedb_cursor_close(cur);
	tracedb_close(db);
	if (rc < 0)
		return (EXIT_USAGE);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "evsim: trace: write error\n");
		return (EXIT_USAGE);
	}
	return (0);
}
