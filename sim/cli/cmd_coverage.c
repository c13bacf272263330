/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * evsim coverage DB: transition coverage.  Over every run
 * of the database (or the runs of one kernel family), lists which
 * (object kind, field, old -> new, kernel function) transitions occurred
 * and how often, then checks them against the state machines declared next
 * to the models (freebsd_sm_rules in sim/freebsd/kern_event_sm.c,
 * illumos_sm_rules in sim/illumos/port_sm.c; the runs of freebsd@7773002,
 * a model of its own, against freebsd7773002_sm_rules in
 * sim/freebsd/kern_event_7773002_sm.c):
 *
 *   - the allowed transitions never exercised, which a scenario suite
 *     misses;
 *   - the transitions of a declared field that the machine does not allow
 *     (a model change or a gap in the table).
 *
 * A flag rule ("+BIT" or "-BIT" by func) is exercised by any transition of
 * that field by func that sets (clears) the bit; a value rule by the exact
 * old -> new by func.  The output is text, sorted bytewise, deterministic
 * for a given database.  Exit 0, or 2 on a bad database.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kernel.h"
#include "strmap.h"
#include "tracedb.h"

/* One distinct observed transition. */
struct obs {
	char *kind, *field, *old, *new, *func;
	int64_t count;
	bool family[3]; /* seen under freebsd, illumos, freebsd@7773002 */
};

/* Whether flag set 'set' ("A|B|C") contains bit name 'bit'. */
static bool
has_flag(const char *set, const char *bit)
{
	size_t n = strlen(bit);
	const char *p = set;

	while (*p != '\0') {
		size_t len = strcspn(p, "|");

		if (len == n && strncmp(p, bit, n) == 0)
			return (true);
		p += len;
		if (*p == '|')
			p++;
	}
	return (false);
}

/* Whether an observed transition exercises rule r. */
static bool
rule_matches(const struct sim_sm_rule *r, const struct obs *o)
{
	if (strcmp(r->kind, o->kind) != 0 || strcmp(r->field, o->field) != 0
	    || strcmp(r->func, o->func) != 0)
		return (false);
	if (r->to == NULL) {
		bool set = r->from[0] == '+';
		const char *bit = r->from + 1;

		return (set ? has_flag(o->new, bit) && !has_flag(o->old, bit)
			    : has_flag(o->old, bit) && !has_flag(o->new, bit));
	}
	return (strcmp(r->from, o->old) == 0 && strcmp(r->to, o->new) == 0);
}

/* Whether a table declares a machine for (kind, field). */
static const struct sim_sm_rule *
declared_field(
    const struct sim_sm_rule *rules, const char *kind, const char *field)
{
	const struct sim_sm_rule *r;

	for (r = rules; r->kind != NULL; r++)
		if (strcmp(r->kind, kind) == 0 && strcmp(r->field, field) == 0)
			return (r);
	return (NULL);
}

/*
 * Whether every change of o is allowed by the rules of its field: for a
 * flag field each set or cleared bit needs a rule naming o's function; for
 * a value field the exact pair does.
 */
static bool
allowed(const struct sim_sm_rule *rules, const struct obs *o)
{
	const struct sim_sm_rule *r, *d;
	char bits[2][512], *tok, *save;
	int side;

	d = declared_field(rules, o->kind, o->field);
	if (d->to != NULL) {
		for (r = rules; r->kind != NULL; r++)
			if (rule_matches(r, o))
				return (true);
		return (false);
	}
	snprintf(bits[0], sizeof(bits[0]), "%s", o->new); /* set bits */
	snprintf(bits[1], sizeof(bits[1]), "%s", o->old); /* cleared bits */
	for (side = 0; side < 2; side++) {
		for (tok = strtok_r(bits[side], "|", &save); tok != NULL;
		     tok = strtok_r(NULL, "|", &save)) {
			bool ok = false;

			if (has_flag(side == 0 ? o->old : o->new, tok))
				continue; /* unchanged */
			for (r = rules; r->kind != NULL && !ok; r++)
				ok = r->to == NULL
				    && strcmp(r->kind, o->kind) == 0
				    && strcmp(r->field, o->field) == 0
				    && strcmp(r->func, o->func) == 0
				    && r->from[0] == (side == 0 ? '+' : '-')
				    && strcmp(r->from + 1, tok) == 0;
			if (!ok)
				return (false);
		}
	}
	return (true);
}

