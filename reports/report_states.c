/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The observed state machine of a run, collected one transition at a time:
 * for each object kind and field, every value is a state and every change
 * old -> new an edge with its count and the kernel functions that made it.
 * Transitions arrive in seq order, from a loaded window or streamed from the
 * database, and memory grows with the distinct states and edges, never with
 * the transitions: a field is dropped for good once it has taken more than
 * STATES_MAX_VALUES values (a counter such as 'kn_data' is data, not a
 * state), so a field holds at most that many values and their edges.
 *
 * The functions of an edge are listed in the order in which a walk of the
 * objects (sorted as the report sorts them, by kind and number) and of each
 * object's transitions in seq order first meets them, and at most what fits
 * 'struct report_edge's 'funcs'.  Streaming in seq order keeps, for each
 * function of an edge, the first object in that order that made the change
 * and the seq where it first did, and sorts on those at the end.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report_impl.h"

/* A field with more distinct values than this is not drawn as a machine. */
#define STATES_MAX_VALUES 32
/* Room for the values of one field before it is dropped. */
#define NVAL (STATES_MAX_VALUES + 2)
/* The longest kind kept, as report_obj_kind() cuts it. */
#define KIND_MAX 63

/* A function that made an edge, and where the walk of objects meets it. */
struct sfunc {
	char *func;
	char *object; /* the first object in report order that made it */
	int64_t seq; /* the first seq of that object that made it */
};

struct sedge {
	size_t count;
	struct sfunc *fn;
	size_t nfn;
	size_t cap;
};

/* One (kind, field): its values and the edges between them. */
struct sfield {
	char *kind;
	char *field;
	uint64_t hash;
	bool dropped; /* more than STATES_MAX_VALUES values */
	char *val[NVAL];
	size_t nval;
	int32_t edge[NVAL][NVAL]; /* index into 'e' + 1, or 0 */
	struct sedge *e;
	size_t ne;
	size_t ecap;
};

struct report_states {
	const char *kind; /* NULL: every kind */
	struct sfield **f;
	size_t nf;
	size_t fcap;
	size_t *slot; /* open addressing: index into 'f' + 1, or 0 */
	size_t nslot;
};

/* FNV-1a over the first len bytes of s, then the field. */
static uint64_t
kf_hash(const char *kind, size_t klen, const char *field)
{
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < klen; i++)
		h = (h ^ (unsigned char)kind[i]) * 1099511628211ULL;
	h = (h ^ 0x1f) * 1099511628211ULL;
	for (; *field != '\0'; field++)
		h = (h ^ (unsigned char)*field) * 1099511628211ULL;
	return (h);
}

int
report_states_new(struct report_states **ret_s, const char *kind)
{
	struct report_states *s = calloc(1, sizeof(*s));

	*ret_s = s;
	if (s == NULL)
		return (ENOMEM);
	s->kind = kind;
	return (0);
}

static void
field_clear(struct sfield *f)
{
	size_t i, j;

	for (i = 0; i < f->nval; i++)
		free(f->val[i]);
	f->nval = 0;
	for (i = 0; i < f->ne; i++) {
		for (j = 0; j < f->e[i].nfn; j++) {
			free(f->e[i].fn[j].func);
			free(f->e[i].fn[j].object);
		}
		free(f->e[i].fn);
	}
	free(f->e);
	f->e = NULL;
	f->ne = f->ecap = 0;
	memset(f->edge, 0, sizeof(f->edge));
}

void
report_states_free(struct report_states *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nf; i++) {
		field_clear(s->f[i]);
		free(s->f[i]->kind);
		free(s->f[i]->field);
		free(s->f[i]);
	}
	free(s->f);
	free(s->slot);
	free(s);
}

/* Rehashes the fields into twice the slots. */
static int
grow_slots(struct report_states *s)
{
	size_t n = s->nslot != 0 ? s->nslot * 2 : 64, i, j;
	size_t *slot = calloc(n, sizeof(*slot));

	if (slot == NULL)
		return (ENOMEM);
	for (i = 0; i < s->nf; i++) {
		j = s->f[i]->hash & (n - 1);
		while (slot[j] != 0)
			j = (j + 1) & (n - 1);
		slot[j] = i + 1;
	}
	free(s->slot);
	s->slot = slot;
	s->nslot = n;
	return (0);
}

/* The field (kind, field), added when new; NULL when out of memory. */
static struct sfield *
field_get(
    struct report_states *s, const char *kind, size_t klen, const char *field)
{
	uint64_t h = kf_hash(kind, klen, field);
	struct sfield *f, **nf;
	size_t i;

