/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * evsim diff DB RUN_A RUN_B: compares two runs' canonical traces and prints
 * the first difference that matters, the transitions before it, the labels
 * of the objects involved, then the two runs aligned from there.
 *
 * Two runs that differ only in the order of independent transitions made
 * the same computation (Mazurkiewicz trace equivalence): transitions are
 * dependent when they belong to the same thread (program order) or change
 * the same object, and independent otherwise.  The default alignment
 * matches each transition of run A, in order, with the first unmatched
 * transition of run B that has the same content (everything but the
 * sequence number) and that no unmatched earlier transition of B depends
 * on; the first transition of A that has no such partner is the first
 * difference.  This greedy matching is exact: transitions with the same
 * content belong to one thread, so only the first unmatched one can ever be
 * the partner.  --positional compares line by line instead, as the runs
 * were recorded.  Either way the rest is shown aligned by a
 * longest-common-subsequence diff (report_align), so one inserted
 * transition does not misalign everything after it.
 *
 * Both runs are streamed through tracedb cursors: memory holds a few lines
 * of each, and for the matching run B's transitions read ahead and not
 * matched yet, at most DIFF_LOOKAHEAD of them (a partner further ahead is
 * not looked for: the runs are reported different there).
 *
 * --object NAME keeps only the transitions of one object, named as
 * 'kind#id' or by its label (exact, or a part of exactly one label).
 * Exit 0 identical or equivalent, 1 different, 2 error.
 */
#include <getopt.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h"
#include "simrun.h"
#include "strmap.h"
#include "tracedb.h"
#include "tracerows.h"

#define DIFF_CONTEXT 5
#define DIFF_WINDOW 400 /* lines of each run aligned after the difference */
/*
 * Transitions of run B read ahead and not matched at most: a partner
 * further on is not looked for (the runs are then reported different
 * there), so that memory stays bounded.
 */
#define DIFF_LOOKAHEAD 200000

/*
 * One run: its transitions read in order through a cursor (only those of
 * one object with --object), and its object labels.
 */
struct drun {
	int64_t id;
	struct tracedb *db;
	struct tracedb_cursor *cur;
	const char *object; /* compare only this object's, or NULL */
	size_t n; /* the transitions compared, counted up front */
	size_t pos; /* of them read so far */
	bool end; /* read past the last */
	bool err; /* the cursor failed (message printed) */
	char **objname; /* objects with a label */
	char **objlabel;
	size_t nobj;
};

/* A line kept: a copy of one read through the cursor. */
struct dline {
	char *s;
	size_t cap;
};

/* Field k (0-based) of a canonical line, as a pointer and a length. */
static const char *
field(const char *line, int k, size_t *len)
{
	const char *p = line;

	while (k-- > 0) {
		p = strchr(p, '\t');
		if (p == NULL) {
			*len = 0;
			return ("");
		}
		p++;
	}
	*len = strcspn(p, "\t\n");
	return (p);
}

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

/* Reads the labels of run r->id from the 'objects' table. */
static void
load_labels(struct tracedb *db, struct drun *r)
{
	sqlite3_stmt *st;
	size_t cap = 0;

	if (sqlite3_prepare_v2(tracedb_sqlite(db),
		"SELECT object, label FROM objects WHERE run_id = ?1 AND "
		"label IS NOT NULL ORDER BY object",
		-1, &st, NULL)
	    != SQLITE_OK)
		return; /* a database without labels */
	sqlite3_bind_int64(st, 1, r->id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (r->nobj == cap) {
			cap = cap ? cap * 2 : 64;
			r->objname = realloc(r->objname, cap * sizeof(char *));
			r->objlabel
			    = realloc(r->objlabel, cap * sizeof(char *));
			if (r->objname == NULL || r->objlabel == NULL)
				sim_oom();
		}
		r->objname[r->nobj]
		    = strdup((const char *)sqlite3_column_text(st, 0));
		r->objlabel[r->nobj]
		    = strdup((const char *)sqlite3_column_text(st, 1));
		if (r->objname[r->nobj] == NULL || r->objlabel[r->nobj] == NULL)
			sim_oom();
		r->nobj++;
	}
	sqlite3_finalize(st);
}

