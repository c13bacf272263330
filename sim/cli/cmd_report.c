/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * evsim report DB: writes a state-trace report of a run (reports/) to
 * stdout or, atomically, to -o PATH.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "report.h"

int
cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "run", required_argument, NULL, 'r' },
		{ "against", required_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'f' },
		{ "states", required_argument, NULL, 's' },
		{ "around", required_argument, NULL, 'A' },
		{ "from", required_argument, NULL, 'F' },
		{ "to", required_argument, NULL, 'T' },
		{ "object", required_argument, NULL, 'O' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum report_format fmt = REPORT_HTML;
	struct report_opts ro;
	int64_t run = 0, against = 0;
	const char *out = NULL, *states = NULL;
	char err[1024], tmp[4096] = "";
	FILE *f = stdout;
	int c, rc, tfd = -1;

	memset(&ro, 0, sizeof(ro));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "r:a:f:s:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'A':
		case 'F':
		case 'T': {
			const char *name = c == 'A' ? "--around"
			    : c == 'F'		    ? "--from"
						    : "--to";
			uint64_t v;

			if (cli_parse_u64(optarg, &v) != 0 || v == 0
			    || v > INT64_MAX)
				return (cli_usage_error("report",
				    "%s: '%s' is not a seq (a positive "
				    "integer)",
				    name, optarg));
			*(c == 'A'	   ? &ro.around
				: c == 'F' ? &ro.from
					   : &ro.to)
			    = (int64_t)v;
			break;
		}
		case 'O':
			ro.object = optarg;
			break;
		case 'r':
			if ((rc = cli_parse_run_id(
				 "report", "--run: ", optarg, &run))
			    != 0)
				return (rc);
			break;
		case 'a':
			if ((rc = cli_parse_run_id(
				 "report", "--against: ", optarg, &against))
			    != 0)
				return (rc);
			break;
		case 'f':
			if (report_format_parse(optarg, &fmt) != 0) {
				return (cli_usage_error("report",
				    "--format: '%s' is not one of html, md, "
				    "text, dot",
				    optarg));
			}
			break;
		case 's':
			states = optarg;
			fmt = REPORT_DOT;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			printf("usage: evsim report DB [--run ID] [-o PATH] "
			       "[--format html|md|text]\n"
			       "                  [--against ID] [--states "
			       "KIND]\n"
			       "                  [--around SEQ] [--from SEQ] "
			       "[--to SEQ] [--object NAME]\n\n"
			       "Writes a state-trace report of a run (the "
			       "latest by default) from the\n"
			       "database alone; --against renders two runs "
			       "side by side; --states\nwrites the observed "
			       "state machine of one object kind as "
			       "Graphviz DOT.\n"
			       "A report holds a window of at most 5000 "
			       "transitions (around the failure\nby default) "
			       "and an overview of the whole run; --around, "
			       "--from and --to\nchoose the window, --object "
			       "keeps one object's transitions.\n\n"
			       "examples:\n"
			       "  evsim report evsim.db -o run.html\n"
			       "  evsim report evsim.db --around 120000 -o "
			       "around.html\n"
			       "  evsim report evsim.db --object knote#2 "
			       "--format text\n"
			       "  evsim report evsim.db --run 2 --format text\n"
			       "  evsim report evsim.db --run 1 --against 2 "
			       "--format md -o diff.md\n"
			       "  evsim report evsim.db --states knote | dot "
			       "-Tsvg > knote.svg\n");
			return (0);
		default:
			return (cli_bad_option("report", argv));
		}
	}
	if (optind != argc - 1)
		return (cli_usage_error("report", "expected one DB"));
	if (ro.around != 0 && (ro.from != 0 || ro.to != 0))
		return (cli_usage_error(
		    "report", "--around cannot be used with --from or --to"));
	if (ro.from != 0 && ro.to != 0 && ro.from > ro.to)
		return (cli_usage_error("report",
		    "--from %" PRId64 " is after --to %" PRId64, ro.from,
		    ro.to));
	if (against != 0
	    && (ro.around != 0 || ro.from != 0 || ro.to != 0
		|| ro.object != NULL))
		return (cli_usage_error("report",
		    "--against compares whole runs: no --around, --from, "
		    "--to or --object"));
	ro.run_id = run;
	ro.against_run_id = against;
	ro.states_kind = states;
	/*
	 * Write to a temporary file next to PATH and rename it on success,
	 * so that a failed report never leaves a partial file behind nor
	 * removes anything that was there (PATH may be a device).
	 */
	if (out != NULL) {
		snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", out);
		tfd = mkstemp(tmp);
		if (tfd >= 0) {
			/* mkstemp makes 0600; give the usual 0666 & ~umask. */
			mode_t um = umask(0);

			umask(um);
			(void)fchmod(tfd, 0666 & ~um);
		}
		if (tfd < 0 || (f = fdopen(tfd, "w")) == NULL) {
			/* Not a folder we can write to: write PATH itself. */
			if (tfd >= 0) {
				close(tfd);
				unlink(tmp);
			}
			tmp[0] = '\0';
			if ((f = fopen(out, "w")) == NULL) {
				fprintf(stderr, "evsim: %s: %s\n", out,
				    strerror(errno));
				return (EXIT_USAGE);
			}
		}
	}
	rc = report_write_opts(argv[optind], &ro, fmt, f, err, sizeof(err));
	if (f != stdout && fclose(f) != 0 && rc == 0) {
		snprintf(err, sizeof(err), "%s: %s", out, strerror(errno));
		rc = EIO;
	}
	if (out != NULL && tmp[0] != '\0') {
		if (rc == 0 && rename(tmp, out) != 0) {
			snprintf(
			    err, sizeof(err), "%s: %s", out, strerror(errno));
			rc = EIO;
		}
		if (rc != 0)
			unlink(tmp);
	}
	if (rc != 0) {
		fprintf(stderr, "evsim: %s\n", err);
		return (EXIT_USAGE);
	}
	if (out != NULL)
		printf("wrote %s\n", out);
	return (0);
}