static void
show_rule(const struct sim_sm_rule *r)
{
	if (r->to == NULL)
		printf("  %-10s %-14s %-5s %-20s by %s\n", r->kind, r->field,
		    r->from[0] == '+' ? "set" : "clear", r->from + 1, r->func);
	else
		printf("  %-10s %-14s %s -> %s  by %s\n", r->kind, r->field,
		    r->from[0] ? r->from : "\"\"", r->to[0] ? r->to : "\"\"",
		    r->func);
}

static void
quoted(const char *s)
{
	if (s[0] == '\0')
		printf("\"\"");
	else
		printf("%s", s);
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: evsim coverage DB [--kernel "
	    "freebsd|illumos|freebsd@7773002] "
	    "[--kind KIND]\n\n"
	    "Lists the (object kind, field, old -> new, function) transitions "
	    "of every run\nin DB with their counts, then the transitions the "
	    "models' declared state\nmachines allow that no run exercised, and "
	    "the observed transitions of a\ndeclared field that the machine "
	    "does not allow.  --kernel restricts to the\nruns of one kernel "
	    "family, --kind to one object kind (knote, portkev...).\n\n"
	    "examples:\n"
	    "  evsim coverage evsim.db\n"
	    "  evsim coverage evsim.db --kernel illumos --kind portkev\n"
	    "  evsim coverage evsim.db --kernel freebsd@7773002\n");
}

/*
 * The machine a revision's runs are checked against: its kind's, or for
 * the seed's kernel (a model of its own) that model's.
 */
static int
family_of(const struct sim_revision *rev)
{
	if (rev->rev_kops == &freebsd7773002_kops)
		return (2);
	return (rev->rev_kind == SIM_ILLUMOS);
}

static const struct sim_sm_rule *const fam_rules[3]
    = { freebsd_sm_rules, illumos_sm_rules, freebsd7773002_sm_rules };
static const char *const fam_name[3]
    = { "freebsd", "illumos", "freebsd@7773002" };
static const char *const fam_file[3] = { "sim/freebsd/kern_event_sm.c",
	"sim/illumos/port_sm.c", "sim/freebsd/kern_event_7773002_sm.c" };

/* What one invocation reads from the database and then prints. */
struct coverage {
	const char *onlyfam; /* --kernel, or NULL */
	const char *onlykind; /* --kind, or NULL */
	struct obs *obs; /* distinct transitions, sorted */
	size_t nobs, cap;
	int64_t nruns[3]; /* runs per family */
	int64_t ntrans; /* transitions of the families shown */
	sqlite3 *db; /* open while printing, for example_object() */
};

/* Counts the runs of each kernel family. */
static void
count_runs(sqlite3 *db, struct coverage *cv)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(db,
	    "SELECT kernel, count(*) FROM runs GROUP BY kernel ORDER BY kernel",
	    -1, &st, NULL);
	while (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
		const char *kn = (const char *)sqlite3_column_text(st, 0);
		const struct sim_revision *rev
		    = kn != NULL ? sim_revision_find(kn) : NULL;

		if (rev != NULL)
			cv->nruns[family_of(rev)]
			    += sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
}

/*
 * A string of the database as a group key part: SQL NULL apart from "",
 * and the bytes with their length (a value may hold NUL bytes).
 */
struct kstr {
	const char *s; /* NULL: SQL NULL */
	size_t len;
};

/* Appends part k to the growing key buf (length *len, capacity *cap). */
static void
key_put(char **buf, size_t *len, size_t *cap, struct kstr k)
{
	uint32_t n = (uint32_t)k.len;

	if (*len + 5 + k.len > *cap) {
		*cap = (*len + 5 + k.len) * 2;
		if ((*buf = realloc(*buf, *cap)) == NULL)
			sim_oom();
	}
	(*buf)[(*len)++] = k.s != NULL;
	memcpy(*buf + *len, &n, 4);
	*len += 4;
	if (k.len > 0)
		memcpy(*buf + *len, k.s, k.len);
	*len += k.len;
}

