/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * evsim merge OUT IN...: copies every run of the IN databases into OUT
 * (created if missing) through tracedb_merge.  Each input is checked to be
 * an evsim database of the same schema version before OUT is touched; a bad
 * input is refused with a one-line error.
 *
 * Databases of evsim explore (the shards of one search, run on many
 * machines) are combined as engine/shard.c says: one summary per search,
 * printed as evsim explore prints its own, with failures deduplicated by
 * signature; the recorded runs of duplicate failures are not copied.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "shard.h"
#include "tracedb.h"

/* D of "pct:D" (3 when not given, as evsim explore takes it). */
static int
pct_depth(const char *strategy)
{
	const char *c = strchr(strategy, ':');

	return (c != NULL ? atoi(c + 1) : 3);
}

static void
print_size(const char *label, const uint64_t *z)
{
	printf("%s%" PRIu64 " decisions, %" PRIu64 " preemption(s), %" PRIu64
	       " choose deviation(s), %" PRIu64 " other deviation(s), %" PRIu64
	       " transitions, %" PRIu64 " failing fail point(s)",
	    label, z[0], z[1], z[2], z[3], z[4], z[5]);
}

/* The summary of a combined search, in evsim explore's words. */
static void
print_search(const struct shard_search *s, const char *out)
{
	int i, b;

	printf("\nsearch of %s (%s", s->path, s->strategy);
	if (s->failpoints[0] != '\0')
		printf(", fail points %s", s->failpoints);
	if (s->fp_budget != 0)
		printf(", --fp-budget %" PRIu64, s->fp_budget);
	if (s->why[0] != '\0') {
		printf(", shards %s): not combined: %s\n", s->shard, s->why);
		return;
	}
	printf(
	    s->dfs ? ", seed %" PRIu64 : ", seeds %" PRIu64 "..", s->seed_base);
	printf(", shards %s, %s): search %" PRId64 " of %s\n", s->shard,
	    s->status, s->out_id, out);
	if (s->ncovered < s->n)
		printf("WARNING: %d of the %d shards are missing: this is not "
		       "the whole search\n",
		    s->n - s->ncovered, s->n);
	else if (strcmp(s->status, "complete") != 0
	    && strcmp(s->status, "stopped") != 0)
		printf("WARNING: a shard's search is %s: this is not the whole "
		       "search\n",
		    s->status);
	printf("explored %" PRIu64 " schedules: %" PRIu64
	       " failed, %d distinct\n",
	    s->done, s->failures, s->nsigs);
	if (s->dfs) {
		printf("dfs:%d: %" PRIu64 " schedules by preemptions:",
		    s->nbounds - 1, s->done);
		for (b = 0; b < s->nbounds; b++)
			printf(" %d: %" PRIu64, b, s->per_bound[b]);
		printf("; %" PRIu64
		       " branches pruned by the reduction; %" PRIu64
		       " preempting branches beyond the bound\n",
		    s->pruned, s->beyond);
		printf("dfs:%d: space %s\n", s->nbounds - 1,
		    s->exhausted ? "exhausted (every schedule within the "
				   "bound explored)"
				 : "not exhausted");
		if (!s->keep_going && s->nsigs > 0)
			printf(
			    "dfs:%d: without --keep-going each shard stopped "
			    "at its own first failure: the counts are the "
			    "shards' sums\n",
			    s->nbounds - 1);
	}
	if (strncmp(s->strategy, "pct", 3) == 0 && s->done > 0) {
		double kest = (double)s->steps / (double)s->done;

		/* As evsim explore estimates it (n taken as 2). */
		printf(
		    "pct:%d: k ~ %.0f steps per run; per-run detection bound "
		    ">= 1/(n k^(d-1)) = %.2g for n = 2\n",
		    pct_depth(s->strategy), kest,
		    1.0
			/ (2
			    * pow(kest > 1 ? kest : 1,
				pct_depth(s->strategy) - 1)));
	}
	if (s->crashes > 0)
		printf("crashed: evsim died on %" PRIu64
		       " schedule(s) (status crashed)\n",
		    s->crashes);
	for (i = 0; i < s->nsigs; i++) {
		const struct shard_sig *g = &s->sigs[i];

		printf("\n[%d] %s in %s, %" PRIu64 " time(s), ", i + 1,
		    g->status, g->func[0] ? g->func : "scenario", g->count);
		if (s->dfs)
			printf("first found with %d preemption(s)\n",
			    g->first_preempt);
		else
			printf("first at schedule %" PRIu64 " (seed %" PRIu64
			       ")\n",
			    g->first_key + 1, g->first_seed);
		printf("    %s\n", g->message);
		if (!s->dfs && s->keep_going) {
			printf("    failing seeds:");
			for (b = 0; b < g->nseeds; b++)
				printf(" %" PRIu64, s->seed_base + g->seeds[b]);
			printf("%s\n",
			    g->count > (uint64_t)g->nseeds ? " ..." : "");
		}
		print_size("    original: ", g->orig);
		printf("\n");
		print_size("    shrunk:   ", g->min);
		printf(" (%d runs)%s\n", g->attempts,
		    g->replay_ok ? "" : "; WARNING: replay check failed");
		if (g->out_run > 0)
			printf("    evsim replay %s --run %" PRId64
			       "\n    evsim report %s --run %" PRId64
			       " -o report.html\n",
			    out, g->out_run, out, g->out_run);
	}
}

int
cmd_merge(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct shard_merge *m;
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
			       "numbering them after OUT's runs.\n"
			       "The shards of a search of evsim explore "
			       "(--shard I/N or auto) are combined\ninto one "
			       "search, printed as evsim explore prints it, "
			       "with failures\ndeduplicated by signature "
			       "(other shards' duplicate runs are not "
			       "copied).\n\n"
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
	if (shard_merge_plan(&m, argv + 2, argc - 2, err, sizeof(err)) != 0) {
		fprintf(stderr, "evsim merge: %s\n", err);
		return (EXIT_USAGE);
	}
	for (i = 2; i < argc; i++) {
		struct shard_input *in = &m->in[i - 2];
		size_t n = in->nruns;

		if (tracedb_merge(argv[1], argv[i], in->runs, in->nruns,
			in->new_ids, &n, err, sizeof(err))
		    != 0) {
			fprintf(stderr, "evsim merge: %s\n", err);
			shard_merge_free(m);
			return (EXIT_USAGE);
		}
		shard_merge_copied(m, i - 2, in->new_ids);
		if (n == 0)
			printf("%s: no runs", argv[i]);
		else
			printf("%s: %zu run(s) merged into %s as runs %" PRId64
			       "..%" PRId64,
			    argv[i], n, argv[1], in->new_ids[0],
			    in->new_ids[n - 1]);
		if (in->ndropped > 0)
			printf(" (%zu recorded failure(s) left out: the same "
			       "signature found earlier in another shard)",
			    in->ndropped);
		printf("\n");
	}
	if (m->ns > 0 && shard_merge_save(m, argv[1], err, sizeof(err)) != 0) {
		fprintf(stderr, "evsim merge: %s: %s\n", argv[1], err);
		shard_merge_free(m);
		return (EXIT_USAGE);
	}
	for (i = 0; i < m->ns; i++)
		print_search(&m->s[i], argv[1]);
	shard_merge_free(m);
	return (0);
}