static const char *
label_of(const struct drun *r, const char *obj, size_t len)
{
	size_t i;

	for (i = 0; i < r->nobj; i++)
		if (strlen(r->objname[i]) == len
		    && memcmp(r->objname[i], obj, len) == 0)
			return (r->objlabel[i]);
	return (NULL);
}

/* Whether some transition of r changes the object named obj. */
static bool
has_object(const struct drun *r, const char *obj)
{
	sqlite3 *db = tracedb_sqlite(r->db);
	uint32_t id = tracerows_str_id(db, r->id, obj);
	uint64_t n = 0;

	return (id != 0 && tracerows_count(db, r->id, id, &n) == 0 && n > 0);
}

/*
 * Resolves NAME in run r into the object's name (malloc'ed): a 'kind#id'
 * that the run's trace names, else the object whose label is NAME, else
 * the one object whose label contains NAME.  Returns NULL with a message
 * on standard error otherwise.
 */
static char *
resolve_object(const struct drun *r, const char *name)
{
	size_t i, hit = SIZE_MAX, nhit = 0;
	char *s;

	if (has_object(r, name) || label_of(r, name, strlen(name)) != NULL)
		s = strdup(name);
	else {
		for (i = 0; i < r->nobj; i++)
			if (strcmp(r->objlabel[i], name) == 0) {
				hit = i;
				nhit = 1;
				break;
			}
		if (nhit == 0)
			for (i = 0; i < r->nobj; i++)
				if (strstr(r->objlabel[i], name) != NULL) {
					if (nhit++ == 0)
						hit = i;
				}
		if (nhit != 1) {
			fprintf(stderr,
			    "evsim diff: --object: %s '%s' in run %" PRId64
			    "%s\n",
			    nhit == 0 ? "no object named or labelled"
				      : "several objects labelled",
			    name, r->id, nhit == 0 ? "" : ":");
			for (i = 0; nhit > 1 && i < r->nobj; i++)
				if (strstr(r->objlabel[i], name) != NULL)
					fprintf(stderr, "  %s  %s\n",
					    r->objname[i], r->objlabel[i]);
			return (NULL);
		}
		s = strdup(r->objname[hit]);
	}
	if (s == NULL)
		sim_oom();
	return (s);
}

/*
 * The next line compared of run r (only its object's with --object), valid
 * until the next call; NULL after the last one or on an error (r->err).
 */
static const char *
next_line(struct drun *r)
{
	struct tracerows_row row;
	int rc;

	if (r->end)
		return (NULL);
	while ((rc = tracedb_cursor_next(r->cur, &row)) == 1)
		if (r->object == NULL
		    || (row.object != NULL
			&& strcmp(row.object, r->object) == 0)) {
			r->pos++;
			return (tracedb_cursor_line(r->cur, NULL));
		}
	r->end = true;
	if (rc < 0)
		r->err = true;
	return (NULL);
}

static void
dline_set(struct dline *d, const char *s)
{
	size_t n = strlen(s) + 1;

	if (n > d->cap) {
		free(d->s);
		d->cap = n * 2;
		if ((d->s = malloc(d->cap)) == NULL)
			sim_oom();
	}
	memcpy(d->s, s, n);
}

static char *
xstrdup(const char *s)
{
	char *d = strdup(s);

	if (d == NULL)
		sim_oom();
	return (d);
}

/* The last DIFF_CONTEXT lines of run A before the one compared. */
struct ring {
	struct dline l[DIFF_CONTEXT];
	size_t n; /* lines pushed */
};

static void
ring_push(struct ring *r, const char *line)
{
	dline_set(&r->l[r->n % DIFF_CONTEXT], line);
	r->n++;
}

/*
 * A queue of the unmatched transitions of run B with one key (a thread or
 * an object), in order, by their index in B; the key's first unmatched
 * transition is q[head].
 */
struct dqueue {
	size_t *q;
	size_t n;
	size_t cap;
	size_t head;
};

static void
dq_push(struct dqueue *d, size_t v)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 4;
		d->q = realloc(d->q, d->cap * sizeof(*d->q));
		if (d->q == NULL)
			sim_oom();
	}
	d->q[d->n++] = v;
}

static size_t
dq_front(const struct dqueue *d)
{
	return (d->head < d->n ? d->q[d->head] : SIZE_MAX);
}

