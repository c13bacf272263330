/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shards of a search (see shard.h): --shard auto from a job array's
 * environment, and combining the explore rows of many databases into one
 * search for evsim merge.  The inputs are read through tracedb_open
 * (read-only, hardened); the combined rows are written through
 * engine/trace.c, the one writer.
 *
 * Combining follows what evsim explore does with its own workers: counts
 * are summed; a signature (status, function, message as grouped) keeps the
 * earliest first schedule of any shard, with its sizes and recorded run,
 * and the smallest 16 failing schedules of the union; without --keep-going
 * only the earliest failure of all shards counts, as a single search stops
 * there (random, pct: the schedules explored are those up to it; dfs: the
 * shards do not see each other's failures, so they ran more than a single
 * search would and the sum is kept).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "shard.h"
#include "trace.h"
#include "tracedb.h"

#define MAXSHARDS 1000000

static _Noreturn void
oom(void)
{
	fprintf(stderr, "evsim: fatal: out of memory\n");
	exit(2);
}

static void *
xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);

	if (p == NULL)
		oom();
	return (p);
}

static void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n ? n : 1)) == NULL)
		oom();
	return (p);
}

static char *
xstrdup(const char *s)
{
	char *d = strdup(s != NULL ? s : "");

	if (d == NULL)
		oom();
	return (d);
}

/* A decimal number with nothing around it. */
static int
parse_u64(const char *s, uint64_t *ret)
{
	uint64_t v = 0;

	if (s == NULL || *s == '\0')
		return (EINVAL);
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
			return (EINVAL);
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*ret = v;
	return (0);
}

/* Reads variable name into *v; EINVAL (err filled) when it is not a number. */
static int
env_u64(char *(*get)(const char *), const char *name, uint64_t *v, char *err,
    size_t errlen)
{
	const char *s = get(name);

	if (parse_u64(s, v) != 0) {
		errbuf_set(err, errlen, "--shard auto: %s='%s' is not a number",
		    name, s);
		return (EINVAL);
	}
	return (0);
}

static int
slurm_array(char *(*get)(const char *), uint64_t *i, uint64_t *n, char *err,
    size_t errlen)
{
	uint64_t id, cnt = 0, min, max, step = 1;
	bool has_cnt = get("SLURM_ARRAY_TASK_COUNT") != NULL;

	if (env_u64(get, "SLURM_ARRAY_TASK_ID", &id, err, errlen) != 0
	    || (has_cnt
		&& env_u64(get, "SLURM_ARRAY_TASK_COUNT", &cnt, err, errlen)
		    != 0))
		return (EINVAL);
	if (get("SLURM_ARRAY_TASK_MIN") != NULL
	    && get("SLURM_ARRAY_TASK_MAX") != NULL) {
		if (env_u64(get, "SLURM_ARRAY_TASK_MIN", &min, err, errlen) != 0
		    || env_u64(get, "SLURM_ARRAY_TASK_MAX", &max, err, errlen)
			!= 0
		    || (get("SLURM_ARRAY_TASK_STEP") != NULL
			&& env_u64(
			       get, "SLURM_ARRAY_TASK_STEP", &step, err, errlen)
			    != 0))
			return (EINVAL);
		if (step == 0 || max < min || id < min || id > max
		    || (id - min) % step != 0) {
			errbuf_set(err, errlen,
			    "--shard auto: SLURM_ARRAY_TASK_ID %" PRIu64
			    " is not in the array %" PRIu64 "-%" PRIu64
			    ":%" PRIu64,
			    id, min, max, step);
			return (EINVAL);
		}
		*i = (id - min) / step;
		*n = (max - min) / step + 1;
		if (has_cnt && cnt != *n) {
			errbuf_set(err, errlen,
			    "--shard auto: the Slurm array has holes "
			    "(SLURM_ARRAY_TASK_COUNT %" PRIu64 ", but %" PRIu64
			    " indices from %" PRIu64 " to %" PRIu64
			    "); submit a range such as --array=0-%" PRIu64,
			    cnt, *n, min, max, cnt > 0 ? cnt - 1 : 0);
			return (EINVAL);
		}
		return (0);
	}
	if (!has_cnt) {
		errbuf_set(err, errlen,
		    "--shard auto: SLURM_ARRAY_TASK_ID is set but neither "
		    "SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MIN/MAX");
		return (EINVAL);
	}
	if (id >= cnt) {
		errbuf_set(err, errlen,
		    "--shard auto: SLURM_ARRAY_TASK_ID %" PRIu64
		    " is not below SLURM_ARRAY_TASK_COUNT %" PRIu64
		    " (an array not starting at 0 needs "
		    "SLURM_ARRAY_TASK_MIN/MAX too)",
		    id, cnt);
		return (EINVAL);
	}
	*i = id;
	*n = cnt;
	return (0);
}

