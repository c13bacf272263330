/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Two runs side by side (evsim report --against), in bounded memory.  Both
 * runs are streamed in step through two row cursors until their first
 * difference, keeping only the last DIFF_CONTEXT equal transitions; from
 * there DIFF_SPAN transitions of each run are kept and aligned (a longest
 * common subsequence), and the rest of each run is streamed to its end for
 * what the page says of the whole run: the counts, the class of the values
 * of every (kind, field) (flag sets, object names, never emptied: see
 * report_vals.c), the objects and threads that made a change, and its last
 * DIFF_CONTEXT transitions, which runs longer than REPORT_WINDOW show after
 * the alignment.  Whether an empty old value of a transition shown is "no
 * previous value" depends on its object's history (the function that
 * created it, the fields it changed before): a second pass reads each run up
 * to its last such transition, following only their objects.  Memory grows
 * with the transitions shown and with the distinct (kind, field) pairs,
 * threads and object names of the runs, never with their length.
 */
#include <errno.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "report_impl.h"
#include "tracerows.h"

/* Lines of equal context shown before the first difference of a diff. */
#define DIFF_CONTEXT 10
/* Transitions of each run aligned after the first difference. */
#define DIFF_SPAN 400

/* A transition kept while streaming: its strings in one buffer. */
struct kept {
	int64_t seq, vtime, pid, tid;
	uint32_t oid;
	char *buf; /* func, object, field, old, new, each ending in NUL */
	size_t cap;
};

/* The last transitions read, in a ring. */
struct ring {
	struct kept k[DIFF_CONTEXT];
	size_t n; /* pushed since the last reset */
};

/* What the stream of one run says of (kind, field): REPORT_VAL_* seen. */
struct kfield {
	char *key; /* kind, '\x1f', field */
	unsigned seen;
};

/* One run being read. */
struct side {
	struct report_run *r;
	struct tracerows *c;
	struct tracerows_row row;
	int rc; /* of the last tracerows_next() */
	size_t n; /* transitions read */
	size_t nspan; /* transitions aligned after the first difference */
	size_t after; /* transitions after those */
	struct ring ring;
	uint32_t *oid; /* per loaded transition: its object's string number */
	size_t oidcap;
	size_t trcap;
	/* Whole-run facts. */
	struct kfield *kf; /* open addressing */
	size_t nkf, kfcap;
	unsigned char *objbit; /* objects with a change, by string number */
	size_t objbytes;
	int64_t *tids; /* sorted */
	size_t ntids, tidcap;
};

/* Whether the row is print output or a label rather than a change. */
static bool
row_event(const struct tracerows_row *w)
{
	return (w->object == NULL || w->object[0] == '\0'
	    || (w->func != NULL
		&& (strcmp(w->func, "print") == 0
		    || strcmp(w->func, "sim_label") == 0)));
}

static const char *
str(const char *s)
{
	return (s != NULL ? s : "");
}

/* FNV-1a of a (kind, field) key. */
static uint64_t
key_hash(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return (h);
}

/* The seen bits of (kind, field) key (klen bytes), added when new. */
static unsigned *
kf_get(struct side *s, const char *key, size_t klen)
{
	struct kfield *nk;
	size_t i, j;

	if ((s->nkf + 1) * 2 > s->kfcap) {
		size_t cap = s->kfcap != 0 ? s->kfcap * 2 : 64;

		if ((nk = calloc(cap, sizeof(*nk))) == NULL)
			return (NULL);
		for (i = 0; i < s->kfcap; i++) {
			if (s->kf[i].key == NULL)
				continue;
			j = key_hash(s->kf[i].key, strlen(s->kf[i].key))
			    & (cap - 1);
			while (nk[j].key != NULL)
				j = (j + 1) & (cap - 1);
			nk[j] = s->kf[i];
		}
		free(s->kf);
		s->kf = nk;
		s->kfcap = cap;
	}
	for (i = key_hash(key, klen) & (s->kfcap - 1); s->kf[i].key != NULL;
	     i = (i + 1) & (s->kfcap - 1))
		if (strncmp(s->kf[i].key, key, klen) == 0
		    && s->kf[i].key[klen] == '\0')
			return (&s->kf[i].seen);
	if ((s->kf[i].key = strndup(key, klen)) == NULL)
		return (NULL);
	s->nkf++;
	return (&s->kf[i].seen);
}