/* Drops the front, keeping the array as long as what is left. */
static void
dq_pop(struct dqueue *d)
{
	d->head++;
	if (d->head >= 64 && d->head * 2 >= d->n) {
		memmove(d->q, d->q + d->head, (d->n - d->head) * sizeof(*d->q));
		d->n -= d->head;
		d->head = 0;
	}
}

/* Interns key into m, growing the queue array *qs to hold its index. */
static uint32_t
key_queue(struct strmap *m, struct dqueue **qs, size_t *cap, const char *key,
    size_t len)
{
	uint32_t k = strmap_intern(m, key, len);

	if (k >= *cap) {
		size_t ncap = *cap ? *cap * 2 : 256;

		while (ncap <= k)
			ncap *= 2;
		*qs = realloc(*qs, ncap * sizeof(**qs));
		if (*qs == NULL)
			sim_oom();
		memset(*qs + *cap, 0, (ncap - *cap) * sizeof(**qs));
		*cap = ncap;
	}
	return (k);
}

/* The thread key "t TID" and object key "o NAME" of a line into buf. */
static size_t
dep_key(const char *line, bool thread, char *buf, size_t len)
{
	size_t flen;
	const char *f = field(line, thread ? 3 : 5, &flen);
	int n = snprintf(buf, len, "%c %.*s", thread ? 't' : 'o', (int)flen, f);

	return (n < 0 ? 0 : (size_t)n < len ? (size_t)n : len - 1);
}

/* A transition of run B read ahead; line NULL once matched. */
struct bent {
	char *line;
	uint32_t kthr, kobj;
};

/*
 * What a comparison keeps: the context before run A's transition first_a
 * (the one read last, cur_a), run B's from its first unmatched one on
 * (the equivalence matching) or its transition first_b (positional), and
 * the queues of run B's buffered transitions by thread and object.
 */
struct dstate {
	struct ring ctx;
	struct dline cur_a, cur_b;
	bool have_a, have_b;
	size_t first_a, first_b, moved;
	struct bent *e; /* B's transitions off .. off + n - 1 */
	size_t off, n, cap;
	size_t unmatched; /* of them */
	struct strmap *m;
	struct dqueue *qs;
	size_t qcap;
};

static struct bent *
bent_at(struct dstate *st, size_t j)
{
	return (&st->e[j - st->off]);
}

/* Appends B's next transition, line, to the buffer and its queues. */
static void
b_push(struct dstate *st, const char *line)
{
	char key[1024];
	struct bent *e;
	size_t j = st->off + st->n, drop = st->first_b - st->off;

	if (st->n == st->cap) {
		/* The matched ones before the first unmatched go first. */
		if (drop > 0 && drop * 2 >= st->n) {
			memmove(st->e, st->e + drop,
			    (st->n - drop) * sizeof(*st->e));
			st->n -= drop;
			st->off += drop;
		} else {
			st->cap = st->cap ? st->cap * 2 : 1024;
			st->e = realloc(st->e, st->cap * sizeof(*st->e));
			if (st->e == NULL)
				sim_oom();
		}
	}
	e = &st->e[st->n++];
	e->line = xstrdup(line);
	e->kthr = key_queue(st->m, &st->qs, &st->qcap, key,
	    dep_key(line, true, key, sizeof(key)));
	dq_push(&st->qs[e->kthr], j);
	e->kobj = key_queue(st->m, &st->qs, &st->qcap, key,
	    dep_key(line, false, key, sizeof(key)));
	dq_push(&st->qs[e->kobj], j);
	st->unmatched++;
}

/* Reads run B's next transition into the buffer; false at its end. */
static bool
b_read(struct drun *b, struct dstate *st)
{
	const char *line = next_line(b);

	if (line == NULL)
		return (false);
	b_push(st, line);
	return (true);
}

/*
 * The partner in run B of run A's transition line, read ahead as far as
 * needed, or SIZE_MAX.  It can only be the first unmatched transition of
 * line's thread (the content includes the thread), and must also be the
 * first unmatched one of its object.
 */
static size_t
partner(struct drun *b, struct dstate *st, const char *line)
{
	char key[1024];
	size_t klen = dep_key(line, true, key, sizeof(key)), j;
	uint32_t kt;
	struct bent *e;

	for (;;) {
		kt = strmap_find(st->m, key, klen);
		if (kt != STRMAP_NONE && dq_front(&st->qs[kt]) != SIZE_MAX)
			break;
		if (st->unmatched >= DIFF_LOOKAHEAD || !b_read(b, st))
			return (SIZE_MAX);
	}
	j = dq_front(&st->qs[kt]);
	e = bent_at(st, j);
	if (strcmp(body(e->line), body(line)) != 0
	    || dq_front(&st->qs[e->kobj]) != j)
		return (SIZE_MAX);
	return (j);
}

