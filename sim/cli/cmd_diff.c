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

#define DIFF_CONTEXT 5
#define DIFF_WINDOW 400 /* lines of each run aligned after the difference */

/* One run's transitions and object labels. */
struct drun {
	int64_t id;
	char **all; /* canonical lines, as tracedb_lines() returns them */
	size_t nall;
	char **line; /* the lines compared: all, or one object's */
	size_t n;
	char **objname; /* objects with a label */
	char **objlabel;
	size_t nobj;
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

static size_t
body_len(const char *line)
{
	const char *b = body(line);

	return (strcspn(b, "\n"));
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
	size_t i, len;
	const char *o;

	for (i = 0; i < r->n; i++) {
		o = field(r->line[i], 5, &len);
		if (len == strlen(obj) && memcmp(o, obj, len) == 0)
			return (true);
	}
	return (false);
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

/* Compares only the lines of r that change object obj. */
static void
filter_object(struct drun *r, const char *obj)
{
	size_t i, k = 0, len;
	const char *o;

	r->line = malloc((r->nall + 1) * sizeof(*r->line));
	if (r->line == NULL)
		sim_oom();
	for (i = 0; i < r->nall; i++) {
		o = field(r->all[i], 5, &len);
		if (len == strlen(obj) && memcmp(o, obj, len) == 0)
			r->line[k++] = r->all[i];
	}
	r->n = k;
}

/*
 * A queue of the unmatched transitions of run B with one key (a content,
 * a thread or an object), in order; the key's first unmatched transition
 * is q[head].
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

	return ((size_t)snprintf(
	    buf, len, "%c %.*s", thread ? 't' : 'o', (int)flen, f));
}

/*
 * The equivalence matching described at the top of the file.  Sets
 * *ret_fa to the index in A of the first transition without a partner (or
 * a->n when every one has one) and fills matched_b[j] for the transitions
 * of B matched so far; *ret_moved counts the matched pairs whose B
 * transition was not the first unmatched one (a reordering).
 */
static void
match_equivalent(const struct drun *a, const struct drun *b, bool *matched_b,
    size_t *ret_fa, size_t *ret_moved)
{
	struct strmap *m = strmap_new();
	struct dqueue *qs = NULL;
	uint32_t *kbody, *kthr, *kobj;
	size_t cap = 0, i, j, moved = 0, firstb = 0;
	char key[1024];

	kbody = malloc((b->n + 1) * sizeof(*kbody));
	kthr = malloc((b->n + 1) * sizeof(*kthr));
	kobj = malloc((b->n + 1) * sizeof(*kobj));
	if (kbody == NULL || kthr == NULL || kobj == NULL)
		sim_oom();
	for (j = 0; j < b->n; j++) {
		/* Content keys start with 'b', thread and object keys not. */
		size_t bl = body_len(b->line[j]);
		char *bk = malloc(bl + 2);

		if (bk == NULL)
			sim_oom();
		bk[0] = 'b';
		memcpy(bk + 1, body(b->line[j]), bl);
		kbody[j] = key_queue(m, &qs, &cap, bk, bl + 1);
		free(bk);
		dq_push(&qs[kbody[j]], j);
		kthr[j] = key_queue(m, &qs, &cap, key,
		    dep_key(b->line[j], true, key, sizeof(key)));
		dq_push(&qs[kthr[j]], j);
		kobj[j] = key_queue(m, &qs, &cap, key,
		    dep_key(b->line[j], false, key, sizeof(key)));
		dq_push(&qs[kobj[j]], j);
	}
	for (i = 0; i < a->n; i++) {
		size_t bl = body_len(a->line[i]);
		char *bk = malloc(bl + 2);
		uint32_t k;

		if (bk == NULL)
			sim_oom();
		bk[0] = 'b';
		memcpy(bk + 1, body(a->line[i]), bl);
		k = strmap_find(m, bk, bl + 1);
		free(bk);
		if (k == STRMAP_NONE || (j = dq_front(&qs[k])) == SIZE_MAX)
			break;
		/* Only its thread's and its object's earlier ones matter. */
		if (dq_front(&qs[kthr[j]]) != j || dq_front(&qs[kobj[j]]) != j)
			break;
		qs[kbody[j]].head++;
		qs[kthr[j]].head++;
		qs[kobj[j]].head++;
		matched_b[j] = true;
		while (firstb < b->n && matched_b[firstb])
			firstb++;
		if (j > firstb)
			moved++;
	}
	*ret_fa = i;
	*ret_moved = moved;
	for (j = 0; j < cap; j++)
		free(qs[j].q);
	free(qs);
	free(kbody);
	free(kthr);
	free(kobj);
	strmap_free(m);
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

	if (r->line != r->all)
		free(r->line);
	tracedb_lines_free(r->all, r->nall);
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

/* Loads both runs' lines and labels from the database; 0 or exit status. */
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
	if (tracedb_run_resolve(db, &b->id, err, sizeof(err)) != 0) {
		fprintf(stderr, "evsim: %s\n", err);
		tracedb_close(db);
		return (EXIT_USAGE);
	}
	tracedb_lines(db, a->id, &a->all, &a->nall);
	tracedb_lines(db, b->id, &b->all, &b->nall);
	a->line = a->all;
	a->n = a->nall;
	b->line = b->all;
	b->n = b->nall;
	load_labels(db, a);
	load_labels(db, b);
	tracedb_close(db);
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
	filter_object(a, *oa);
	filter_object(b, *ob);
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
 * Prints the first difference, at first_a of run a and first_b of run b,
 * with the transitions before it and the labels of its objects.
 */
static void
print_first_difference(const struct drun *a, const struct drun *b,
    size_t first_a, size_t first_b, size_t moved, bool positional)
{
	struct legend lg = { NULL, 0, 0 };
	size_t i;

	printf("runs %" PRId64 " and %" PRId64
	       " differ first at transition %zu (of %zu and %zu)\n",
	    a->id, b->id, first_a + 1, a->n, b->n);
	if (!positional && (first_b != first_a || moved > 0))
		printf("  (transition %zu of run %" PRId64
		       "; before them the runs are equivalent, %zu "
		       "independent transitions in another order)\n",
		    first_b + 1, b->id, moved);
	for (i = first_a > DIFF_CONTEXT ? first_a - DIFF_CONTEXT : 0;
	     i < first_a; i++)
		show(" ", a->line[i]);
	show("-", first_a < a->n ? a->line[first_a] : "(end of run)");
	show("+", first_b < b->n ? b->line[first_b] : "(end of run)");
	if (first_a < a->n)
		legend_add(&lg, a, a->line[first_a]);
	if (first_b < b->n)
		legend_add(&lg, b, b->line[first_b]);
	legend_print(&lg, a, b, "objects:");
}

/*
 * Prints an aligned diff of what is left after the first difference: run A
 * from first_a, run B's transitions from first_b not matched yet (all of
 * them when matched_b is NULL).
 */
static void
print_aligned(const struct drun *a, const struct drun *b, size_t first_a,
    size_t first_b, const bool *matched_b, size_t moved, bool positional)
{
	struct legend lg = { NULL, 0, 0 };
	struct report_pair *pair;
	char **ab[2], **wa_lines, **wb_lines;
	size_t i, wa, wb, np = 0;

	wa = a->n - first_a < DIFF_WINDOW ? a->n - first_a : DIFF_WINDOW;
	wa_lines = malloc((wa + 1) * sizeof(*wa_lines));
	wb_lines = malloc((b->n - first_b + 1) * sizeof(*wb_lines));
	if (wa_lines == NULL || wb_lines == NULL)
		sim_oom();
	for (i = 0; i < wa; i++)
		wa_lines[i] = a->line[first_a + i];
	for (wb = 0, i = first_b; i < b->n && wb < DIFF_WINDOW; i++)
		if (matched_b == NULL || !matched_b[i])
			wb_lines[wb++] = b->line[i];
	ab[0] = wa_lines;
	ab[1] = wb_lines;
	pair = malloc((wa + wb + 1) * sizeof(*pair));
	if (pair == NULL
	    || report_align(0, wa, wb, body_eq, ab, pair, &np) != 0)
		sim_oom();
	printf("\naligned (run %" PRId64 " '-', run %" PRId64
	       " '+', first %d lines of each%s):\n",
	    a->id, b->id, DIFF_WINDOW,
	    positional || moved == 0 ? ""
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
	free(pair);
	free(wa_lines);
	free(wb_lines);
}

/*
 * Compares runs a and b and prints the outcome; returns 0 when they are
 * identical or equivalent, EXIT_FAILED when they differ.
 */
static int
diff_runs(const struct drun *a, const struct drun *b, bool positional)
{
	bool *matched_b = NULL;
	size_t first_a, first_b, moved = 0;

	for (first_a = 0; first_a < a->n && first_a < b->n; first_a++)
		if (strcmp(body(a->line[first_a]), body(b->line[first_a])) != 0)
			break;
	if (first_a == a->n && first_a == b->n) {
		printf("runs %" PRId64 " and %" PRId64
		       " are identical (%zu transitions)\n",
		    a->id, b->id, a->n);
		return (0);
	}
	first_b = first_a;
	if (!positional) {
		matched_b = calloc(b->n + 1, sizeof(*matched_b));
		if (matched_b == NULL)
			sim_oom();
		match_equivalent(a, b, matched_b, &first_a, &moved);
		for (first_b = 0; first_b < b->n && matched_b[first_b];
		     first_b++)
			;
		if (first_a == a->n && first_b == b->n) {
			printf("runs %" PRId64 " and %" PRId64
			       " are equivalent (%zu transitions; %zu of "
			       "them in another order, independent of the "
			       "transitions they moved past)\n",
			    a->id, b->id, a->n, moved);
			free(matched_b);
			return (0);
		}
	}
	print_first_difference(a, b, first_a, first_b, moved, positional);
	print_aligned(a, b, first_a, first_b, matched_b, moved, positional);
	free(matched_b);
	return (EXIT_FAILED);
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
	if ((error = load_runs(&dc, &a, &b)) != 0)
		return (error);
	if (dc.object == NULL
	    || (error = keep_object(&a, &b, dc.object, &oa, &ob)) == 0)
		error = diff_runs(&a, &b, dc.positional);
	free(oa);
	free(ob);
	drun_free(&a);
	drun_free(&b);
	return (error);
}
