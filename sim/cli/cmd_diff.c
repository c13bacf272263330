/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * evsim diff DB RUN_A RUN_B: compares two runs' canonical traces, ignoring
 * the sequence number and virtual time columns' positions only as far as
 * they are part of the line (they are compared too).  Prints the first
 * differing transition with the preceding context, then the two runs side
 * by side from there, aligned by a longest-common-subsequence diff over the
 * lines without their sequence numbers (report_align, the alignment of the
 * reports' diffs), so one inserted transition does not misalign everything
 * after it.  Exit 0 identical, 1 different, 2 error.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h"
#include "simrun.h"
#include "tracedb.h"

#define DIFF_CONTEXT 5
#define DIFF_WINDOW 400 /* lines of each run aligned after the difference */

/* The line without its leading "seq TAB". */
static const char *
body(const char *line)
{
	const char *t = strchr(line, '\t');

	return (t != NULL ? t + 1 : line);
}

/* Line i of run A equals line j of run B but for the sequence number. */
static bool
body_eq(size_t i, size_t j, void *arg)
{
	char ***ab = arg;

	return (strcmp(body(ab[0][i]), body(ab[1][j])) == 0);
}

static void
show(const char *prefix, const char *line)
{
	printf("%s %.*s\n", prefix, (int)strcspn(line, "\n"), line);
}

int
cmd_diff(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tracedb *db;
	char **a, **b, err[1200];
	struct report_pair *pair;
	char **ab[2];
	size_t na, nb, i, first, wa, wb, np = 0;
	int64_t ra, rb;
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			printf("usage: evsim diff DB RUN_A RUN_B\n\n"
			       "Prints the first differing transition of two "
			       "runs with context, then an aligned\n"
			       "diff.  Exit 0 identical, 1 different.\n\n"
			       "examples:\n"
			       "  evsim diff evsim.db 1 2\n"
			       "  evsim run race.lua --kernel freebsd@b11289f "
			       "--db d.db; evsim run race.lua \\\n"
			       "      --kernel freebsd --db d.db; evsim diff "
			       "d.db 1 2\n");
			return (0);
		default:
			return (cli_bad_option("diff", argv));
		}
	}
	if (argc - optind != 3)
		return (cli_usage_error("diff", "expected DB RUN_A RUN_B"));
	if ((rc = cli_parse_run_id("diff", "", argv[optind + 1], &ra)) != 0
	    || (rc = cli_parse_run_id("diff", "", argv[optind + 2], &rb)) != 0)
		return (rc);
	if ((rc = cli_open_db(argv[optind], &ra, &db)) != 0)
		return (rc);
	if ((rc = tracedb_run_resolve(db, &rb, err, sizeof(err))) != 0) {
		fprintf(stderr, "evsim: %s\n", err);
		tracedb_close(db);
		return (EXIT_USAGE);
	}
	tracedb_lines(db, ra, &a, &na);
	tracedb_lines(db, rb, &b, &nb);
	tracedb_close(db);
	ab[0] = a;
	ab[1] = b;
	for (first = 0; first < na && first < nb; first++)
		if (strcmp(a[first], b[first]) != 0)
			break;
	if (first == na && first == nb) {
		printf("runs %" PRId64 " and %" PRId64
		       " are identical (%zu transitions)\n",
		    ra, rb, na);
		tracedb_lines_free(a, na);
		tracedb_lines_free(b, nb);
		return (0);
	}
	printf("runs %" PRId64 " and %" PRId64
	       " differ first at transition %zu (of %zu and %zu)\n",
	    ra, rb, first + 1, na, nb);
	for (i = first > DIFF_CONTEXT ? first - DIFF_CONTEXT : 0; i < first;
	     i++)
		show(" ", a[i]);
	show("-", first < na ? a[first] : "(end of run)");
	show("+", first < nb ? b[first] : "(end of run)");
	/* Aligned diff of the window after the first difference. */
	wa = na - first < DIFF_WINDOW ? na - first : DIFF_WINDOW;
	wb = nb - first < DIFF_WINDOW ? nb - first : DIFF_WINDOW;
	pair = malloc((wa + wb + 1) * sizeof(*pair));
	if (pair == NULL
	    || report_align(first, wa, wb, body_eq, ab, pair, &np) != 0)
		sim_oom();
	printf("\naligned (run %" PRId64 " '-', run %" PRId64
	       " '+', first %d lines of each):\n",
	    ra, rb, DIFF_WINDOW);
	for (i = 0; i < np; i++) {
		if (pair[i].a == SIZE_MAX)
			show("+", b[pair[i].b]);
		else if (pair[i].b == SIZE_MAX)
			show("-", a[pair[i].a]);
		else
			show(" ", a[pair[i].a]);
	}
	free(pair);
	tracedb_lines_free(a, na);
	tracedb_lines_free(b, nb);
	return (EXIT_FAILED);
}