int
shard_auto(char *(*get)(const char *name), uint64_t shards, int *ret_i,
    int *ret_n, char *err, size_t errlen)
{
	uint64_t i, n;

	if (get("SLURM_ARRAY_TASK_ID") != NULL) {
		if (slurm_array(get, &i, &n, err, errlen) != 0)
			return (EINVAL);
		if (shards != 0 && shards != n) {
			errbuf_set(err, errlen,
			    "--shard auto: --shards %" PRIu64
			    " but the Slurm array has %" PRIu64 " tasks",
			    shards, n);
			return (EINVAL);
		}
	} else if (get("JOB_COMPLETION_INDEX") != NULL) {
		if (env_u64(get, "JOB_COMPLETION_INDEX", &i, err, errlen) != 0)
			return (EINVAL);
		n = shards;
		if (n == 0 && get("EVSIM_SHARDS") == NULL) {
			errbuf_set(err, errlen,
			    "--shard auto: JOB_COMPLETION_INDEX is set but not "
			    "the shard count: give --shards N (the Job's "
			    "completions) or EVSIM_SHARDS");
			return (EINVAL);
		}
		if (n == 0) {
			if (env_u64(get, "EVSIM_SHARDS", &n, err, errlen) != 0)
				return (EINVAL);
			if (n == 0) {
				errbuf_set(err, errlen,
				    "--shard auto: EVSIM_SHARDS is 0");
				return (EINVAL);
			}
		}
		if (i >= n) {
			errbuf_set(err, errlen,
			    "--shard auto: JOB_COMPLETION_INDEX %" PRIu64
			    " is not below the shard count %" PRIu64,
			    i, n);
			return (EINVAL);
		}
	} else if (get("SLURM_JOB_ID") != NULL) {
		errbuf_set(err, errlen,
		    "--shard auto: SLURM_JOB_ID is set but not "
		    "SLURM_ARRAY_TASK_ID: submit a job array (sbatch "
		    "--array=0-N)");
		return (EINVAL);
	} else {
		errbuf_set(err, errlen,
		    "--shard auto: neither SLURM_ARRAY_TASK_ID (a Slurm job "
		    "array) nor JOB_COMPLETION_INDEX (a Kubernetes Indexed "
		    "Job) is set");
		return (EINVAL);
	}
	if (n > MAXSHARDS) {
		errbuf_set(err, errlen,
		    "--shard auto: %" PRIu64 " shards (at most %d)", n,
		    MAXSHARDS);
		return (EINVAL);
	}
	*ret_i = (int)i;
	*ret_n = (int)n;
	return (0);
}

/*
 * The shards a row's shard column covers: "I/N" (a search) or a list of
 * ranges "0-3,5/8" (a merged one): *ret_n, and the *ret_k indices in
 * *ret_set (to free).  EINVAL when malformed.
 */