/* Part i (0-5) of a group key: kind, field, old, new, func, kernel. */
static struct kstr
key_part(const char *key, int i)
{
	struct kstr k = { NULL, 0 };
	uint32_t n;

	for (;;) {
		memcpy(&n, key + 1, 4);
		if (i-- == 0) {
			k.s = key[0] ? key + 5 : NULL;
			k.len = n;
			return (k);
		}
		key += 5 + n;
	}
}

/* SQLite's order of text (BINARY): NULL first, then bytewise. */
static int
kstr_cmp(struct kstr a, struct kstr b)
{
	int c;

	if (a.s == NULL || b.s == NULL)
		return (a.s != NULL) - (b.s != NULL);
	c = memcmp(a.s, b.s, a.len < b.len ? a.len : b.len);
	if (c != 0)
		return (c);
	return (a.len < b.len ? -1 : a.len > b.len);
}

/*
 * What the aggregation of every run's transitions keeps: the distinct
 * (kind, field, old, new, func, kernel) groups with their counts, and the
 * statements reading one run's dictionaries by key.
 */
struct cagg {
	sqlite3 *db;
	sqlite3_stmt *rows, *str, *chg;
	struct strmap *groups;
	int64_t *count;
	size_t cap;
	char *key; /* scratch */
	size_t keycap;
};

/* The string number id of the run at base; NULL (s) when none. */
static struct kstr
run_str(struct cagg *ag, sqlite3_int64 base, uint32_t id, char **copy)
{
	struct kstr k = { NULL, 0 };

	*copy = NULL;
	if (id == 0)
		return (k);
	sqlite3_bind_int64(ag->str, 1, base + id);
	if (sqlite3_step(ag->str) == SQLITE_ROW
	    && sqlite3_column_type(ag->str, 0) != SQLITE_NULL) {
		int n = sqlite3_column_bytes(ag->str, 0);
		const void *t = sqlite3_column_blob(ag->str, 0);

		if ((*copy = malloc((size_t)n + 1)) == NULL)
			sim_oom();
		if (n > 0)
			memcpy(*copy, t, (size_t)n);
		k.s = *copy;
		k.len = (size_t)n;
	}
	sqlite3_reset(ag->str);
	return (k);
}

/* Adds n transitions of tuple chg on objects of kind to the groups. */
static void
add_group(struct cagg *ag, sqlite3_int64 base, struct kstr kind, uint32_t chg,
    const char *kernel, int64_t n)
{
	uint32_t ids[4] = { 0, 0, 0, 0 }, g;
	struct kstr parts[4];
	char *copies[4];
	size_t len = 0;
	int i;

	if (chg != 0) {
		sqlite3_bind_int64(ag->chg, 1, base + chg);
		if (sqlite3_step(ag->chg) == SQLITE_ROW)
			for (i = 0; i < 4; i++)
				ids[i] = (uint32_t)sqlite3_column_int64(
				    ag->chg, i);
		sqlite3_reset(ag->chg);
	}
	/* trace_chg holds func, field, old, new; the key field first. */
	for (i = 0; i < 4; i++)
		parts[i] = run_str(ag, base, ids[i], &copies[i]);
	key_put(&ag->key, &len, &ag->keycap, kind);
	key_put(&ag->key, &len, &ag->keycap, parts[1]);
	key_put(&ag->key, &len, &ag->keycap, parts[2]);
	key_put(&ag->key, &len, &ag->keycap, parts[3]);
	key_put(&ag->key, &len, &ag->keycap, parts[0]);
	key_put(&ag->key, &len, &ag->keycap,
	    (struct kstr) { kernel, kernel != NULL ? strlen(kernel) : 0 });
	for (i = 0; i < 4; i++)
		free(copies[i]);
	g = strmap_intern(ag->groups, ag->key, len);
	if (g >= ag->cap) {
		size_t ncap = ag->cap ? ag->cap * 2 : 256;

		if ((ag->count = realloc(ag->count, ncap * sizeof(*ag->count)))
		    == NULL)
			sim_oom();
		memset(ag->count + ag->cap, 0,
		    (ncap - ag->cap) * sizeof(*ag->count));
		ag->cap = ncap;
	}
	ag->count[g] += n;
}

/*
 * The kind of object string number obj, what precedes its '#', as its
 * index in kinds (-1: SQL NULL).
 */