	if ((s->nf + 1) * 2 > s->nslot && grow_slots(s) != 0)
		return (NULL);
	for (i = h & (s->nslot - 1); s->slot[i] != 0;
	     i = (i + 1) & (s->nslot - 1)) {
		f = s->f[s->slot[i] - 1];
		if (f->hash == h && strncmp(f->kind, kind, klen) == 0
		    && f->kind[klen] == '\0' && strcmp(f->field, field) == 0)
			return (f);
	}
	if (s->nf == s->fcap) {
		size_t cap = s->fcap != 0 ? s->fcap * 2 : 32;

		if ((nf = realloc(s->f, cap * sizeof(*nf))) == NULL)
			return (NULL);
		s->f = nf;
		s->fcap = cap;
	}
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return (NULL);
	f->kind = strndup(kind, klen);
	f->field = strdup(field);
	if (f->kind == NULL || f->field == NULL) {
		free(f->kind);
		free(f->field);
		free(f);
		return (NULL);
	}
	f->hash = h;
	s->f[s->nf++] = f;
	s->slot[i] = s->nf;
	return (f);
}

/*
 * The index of value v in f, added when new; NVAL when f has just taken
 * too many values (then it is dropped), SIZE_MAX when out of memory.
 */
static size_t
value_get(struct sfield *f, const char *v)
{
	size_t i;

	for (i = 0; i < f->nval; i++)
		if (strcmp(f->val[i], v) == 0)
			return (i);
	if (f->nval == STATES_MAX_VALUES) {
		field_clear(f);
		f->dropped = true;
		return (NVAL);
	}
	if ((f->val[f->nval] = strdup(v)) == NULL)
		return (SIZE_MAX);
	return (f->nval++);
}

/* Counts function func of object (at seq) on edge e. */
static int
edge_func(struct sedge *e, const char *func, const char *object, int64_t seq)
{
	struct sfunc *fn;
	char *o;
	size_t i;

	for (i = 0; i < e->nfn; i++) {
		fn = &e->fn[i];
		if (strcmp(fn->func, func) != 0)
			continue;
		/* Only an object earlier in report order moves it. */
		if (strcmp(fn->object, object) == 0
		    || report_obj_name_cmp(object, fn->object) >= 0)
			return (0);
		if ((o = strdup(object)) == NULL)
			return (ENOMEM);
		free(fn->object);
		fn->object = o;
		fn->seq = seq;
		return (0);
	}
	if (e->nfn == e->cap) {
		size_t cap = e->cap != 0 ? e->cap * 2 : 4;

		if ((fn = realloc(e->fn, cap * sizeof(*fn))) == NULL)
			return (ENOMEM);
		e->fn = fn;
		e->cap = cap;
	}
	fn = &e->fn[e->nfn];
	fn->func = strdup(func);
	fn->object = strdup(object);
	fn->seq = seq;
	if (fn->func == NULL || fn->object == NULL) {
		free(fn->func);
		free(fn->object);
		return (ENOMEM);
	}
	e->nfn++;
	return (0);
}

int
report_states_add(struct report_states *s, int64_t seq, const char *func,
    const char *object, const char *field, const char *old, const char *new)
{
	struct sfield *f;
	struct sedge *e;
	size_t klen, a, b;
	int32_t k;

	func = func != NULL ? func : "";
	object = object != NULL ? object : "";
	field = field != NULL ? field : "";
	old = old != NULL ? old : "";
	new = new != NULL ? new : "";
	/* Print output and labels are events, not changes of state. */
	if (object[0] == '\0' || strcmp(func, "print") == 0
	    || strcmp(func, "sim_label") == 0)
		return (0);
	klen = strcspn(object, "#");
	if (klen > KIND_MAX)
		klen = KIND_MAX;
	if (s->kind != NULL
	    && (strncmp(s->kind, object, klen) != 0 || s->kind[klen] != '\0'))
		return (0);
	if ((f = field_get(s, object, klen, field)) == NULL)
		return (ENOMEM);
	if (f->dropped)
		return (0);
	if ((a = value_get(f, old)) == SIZE_MAX)
		return (ENOMEM);
	if (a == NVAL || (b = value_get(f, new)) == NVAL)
		return (0);
	if (b == SIZE_MAX)
		return (ENOMEM);
	if ((k = f->edge[a][b]) == 0) {
		if (f->ne == f->ecap) {
			size_t cap = f->ecap != 0 ? f->ecap * 2 : 8;

			if ((e = realloc(f->e, cap * sizeof(*e))) == NULL)
				return (ENOMEM);
			f->e = e;
			f->ecap = cap;
		}
		memset(&f->e[f->ne], 0, sizeof(f->e[f->ne]));
		k = f->edge[a][b] = (int32_t)++f->ne;
	}
	e = &f->e[k - 1];
	e->count++;
	return (edge_func(e, func, object, seq));
}