static int
parse_shards(const char *s, int *ret_n, int **ret_set, int *ret_k)
{
	const char *slash = s != NULL ? strrchr(s, '/') : NULL;
	uint64_t n, a, b;
	char num[32];
	const char *p;
	int *set, k = 0;
	size_t l;

	if (slash == NULL || parse_u64(slash + 1, &n) != 0 || n < 1
	    || n > MAXSHARDS)
		return (EINVAL);
	set = xcalloc((size_t)n, sizeof(int));
	for (p = s; p < slash;) {
		const char *e = p, *dash = NULL;

		while (e < slash && *e != ',') {
			if (*e == '-')
				dash = e;
			e++;
		}
		l = (size_t)((dash != NULL ? dash : e) - p);
		if (l == 0 || l >= sizeof(num))
			goto bad;
		memcpy(num, p, l);
		num[l] = '\0';
		if (parse_u64(num, &a) != 0)
			goto bad;
		b = a;
		if (dash != NULL) {
			l = (size_t)(e - dash - 1);
			if (l == 0 || l >= sizeof(num))
				goto bad;
			memcpy(num, dash + 1, l);
			num[l] = '\0';
			if (parse_u64(num, &b) != 0)
				goto bad;
		}
		if (a > b || b >= n)
			goto bad;
		for (; a <= b; a++)
			set[k++] = (int)a;
		p = e < slash ? e + 1 : e;
	}
	if (k == 0)
		goto bad;
	*ret_n = (int)n;
	*ret_set = set;
	*ret_k = k;
	return (0);
bad:
	free(set);
	return (EINVAL);
}

/* The covered shards of s as ranges: "0-3/4", "0,2-3/4". */
static void
fmt_shards(struct shard_search *s)
{
	size_t o = 0;
	int a, b;

	s->shard[0] = '\0';
	for (a = 0; a < s->n; a = b + 1) {
		while (a < s->n && s->have[a] == 0)
			a++;
		if (a >= s->n)
			break;
		for (b = a; b + 1 < s->n && s->have[b + 1] != 0; b++)
			;
		if (o + 30 >= sizeof(s->shard))
			break;
		o += (size_t)snprintf(s->shard + o, sizeof(s->shard) - o,
		    b > a ? "%s%d-%d" : "%s%d", o ? "," : "", a, b);
	}
	snprintf(s->shard + o, sizeof(s->shard) - o, "/%d", s->n);
}

static void
parse_list(const char *s, uint64_t *v, int max, int *ret_n)
{
	int n = 0;
	char *e;

	while (s != NULL && *s != '\0' && n < max) {
		v[n] = strtoull(s, &e, 10);
		if (e == s)
			break;
		n++;
		s = e;
	}
	if (ret_n != NULL)
		*ret_n = n;
}

static const char *
col_text(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return (s != NULL ? s : "");
}

static bool
has_table(sqlite3 *db, const char *name)
{
	sqlite3_stmt *st;
	bool r;

	sqlite3_prepare_v2(db,
	    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
	    -1, &st, NULL);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	r = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return (r);
}

static bool
has_column(sqlite3 *db, const char *table, const char *col)
{
	sqlite3_stmt *st;
	bool r;

	sqlite3_prepare_v2(db,
	    "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2", -1, &st,
	    NULL);
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, col, -1, SQLITE_STATIC);
	r = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return (r);
}

/* Adds a run of input k to leave out of the copy. */
static void
drop_run(int64_t **drop, size_t *ndrop, int k, int64_t run)
{
	if (run <= 0)
		return;
	drop[k] = xrealloc(drop[k], (ndrop[k] + 1) * sizeof(int64_t));
	drop[k][ndrop[k]++] = run;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x < y ? -1 : x > y);
}

static int
cmp_sig(const void *a, const void *b)
{
	const struct shard_sig *x = a, *y = b;

	return (x->first_key < y->first_key ? -1 : x->first_key > y->first_key);
}

/* Merges the sorted failing schedules of g into f: the smallest 16. */
static void
merge_seeds(struct shard_sig *f, const struct shard_sig *g)
{
	uint64_t v[32];
	int n = 0, i;

	for (i = 0; i < f->nseeds; i++)
		v[n++] = f->seeds[i];
	for (i = 0; i < g->nseeds; i++)
		v[n++] = g->seeds[i];
	if (n > 0)
		qsort(v, (size_t)n, sizeof(v[0]), cmp_u64);
	f->nseeds = 0;
	for (i = 0; i < n && f->nseeds < 16; i++)
		if (f->nseeds == 0 || v[i] != f->seeds[f->nseeds - 1])
			f->seeds[f->nseeds++] = v[i];
}

