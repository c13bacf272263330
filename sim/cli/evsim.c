/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The evsim command (SPEC.md section 4): run, list, trace, report and
 * replay.  Exit status: 0 passed, 1 the scenario failed, 2 usage, script or
 * input error, 3 replay diverged.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <lauxlib.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "evsim_config.h"
#include "kernel.h"
#include "lhost.h"
#include "report.h"
#include "simrun.h"
#include "trace.h"

void sim_lua_register(lua_State *L);

static void
usage_main(FILE *f)
{
	fprintf(f,
	    "usage: evsim COMMAND [ARGS]\n"
	    "\n"
	    "A deterministic simulator of FreeBSD kqueue and illumos event "
	    "ports.\n"
	    "\n"
	    "commands:\n"
	    "  run FILE      run one scenario and record it\n"
	    "  list DIR      list the scenarios under DIR\n"
	    "  trace DB      print a run's canonical text trace\n"
	    "  report DB     write a state-trace report (html, md, text, "
	    "dot)\n"
	    "  replay DB     re-execute a recorded run from the database and "
	    "compare\n"
	    "  explore FILE  search schedules for failures (random, "
	    "pct[:D], dfs[:B])\n"
	    "  merge OUT IN...  copy the runs of evsim databases into OUT\n"
	    "  diff DB A B   first differing transition of two runs, then an "
	    "aligned diff\n"
	    "  coverage DB   state transitions seen in a database, and the "
	    "allowed ones never seen\n"
	    "  failpoints    the fail points of a kernel, with their errno\n"
	    "\n"
	    "evsim COMMAND --help describes a command; evsim --version prints "
	    "the version.\n"
	    "Exit status: 0 passed, 1 scenario failed, 2 usage or input "
	    "error, 3 replay diverged.\n");
}

static int
parse_strategy(const char *s, enum sched_strategy *st, int *depth)
{
	if (strcmp(s, "fifo") == 0)
		*st = SCHED_FIFO;
	else if (strcmp(s, "random") == 0)
		*st = SCHED_RANDOM;
	else if (strncmp(s, "pct", 3) == 0) {
		*st = SCHED_PCT;
		*depth = 3;
		if (s[3] == ':') {
			char *end;
			long d = strtol(s + 4, &end, 10);

			if (*end != '\0' || d < 1 || d > 16)
				return (EINVAL);
			*depth = (int)d;
		} else if (s[3] != '\0')
			return (EINVAL);
	} else
		return (EINVAL);
	return (0);
}

static int
parse_u64(const char *s, uint64_t *ret)
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

static char *
join_args(int argc, char **argv)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = calloc(1, len);
	if (s == NULL)
		sim_oom();
	for (i = 0; i < argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return (s);
}

static int
status_exit(enum sched_status st)
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

static void
print_result(const struct sim_run_result *r, bool recorded)
{
	if (recorded)
		printf("run %" PRId64 ": ", r->run_id);
	printf("%s  %s  kernel %s  seed %" PRIu64 "\n", r->scenario,
	    sched_status_name(r->status), r->kernel, r->seed);
	if (r->message[0] != '\0')
		printf("  %s\n", r->message);
	printf("  vtime %" PRId64 " ns  transitions %" PRIu64
	       "  syscalls %" PRIu64 "  decisions %" PRIu64 "  trace_hash %s\n",
	    r->vtime_end_ns, r->transitions, r->syscalls, r->decisions,
	    r->trace_hash);
}