/*
 * The equivalence matching described at the top of the file, from the
 * first positional difference (st->first_a = st->first_b, both current)
 * on: sets st->first_a to the index in A of the first transition without
 * a partner (or A's length when every one has one), st->first_b to the
 * first unmatched transition of B, and st->moved to the matched pairs whose
 * B transition was not the first unmatched one (a reordering).  Memory
 * holds the transitions of B read ahead and not matched yet.
 */
static void
match_equivalent(struct drun *a, struct drun *b, struct dstate *st)
{
	const char *line;
	struct bent *e;
	size_t j;

	st->m = strmap_new();
	st->off = st->first_b;
	if (st->have_b)
		b_push(st, st->cur_b.s);
	while (st->have_a) {
		if ((j = partner(b, st, st->cur_a.s)) == SIZE_MAX)
			break;
		e = bent_at(st, j);
		dq_pop(&st->qs[e->kthr]);
		dq_pop(&st->qs[e->kobj]);
		free(e->line);
		e->line = NULL;
		st->unmatched--;
		while (st->first_b < st->off + st->n
		    && bent_at(st, st->first_b)->line == NULL)
			st->first_b++;
		if (j > st->first_b)
			st->moved++;
		ring_push(&st->ctx, st->cur_a.s);
		if ((line = next_line(a)) != NULL)
			dline_set(&st->cur_a, line);
		else
			st->have_a = false;
	}
	st->first_a = st->have_a ? a->pos - 1 : a->pos;
	if (st->first_b == st->off + st->n)
		b_read(b, st);
	st->have_b = st->first_b < st->off + st->n;
}

static void
dstate_free(struct dstate *st)
{
	size_t i;

	for (i = 0; i < DIFF_CONTEXT; i++)
		free(st->ctx.l[i].s);
	free(st->cur_a.s);
	free(st->cur_b.s);
	for (i = 0; i < st->n; i++)
		free(st->e[i].line);
	free(st->e);
	for (i = 0; i < st->qcap; i++)
		free(st->qs[i].q);
	free(st->qs);
	if (st->m != NULL)
		strmap_free(st->m);
}

/* The objects named in the shown lines, with their labels. */
struct legend {
	char **name;
	size_t n;
	size_t cap;
};

static void
legend_add(struct legend *lg, const struct drun *r, const char *line)
{
	size_t len, i;
	const char *o = field(line, 5, &len);

	if (label_of(r, o, len) == NULL)
		return;
	for (i = 0; i < lg->n; i++)
		if (strlen(lg->name[i]) == len
		    && memcmp(lg->name[i], o, len) == 0)
			return;
	if (lg->n == lg->cap) {
		lg->cap = lg->cap ? lg->cap * 2 : 16;
		lg->name = realloc(lg->name, lg->cap * sizeof(char *));
		if (lg->name == NULL)
			sim_oom();
	}
	if ((lg->name[lg->n] = strndup(o, len)) == NULL)
		sim_oom();
	lg->n++;
}

static void
legend_print(struct legend *lg, const struct drun *a, const struct drun *b,
    const char *title)
{
	size_t i;
	const char *la, *lb;

	if (lg->n > 0)
		printf("%s\n", title);
	for (i = 0; i < lg->n; i++) {
		la = label_of(a, lg->name[i], strlen(lg->name[i]));
		lb = label_of(b, lg->name[i], strlen(lg->name[i]));
		if (la != NULL && lb != NULL && strcmp(la, lb) != 0)
			printf("  %s  run %" PRId64 ": %s\n  %*s  run %" PRId64
			       ": %s\n",
			    lg->name[i], a->id, la, (int)strlen(lg->name[i]),
			    "", b->id, lb);
		else
			printf("  %s  %s\n", lg->name[i], la != NULL ? la : lb);
		free(lg->name[i]);
	}
	free(lg->name);
	lg->name = NULL;
	lg->n = lg->cap = 0;
}