/* A recorded run of a duplicate signature, left out if s is combined. */
static void
dup_run(struct shard_search *s, int input, int64_t run)
{
	if (run <= 0)
		return;
	s->dups = xrealloc(s->dups, (size_t)(s->ndups + 1) * sizeof(*s->dups));
	s->dups[s->ndups].input = input;
	s->dups[s->ndups++].run = run;
}

/* Adds signature g (of input k) to s: deduplicated by signature. */
static void
add_sig(struct shard_search *s, struct shard_sig *g)
{
	struct shard_sig *f;
	int i;

	for (i = 0; i < s->nsigs; i++)
		if (strcmp(s->sigs[i].status, g->status) == 0
		    && strcmp(s->sigs[i].func, g->func) == 0
		    && strcmp(s->sigs[i].message, g->message) == 0)
			break;
	if (i == s->nsigs) {
		s->sigs = xrealloc(
		    s->sigs, (size_t)(s->nsigs + 1) * sizeof(*s->sigs));
		s->sigs[s->nsigs++] = *g;
		return;
	}
	f = &s->sigs[i];
	if (g->first_key < f->first_key) {
		struct shard_sig keep = *f;

		dup_run(s, f->input, f->rec_run);
		*f = *g;
		f->count = keep.count;
		f->nseeds = keep.nseeds;
		memcpy(f->seeds, keep.seeds, sizeof(f->seeds));
	} else {
		dup_run(s, g->input, g->rec_run);
	}
	f->count += g->count;
	merge_seeds(f, g);
}

/* The search of s's key, or a new one. */
static struct shard_search *
find_search(struct shard_merge *m, sqlite3_stmt *st, int n)
{
	struct shard_search *s;
	int i;

	for (i = 0; i < m->ns; i++) {
		s = &m->s[i];
		if (strcmp(s->source_hash, col_text(st, 2)) == 0
		    && strcmp(s->kernel, col_text(st, 3)) == 0
		    && strcmp(s->strategy, col_text(st, 4)) == 0
		    && s->seed_base == (uint64_t)sqlite3_column_int64(st, 5)
		    && s->runs == (uint64_t)sqlite3_column_int64(st, 6)
		    && s->keep_going == (sqlite3_column_int(st, 8) != 0)
		    && strcmp(s->failpoints, col_text(st, 12)) == 0
		    && s->fp_budget == (uint64_t)sqlite3_column_int64(st, 13)
		    && s->n == n)
			return (s);
	}
	m->s = xrealloc(m->s, (size_t)(m->ns + 1) * sizeof(*m->s));
	s = &m->s[m->ns++];
	memset(s, 0, sizeof(*s));
	s->path = xstrdup(col_text(st, 1));
	s->source_hash = xstrdup(col_text(st, 2));
	s->kernel = xstrdup(col_text(st, 3));
	s->strategy = xstrdup(col_text(st, 4));
	s->dfs = strncmp(s->strategy, "dfs", 3) == 0;
	s->seed_base = (uint64_t)sqlite3_column_int64(st, 5);
	s->runs = (uint64_t)sqlite3_column_int64(st, 6);
	s->keep_going = sqlite3_column_int(st, 8) != 0;
	s->failpoints = xstrdup(col_text(st, 12));
	s->fp_budget = (uint64_t)sqlite3_column_int64(st, 13);
	s->n = n;
	s->have = xcalloc((size_t)n, sizeof(int));
	s->exhausted = true;
	snprintf(s->status, sizeof(s->status), "complete");
	return (s);
}

/* The status of parts a and b together: the least finished. */
static void
join_status(char *st, size_t len, const char *b)
{
	static const char *const order[]
	    = { "error", "running", "interrupted", "stopped", "complete" };
	int i, ia = 4, ib = 4;

	for (i = 0; i < 5; i++) {
		if (strcmp(st, order[i]) == 0)
			ia = i;
		if (strcmp(b, order[i]) == 0)
			ib = i;
	}
	snprintf(st, len, "%s", order[ia < ib ? ia : ib]);
}

