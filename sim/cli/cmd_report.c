/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * evsim report DB: writes a state-trace report of a run (reports/) to
 * stdout or, atomically, to -o PATH.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "report.h"

/* What the command line asks of one report. */
struct report_cli {
	struct report_opts ro;
	enum report_format fmt;
	int64_t run, against;
	const char *out, *states, *db;
};

/* Prints the --help text. */
static void
usage(void)
{
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
}

/* Parses the value of --around, --from or --to (option c) into rc. */
static int
parse_seq(int c, const char *arg, struct report_cli *rc)
{
	const char *name = c == 'A' ? "--around" : c == 'F' ? "--from" : "--to";
	uint64_t v;

	if (cli_parse_u64(arg, &v) != 0 || v == 0 || v > INT64_MAX)
		return (cli_usage_error("report",
		    "%s: '%s' is not a seq (a positive "
		    "integer)",
		    name, arg));
	*(c == 'A'	   ? &rc->ro.around
		: c == 'F' ? &rc->ro.from
			   : &rc->ro.to)
	    = (int64_t)v;
	return (0);
}

/* Checks the combination of window options once all are parsed. */
static int
check_window(const struct report_cli *rc)
{
	const struct report_opts *ro = &rc->ro;

	if (ro->around != 0 && (ro->from != 0 || ro->to != 0))
		return (cli_usage_error(
		    "report", "--around cannot be used with --from or --to"));
	if (ro->from != 0 && ro->to != 0 && ro->from > ro->to)
		return (cli_usage_error("report",
		    "--from %" PRId64 " is after --to %" PRId64, ro->from,
		    ro->to));
	if (rc->against != 0
	    && (ro->around != 0 || ro->from != 0 || ro->to != 0
		|| ro->object != NULL))
		return (cli_usage_error("report",
		    "--against compares whole runs: no --around, --from, "
		    "--to or --object"));
	return (0);
}

/* Parses argv into rc; 0, or the exit status of --help or a usage error. */
static int
report_parse(int argc, char **argv, struct report_cli *rc, bool *done)
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
	int c, error;

	memset(rc, 0, sizeof(*rc));
	rc->fmt = REPORT_HTML;
	*done = false;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "r:a:f:s:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'A':
		case 'F':
		case 'T':
			if ((error = parse_seq(c, optarg, rc)) != 0)
				return (error);
			break;
		case 'O':
			rc->ro.object = optarg;
			break;
		case 'r':
			if ((error = cli_parse_run_id(
				 "report", "--run: ", optarg, &rc->run))
			    != 0)
				return (error);
			break;
		case 'a':
			if ((error = cli_parse_run_id(
				 "report", "--against: ", optarg, &rc->against))
			    != 0)
				return (error);
			break;
		case 'f':
			if (report_format_parse(optarg, &rc->fmt) != 0) {
				return (cli_usage_error("report",
				    "--format: '%s' is not one of html, md, "
				    "text, dot",
				    optarg));
			}
			break;
		case 's':
			rc->states = optarg;
			rc->fmt = REPORT_DOT;
			break;
		case 'o':
			rc->out = optarg;
			break;
		case 'h':
			usage();
			*done = true;
			return (0);
		default:
			return (cli_bad_option("report", argv));
		}
	}
	if (optind != argc - 1)
		return (cli_usage_error("report", "expected one DB"));
	if ((error = check_window(rc)) != 0)
		return (error);
	rc->db = argv[optind];
	rc->ro.run_id = rc->run;
	rc->ro.against_run_id = rc->against;
	rc->ro.states_kind = rc->states;
	return (0);
}

/*
 * Opens the output for PATH out: a temporary file next to it (its name in
 * tmp) that is renamed on success, so that a failed report never leaves a
 * partial file behind nor removes anything that was there; or PATH itself
 * when it is not a regular file (a device, a pipe, a symbolic link such as
 * /dev/stdout, which a rename would replace) or no temporary file can be
 * made there.
 */
static int
open_output(const char *out, char *tmp, size_t tmplen, FILE **fp)
{
	struct stat sb;
	FILE *f = NULL;
	int tfd = -1;

	snprintf(tmp, tmplen, "%s.tmp-XXXXXX", out);
	if (lstat(out, &sb) != 0 || S_ISREG(sb.st_mode))
		tfd = mkstemp(tmp);
	if (tfd >= 0) {
		/* mkstemp makes 0600; give the usual 0666 & ~umask. */
		mode_t um = umask(0);

		umask(um);
		(void)fchmod(tfd, 0666 & ~um);
	}
	if (tfd < 0 || (f = fdopen(tfd, "w")) == NULL) {
		/* Not a regular file, or no room for a temporary: PATH. */
		if (tfd >= 0) {
			close(tfd);
			unlink(tmp);
		}
		tmp[0] = '\0';
		if ((f = fopen(out, "w")) == NULL) {
			fprintf(
			    stderr, "evsim: %s: %s\n", out, strerror(errno));
			return (EXIT_USAGE);
		}
	}
	*fp = f;
	return (0);
}

int
cmd_report(int argc, char **argv)
{
	struct report_cli rc;
	char err[1024], tmp[4096] = "";
	FILE *f = stdout;
	bool done;
	int error;

	error = report_parse(argc, argv, &rc, &done);
	if (error != 0 || done)
		return (error);
	if (rc.out != NULL
	    && (error = open_output(rc.out, tmp, sizeof(tmp), &f)) != 0)
		return (error);
	error = report_write_opts(rc.db, &rc.ro, rc.fmt, f, err, sizeof(err));
	if (f != stdout && fclose(f) != 0 && error == 0) {
		snprintf(err, sizeof(err), "%s: %s", rc.out, strerror(errno));
		error = EIO;
	}
	if (rc.out != NULL && tmp[0] != '\0') {
		if (error == 0 && rename(tmp, rc.out) != 0) {
			snprintf(err, sizeof(err), "%s: %s", rc.out,
			    strerror(errno));
			error = EIO;
		}
		if (error != 0)
			unlink(tmp);
	}
	if (error != 0) {
		fprintf(stderr, "evsim: %s\n", err);
		return (EXIT_USAGE);
	}
	if (rc.out != NULL)
		printf("wrote %s\n", rc.out);
	return (0);
}