static int64_t
object_kind(
    struct cagg *ag, sqlite3_int64 base, uint32_t obj, struct strmap *kinds)
{
	struct kstr k;
	char *copy;
	const char *h;
	int64_t id = -1;

	k = run_str(ag, base, obj, &copy);
	if (k.s != NULL && (h = memchr(k.s, '#', k.len)) != NULL)
		k.len = (size_t)(h - k.s);
	if (k.s != NULL)
		id = strmap_intern(kinds, k.s, k.len);
	free(copy);
	return (id);
}

/*
 * Counts the transitions of one run by (object, tuple) on its integer keys,
 * then adds each (kind, tuple) to the groups: memory grows with the run's
 * distinct objects and tuples, not with its transitions.
 */
static int
count_run_rows(struct cagg *ag, int64_t run, const char *kernel)
{
	sqlite3_int64 base = (sqlite3_int64)((uint64_t)(run - 1) << 32);
	struct strmap *pairs = strmap_new(), *objs = strmap_new();
	struct strmap *kinds = strmap_new();
	struct kstr kind;
	int64_t *okind = NULL;
	int64_t *n = NULL;
	size_t ncap = 0, ocap = 0, klen;
	uint32_t key[2], p, o;
	int rc;

	sqlite3_bind_int64(ag->rows, 1, base);
	while ((rc = sqlite3_step(ag->rows)) == SQLITE_ROW) {
		key[0] = (uint32_t)sqlite3_column_int64(ag->rows, 0);
		key[1] = (uint32_t)sqlite3_column_int64(ag->rows, 1);
		p = strmap_intern(pairs, key, sizeof(key));
		if (p >= ncap) {
			size_t c = ncap ? ncap * 2 : 256;

			if ((n = realloc(n, c * sizeof(*n))) == NULL)
				sim_oom();
			memset(n + ncap, 0, (c - ncap) * sizeof(*n));
			ncap = c;
		}
		n[p]++;
	}
	sqlite3_reset(ag->rows);
	/* (object, tuple) pairs to (kind, tuple) groups. */
	for (p = 0; rc == SQLITE_DONE && p < strmap_count(pairs); p++) {
		const uint32_t *k = strmap_key(pairs, p, &klen);
		size_t before = strmap_count(objs);

		o = strmap_intern(objs, &k[0], sizeof(k[0]));
		if (o >= ocap) {
			ocap = ocap ? ocap * 2 : 64;
			if ((okind = realloc(okind, ocap * sizeof(*okind)))
			    == NULL)
				sim_oom();
		}
		if (o >= before)
			okind[o] = object_kind(ag, base, k[0], kinds);
		kind.s = NULL;
		kind.len = 0;
		if (okind[o] >= 0)
			kind.s
			    = strmap_key(kinds, (uint32_t)okind[o], &kind.len);
		add_group(ag, base, kind, k[1], kernel, n[p]);
	}
	free(n);
	free(okind);
	strmap_free(pairs);
	strmap_free(objs);
	strmap_free(kinds);
	return (rc == SQLITE_DONE ? 0 : EIO);
}

/* The groups group_cmp orders (qsort has no argument for it). */
static struct strmap *sort_groups;

/* Orders groups as the ORDER BY of every part would. */
static int
group_cmp(const void *x, const void *y)
{
	struct strmap *groups = sort_groups;
	size_t lx, ly;
	const char *a = strmap_key(groups, *(const uint32_t *)x, &lx);
	const char *b = strmap_key(groups, *(const uint32_t *)y, &ly);
	int i, c;

	for (i = 0; i < 6; i++)
		if ((c = kstr_cmp(key_part(a, i), key_part(b, i))) != 0)
			return (c);
	return (0);
}

/* Part i of group key as a C string (malloc'd; NULL becomes ""). */
static char *
part_str(const char *key, int i)
{
	struct kstr k = key_part(key, i);
	char *s = malloc(k.len + 1);

	if (s == NULL)
		sim_oom();
	if (k.len > 0)
		memcpy(s, k.s, k.len);
	s[k.len] = '\0';
	return (s);
}

/*
 * Every run's groups into ag (the runs of the families shown), read on the
 * integer keys; returns 0, or EXIT_USAGE after printing why.
 */