/* Reads the summary of explore row id of input k into s. */
static int
read_summary(struct shard_merge *m, sqlite3 *db, int k, int64_t id,
    struct shard_search *s, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int nstats = 0, nb;

	if (!has_table(db, "explore_stats") || !has_table(db, "explore_sigs")) {
		errbuf_set(s->why, sizeof(s->why),
		    "%s holds no summary of its search (an evsim from before "
		    "evsim merge combined searches)",
		    m->in[k].path);
		return (0);
	}
	sqlite3_prepare_v2(db,
	    "SELECT done, failures, pruned, beyond, exhausted, steps,"
	    " per_bound FROM explore_stats WHERE explore_id = ?1 ORDER BY id",
	    -1, &st, NULL);
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		uint64_t pb[17];

		nstats++;
		s->done += (uint64_t)sqlite3_column_int64(st, 0);
		s->failures += (uint64_t)sqlite3_column_int64(st, 1);
		s->pruned += (uint64_t)sqlite3_column_int64(st, 2);
		s->beyond += (uint64_t)sqlite3_column_int64(st, 3);
		s->exhausted = s->exhausted && sqlite3_column_int(st, 4) != 0;
		s->steps += (uint64_t)sqlite3_column_int64(st, 5);
		parse_list(col_text(st, 6), pb, 17, &nb);
		if (nb > s->nbounds)
			s->nbounds = nb;
		while (nb-- > 0)
			s->per_bound[nb] += pb[nb];
	}
	sqlite3_finalize(st);
	if (nstats == 0) {
		errbuf_set(s->why, sizeof(s->why),
		    "search %" PRId64 " of %s ended without a summary "
		    "(killed?)",
		    id, m->in[k].path);
		return (0);
	}
	if (sqlite3_prepare_v2(db,
		"SELECT status, func, message, count, first_key, first_seed,"
		" first_preempt, rec_run, orig, min, attempts, replay_ok,"
		" seeds FROM explore_sigs WHERE explore_id = ?1 ORDER BY id",
		-1, &st, NULL)
	    != SQLITE_OK) {
		errbuf_set(
		    err, errlen, "%s: %s", m->in[k].path, sqlite3_errmsg(db));
		return (EINVAL);
	}
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct shard_sig g;

		memset(&g, 0, sizeof(g));
		snprintf(g.status, sizeof(g.status), "%s", col_text(st, 0));
		snprintf(g.func, sizeof(g.func), "%s", col_text(st, 1));
		snprintf(g.message, sizeof(g.message), "%s", col_text(st, 2));
		g.count = (uint64_t)sqlite3_column_int64(st, 3);
		g.first_key = (uint64_t)sqlite3_column_int64(st, 4);
		g.first_seed = (uint64_t)sqlite3_column_int64(st, 5);
		g.first_preempt = sqlite3_column_int(st, 6);
		g.input = k;
		g.rec_run = sqlite3_column_int64(st, 7);
		parse_list(col_text(st, 8), g.orig, 6, NULL);
		parse_list(col_text(st, 9), g.min, 6, NULL);
		g.attempts = sqlite3_column_int(st, 10);
		g.replay_ok = sqlite3_column_int(st, 11) != 0;
		parse_list(col_text(st, 12), g.seeds, 16, &g.nseeds);
		add_sig(s, &g);
	}
	sqlite3_finalize(st);
	return (0);
}