static void
drun_free(struct drun *r)
{
	size_t i;

	tracedb_cursor_close(r->cur);
	for (i = 0; i < r->nobj; i++) {
		free(r->objname[i]);
		free(r->objlabel[i]);
	}
	free(r->objname);
	free(r->objlabel);
}

static void
usage_text(void)
{
	printf("usage: evsim diff DB RUN_A RUN_B [--object NAME] "
	       "[--positional]\n\n"
	       "Prints the first difference of two runs that matters, with "
	       "the transitions\n"
	       "before it and the labels of the objects involved, then an "
	       "aligned diff.\n"
	       "Transitions of different threads on different objects may "
	       "come in either\n"
	       "order: runs that differ only so are equivalent.  "
	       "--positional compares line\n"
	       "by line instead.  --object NAME keeps one object's "
	       "transitions: kind#id or\n"
	       "a label (or a part of one label).  Exit 0 identical or "
	       "equivalent, 1 different.\n\n"
	       "examples:\n"
	       "  evsim diff evsim.db 1 2\n"
	       "  evsim diff evsim.db 1 2 --object knote#2\n"
	       "  evsim diff evsim.db 1 2 --object 'EVFILT_TIMER' "
	       "--positional\n"
	       "  evsim run race.lua --kernel freebsd@b11289f "
	       "--db d.db; evsim run race.lua \\\n"
	       "      --kernel freebsd --db d.db; evsim diff "
	       "d.db 1 2\n");
}

/* What the command line asks of one diff. */
struct diff_cli {
	const char *object;
	const char *db;
	int64_t a, b;
	bool positional;
};

/* Parses argv into dc; 0, or the exit status of --help or a usage error. */
static int
diff_parse(int argc, char **argv, struct diff_cli *dc, bool *done)
{
	static const struct option opts[] = {
		{ "object", required_argument, NULL, 'O' },
		{ "positional", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, error;

	memset(dc, 0, sizeof(*dc));
	*done = false;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'O':
			dc->object = optarg;
			break;
		case 'P':
			dc->positional = true;
			break;
		case 'h':
			usage_text();
			*done = true;
			return (0);
		default:
			return (cli_bad_option("diff", argv));
		}
	}
	if (argc - optind != 3)
		return (cli_usage_error("diff", "expected DB RUN_A RUN_B"));
	if ((error = cli_parse_run_id("diff", "", argv[optind + 1], &dc->a))
		!= 0
	    || (error = cli_parse_run_id("diff", "", argv[optind + 2], &dc->b))
		!= 0)
		return (error);
	dc->db = argv[optind];
	return (0);
}

/*
 * Opens both runs on the database (one connection, a cursor each) and
 * reads their labels; 0 or exit status.
 */
static int
load_runs(const struct diff_cli *dc, struct drun *a, struct drun *b)
{
	struct tracedb *db;
	char err[1200];
	int error;

	memset(a, 0, sizeof(*a));
	memset(b, 0, sizeof(*b));
	a->id = dc->a;
	b->id = dc->b;
	if ((error = cli_open_db(dc->db, &a->id, &db)) != 0)
		return (error);
	a->db = b->db = db;
	if (tracedb_run_resolve(db, &b->id, err, sizeof(err)) != 0) {
		fprintf(stderr, "evsim: %s\n", err);
		return (EXIT_USAGE);
	}
	a->cur = tracedb_cursor_open(db, a->id, 1);
	b->cur = tracedb_cursor_open(db, b->id, 1);
	load_labels(db, a);
	load_labels(db, b);
	return (0);
}

/*
 * Counts the transitions r compares (its object's with --object) on the
 * integer keys; 0 or exit status.
 */
static int
count_run(struct drun *r)
{
	sqlite3 *db = tracedb_sqlite(r->db);
	uint32_t id = 0;
	uint64_t n = 0;

	r->n = 0;
	if (r->object != NULL
	    && (id = tracerows_str_id(db, r->id, r->object)) == 0)
		return (0);
	if (tracerows_count(db, r->id, id, &n) != 0) {
		fprintf(stderr, "evsim: %s\n", sqlite3_errmsg(db));
		return (EXIT_USAGE);
	}
	r->n = (size_t)n;
	return (0);
}

/*
 * Keeps only the transitions of object in both runs and prints which
 * object that is; the resolved names go to *oa and *ob.  0, or EXIT_USAGE
 * when the name resolves to no object of a run.
 */