static int
aggregate(sqlite3 *db, const char *path, struct coverage *cv, struct cagg *ag)
{
	sqlite3_stmt *runs = NULL;
	int rc = 0;

	ag->db = db;
	ag->groups = strmap_new();
	if (sqlite3_prepare_v2(
		db, "SELECT id, kernel FROM runs ORDER BY id", -1, &runs, NULL)
		!= SQLITE_OK
	    || sqlite3_prepare_v2(db,
		   "SELECT object, chg FROM trace_rows WHERE id > ?1 AND"
		   " id < ?1 + (1 << 32)",
		   -1, &ag->rows, NULL)
		!= SQLITE_OK
	    || sqlite3_prepare_v2(db,
		   "SELECT text FROM trace_str WHERE id = ?1", -1, &ag->str,
		   NULL)
		!= SQLITE_OK
	    || sqlite3_prepare_v2(db,
		   "SELECT func, field, old, new FROM trace_chg WHERE id = ?1",
		   -1, &ag->chg, NULL)
		!= SQLITE_OK) {
		fprintf(stderr, "evsim: %s: %s\n", path, sqlite3_errmsg(db));
		sqlite3_finalize(runs);
		return (EXIT_USAGE);
	}
	while (rc == 0 && sqlite3_step(runs) == SQLITE_ROW) {
		const char *kn = (const char *)sqlite3_column_text(runs, 1);
		const struct sim_revision *rev
		    = kn != NULL ? sim_revision_find(kn) : NULL;

		if (rev == NULL
		    || (cv->onlyfam != NULL
			&& strcmp(cv->onlyfam, fam_name[family_of(rev)]) != 0))
			continue;
		if (count_run_rows(ag, sqlite3_column_int64(runs, 0), kn)
		    != 0) {
			fprintf(stderr, "evsim: %s: %s\n", path,
			    sqlite3_errmsg(db));
			rc = EXIT_USAGE;
		}
	}
	sqlite3_finalize(runs);
	return (rc);
}

static void
cagg_free(struct cagg *ag)
{
	sqlite3_finalize(ag->rows);
	sqlite3_finalize(ag->str);
	sqlite3_finalize(ag->chg);
	if (ag->groups != NULL)
		strmap_free(ag->groups);
	free(ag->count);
	free(ag->key);
}

/*
 * Distinct transitions with their counts, per kernel revision; the
 * revisions of one family are merged (groups sorted by kind, field, old,
 * new, func, kernel).  Memory grows with the distinct groups, not with the
 * transitions.  Returns 0, or EXIT_USAGE after printing why.
 */
static int
load_transitions(sqlite3 *db, const char *path, struct coverage *cv)
{
	struct cagg ag;
	uint32_t *order, g, ng;
	int k, rc;

	memset(&ag, 0, sizeof(ag));
	if ((rc = aggregate(db, path, cv, &ag)) != 0) {
		cagg_free(&ag);
		return (rc);
	}
	ng = strmap_count(ag.groups);
	if ((order = malloc((ng + 1) * sizeof(*order))) == NULL)
		sim_oom();
	for (g = 0; g < ng; g++)
		order[g] = g;
	sort_groups = ag.groups;
	if (ng > 0)
		qsort(order, ng, sizeof(*order), group_cmp);
	for (g = 0; g < ng; g++) {
		size_t len;
		const char *key = strmap_key(ag.groups, order[g], &len);
		char *kn = part_str(key, 5), *cols[5];
		const struct sim_revision *rev = sim_revision_find(kn);
		int fam = family_of(rev);
		struct obs *o;

		free(kn);
		for (k = 0; k < 5; k++)
			cols[k] = part_str(key, k);
		if (cv->onlykind != NULL
		    && strcmp(cv->onlykind, cols[0]) != 0) {
			for (k = 0; k < 5; k++)
				free(cols[k]);
			continue;
		}
		o = cv->nobs > 0 ? &cv->obs[cv->nobs - 1] : NULL;
		if (o == NULL || strcmp(o->kind, cols[0]) != 0
		    || strcmp(o->field, cols[1]) != 0
		    || strcmp(o->old, cols[2]) != 0
		    || strcmp(o->new, cols[3]) != 0
		    || strcmp(o->func, cols[4]) != 0) {
			if (cv->nobs == cv->cap) {
				cv->cap = cv->cap ? cv->cap * 2 : 1024;
				cv->obs = realloc(
				    cv->obs, cv->cap * sizeof(*cv->obs));
				if (cv->obs == NULL)
					sim_oom();
			}
			o = &cv->obs[cv->nobs++];
			memset(o, 0, sizeof(*o));
			o->kind = cols[0];
			o->field = cols[1];
			o->old = cols[2];
			o->new = cols[3];
			o->func = cols[4];
		} else {
			for (k = 0; k < 5; k++)
				free(cols[k]);
		}
		o->count += ag.count[order[g]];
		o->family[fam] = true;
		cv->ntrans += ag.count[order[g]];
	}
	free(order);
	cagg_free(&ag);
	return (0);
}
static void
print_obs(const struct obs *o)
{
	printf("  %s %s ", o->kind, o->field);
	quoted(o->old);
	printf(" -> ");
	quoted(o->new);
	printf(" %s %" PRId64 "\n", o->func, o->count);
}