/* The (kind, field) key of a transition into buf; its length. */
static size_t
kf_key(const char *object, const char *field, char *buf, size_t len)
{
	size_t k = strcspn(object, "#"), f = strlen(field);

	if (k + f + 2 > len)
		return (0);
	memcpy(buf, object, k);
	buf[k] = '\x1f';
	memcpy(buf + k + 1, field, f + 1);
	return (k + 1 + f);
}

static int
tid_add(struct side *s, int64_t tid)
{
	size_t lo = 0, hi = s->ntids, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (s->tids[mid] == tid)
			return (0);
		if (s->tids[mid] < tid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (s->ntids == s->tidcap) {
		size_t cap = s->tidcap != 0 ? s->tidcap * 2 : 16;
		int64_t *nt = realloc(s->tids, cap * sizeof(*nt));

		if (nt == NULL)
			return (ENOMEM);
		s->tids = nt;
		s->tidcap = cap;
	}
	memmove(
	    &s->tids[lo + 1], &s->tids[lo], (s->ntids - lo) * sizeof(*s->tids));
	s->tids[lo] = tid;
	s->ntids++;
	return (0);
}

/* Counts the row just read into the whole-run facts. */
static int
count_row(struct side *s)
{
	const struct tracerows_row *w = &s->row;
	char key[512];
	unsigned *seen;
	size_t klen;

	s->n++;
	if (!row_event(w)) {
		size_t byte = w->object_id / 8;

		if (byte >= s->objbytes) {
			size_t nb = (byte + 1) * 2;
			unsigned char *p = realloc(s->objbit, nb);

			if (p == NULL)
				return (ENOMEM);
			memset(p + s->objbytes, 0, nb - s->objbytes);
			s->objbit = p;
			s->objbytes = nb;
		}
		s->objbit[byte] |= (unsigned char)(1u << (w->object_id % 8));
	}
	if (w->tid > 0 && (s->ntids == 0 || s->tids[s->ntids - 1] != w->tid)
	    && tid_add(s, w->tid) != 0)
		return (ENOMEM);
	klen = kf_key(str(w->object), str(w->field), key, sizeof(key));
	if (klen == 0) {
		/* Longer than any real name: counted under its own copy. */
		char *big = malloc(
		    strlen(str(w->object)) + strlen(str(w->field)) + 2);

		if (big == NULL)
			return (ENOMEM);
		klen = strcspn(str(w->object), "#");
		memcpy(big, str(w->object), klen);
		big[klen] = '\x1f';
		strcpy(big + klen + 1, str(w->field));
		seen = kf_get(s, big, strlen(big));
		if (seen != NULL)
			*seen |= report_val_seen(str(w->old), str(w->new));
		free(big);
		return (seen != NULL ? 0 : ENOMEM);
	}
	if ((seen = kf_get(s, key, klen)) == NULL)
		return (ENOMEM);
	if (*seen != (REPORT_VAL_FLAGS | REPORT_VAL_REF | REPORT_VAL_EMPTIED))
		*seen |= report_val_seen(str(w->old), str(w->new));
	return (0);
}

/* Reads the next row of s; s->rc is 0, ENOENT at the end, or an error. */
static int
side_next(struct side *s)
{
	s->rc = tracerows_next(s->c, &s->row);
	if (s->rc == 0)
		return (count_row(s));
	return (s->rc == ENOENT ? 0 : s->rc);
}

/* Whether the current rows of x and y make the same change. */
static bool
rows_equal(const struct tracerows_row *x, const struct tracerows_row *y)
{
	return (x->tid == y->tid && strcmp(str(x->func), str(y->func)) == 0
	    && strcmp(str(x->object), str(y->object)) == 0
	    && strcmp(str(x->field), str(y->field)) == 0
	    && strcmp(str(x->old), str(y->old)) == 0
	    && strcmp(str(x->new), str(y->new)) == 0);
}

/* Copies the current row of s into the ring. */
static int
ring_push(struct side *s)
{
	const struct tracerows_row *w = &s->row;
	struct kept *k = &s->ring.k[s->ring.n++ % DIFF_CONTEXT];
	const char *f[5] = { str(w->func), str(w->object), str(w->field),
		str(w->old), str(w->new) };
	size_t len[5], need = 0, i;

	for (i = 0; i < 5; i++)
		need += (len[i] = strlen(f[i])) + 1;
	if (need > k->cap) {
		char *nb = realloc(k->buf, need);

		if (nb == NULL)
			return (ENOMEM);
		k->buf = nb;
		k->cap = need;
	}
	for (need = 0, i = 0; i < 5; i++) {
		memcpy(k->buf + need, f[i], len[i] + 1);
		need += len[i] + 1;
	}
	k->seq = (int64_t)w->seq;
	k->vtime = w->vtime;
	k->pid = w->pid;
	k->tid = w->tid;
	k->oid = w->object_id;
	return (0);
}

/* Appends a transition to the loaded ones of s. */
static int
load_tr(struct side *s, int64_t seq, int64_t vtime, int64_t pid, int64_t tid,
    uint32_t oid, const char *const f[5])
{
	struct report_run *r = s->r;
	struct report_tr *t;
	bool oom = false;

	if (r->ntr == s->trcap) {
		size_t cap = s->trcap != 0 ? s->trcap * 2 : 64;
		struct report_tr *nt = realloc(r->tr, cap * sizeof(*nt));
		uint32_t *no;

		if (nt == NULL)
			return (ENOMEM);
		r->tr = nt;
		s->trcap = cap;
		if ((no = realloc(s->oid, cap * sizeof(*no))) == NULL)
			return (ENOMEM);
		s->oid = no;
	}
	t = &r->tr[r->ntr];
	t->seq = seq;
	t->vtime = vtime;
	t->pid = pid;
	t->tid = tid;
	t->func = report_run_str(r, f[0], &oom);
	t->object = report_run_str(r, f[1], &oom);
	t->field = report_run_str(r, f[2], &oom);
	t->old = report_run_str(r, f[3], &oom);
	t->new = report_run_str(r, f[4], &oom);
	if (oom)
		return (ENOMEM);
	s->oid[r->ntr++] = oid;
	return (0);
}

static int
load_row(struct side *s)
{
	const struct tracerows_row *w = &s->row;
	const char *f[5] = { w->func, w->object, w->field, w->old, w->new };

	return (load_tr(
	    s, (int64_t)w->seq, w->vtime, w->pid, w->tid, w->object_id, f));
}

/* Loads the rows of the ring, oldest first, and empties it. */
static int
load_ring(struct side *s)
{
	size_t n = s->ring.n < DIFF_CONTEXT ? s->ring.n : DIFF_CONTEXT, i;
	int error;

	for (i = s->ring.n - n; i < s->ring.n; i++) {
		const struct kept *k = &s->ring.k[i % DIFF_CONTEXT];
		const char *f[5];
		size_t j;

		f[0] = k->buf;
		for (j = 1; j < 5; j++)
			f[j] = f[j - 1] + strlen(f[j - 1]) + 1;
		if ((error = load_tr(
			 s, k->seq, k->vtime, k->pid, k->tid, k->oid, f))
		    != 0)
			return (error);
	}
	s->ring.n = 0;
	return (0);
}

/*
 * Streams both runs in step to their first difference; returns the number
 * of equal transitions before it in *ret_p, and leaves the last of them in
 * the rings and the first different rows (if any) current.
 */
static int
find_prefix(struct side *a, struct side *b, size_t *ret_p)
{
	size_t p = 0;
	int error;

	for (;;) {
		if ((error = side_next(a)) != 0 || (error = side_next(b)) != 0)
			return (error);
		if (a->rc != 0 || b->rc != 0 || !rows_equal(&a->row, &b->row))
			break;
		if ((error = ring_push(a)) != 0 || (error = ring_push(b)) != 0)
			return (error);
		p++;
	}
	*ret_p = p;
	return (0);
}

/*
 * Loads the context before the first difference and up to DIFF_SPAN rows
 * of s from its current one, then streams the rest of the run, keeping its
 * last rows in the ring.
 */
static int
read_side(struct side *s)
{
	int error;

	if ((error = load_ring(s)) != 0)
		return (error);
	while (s->rc == 0 && s->nspan < DIFF_SPAN) {
		if ((error = load_row(s)) != 0)
			return (error);
		s->nspan++;
		if ((error = side_next(s)) != 0)
			return (error);
	}
	while (s->rc == 0) {
		s->after++;
		if ((error = ring_push(s)) != 0 || (error = side_next(s)) != 0)
			return (error);
	}
	return (0);
}

/* report_tr_equal() of transition i of run ab[0] and j of run ab[1]. */
static bool
tr_eq(size_t i, size_t j, void *arg)
{
	struct report_run *const *ab = arg;

	return (report_tr_equal(&ab[0]->tr[i], &ab[1]->tr[j]));
}

/* The context pairs and the alignment of the spans into d. */
static int
align(struct side *a, struct side *b, size_t p, struct report_diff *d)
{
	struct report_run *ab[2] = { a->r, b->r };
	size_t ctx = p < DIFF_CONTEXT ? p : DIFF_CONTEXT, i;

	d->first = SIZE_MAX;
	d->prefix = p;
	d->skipped = p - ctx;
	d->truncated = a->after > 0 || b->after > 0;
	d->pair = malloc((ctx + a->nspan + b->nspan + 1) * sizeof(*d->pair));
	if (d->pair == NULL)
		return (ENOMEM);
	for (i = 0; i < ctx; i++) {
		d->pair[d->npair].a = i;
		d->pair[d->npair++].b = i;
	}
	if (a->nspan == 0 && b->nspan == 0)
		return (0);
	d->first = d->npair;
	return (report_align(
	    ctx, a->nspan, b->nspan, tr_eq, (void *)ab, d->pair, &d->npair));
}

/* The first column of sql bound to run (count or max), into *ret. */
static int
query_count(sqlite3 *db, const char *sql, int64_t run, size_t *ret)
{
	sqlite3_stmt *st;
	int rc;

	*ret = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return (EIO);
	sqlite3_bind_int64(st, 1, run);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*ret = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return (rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : EIO);
}

/*
 * The counts of the whole run: syscalls and decisions in the database,
 * threads with a row in 'threads' and those that made a change or a
 * syscall without one (a recorder that died early), objects that changed.
 */
static int
count_run(sqlite3 *db, struct side *s)
{
	struct report_run *r = s->r;
	sqlite3_stmt *st;
	size_t i, nthr = 0;
	int rc, error;

	r->partial = true;
	r->all.tr = s->n;
	for (i = 0; i < s->objbytes; i++)
		r->all.obj += (size_t)__builtin_popcount(s->objbit[i]);
	if ((error = query_count(db,
		 "SELECT count(*) FROM syscall_rows WHERE id > (?1 - 1) << 32 "
		 "AND id < ?1 << 32 AND seq IS NOT NULL",
		 r->hdr.id, &r->all.sys))
		!= 0
	    || (error = query_count(db,
		    "SELECT count(*) FROM decisions WHERE run_id = ?1 AND seq "
		    "IS NOT NULL",
		    r->hdr.id, &r->all.dec))
		!= 0
	    || (error = query_count(db,
		    "SELECT count(*) FROM threads WHERE run_id = ?1", r->hdr.id,
		    &nthr))
		!= 0)
		return (error);
	/* The syscalls' threads join those of the transitions. */
	if (sqlite3_prepare_v2(db,
		"SELECT DISTINCT tid FROM syscall_rows WHERE id > (?1 - 1) << "
		"32 "
		"AND id < ?1 << 32 AND seq IS NOT NULL AND tid > 0",
		-1, &st, NULL)
	    != SQLITE_OK)
		return (EIO);
	sqlite3_bind_int64(st, 1, r->hdr.id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (tid_add(s, sqlite3_column_int64(st, 0)) != 0) {
			sqlite3_finalize(st);
			return (ENOMEM);
		}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return (EIO);
	if (sqlite3_prepare_v2(db,
		"SELECT 1 FROM threads WHERE run_id = ?1 AND tid = ?2", -1, &st,
		NULL)
	    != SQLITE_OK)
		return (EIO);
	r->all.thr = nthr;
	for (i = 0; i < s->ntids; i++) {
		sqlite3_bind_int64(st, 1, r->hdr.id);
		sqlite3_bind_int64(st, 2, s->tids[i]);
		if (sqlite3_step(st) != SQLITE_ROW)
			r->all.thr++;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return (0);
}

/*
 * The class bits of every loaded transition from its (kind, field), and
 * the "no previous value" bit of the "(life)" rows.
 */
static int
class_bits(struct side *s)
{
	struct report_run *r = s->r;
	char key[512];
	size_t i, klen;
	unsigned *seen;

	if ((r->vbits = calloc(r->ntr + 1, 1)) == NULL)
		return (ENOMEM);
	for (i = 0; i < r->ntr; i++) {
		const struct report_tr *t = &r->tr[i];
		char *big = NULL;
		const char *k = key;

		klen = kf_key(t->object, t->field, key, sizeof(key));
		if (klen == 0) {
			size_t n = strcspn(t->object, "#");

			big = malloc(n + strlen(t->field) + 2);
			if (big == NULL)
				return (ENOMEM);
			memcpy(big, t->object, n);
			big[n] = '\x1f';
			strcpy(big + n + 1, t->field);
			k = big;
			klen = strlen(big);
		}
		seen = kf_get(s, k, klen);
		free(big);
		if (seen == NULL)
			return (ENOMEM);
		r->vbits[i] = report_val_class(*seen);
		if (!report_tr_is_event(t) && strcmp(t->field, "(life)") == 0)
			r->vbits[i] |= REPORT_VAL_OLD_ABSENT;
	}
	return (0);
}

/* An object whose history a loaded transition's empty old value needs. */
struct hist {
	uint32_t oid;
	char *made; /* the function that created it, so far */
	const char **field; /* fields of its loaded transitions that need it */
	bool *had; /* whether it changed each of them so far */
	size_t nfield;
};

static int
hist_cmp(const void *x, const void *y)
{
	const struct hist *a = x, *b = y;

	return (a->oid < b->oid ? -1 : a->oid > b->oid);
}

/* Whether loaded transition i of r needs its object's history. */
static bool
needs_hist(const struct report_run *r, size_t i)
{
	const struct report_tr *t = &r->tr[i];

	return (!report_tr_is_event(t) && strcmp(t->field, "(life)") != 0
	    && t->old[0] == '\0');
}

/* The index of field f in h, or h->nfield. */
static size_t
hist_field(const struct hist *h, const char *f)
{
	size_t i;

	for (i = 0; i < h->nfield; i++)
		if (strcmp(h->field[i], f) == 0)
			break;
	return (i);
}

/*
 * Follows the objects of hs (sorted) through run s up to seq 'last', and
 * marks as "no previous value" the loaded transitions whose empty old value
 * was the first change of their field by the function that created their
 * object (see report_vals.c).
 */
static int
follow(sqlite3 *db, struct side *s, struct hist *hs, size_t nh, int64_t last)
{
	struct report_run *r = s->r;
	struct tracerows *c;
	struct tracerows_row w;
	size_t i = 0, k;
	int error;

	if ((error = tracerows_open(&c, db, r->hdr.id, 1, (uint64_t)last)) != 0)
		return (error);
	while ((error = tracerows_next(c, &w)) == 0) {
		struct hist key = { .oid = w.object_id }, *h;
		const char *func = str(w.func);

		while (i < r->ntr && r->tr[i].seq < (int64_t)w.seq)
			i++;
		if (row_event(&w)
		    || (h = bsearch(&key, hs, nh, sizeof(*hs), hist_cmp))
			== NULL)
			continue;
		if (strcmp(str(w.field), "(life)") == 0) {
			if (strcmp(str(w.new), "created") == 0) {
				free(h->made);
				if ((h->made = strdup(func)) == NULL) {
					error = ENOMEM;
					break;
				}
			}
			continue;
		}
		if ((k = hist_field(h, str(w.field))) == h->nfield)
			continue;
		if (i < r->ntr && r->tr[i].seq == (int64_t)w.seq
		    && needs_hist(r, i) && !h->had[k] && h->made != NULL
		    && strcmp(func, h->made) == 0)
			r->vbits[i] |= REPORT_VAL_OLD_ABSENT;
		h->had[k] = true;
	}
	tracerows_close(c);
	return (error == ENOENT ? 0 : error);
}

/* Adds field f to h's fields.  Returns 0 or ENOMEM. */
static int
hist_add(struct hist *h, const char *f)
{
	const char **nf;
	bool *nh;

	if (hist_field(h, f) < h->nfield)
		return (0);
	if ((h->nfield & (h->nfield - 1)) == 0) {
		size_t cap = h->nfield != 0 ? h->nfield * 2 : 1;

		if ((nf = realloc(h->field, cap * sizeof(*nf))) == NULL)
			return (ENOMEM);
		h->field = nf;
		if ((nh = realloc(h->had, cap * sizeof(*nh))) == NULL)
			return (ENOMEM);
		h->had = nh;
	}
	h->had[h->nfield] = false;
	h->field[h->nfield++] = f;
	return (0);
}

/* The "no previous value" bits of the loaded transitions that need them. */
static int
history_bits(sqlite3 *db, struct side *s)
{
	struct report_run *r = s->r;
	struct hist *hs, key, *h;
	size_t nh = 0, i;
	int64_t last = 0;
	int error = 0;

	/* At most one object and field per loaded transition. */
	hs = calloc(r->ntr + 1, sizeof(*hs));
	if (hs == NULL)
		return (ENOMEM);
	for (i = 0; i < r->ntr; i++) {
		if (!needs_hist(r, i))
			continue;
		last = r->tr[i].seq;
		key.oid = s->oid[i];
		h = nh > 0 ? bsearch(&key, hs, nh, sizeof(*hs), hist_cmp)
			   : NULL;
		if (h == NULL) {
			hs[nh++].oid = s->oid[i];
			qsort(hs, nh, sizeof(*hs), hist_cmp);
			h = bsearch(&key, hs, nh, sizeof(*hs), hist_cmp);
		}
		if ((error = hist_add(h, r->tr[i].field)) != 0)
			goto done;
	}
	if (nh > 0)
		error = follow(db, s, hs, nh, last);
done:
	for (i = 0; i < nh; i++) {
		free(hs[i].made);
		free(hs[i].field);
		free(hs[i].had);
	}
	free(hs);
	return (error);
}

/*
 * The label of object 'name' in run s: from 'objects', when the run made a
 * change to it (as a report of the whole run lists it); else NULL.
 */
static const char *
run_label(sqlite3 *db, struct side *s, const char *name, bool *oom)
{
	struct report_run *r = s->r;
	uint32_t id = tracerows_str_id(db, r->hdr.id, name);
	const char *label = NULL;
	sqlite3_stmt *st;

	if (id == 0 || id / 8 >= s->objbytes
	    || (s->objbit[id / 8] & (1u << (id % 8))) == 0)
		return (NULL);
	if (sqlite3_prepare_v2(db,
		"SELECT label FROM objects WHERE run_id = ?1 AND object = ?2"
		" AND label IS NOT NULL AND label <> ''",
		-1, &st, NULL)
	    != SQLITE_OK)
		return (NULL);
	sqlite3_bind_int64(st, 1, r->hdr.id);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		label = report_run_str(
		    r, (const char *)sqlite3_column_text(st, 0), oom);
	sqlite3_finalize(st);
	return (label);
}

/*
 * The distinct objects (at most REPORT_DIFF_OBJS, in order) of the rows of
 * d that only one run has, and that have a label in either run.
 */
static int
diff_objects(sqlite3 *db, struct side *sd[2], struct report_diff *d)
{
	const char *tried[REPORT_DIFF_OBJS * 8];
	size_t ntried = 0, i, k;
	bool oom = false;

	for (i = 0; i < d->npair && d->nobj < REPORT_DIFF_OBJS; i++) {
		const struct report_pair *p = &d->pair[i];
		const char *o, *la, *lb;

		if (p->a != SIZE_MAX && p->b != SIZE_MAX)
			continue;
		o = p->a != SIZE_MAX ? sd[0]->r->tr[p->a].object
				     : sd[1]->r->tr[p->b].object;
		if (o[0] == '\0')
			continue;
		for (k = 0; k < ntried; k++)
			if (strcmp(tried[k], o) == 0)
				break;
		if (k < ntried)
			continue;
		if (ntried < sizeof(tried) / sizeof(tried[0]))
			tried[ntried++] = o;
		la = run_label(db, sd[0], o, &oom);
		lb = run_label(db, sd[1], o, &oom);
		if (oom)
			return (ENOMEM);
		if (la == NULL && lb == NULL)
			continue;
		d->obj[d->nobj] = o;
		d->label[0][d->nobj] = la;
		d->label[1][d->nobj++] = lb;
	}
	return (0);
}

/* The last rows of s after its aligned ones, for a long run. */
static int
load_end(struct side *s, bool longrun, size_t *end, size_t *left)
{
	size_t kept = s->ring.n < DIFF_CONTEXT ? s->ring.n : DIFF_CONTEXT;

	*end = s->r->ntr;
	*left = 0;
	if (!longrun || s->after == 0)
		return (0);
	*left = s->after - kept;
	return (load_ring(s));
}

static void
side_free(struct side *s)
{
	size_t i;

	tracerows_close(s->c);
	for (i = 0; i < DIFF_CONTEXT; i++)
		free(s->ring.k[i].buf);
	for (i = 0; i < s->kfcap; i++)
		free(s->kf[i].key);
	free(s->kf);
	free(s->objbit);
	free(s->tids);
	free(s->oid);
}

/* Streams both runs (see the top of this file) into a, b and d. */
static int
stream(sqlite3 *db, struct side *sd[2], struct report_diff *d)
{
	size_t p, i;
	bool longrun;
	int error;

	for (i = 0; i < 2; i++)
		if ((error
			= tracerows_open(&sd[i]->c, db, sd[i]->r->hdr.id, 1, 0))
		    != 0)
			return (error);
	if ((error = find_prefix(sd[0], sd[1], &p)) != 0
	    || (error = read_side(sd[0])) != 0
	    || (error = read_side(sd[1])) != 0
	    || (error = align(sd[0], sd[1], p, d)) != 0)
		return (error);
	longrun = sd[0]->n > REPORT_WINDOW || sd[1]->n > REPORT_WINDOW;
	for (i = 0; i < 2; i++)
		if ((error = load_end(sd[i], longrun, &d->end[i], &d->left[i]))
			!= 0
		    || (error = count_run(db, sd[i])) != 0
		    || (error = class_bits(sd[i])) != 0
		    || (error = history_bits(db, sd[i])) != 0)
			return (error);
	return (diff_objects(db, sd, d));
}

int
report_against_load(struct sqlite3 *db, const char *db_path, int64_t a_id,
    int64_t b_id, struct report_run *a, struct report_run *b, char *err,
    size_t errlen)
{
	struct side sa, sb, *sd[2] = { &sa, &sb };
	int error;

	memset(&sa, 0, sizeof(sa));
	memset(&sb, 0, sizeof(sb));
	if ((error = report_run_hdr(db, db_path, a_id, a, err, errlen)) != 0
	    || (error = report_run_hdr(db, db_path, b_id, b, err, errlen)) != 0)
		return (error);
	sa.r = a;
	sb.r = b;
	if ((a->diff = calloc(1, sizeof(*a->diff))) == NULL)
		error = ENOMEM;
	else
		error = stream(db, sd, a->diff);
	side_free(&sa);
	side_free(&sb);
	if (error == ENOMEM)
		errbuf_set(err, errlen, "out of memory");
	else if (error != 0) {
		errbuf_set(err, errlen, "%s: %s", db_path, sqlite3_errmsg(db));
		error = EIO;
	}
	return (error);
}