static int
keep_object(
    struct drun *a, struct drun *b, const char *object, char **oa, char **ob)
{
	if ((*oa = resolve_object(a, object)) == NULL
	    || (*ob = resolve_object(b, object)) == NULL)
		return (EXIT_USAGE);
	a->object = *oa;
	b->object = *ob;
	if (count_run(a) != 0 || count_run(b) != 0)
		return (EXIT_USAGE);
	if (strcmp(*oa, *ob) == 0)
		printf("object %s", *oa);
	else
		printf("object %s of run %" PRId64 ", %s of run %" PRId64, *oa,
		    a->id, *ob, b->id);
	if (label_of(a, *oa, strlen(*oa)) != NULL)
		printf("  %s", label_of(a, *oa, strlen(*oa)));
	printf(": %zu and %zu transitions\n", a->n, b->n);
	return (0);
}

/*
 * Prints the first difference, at st->first_a of run a and st->first_b of
 * run b, with the transitions before it and the labels of its objects.
 */
static void
print_first_difference(const struct drun *a, const struct drun *b,
    const struct dstate *st, const char *line_b, bool positional)
{
	struct legend lg = { NULL, 0, 0 };
	size_t k;

	printf("runs %" PRId64 " and %" PRId64
	       " differ first at transition %zu (of %zu and %zu)\n",
	    a->id, b->id, st->first_a + 1, a->n, b->n);
	if (!positional && (st->first_b != st->first_a || st->moved > 0))
		printf("  (transition %zu of run %" PRId64
		       "; before them the runs are equivalent, %zu "
		       "independent transitions in another order)\n",
		    st->first_b + 1, b->id, st->moved);
	for (k = st->ctx.n > DIFF_CONTEXT ? st->ctx.n - DIFF_CONTEXT : 0;
	     k < st->ctx.n; k++)
		show(" ", st->ctx.l[k % DIFF_CONTEXT].s);
	show("-", st->have_a ? st->cur_a.s : "(end of run)");
	show("+", line_b != NULL ? line_b : "(end of run)");
	if (st->have_a)
		legend_add(&lg, a, st->cur_a.s);
	if (line_b != NULL)
		legend_add(&lg, b, line_b);
	legend_print(&lg, a, b, "objects:");
}

/*
 * The lines aligned after the first difference: run A's from first_a, run
 * B's from first_b that are not matched yet (all of them when positional),
 * at most DIFF_WINDOW of each, read on from the cursors.
 */
static void
window_lines(struct drun *a, struct drun *b, struct dstate *st, bool positional,
    char **wa_lines, size_t *ret_wa, char **wb_lines, size_t *ret_wb)
{
	const char *line;
	size_t wa = 0, wb = 0, j;

	if (st->have_a)
		wa_lines[wa++] = xstrdup(st->cur_a.s);
	while (wa < DIFF_WINDOW && (line = next_line(a)) != NULL)
		wa_lines[wa++] = xstrdup(line);
	if (positional) {
		if (st->have_b)
			wb_lines[wb++] = xstrdup(st->cur_b.s);
	} else {
		for (j = st->first_b; j < st->off + st->n && wb < DIFF_WINDOW;
		     j++)
			if (bent_at(st, j)->line != NULL)
				wb_lines[wb++] = xstrdup(bent_at(st, j)->line);
	}
	while (wb < DIFF_WINDOW && (line = next_line(b)) != NULL)
		wb_lines[wb++] = xstrdup(line);
	*ret_wa = wa;
	*ret_wb = wb;
}

/* Prints an aligned diff of what is left after the first difference. */
static void
print_aligned(
    struct drun *a, struct drun *b, struct dstate *st, bool positional)
{
	struct legend lg = { NULL, 0, 0 };
	struct report_pair *pair;
	char **ab[2], **wa_lines, **wb_lines;
	size_t i, wa, wb, np = 0;