/*
 * Names the first object (in run and sequence order) that made transition
 * o, with the run, the sequence number and the object's label, so that a
 * transition outside the machine can be looked at:
 * "e.g. run 3 seq 45 knote#2  kqueue#1 (fd 3) ident 4 EVFILT_READ ...".
 */
static void
example_object(const struct coverage *cv, const struct obs *o)
{
	sqlite3_stmt *st;

	if (cv->db == NULL
	    || sqlite3_prepare_v2(cv->db,
		   /*
		    * By key: the tuples of the transition first (few), then
		    * the rows naming one, in key order (run, then seq).
		    */
		   "WITH c AS (SELECT g.id AS id FROM trace_chg g"
		   " JOIN trace_str f ON f.id = g.id >> 32 << 32 | g.func"
		   " JOIN trace_str d ON d.id = g.id >> 32 << 32 | g.field"
		   " JOIN trace_str a ON a.id = g.id >> 32 << 32 | g.old"
		   " JOIN trace_str b ON b.id = g.id >> 32 << 32 | g.new"
		   " WHERE d.text = ?2 AND a.text = ?3 AND b.text = ?4"
		   " AND f.text = ?5)"
		   " SELECT (t.id >> 32) + 1, t.id & 4294967295, o.text,"
		   " (SELECT label FROM objects l WHERE l.run_id ="
		   " (t.id >> 32) + 1 AND l.object = o.text) FROM trace_rows t"
		   " JOIN trace_str o ON o.id = t.id >> 32 << 32 | t.object"
		   " WHERE (t.id >> 32 << 32 | t.chg) IN c"
		   " AND (o.text = ?1 OR o.text LIKE ?1 || '#%')"
		   " AND (t.id >> 32) + 1 IN (SELECT id FROM runs)"
		   " ORDER BY t.id LIMIT 1",
		   -1, &st, NULL)
		!= SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, o->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, o->field, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, o->old, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, o->new, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, o->func, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *label = sqlite3_column_text(st, 3);

		printf("      e.g. run %" PRId64 " seq %" PRId64 " %s%s%s\n",
		    (int64_t)sqlite3_column_int64(st, 0),
		    (int64_t)sqlite3_column_int64(st, 1),
		    (const char *)sqlite3_column_text(st, 2),
		    label != NULL ? "  " : "",
		    label != NULL ? (const char *)label : "");
	}
	sqlite3_finalize(st);
}

/* Whether family f observed a transition that rule r allows. */
static bool
rule_exercised(const struct coverage *cv, int f, const struct sim_sm_rule *r)
{
	size_t i;

	for (i = 0; i < cv->nobs; i++)
		if (cv->obs[i].family[f] && rule_matches(r, &cv->obs[i]))
			return (true);
	return (false);
}

/* Whether o is of family f, on a declared field, but not allowed. */
static bool
outside_machine(const struct obs *o, int f)
{
	const struct sim_sm_rule *rules = fam_rules[f];

	return (o->family[f] && declared_field(rules, o->kind, o->field) != NULL
	    && !allowed(rules, o));
}

/*
 * Family f's declared state machine against what was observed: the rules
 * never exercised, then the transitions the machine does not allow.
 */