/* Reads input k: its run ids and its searches. */
static int
read_input(struct shard_merge *m, int k, char *err, size_t errlen)
{
	struct tracedb *tdb;
	sqlite3 *db;
	sqlite3_stmt *st;
	int rc;

	if ((rc = tracedb_open(&tdb, m->in[k].path, err, errlen)) != 0)
		return (rc);
	db = tracedb_sqlite(tdb);
	sqlite3_prepare_v2(
	    db, "SELECT id FROM runs ORDER BY id", -1, &st, NULL);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct shard_input *in = &m->in[k];

		in->runs
		    = xrealloc(in->runs, (in->nruns + 1) * sizeof(int64_t));
		in->runs[in->nruns++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (!has_table(db, "explore")) {
		tracedb_close(tdb);
		return (0);
	}
	/* Searches with other fail points are other searches (no such
	 * columns before fail points were recorded: none). */
	sqlite3_prepare_v2(db,
	    has_column(db, "explore", "failpoints")
		? "SELECT id, path, source_hash, kernel, strategy, seed_base,"
		  " runs, shard, keep_going, status, next, crashes,"
		  " COALESCE(failpoints, ''), COALESCE(fp_budget, 0)"
		  " FROM explore ORDER BY id"
		: "SELECT id, path, source_hash, kernel, strategy, seed_base,"
		  " runs, shard, keep_going, status, next, crashes, '', 0"
		  " FROM explore ORDER BY id",
	    -1, &st, NULL);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct shard_search *s;
		int n, *set, nset, j;

		if (parse_shards(col_text(st, 7), &n, &set, &nset) != 0) {
			errbuf_set(err, errlen,
			    "%s: search %" PRId64 ": bad shard '%s'",
			    m->in[k].path, (int64_t)sqlite3_column_int64(st, 0),
			    col_text(st, 7));
			rc = EINVAL;
			break;
		}
		s = find_search(m, st, n);
		for (j = 0; j < nset; j++)
			if (s->have[set[j]]++ > 0 && s->why[0] == '\0')
				errbuf_set(s->why, sizeof(s->why),
				    "shard %d/%d is given twice (the second in "
				    "%s)",
				    set[j], n, m->in[k].path);
		free(set);
		s->nparts++;
		s->next = (uint64_t)sqlite3_column_int64(st, 10);
		s->crashes += (uint64_t)sqlite3_column_int64(st, 11);
		join_status(s->status, sizeof(s->status), col_text(st, 9));
		if ((rc = read_summary(
			 m, db, k, sqlite3_column_int64(st, 0), s, err, errlen))
		    != 0)
			break;
	}
	sqlite3_finalize(st);
	tracedb_close(tdb);
	return (rc);
}

/* What a single search would report from the combined parts. */
static void
finish(struct shard_search *s, int64_t **drop, size_t *ndrop)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (s->have[i] > 0)
			s->ncovered++;
	fmt_shards(s);
	if (s->nparts > 1)
		s->next = 0;
	if (s->why[0] != '\0')
		return; /* not combined: every run is copied */
	for (i = 0; i < s->ndups; i++)
		drop_run(drop, ndrop, s->dups[i].input, s->dups[i].run);
	if (s->nsigs > 0)
		qsort(s->sigs, (size_t)s->nsigs, sizeof(*s->sigs), cmp_sig);
	if (!s->keep_going && s->nsigs > 0) {
		/* A single search stops at the earliest failure. */
		for (i = 1; i < s->nsigs; i++)
			drop_run(
			    drop, ndrop, s->sigs[i].input, s->sigs[i].rec_run);
		s->nsigs = 1;
		s->sigs[0].count = 1;
		s->sigs[0].nseeds = 1;
		s->sigs[0].seeds[0] = s->sigs[0].first_key;
		s->failures = 1;
		s->exhausted = false;
		if (!s->dfs)
			s->done = s->sigs[0].first_key + 1;
	}
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x < y ? -1 : x > y);
}

int
shard_merge_plan(struct shard_merge **ret, char *const *ins, int nin, char *err,
    size_t errlen)
{
	struct shard_merge *m = xcalloc(1, sizeof(*m));
	int64_t **drop = xcalloc((size_t)nin, sizeof(*drop));
	size_t *ndrop = xcalloc((size_t)nin, sizeof(*ndrop));
	int k, i, rc = 0;

	m->nin = nin;
	m->in = xcalloc((size_t)nin, sizeof(*m->in));
	for (k = 0; k < nin; k++)
		m->in[k].path = ins[k];
	for (k = 0; k < nin && rc == 0; k++)
		rc = read_input(m, k, err, errlen);
	for (i = 0; i < m->ns && rc == 0; i++)
		finish(&m->s[i], drop, ndrop);
	/* The runs to copy: all but the duplicates. */
	for (k = 0; k < nin; k++) {
		struct shard_input *in = &m->in[k];
		size_t a, b = 0;

		if (ndrop[k] > 0)
			qsort(drop[k], ndrop[k], sizeof(int64_t), cmp_i64);
		for (a = 0; a < in->nruns; a++) {
			if (ndrop[k] > 0
			    && bsearch(&in->runs[a], drop[k], ndrop[k],
				   sizeof(int64_t), cmp_i64)
				!= NULL) {
				in->ndropped++;
				continue;
			}
			in->runs[b++] = in->runs[a];
		}
		in->nruns = b;
		in->new_ids = xcalloc(b, sizeof(int64_t));
		free(drop[k]);
	}
	free(drop);
	free(ndrop);
	if (rc != 0) {
		shard_merge_free(m);
		return (rc);
	}
	*ret = m;
	return (0);
}