	wa_lines = malloc(DIFF_WINDOW * sizeof(*wa_lines));
	wb_lines = malloc(DIFF_WINDOW * sizeof(*wb_lines));
	pair = malloc(2 * DIFF_WINDOW * sizeof(*pair));
	if (wa_lines == NULL || wb_lines == NULL || pair == NULL)
		sim_oom();
	window_lines(a, b, st, positional, wa_lines, &wa, wb_lines, &wb);
	ab[0] = wa_lines;
	ab[1] = wb_lines;
	if (report_align(0, wa, wb, body_eq, ab, pair, &np) != 0)
		sim_oom();
	printf("\naligned (run %" PRId64 " '-', run %" PRId64
	       " '+', first %d lines of each%s):\n",
	    a->id, b->id, DIFF_WINDOW,
	    positional || st->moved == 0 ? ""
					 : "; run B without the transitions "
					   "matched before");
	for (i = 0; i < np; i++) {
		if (pair[i].a == SIZE_MAX) {
			show("+", wb_lines[pair[i].b]);
			legend_add(&lg, b, wb_lines[pair[i].b]);
		} else if (pair[i].b == SIZE_MAX) {
			show("-", wa_lines[pair[i].a]);
			legend_add(&lg, a, wa_lines[pair[i].a]);
		} else
			show(" ", wa_lines[pair[i].a]);
	}
	legend_print(&lg, a, b, "\nobjects changed above:");
	for (i = 0; i < wa; i++)
		free(wa_lines[i]);
	for (i = 0; i < wb; i++)
		free(wb_lines[i]);
	free(pair);
	free(wa_lines);
	free(wb_lines);
}

/*
 * Reads both runs in step while their lines are equal but for the sequence
 * number; leaves the first unequal pair in st (first_a = first_b, cur_a
 * and cur_b when not at an end).  Returns whether the runs are identical.
 */
static bool
compare_prefix(struct drun *a, struct drun *b, struct dstate *st)
{
	const char *la, *lb;

	for (;;) {
		la = next_line(a);
		lb = next_line(b);
		if (la == NULL || lb == NULL || strcmp(body(la), body(lb)) != 0)
			break;
		ring_push(&st->ctx, la);
	}
	st->first_a = st->first_b = la != NULL ? a->pos - 1 : a->pos;
	if ((st->have_a = la != NULL))
		dline_set(&st->cur_a, la);
	if ((st->have_b = lb != NULL))
		dline_set(&st->cur_b, lb);
	return (la == NULL && lb == NULL);
}

/*
 * Compares runs a and b and prints the outcome; returns 0 when they are
 * identical or equivalent, EXIT_FAILED when they differ.  Memory holds a
 * few lines of each run, and for the equivalence matching the transitions
 * of run B read ahead and not matched yet.
 */
static int
diff_runs(struct drun *a, struct drun *b, bool positional)
{
	struct dstate st;
	int rc = EXIT_FAILED;

	memset(&st, 0, sizeof(st));
	if (a->object == NULL && (count_run(a) != 0 || count_run(b) != 0))
		return (EXIT_USAGE);
	if (compare_prefix(a, b, &st)) {
		if (!a->err && !b->err)
			printf("runs %" PRId64 " and %" PRId64
			       " are identical (%zu transitions)\n",
			    a->id, b->id, a->pos);
		rc = 0;
		goto out;
	}
	if (!positional) {
		match_equivalent(a, b, &st);
		if (!st.have_a && !st.have_b && !a->err && !b->err) {
			printf("runs %" PRId64 " and %" PRId64
			       " are equivalent (%zu transitions; %zu of "
			       "them in another order, independent of the "
			       "transitions they moved past)\n",
			    a->id, b->id, a->pos, st.moved);
			rc = 0;
			goto out;
		}
	}
	print_first_difference(a, b, &st,
	    !st.have_b	     ? NULL
		: positional ? st.cur_b.s
			     : bent_at(&st, st.first_b)->line,
	    positional);
	print_aligned(a, b, &st, positional);
out:
	dstate_free(&st);
	return (a->err || b->err ? EXIT_USAGE : rc);
}

int
cmd_diff(int argc, char **argv)
{
	struct diff_cli dc;
	struct drun a, b;
	char *oa = NULL, *ob = NULL;
	bool done;
	int error;

	error = diff_parse(argc, argv, &dc, &done);
	if (error != 0 || done)
		return (error);
	if ((error = load_runs(&dc, &a, &b)) == 0
	    && (dc.object == NULL
		|| (error = keep_object(&a, &b, dc.object, &oa, &ob)) == 0))
		error = diff_runs(&a, &b, dc.positional);
	drun_free(&a);
	drun_free(&b);
	tracedb_close(a.db);
	free(oa);
	free(ob);
	return (error);
}