static int
cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "db", required_argument, NULL, 'd' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "strategy", required_argument, NULL, 'S' },
		{ "no-record", no_argument, NULL, 'n' },
		{ "trace-out", required_argument, NULL, 't' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "check", no_argument, NULL, 'c' },
		{ "no-check", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "failpoint", required_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	const char *fps[64];
	struct sim_run_opts o;
	struct sim_run_result r;
	struct trace *t = NULL;
	const char *db = "evsim.db", *trace_out = NULL;
	FILE *tf = NULL;
	char err[1200], *src, *args;
	int c, error;

	memset(&o, 0, sizeof(o));
	o.strategy = SCHED_FIFO;
	optind = 1;
	o.failpoints = fps;
	while ((c = getopt_long(argc, argv, "s:d:k:S:nt:qcChF:", opts, NULL))
	    != -1) {
		switch (c) {
		case 'F': /* --failpoint NAME=SPEC, checked by sim_run() */
			if (o.nfailpoints
			    == (int)(sizeof(fps) / sizeof(fps[0]))) {
				fprintf(stderr,
				    "evsim run: too many --failpoint\n");
				return (EXIT_USAGE);
			}
			fps[o.nfailpoints++] = optarg;
			break;
		case 's':
			if (parse_u64(optarg, &o.seed) != 0) {
				fprintf(stderr,
				    "evsim run: --seed: '%s' is not a "
				    "non-negative integer\n",
				    optarg);
				return (EXIT_USAGE);
			}
			o.have_seed = true;
			break;
		case 'd':
			db = optarg;
			break;
		case 'k':
			if (sim_revision_find(optarg) == NULL) {
				char known[512];

				sim_revision_names(known, sizeof(known));
				fprintf(stderr,
				    "evsim run: --kernel: unknown kernel '%s' "
				    "(known: %s)\n",
				    optarg, known);
				return (EXIT_USAGE);
			}
			o.kernel = optarg;
			break;
		case 'S':
			if (parse_strategy(optarg, &o.strategy, &o.pct_depth)
			    != 0) {
				fprintf(stderr,
				    "evsim run: --strategy: '%s' is not one of "
				    "fifo, random, pct[:D]\n",
				    optarg);
				return (EXIT_USAGE);
			}
			break;
		case 'n':
			db = NULL;
			break;
		case 't':
			trace_out = optarg;
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'c':
			o.check = true;
			break;
		case 'C':
			o.check = false;
			break;
		case 'h':
			printf("usage: evsim run FILE [--seed N] [--db PATH] "
			       "[--kernel K] [--strategy S]\n"
			       "                 [--failpoint NAME=SPEC]...\n"
			       "                 [--no-record] [--trace-out "
			       "PATH] [--quiet] [--check|--no-check]\n\n"
			       "Runs one scenario and records every "
			       "transition into the database\n"
			       "(default evsim.db).  Kernels: see README "
			       "(freebsd, illumos and revisions like\n"
			       "freebsd@b11289f).\n"
			       "Strategies: fifo (default), random, "
			       "pct[:D].\n"
			       "--check verifies the global kernel invariants "
			       "at every decision (default off).\n");
			return (0);
		default:
			return (EXIT_USAGE);
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr,
		    "evsim run: expected one scenario FILE (see "
		    "evsim run --help)\n");
		return (EXIT_USAGE);
	}
	o.path = argv[optind];
	error = cli_read_file(o.path, &src, &o.source_len);
	if (error != 0) {
		fprintf(stderr, "evsim: %s: %s\n", o.path, strerror(error));
		return (EXIT_USAGE);
	}
	o.source = src;
	if (trace_open(&t, db, err, sizeof(err)) != 0) {
		fprintf(stderr, "evsim: %s\n", err);
		free(src);
		return (EXIT_USAGE);
	}
	if (trace_out != NULL) {
		tf = fopen(trace_out, "w");
		if (tf == NULL) {
			fprintf(stderr, "evsim: %s: %s\n", trace_out,
			    strerror(errno));
			trace_close(t);
			free(src);
			return (EXIT_USAGE);
		}
		trace_set_text_out(t, tf);
	}
	o.trace = t;
	args = join_args(argc, argv);
	o.args = args;
	error = sim_run(&o, &r, err, sizeof(err));
	fflush(stdout);
	trace_close(t);
	if (tf != NULL)
		fclose(tf);
	free(args);
	free(src);
	if (error != 0) {
		fprintf(stderr, "evsim: %s\n", err);
		return (EXIT_USAGE);
	}
	print_result(&r, db != NULL);
	return (status_exit(r.status));
}