static void
print_machine(const struct coverage *cv, int f)
{
	const struct sim_sm_rule *r;
	int nrules = 0, nhit = 0, nout = 0;
	size_t i;

	for (r = fam_rules[f]; r->kind != NULL; r++) {
		if (cv->onlykind != NULL && strcmp(cv->onlykind, r->kind) != 0)
			continue;
		nrules++;
		if (rule_exercised(cv, f, r))
			nhit++;
	}
	printf("\n%s state machine (%s): %d allowed transitions, %d "
	       "exercised, %d never exercised:\n",
	    fam_name[f], fam_file[f], nrules, nhit, nrules - nhit);
	for (r = fam_rules[f]; r->kind != NULL; r++) {
		if (cv->onlykind != NULL && strcmp(cv->onlykind, r->kind) != 0)
			continue;
		if (!rule_exercised(cv, f, r))
			show_rule(r);
	}
	for (i = 0; i < cv->nobs; i++)
		if (outside_machine(&cv->obs[i], f))
			nout++;
	printf("\n%s transitions outside the declared machine: %d\n",
	    fam_name[f], nout);
	for (i = 0; i < cv->nobs; i++)
		if (outside_machine(&cv->obs[i], f)) {
			print_obs(&cv->obs[i]);
			example_object(cv, &cv->obs[i]);
		}
}

static void
print_coverage(const struct coverage *cv, const char *path)
{
	const char *onlyfam = cv->onlyfam;
	size_t i;
	int f;

	printf("coverage of %s: %" PRId64 " freebsd run(s), %" PRId64
	       " illumos run(s), %" PRId64 " transitions, %zu distinct\n",
	    path, onlyfam && strcmp(onlyfam, "freebsd") ? 0 : cv->nruns[0],
	    onlyfam && strcmp(onlyfam, "illumos") ? 0 : cv->nruns[1],
	    cv->ntrans, cv->nobs);
	if (cv->nruns[2] > 0
	    && (onlyfam == NULL || strcmp(onlyfam, fam_name[2]) == 0))
		printf("  (and %" PRId64
		       " freebsd@7773002 run(s), a model of its "
		       "own with its own machine)\n",
		    cv->nruns[2]);
	printf("\noccurred (kind field old -> new func count):\n");
	for (i = 0; i < cv->nobs; i++)
		print_obs(&cv->obs[i]);
	/* Each family's declared machine, if it has runs here. */
	for (f = 0; f < 3; f++) {
		if ((onlyfam != NULL && strcmp(onlyfam, fam_name[f]) != 0)
		    || cv->nruns[f] == 0)
			continue;
		print_machine(cv, f);
	}
}

int
cmd_coverage(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "kind", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct coverage cv;
	const char *path;
	int64_t run = 0;
	struct tracedb *tdb;
	size_t i;
	int c, rc;

	memset(&cv, 0, sizeof(cv));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "k:K:h", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			cv.onlyfam = optarg;
			if (strcmp(optarg, "freebsd") != 0
			    && strcmp(optarg, "illumos") != 0
			    && strcmp(optarg, "freebsd@7773002") != 0)
				return (cli_usage_error("coverage",
				    "--kernel: freebsd, illumos or "
				    "freebsd@7773002, not '%s'",
				    optarg));
			break;
		case 'K':
			cv.onlykind = optarg;
			break;
		case 'h':
			usage(stdout);
			return (0);
		default:
			return (cli_bad_option("coverage", argv));
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return (EXIT_USAGE);
	}
	path = argv[optind];
	if (cli_open_db(path, &run, &tdb) != 0)
		return (EXIT_USAGE);
	count_runs(tracedb_sqlite(tdb), &cv);
	rc = load_transitions(tracedb_sqlite(tdb), path, &cv);
	cv.db = tracedb_sqlite(tdb);
	if (rc == 0)
		print_coverage(&cv, path);
	tracedb_close(tdb);
	for (i = 0; i < cv.nobs; i++) {
		free(cv.obs[i].kind);
		free(cv.obs[i].field);
		free(cv.obs[i].old);
		free(cv.obs[i].new);
		free(cv.obs[i].func);
	}
	free(cv.obs);
	return (rc);
}
