/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * evsim explore FILE: searches schedules for failures.  Each schedule is a
 * run of the scenario under the 'random' or 'pct:D' strategy with its own
 * seed (base seed + schedule number), executed without recording; a failing
 * schedule is executed again with recording (same seed and strategy, hence
 * the same trace) so that it can be replayed and reported.  Failures are
 * grouped by signature: status, kernel function and message without its
 * "(at vtime ...)" suffix.  The host clock is read here only for the time
 * budget and the progress line, never inside a run.
 * XXX: dfs:B, shrinking, --jobs and --shard are not implemented yet
 * (issue 7); pct's probability bound is printed from the estimated steps.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "kernel.h"
#include "simrun.h"
#include "trace.h"

#define MAXSIG 64

struct failsig {
	char status[16];
	char func[64];
	char msg[512];
	uint64_t count;
	uint64_t first_seed;
	int64_t run_id;
	uint64_t first_schedule;
};

static double
host_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static int
read_file(const char *path, char **ret, size_t *ret_len)
{
	FILE *f;
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	struct stat sb;

	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
		return (EISDIR);
	if ((f = fopen(path, "rb")) == NULL)
		return (errno);
	for (;;) {
		if (len + 1 >= cap) {
			cap = cap ? cap * 2 : 65536;
			if ((buf = realloc(buf, cap)) == NULL)
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

/* The message without the "(at vtime ...)" suffix that varies by run. */
static void
signature_msg(char *dst, size_t len, const char *msg)
{
	const char *at = strstr(msg, " (at vtime ");

	snprintf(
	    dst, len, "%.*s", at != NULL ? (int)(at - msg) : (int)len, msg);
}

int cmd_explore(int argc, char **argv);

int
cmd_explore(int argc, char **argv)
{
	struct failsig sigs[MAXSIG];
	struct sim_run_opts o;
	struct sim_run_result r;
	struct trace *t;
	const char *db = "evsim.db", *strategy = "random", *kernel = NULL;
	const char *path = NULL;
	uint64_t runs = 1000, base = 1, i, nfail = 0, steps_total = 0;
	double budget = 0, t0, last = 0;
	int nsigs = 0, keep_going = 0, depth = 3, tty = isatty(1), k;
	char *src = NULL, err[1200];
	size_t len = 0;

	memset(&o, 0, sizeof(o));
	for (k = 1; k < argc; k++) {
		const char *a = argv[k];
		char *end;

		if (strcmp(a, "--help") == 0) {
			printf("usage: evsim explore FILE [--runs N] [--time "
			       "SEC] [--strategy random|pct[:D]]\n"
			       "                     [--seed BASE] [--db PATH] "
			       "[--kernel K] [--keep-going]\n\n"
			       "Runs the scenario under many schedules (seeds "
			       "BASE, BASE+1, ...) until one\nfails "
			       "(or all, with --keep-going), records each "
			       "failing schedule into the\ndatabase and prints "
			       "how to replay and report it.\n");
			return (0);
		} else if (strcmp(a, "--runs") == 0 && k + 1 < argc) {
			runs = strtoull(argv[++k], &end, 10);
			if (*end != '\0' || runs == 0) {
				fprintf(stderr,
				    "evsim explore: --runs: bad "
				    "count\n");
				return (EXIT_USAGE);
			}
		} else if (strcmp(a, "--time") == 0 && k + 1 < argc) {
			budget = strtod(argv[++k], &end);
			if (*end != '\0' || budget <= 0) {
				fprintf(stderr,
				    "evsim explore: --time: bad "
				    "seconds\n");
				return (EXIT_USAGE);
			}
		} else if (strcmp(a, "--seed") == 0 && k + 1 < argc) {
			base = strtoull(argv[++k], &end, 10);
			if (*end != '\0') {
				fprintf(stderr,
				    "evsim explore: --seed: bad "
				    "seed\n");
				return (EXIT_USAGE);
			}
		} else if (strcmp(a, "--strategy") == 0 && k + 1 < argc) {
			strategy = argv[++k];
		} else if (strcmp(a, "--db") == 0 && k + 1 < argc) {
			db = argv[++k];
		} else if (strcmp(a, "--kernel") == 0 && k + 1 < argc) {
			kernel = argv[++k];
			if (sim_revision_find(kernel) == NULL) {
				fprintf(stderr,
				    "evsim explore: --kernel: unknown kernel "
				    "'%s'\n",
				    kernel);
				return (EXIT_USAGE);
			}
		} else if (strcmp(a, "--keep-going") == 0) {
			keep_going = 1;
		} else if (a[0] != '-' && path == NULL) {
			path = a;
		} else {
			fprintf(stderr,
			    "evsim explore: bad argument '%s' (see --help)\n",
			    a);
			return (EXIT_USAGE);
		}
	}
	if (path == NULL) {
		fprintf(stderr, "evsim explore: expected a scenario FILE\n");
		return (EXIT_USAGE);
	}
	if (strcmp(strategy, "random") == 0) {
		o.strategy = SCHED_RANDOM;
	} else if (strncmp(strategy, "pct", 3) == 0
	    && (strategy[3] == '\0'
		|| (strategy[3] == ':' && (depth = atoi(strategy + 4)) >= 1
		    && depth <= 16))) {
		o.strategy = SCHED_PCT;
		o.pct_depth = depth;
	} else {
		fprintf(stderr,
		    "evsim explore: --strategy: '%s' is not random or "
		    "pct[:D] (dfs is not implemented yet)\n",
		    strategy);
		return (EXIT_USAGE);
	}
	if ((k = read_file(path, &src, &len)) != 0) {
		fprintf(stderr, "evsim: %s: %s\n", path, strerror(k));
		return (EXIT_USAGE);
	}
	o.path = path;
	o.source = src;
	o.source_len = len;
	o.kernel = kernel;
	o.have_seed = true;
	o.quiet = true;
	if (trace_open(&t, NULL, err, sizeof(err)) != 0)
		sim_oom();
	t0 = host_now();
	for (i = 0; i < runs; i++) {
		double now = host_now();

		if (budget > 0 && now - t0 >= budget)
			break;
		if (now - last >= (tty ? 0.2 : 5.0) && i > 0) {
			char left[32] = "";

			if (budget > 0)
				snprintf(left, sizeof(left), ", %.0f s left",
				    budget - (now - t0));
			printf("%s%" PRIu64 " schedules, %.0f/s, %d distinct "
			       "failures%s%s",
			    tty ? "\r" : "", i, (double)i / (now - t0), nsigs,
			    left, tty ? "   " : "\n");
			fflush(stdout);
			last = now;
		}
		o.seed = base + i;
		o.trace = t;
		if (sim_run(&o, &r, err, sizeof(err)) != 0) {
			fprintf(stderr, "%sevsim: %s\n", tty ? "\n" : "", err);
			trace_close(t);
			free(src);
			return (EXIT_USAGE);
		}
		steps_total += r.decisions;
		if (r.status == SCHED_PASSED)
			continue;
		nfail++;
		{
			char msg[512];
			int s;

			signature_msg(msg, sizeof(msg), r.message);
			for (s = 0; s < nsigs; s++)
				if (strcmp(sigs[s].status,
					sched_status_name(r.status))
					== 0
				    && strcmp(sigs[s].func, r.fail_func) == 0
				    && strcmp(sigs[s].msg, msg) == 0)
					break;
			if (s < nsigs) {
				sigs[s].count++;
			} else if (nsigs < MAXSIG) {
				struct trace *rt;
				struct sim_run_result rr;

				memset(&sigs[s], 0, sizeof(sigs[s]));
				snprintf(sigs[s].status, sizeof(sigs[s].status),
				    "%s", sched_status_name(r.status));
				snprintf(sigs[s].func, sizeof(sigs[s].func),
				    "%s", r.fail_func);
				snprintf(sigs[s].msg, sizeof(sigs[s].msg), "%s",
				    msg);
				sigs[s].count = 1;
				sigs[s].first_seed = o.seed;
				sigs[s].first_schedule = i + 1;
				nsigs++;
				/* Record it: the same seed gives the same run.
				 */
				if (trace_open(&rt, db, err, sizeof(err))
				    != 0) {
					fprintf(stderr, "%sevsim: %s\n",
					    tty ? "\n" : "", err);
					trace_close(t);
					free(src);
					return (EXIT_USAGE);
				}
				o.trace = rt;
				o.args = "explore";
				if (sim_run(&o, &rr, err, sizeof(err)) == 0)
					sigs[s].run_id = rr.run_id;
				trace_close(rt);
				o.args = NULL;
			}
		}
		if (!keep_going)
			break;
	}
	if (tty && i > 0)
		printf("\r%*s\r", 70, "");
	{
		double el = host_now() - t0;
		uint64_t done
		    = i < runs ? i + (nfail > 0 && !keep_going) : runs;
		int s;

		printf("explored %" PRIu64
		       " schedules of %s (%s, seeds %" PRIu64
		       "..) in %.1f s, %.0f schedules/s: %" PRIu64
		       " failed, %d distinct\n",
		    done, path, strategy, base, el,
		    el > 0 ? (double)done / el : 0.0, nfail, nsigs);
		if (o.strategy == SCHED_PCT && done > 0) {
			double n = 2, kest = (double)steps_total / (double)done;

			/*
			 * PCT finds a depth-d bug with probability at least
			 * 1 / (n * k^(d-1)) per run (n threads, k steps);
			 * n is taken as 2 here (XXX: not measured).
			 */
			printf("pct:%d: k ~ %.0f steps per run; per-run "
			       "detection bound >= 1/(n k^(d-1)) = %.2g for "
			       "n = 2\n",
			    depth, kest,
			    1.0 / (n * pow(kest > 1 ? kest : 1, depth - 1)));
		}
		for (s = 0; s < nsigs; s++) {
			printf("\n[%d] %s in %s, %" PRIu64
			       " time(s), first at schedule %" PRIu64
			       " (seed %" PRIu64 ")\n    %s\n",
			    s + 1, sigs[s].status,
			    sigs[s].func[0] ? sigs[s].func : "scenario",
			    sigs[s].count, sigs[s].first_schedule,
			    sigs[s].first_seed, sigs[s].msg);
			if (sigs[s].run_id > 0)
				printf("    evsim replay %s --run %" PRId64
				       "\n    evsim report %s --run %" PRId64
				       " -o report.html\n",
				    db, sigs[s].run_id, db, sigs[s].run_id);
			printf("    evsim run %s --strategy %s --seed %" PRIu64
			       "%s%s\n",
			    path, strategy, sigs[s].first_seed,
			    kernel ? " --kernel " : "", kernel ? kernel : "");
		}
	}
	trace_close(t);
	free(src);
	return (nfail > 0 ? EXIT_FAILED : 0);
}