/* Loads a scenario without running it: name and kernel for `list`. */
static int
peek(const char *path, char *name, size_t nlen, char *kernel, size_t klen,
    char *err, size_t errlen)
{
	struct lhost_config lc;
	struct lhost *h;
	lua_State *L;
	char *src;
	size_t len;
	int error;

	error = cli_read_file(path, &src, &len);
	if (error != 0) {
		snprintf(err, errlen, "%s", strerror(error));
		return (error);
	}
	memset(&lc, 0, sizeof(lc));
	lc.instr_budget = 10000000;
	if (lhost_new(&h, &lc) != 0)
		sim_oom();
	L = lhost_lua(h);
	sim_lua_register(L);
	error = lhost_load(h, path, src, len, err, errlen);
	free(src);
	if (error == 0 && !lua_istable(L, -1)) {
		snprintf(err, errlen, "does not return a table");
		error = EINVAL;
	}
	if (error == 0) {
		lua_getfield(L, -1, "name");
		snprintf(name, nlen, "%s",
		    lua_isstring(L, -1) ? lua_tostring(L, -1) : "(no name)");
		lua_pop(L, 1);
		lua_getfield(L, -1, "kernel");
		snprintf(kernel, klen, "%s",
		    lua_isstring(L, -1) ? lua_tostring(L, -1) : "freebsd");
		lua_pop(L, 1);
	}
	lhost_free(h);
	return (error);
}

static int
namecmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

static int
list_dir(const char *dir, int *nbad)
{
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	DIR *d = opendir(dir);

	if (d == NULL) {
		fprintf(stderr, "evsim: %s: %s\n", dir, strerror(errno));
		return (EXIT_USAGE);
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			names = realloc(names, cap * sizeof(*names));
			if (names == NULL)
				sim_oom();
		}
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), namecmp);
	for (i = 0; i < n; i++) {
		char path[4096], name[256], kernel[64], err[1024];
		struct stat sb;
		size_t l = strlen(names[i]);

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			if (strcmp(names[i], "lib") != 0)
				list_dir(path, nbad);
		} else if (l > 4 && strcmp(names[i] + l - 4, ".lua") == 0) {
			if (peek(path, name, sizeof(name), kernel,
				sizeof(kernel), err, sizeof(err))
			    == 0)
				printf("%-50s %-16s %s\n", name, kernel, path);
			else {
				fprintf(stderr, "evsim: %s: %s\n", path, err);
				(*nbad)++;
			}
		}
		free(names[i]);
	}
	free(names);
	return (0);
}

static int
cmd_list(int argc, char **argv)
{
	int nbad = 0, rc;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf("usage: evsim list DIR\n\nPrints name, kernel and path "
		       "of every scenario under DIR without running it.\n");
		return (0);
	}
	if (argc != 2) {
		fprintf(stderr, "evsim list: expected one DIR\n");
		return (EXIT_USAGE);
	}
	rc = list_dir(argv[1], &nbad);
	return (rc != 0 ? rc : nbad > 0 ? EXIT_USAGE : 0);
}

static int
parse_run_id(const char *s, int64_t *run)
{
	uint64_t v;

	if (parse_u64(s, &v) != 0 || v == 0 || v > INT64_MAX) {
		fprintf(stderr, "evsim: --run: '%s' is not a run id\n", s);
		return (EXIT_USAGE);
	}
	*run = (int64_t)v;
	return (0);
}