void
shard_merge_copied(struct shard_merge *m, int k, const int64_t *new_ids)
{
	struct shard_input *in = &m->in[k];
	int i, j;
	size_t a;

	if (new_ids != in->new_ids)
		memcpy(in->new_ids, new_ids, in->nruns * sizeof(int64_t));
	for (i = 0; i < m->ns; i++)
		for (j = 0; j < m->s[i].nsigs; j++) {
			struct shard_sig *g = &m->s[i].sigs[j];

			if (g->input != k || g->rec_run <= 0)
				continue;
			for (a = 0; a < in->nruns; a++)
				if (in->runs[a] == g->rec_run)
					g->out_run = new_ids[a];
		}
}

int
shard_merge_save(
    struct shard_merge *m, const char *out, char *err, size_t errlen)
{
	struct trace *t;
	int i, j, rc;

	if ((rc = trace_open(&t, out, err, errlen)) != 0)
		return (rc);
	for (i = 0; i < m->ns && rc == 0; i++) {
		struct shard_search *s = &m->s[i];
		struct trace_explore row = { .path = s->path,
			.source_hash = s->source_hash,
			.kernel = s->kernel,
			.strategy = s->strategy,
			.failpoints = s->failpoints,
			.fp_budget = s->fp_budget,
			.shard = s->shard,
			.status = s->status,
			.seed_base = s->seed_base,
			.runs = s->runs,
			.next = s->next,
			.done = s->done,
			.failures = s->failures,
			.crashes = s->crashes,
			.keep_going = s->keep_going };
		struct trace_explore_stats st = { .done = s->done,
			.failures = s->failures,
			.pruned = s->pruned,
			.beyond = s->beyond,
			.steps = s->steps,
			.exhausted = s->exhausted,
			.per_bound = s->per_bound,
			.nbounds = s->nbounds };

		if (s->why[0] != '\0')
			continue;
		if ((rc = trace_explore_save(t, &row, err, errlen)) != 0
		    || (rc = trace_explore_stats_save(
			    t, row.id, &st, err, errlen))
			!= 0)
			break;
		s->out_id = row.id;
		for (j = 0; j < s->nsigs && rc == 0; j++) {
			const struct shard_sig *g = &s->sigs[j];
			struct trace_explore_sig r = { .status = g->status,
				.func = g->func,
				.message = g->message,
				.count = g->count,
				.first_key = g->first_key,
				.first_seed = g->first_seed,
				.first_preempt = g->first_preempt,
				.rec_run = g->out_run,
				.attempts = g->attempts,
				.replay_ok = g->replay_ok,
				.seeds = g->seeds,
				.nseeds = g->nseeds };

			memcpy(r.orig, g->orig, sizeof(r.orig));
			memcpy(r.min, g->min, sizeof(r.min));
			rc = trace_explore_sig_save(t, row.id, &r, err, errlen);
		}
	}
	trace_close(t);
	return (rc);
}

void
shard_merge_free(struct shard_merge *m)
{
	int i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nin; i++) {
		free(m->in[i].runs);
		free(m->in[i].new_ids);
	}
	free(m->in);
	for (i = 0; i < m->ns; i++) {
		free(m->s[i].path);
		free(m->s[i].source_hash);
		free(m->s[i].kernel);
		free(m->s[i].strategy);
		free(m->s[i].failpoints);
		free(m->s[i].have);
		free(m->s[i].sigs);
		free(m->s[i].dups);
	}
	free(m->s);
	free(m);
}