static int
sfunc_cmp(const void *x, const void *y)
{
	const struct sfunc *a = x, *b = y;
	int c = report_obj_name_cmp(a->object, b->object);

	if (c != 0)
		return (c);
	return (a->seq < b->seq ? -1 : a->seq > b->seq);
}

/* Appends func to the comma-separated list funcs of size len if it fits. */
static void
add_func(char *funcs, size_t len, const char *func)
{
	size_t n = strlen(func), have = strlen(funcs);

	if (have + n + 2 >= len)
		return;
	if (have > 0)
		funcs[have++] = ',';
	memcpy(funcs + have, func, n + 1);
}

static int
edge_cmp(const void *x, const void *y)
{
	const struct report_edge *a = x, *b = y;
	int c;

	if ((c = strcmp(a->kind, b->kind)) != 0)
		return (c);
	if ((c = strcmp(a->field, b->field)) != 0)
		return (c);
	if ((c = strcmp(a->from, b->from)) != 0)
		return (c);
	return (strcmp(a->to, b->to));
}

/* Fills out (kind, field, from, to in one allocation) from edge e of f. */
static int
edge_out(struct sfield *f, size_t from, size_t to, struct sedge *e,
    struct report_edge *out)
{
	size_t lk = strlen(f->kind) + 1, lf = strlen(f->field) + 1;
	size_t la = strlen(f->val[from]) + 1, lb = strlen(f->val[to]) + 1, i;
	char *p = malloc(lk + lf + la + lb);

	if (p == NULL)
		return (ENOMEM);
	memcpy(p, f->kind, lk);
	memcpy(p + lk, f->field, lf);
	memcpy(p + lk + lf, f->val[from], la);
	memcpy(p + lk + lf + la, f->val[to], lb);
	memset(out, 0, sizeof(*out));
	out->kind = p;
	out->field = p + lk;
	out->from = p + lk + lf;
	out->to = p + lk + lf + la;
	out->count = e->count;
	if (e->nfn > 1)
		qsort(e->fn, e->nfn, sizeof(*e->fn), sfunc_cmp);
	for (i = 0; i < e->nfn; i++)
		add_func(out->funcs, sizeof(out->funcs), e->fn[i].func);
	return (0);
}

int
report_states_edges(
    struct report_states *s, struct report_edge **ret_e, size_t *ret_n)
{
	struct report_edge *out = NULL, *no;
	size_t n = 0, cap = 0, i, a, b;

	*ret_e = NULL;
	*ret_n = 0;
	for (i = 0; i < s->nf; i++) {
		struct sfield *f = s->f[i];

		if (f->dropped)
			continue;
		for (a = 0; a < f->nval; a++)
			for (b = 0; b < f->nval; b++) {
				if (f->edge[a][b] == 0)
					continue;
				if (n == cap) {
					cap = cap != 0 ? cap * 2 : 64;
					no = realloc(out, cap * sizeof(*out));
					if (no == NULL)
						goto oom;
					out = no;
				}
				if (edge_out(f, a, b, &f->e[f->edge[a][b] - 1],
					&out[n])
				    != 0)
					goto oom;
				n++;
			}
	}
	/* qsort(NULL, 0, ...) is undefined (C11 7.22.5). */
	if (n > 0)
		qsort(out, n, sizeof(*out), edge_cmp);
	*ret_e = out;
	*ret_n = n;
	return (0);
oom:
	while (n > 0)
		free((char *)out[--n].kind);
	free(out);
	return (ENOMEM);
}

int
report_states_collect(const struct report_run *r, const char *kind,
    struct report_edge **ret_e, size_t *ret_n)
{
	struct report_states *s;
	size_t i;
	int error;

	*ret_e = NULL;
	*ret_n = 0;
	if ((error = report_states_new(&s, kind)) != 0)
		return (error);
	for (i = 0; i < r->ntr && error == 0; i++) {
		const struct report_tr *t = &r->tr[i];

		error = report_states_add(
		    s, t->seq, t->func, t->object, t->field, t->old, t->new);
	}
	if (error == 0)
		error = report_states_edges(s, ret_e, ret_n);
	report_states_free(s);
	return (error);
}