static int
cmd_trace(int argc, char **argv)
{
	sqlite3 *db;
	int64_t run = 0;
	const char *path = NULL;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			printf("usage: evsim trace DB [--run ID]\n\nPrints the "
			       "canonical text trace of a run (the latest by "
			       "default):\none transition a line, the form "
			       "the trace hash is computed over.\n");
			return (0);
		} else if (strcmp(argv[i], "--run") == 0 && i + 1 < argc) {
			if ((rc = parse_run_id(argv[++i], &run)) != 0)
				return (rc);
		} else if (path == NULL && argv[i][0] != '-')
			path = argv[i];
		else {
			fprintf(stderr, "evsim trace: bad argument '%s'\n",
			    argv[i]);
			return (EXIT_USAGE);
		}
	}
	if (path == NULL) {
		fprintf(stderr, "evsim trace: expected DB\n");
		return (EXIT_USAGE);
	}
	if ((rc = cli_open_db(path, &run, &db)) != 0)
		return (rc);
	{
		char **lines;
		size_t n, k;

		cli_load_lines(db, run, &lines, &n);
		for (k = 0; k < n; k++)
			fputs(lines[k], stdout);
		cli_free_lines(lines, n);
	}
	sqlite3_close(db);
	return (0);
}

static int
cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "run", required_argument, NULL, 'r' },
		{ "against", required_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'f' },
		{ "states", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum report_format fmt = REPORT_HTML;
	int64_t run = 0, against = 0;
	const char *out = NULL, *states = NULL;
	char err[1024], tmp[4096] = "";
	FILE *f = stdout;
	int c, rc, tfd = -1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "r:a:f:s:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if ((rc = parse_run_id(optarg, &run)) != 0)
				return (rc);
			break;
		case 'a':
			if ((rc = parse_run_id(optarg, &against)) != 0)
				return (rc);
			break;
		case 'f':
			if (report_format_parse(optarg, &fmt) != 0) {
				fprintf(stderr,
				    "evsim report: --format: '%s' is not one "
				    "of html, md, text, dot\n",
				    optarg);
				return (EXIT_USAGE);
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
			       "KIND]\n\n"
			       "Writes a state-trace report of a run (the "
			       "latest by default) from the\n"
			       "database alone; --against renders two runs "
			       "side by side; --states\nwrites the observed "
			       "state machine of one object kind as "
			       "Graphviz DOT.\n");
			return (0);
		default:
			return (EXIT_USAGE);
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "evsim report: expected one DB\n");
		return (EXIT_USAGE);
	}
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
	rc = report_write(
	    argv[optind], run, against, fmt, states, f, err, sizeof(err));
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

int cmd_replay(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_explore(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_coverage(int argc, char **argv);
int cmd_failpoints(int argc, char **argv);

int
main(int argc, char **argv)
{
	if (argc < 2) {
		usage_main(stderr);
		return (EXIT_USAGE);
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0
	    || strcmp(argv[1], "help") == 0) {
		usage_main(stdout);
		return (0);
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("evsim %s (fibers: %s)\n", EVSIM_VERSION, "asm");
		return (0);
	}
	if (strcmp(argv[1], "run") == 0)
		return (cmd_run(argc - 1, argv + 1));
	if (strcmp(argv[1], "list") == 0)
		return (cmd_list(argc - 1, argv + 1));
	if (strcmp(argv[1], "trace") == 0)
		return (cmd_trace(argc - 1, argv + 1));
	if (strcmp(argv[1], "report") == 0)
		return (cmd_report(argc - 1, argv + 1));
	if (strcmp(argv[1], "replay") == 0)
		return (cmd_replay(argc - 1, argv + 1));
	if (strcmp(argv[1], "diff") == 0)
		return (cmd_diff(argc - 1, argv + 1));
	if (strcmp(argv[1], "explore") == 0)
		return (cmd_explore(argc - 1, argv + 1));
	if (strcmp(argv[1], "merge") == 0)
		return (cmd_merge(argc - 1, argv + 1));
	if (strcmp(argv[1], "coverage") == 0)
		return (cmd_coverage(argc - 1, argv + 1));
	if (strcmp(argv[1], "failpoints") == 0)
		return (cmd_failpoints(argc - 1, argv + 1));
	fprintf(stderr, "evsim: unknown command '%s' (see evsim --help)\n",
	    argv[1]);
	return (EXIT_USAGE);
}
