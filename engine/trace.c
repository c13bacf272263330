/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The trace sink (see trace.h): canonical transition lines, the running
 * XXH3-64 hash over them, and the SQLite recorder.  Rows are inserted through
 * prepared statements inside one transaction that is committed every
 * TRACE_BATCH rows and at the end of the run, so recording costs little more
 * than SQLite's own insert rate and a crash loses at most one batch while the
 * 'runs' row (committed at the start) says 'running'.
 */
#include <errno.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "errbuf.h"
#include "evsim_config.h"
#include "strmap.h"
#include "trace.h"
#include "trace_schema.h"
#include "tracedb.h"

/* Bytes of canonical lines buffered before they are hashed. */
#define TRACE_HBUF 16384

/*
 * A dictionary of the strings of one run (trace_str): func, object, field
 * and old/new values, syscall names, arguments and results, each stored
 * once under a small integer id.  Open addressing on the XXH3 hash; the
 * bytes live in one arena.  Strings longer than INTERN_MAXLEN get a fresh
 * id each time and are not kept, and a dictionary that outgrows
 * INTERN_MAXBYTES starts over (later repeats get new ids): the recorder's
 * memory stays bounded whatever the run prints.
 */
#define INTERN_MAXLEN 512
#define INTERN_MAXBYTES (64u << 20)

struct istr {
	uint64_t h;
	size_t off;
	uint32_t len;
	uint32_t id;
	bool object; /* named as a transition's object */
};

struct intern {
	struct istr *ents;
	size_t n, cap;
	uint32_t *slots; /* index + 1 into ents, 0 empty */
	size_t nslots;
	char *arena;
	size_t alen, acap;
};

/* The (func, field, old, new) tuples of one run (trace_chg), by id. */
struct ichg {
	uint32_t k[4];
	uint32_t id;
};

struct chgdict {
	struct ichg *slots; /* id 0: empty */
	size_t nslots, n;
};

/*
 * The 'objects' rows of the run, kept here and written when a batch is
 * committed: an object is created, labelled and often freed within one
 * batch, and one statement then writes what three did.  Each entry holds
 * the row as the statements in the order of the calls would have left it
 * (see object_life() and trace_object_label()).
 */
struct objrow {
	char *label;
	int64_t created_seq; /* -1: NULL */
	int64_t freed_seq; /* -1: NULL */
	bool exists; /* the row exists (here, or in the database) */
	bool in_db; /* it is in the database */
	bool dirty; /* changed since the last commit */
};

struct objtab {
	struct strmap *names; /* object name -> index into rows */
	struct objrow *rows;
	size_t cap;
	uint32_t *dirty; /* indices of the dirty rows */
	size_t ndirty, dcap;
};

/*
 * The ids of the transitions' objects and of their (func, field, old, new)
 * tuples, by canonical text: two small caches in front of the string and
 * tuple dictionaries, so that a transition seen before costs two lookups
 * instead of five string lookups and a tuple lookup.  They are separate
 * because their product is large (kq_cycle: 5,000 objects and 4,000 tuples
 * give 40,000 distinct transitions, whose keys did not stay in the CPU's
 * caches), while each alone stays small.  Keys longer than ROWCACHE_MAXLEN
 * are not kept; past ROWCACHE_MAXBYTES of keys a cache starts over.
 */
#define ROWCACHE_MAXLEN 256
#define ROWCACHE_MAXBYTES (16u << 20)

struct rowslot {
	uint32_t
	    h; /* the high half of the key's XXH3, with bit 0 set; 0: empty */
	uint32_t off; /* the key in 'arena' */
	uint32_t len;
	uint32_t id;
};

struct rowcache {
	struct rowslot *slots;
	size_t nslots, n;
	char *arena;
	size_t alen, acap;
};

/*
 * Rows of trace_rows and syscall_rows, the recorder's hottest tables, are
 * buffered and inserted MULTI_ROWS at a time by one statement (the rest, at
 * a commit, one by one).  Columns whose bit is set in 'nullable' bind 0 as
 * NULL.
 */
#define MULTI_ROWS 64
#define MULTI_MAXCOLS 11

struct multi {
	sqlite3_stmt *one;
	sqlite3_stmt *many;
	const char *what;
	int ncols;
	unsigned nullable;
	int n;
	sqlite3_int64 buf[MULTI_ROWS * MULTI_MAXCOLS];
};

struct trace {
	sqlite3 *db;
	struct multi trace_rows; /* key, object (0: NULL), chg */
	struct multi syscall_rows; /* the columns of syscall_rows */
	sqlite3_stmt *ins_str;
	sqlite3_stmt *ins_chg;
	sqlite3_stmt *ins_ctx;
	sqlite3_stmt *ins_decision;
	sqlite3_stmt *ins_thread;
	sqlite3_stmt *end_thread;
	sqlite3_stmt *obj_insert;
	sqlite3_stmt *obj_update;
	sqlite3_stmt *ins_module;
	bool in_txn;
	uint32_t batch;
	int64_t run_id;
	uint64_t seq;
	uint64_t nsyscalls;
	uint64_t ndecisions;
	XXH3_state_t *hash;
	FILE *text;
	void (*expect)(void *arg, uint64_t seq, const char *line);
	void *expect_arg;
	char *hbuf;
	size_t hlen;
	size_t hcap;
	bool hfed; /* 'hash' was fed (else it is the fresh state) */
	/* The text of 'seq' and of the last "\tvtime\tpid\ttid". */
	char seqtxt[24];
	size_t seqlen;
	char ctx[72];
	size_t ctxlen;
	int64_t ctx_vtime;
	int ctx_pid;
	int ctx_tid;
	bool ctx_ok;
	/* Recording: the dictionaries and the last trace_ctx row. */
	struct intern strs;
	struct chgdict chgs;
	struct objtab objs;
	struct rowcache objc; /* object text -> trace_str id */
	struct rowcache chgc; /* func, field, old, new text -> trace_chg id */
	uint32_t next_str;
	uint32_t next_chg;
	int64_t db_vtime;
	int db_pid;
	int db_tid;
	bool db_ctx_ok;
};

static void seq_reset(struct trace *t);
static void fatal_sql(struct trace *t, const char *what);
static void counted(struct trace *t);

static _Noreturn void
trace_oom(void)
{
	fprintf(stderr, "evsim: fatal: out of memory\n");
	exit(2);
}

static void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n)) == NULL)
		trace_oom();
	return (p);
}

/*
 * Key of row n of the current run: (run_id - 1) << 32 | n, so that a run's
 * rows are one range and the first run's keys are short varints.
 */
static sqlite3_int64
run_key(const struct trace *t, uint64_t n)
{
	if (n > UINT32_MAX) {
		fprintf(stderr,
		    "evsim: fatal: trace database: a run of more than %" PRIu32
		    " transitions or syscalls cannot be recorded\n",
		    UINT32_MAX);
		exit(2);
	}
	return ((sqlite3_int64)(((uint64_t)(t->run_id - 1) << 32) | n));
}

static void
intern_free(struct intern *in)
{
	free(in->ents);
	free(in->slots);
	free(in->arena);
	memset(in, 0, sizeof(*in));
}

/* Empties the cache of transitions. */
static void
rowcache_reset(struct rowcache *c)
{
	free(c->slots);
	free(c->arena);
	memset(c, 0, sizeof(*c));
}

/* The slot of the key with hash h: its own, or the empty one it would take. */
static struct rowslot *
rowcache_slot(const struct rowcache *c, uint64_t h, const char *key, size_t len)
{
	uint32_t tag = (uint32_t)(h >> 32) | 1;
	size_t j;

	for (j = (size_t)h & (c->nslots - 1); c->slots[j].h != 0;
	     j = (j + 1) & (c->nslots - 1)) {
		const struct rowslot *e = &c->slots[j];

		if (e->h == tag && e->len == len
		    && memcmp(c->arena + e->off, key, len) == 0)
			break;
	}
	return (&c->slots[j]);
}

/*
 * The id cached for the len bytes at key (hash h), or 0.  On a miss, the
 * hash is kept for rowcache_add().
 */
static inline uint32_t
rowcache_get(const struct rowcache *c, uint64_t h, const char *key, size_t len)
{
	const struct rowslot *e;

	if (c->nslots == 0)
		return (0);
	e = rowcache_slot(c, h, key, len);
	return (e->h != 0 ? e->id : 0);
}

/* Doubles the table (the first time, makes it). */
static void
rowcache_grow(struct rowcache *c)
{
	struct rowslot *old = c->slots;
	size_t i, oldn = c->nslots;

	c->nslots = oldn != 0 ? 2 * oldn : 4096;
	c->slots = calloc(c->nslots, sizeof(*c->slots));
	if (c->slots == NULL)
		trace_oom();
	for (i = 0; i < oldn; i++) {
		uint64_t h;
		size_t j;

		if (old[i].h == 0)
			continue;
		/* The slot needs the low bits: hashed again. */
		h = XXH3_64bits(c->arena + old[i].off, old[i].len);
		j = (size_t)h & (c->nslots - 1);
		while (c->slots[j].h != 0)
			j = (j + 1) & (c->nslots - 1);
		c->slots[j] = old[i];
	}
	free(old);
}

/* Caches id for the len bytes at key (hash h), not cached yet. */
static void
rowcache_add(
    struct rowcache *c, uint64_t h, const char *key, size_t len, uint32_t id)
{
	struct rowslot *e;

	if (len > ROWCACHE_MAXLEN)
		return;
	if (c->alen + len > ROWCACHE_MAXBYTES)
		rowcache_reset(c);
	if (4 * (c->n + 1) > 3 * c->nslots)
		rowcache_grow(c);
	if (c->alen + len > c->acap) {
		while (c->alen + len > c->acap)
			c->acap = c->acap != 0 ? 2 * c->acap : 65536;
		c->arena = xrealloc(c->arena, c->acap);
	}
	memcpy(c->arena + c->alen, key, len);
	e = rowcache_slot(c, h, key, len);
	e->h = (uint32_t)(h >> 32) | 1;
	e->off = (uint32_t)c->alen;
	e->len = (uint32_t)len;
	e->id = id;
	c->alen += len;
	c->n++;
}

/*
 * The entry of the object named by the len bytes at name, added (without a
 * row) if new.
 */
static struct objrow *
objtab_get(struct trace *t, const char *name, size_t len)
{
	struct objtab *o = &t->objs;
	uint32_t i, n;

	if (o->names == NULL)
		o->names = strmap_new();
	n = strmap_count(o->names);
	i = strmap_intern(o->names, name, len);
	if (i >= o->cap) {
		o->cap = o->cap != 0 ? 2 * o->cap : 1024;
		o->rows = xrealloc(o->rows, o->cap * sizeof(*o->rows));
	}
	if (i == n) {
		memset(&o->rows[i], 0, sizeof(o->rows[i]));
		o->rows[i].created_seq = -1;
		o->rows[i].freed_seq = -1;
	}
	return (&o->rows[i]);
}

/* Marks e changed: it is written at the next commit. */
static void
objtab_dirty(struct trace *t, struct objrow *e)
{
	struct objtab *o = &t->objs;

	e->exists = true;
	if (e->dirty)
		return;
	e->dirty = true;
	if (o->ndirty == o->dcap) {
		o->dcap = o->dcap != 0 ? 2 * o->dcap : 1024;
		o->dirty = xrealloc(o->dirty, o->dcap * sizeof(*o->dirty));
	}
	o->dirty[o->ndirty++] = (uint32_t)(e - o->rows);
}

/* Writes the rows changed since the last commit, in the order of change. */
static void
objtab_flush(struct trace *t)
{
	struct objtab *o = &t->objs;
	size_t i, len;

	for (i = 0; i < o->ndirty; i++) {
		struct objrow *e = &o->rows[o->dirty[i]];
		const char *name = strmap_key(o->names, o->dirty[i], &len);
		sqlite3_stmt *st = e->in_db ? t->obj_update : t->obj_insert;

		sqlite3_bind_int64(st, 1, t->run_id);
		sqlite3_bind_text(st, 2, name, (int)len, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, e->label, -1, SQLITE_STATIC);
		if (e->created_seq >= 0)
			sqlite3_bind_int64(st, 4, e->created_seq);
		else
			sqlite3_bind_null(st, 4);
		if (e->freed_seq >= 0)
			sqlite3_bind_int64(st, 5, e->freed_seq);
		else
			sqlite3_bind_null(st, 5);
		if (sqlite3_step(st) != SQLITE_DONE)
			fatal_sql(t, "objects");
		sqlite3_reset(st);
		e->dirty = false;
		e->in_db = true;
	}
	o->ndirty = 0;
}

/* Forgets the table (after objtab_flush(), or for a new run). */
static void
objtab_reset(struct objtab *o)
{
	uint32_t i, n = o->names != NULL ? strmap_count(o->names) : 0;

	for (i = 0; i < n; i++)
		free(o->rows[i].label);
	strmap_free(o->names);
	free(o->rows);
	free(o->dirty);
	memset(o, 0, sizeof(*o));
}

/*
 * Writes an 'objects' row (INSERT OR IGNORE: a "(life)" or label row wins)
 * for every string of the dictionary named as an object.
 */
static void
intern_objects(struct trace *t)
{
	sqlite3_stmt *st;
	size_t i;

	objtab_flush(t);
	if (sqlite3_prepare_v2(t->db,
		"INSERT OR IGNORE INTO objects (run_id, object, kind) VALUES"
		" (?1, ?2, CASE WHEN instr(?2, '#') > 0 THEN substr(?2, 1,"
		" instr(?2, '#') - 1) ELSE ?2 END)",
		-1, &st, NULL)
	    != SQLITE_OK)
		fatal_sql(t, "objects");
	for (i = 0; i < t->strs.n; i++) {
		const struct istr *e = &t->strs.ents[i];
		struct objrow *o;

		if (!e->object)
			continue;
		/* A row flushed above is there; otherwise it is now. */
		o = objtab_get(t, t->strs.arena + e->off, e->len);
		if (o->exists)
			continue;
		o->exists = true;
		o->in_db = true;
		sqlite3_bind_int64(st, 1, t->run_id);
		sqlite3_bind_text(
		    st, 2, t->strs.arena + e->off, (int)e->len, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			fatal_sql(t, "objects");
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
}

/* Forgets the strings of the dictionary (ids go on counting). */
static void
intern_clear(struct trace *t)
{
	struct intern *in = &t->strs;

	if (t->db != NULL && in->n > 0)
		intern_objects(t);
	rowcache_reset(&t->objc);
	rowcache_reset(&t->chgc);
	in->n = 0;
	in->alen = 0;
	if (in->slots != NULL)
		memset(in->slots, 0, in->nslots * sizeof(*in->slots));
}

static void
intern_rehash(struct intern *in)
{
	size_t i, nslots = in->nslots ? in->nslots * 2 : 4096;

	free(in->slots);
	in->slots = calloc(nslots, sizeof(*in->slots));
	if (in->slots == NULL)
		trace_oom();
	in->nslots = nslots;
	for (i = 0; i < in->n; i++) {
		size_t j = (size_t)in->ents[i].h & (nslots - 1);

		while (in->slots[j] != 0)
			j = (j + 1) & (nslots - 1);
		in->slots[j] = (uint32_t)(i + 1);
	}
}

/* Inserts the trace_str row of id. */
static void
str_row(struct trace *t, uint32_t id, const char *s, size_t len)
{
	sqlite3_stmt *st = t->ins_str;

	sqlite3_bind_int64(st, 1, run_key(t, id));
	sqlite3_bind_text64(
	    st, 2, s, (sqlite3_uint64)len, SQLITE_STATIC, SQLITE_UTF8);
	if (sqlite3_step(st) != SQLITE_DONE)
		fatal_sql(t, "INSERT INTO trace_str");
	sqlite3_reset(st);
	counted(t);
}

/*
 * The id of the len bytes at s in trace_str (0 for NULL), inserting the
 * row the first time; object marks a transition's object.
 */
static uint32_t
intern_str(struct trace *t, const char *s, size_t len, bool object)
{
	struct intern *in = &t->strs;
	struct istr *e;
	uint64_t h;
	size_t j;

	if (s == NULL)
		return (0);
	if (len > INTERN_MAXLEN) {
		str_row(t, ++t->next_str, s, len);
		return (t->next_str);
	}
	h = XXH3_64bits(s, len);
	if (in->nslots == 0)
		intern_rehash(in);
	for (j = (size_t)h & (in->nslots - 1); in->slots[j] != 0;
	     j = (j + 1) & (in->nslots - 1)) {
		e = &in->ents[in->slots[j] - 1];
		if (e->h == h && e->len == len
		    && memcmp(in->arena + e->off, s, len) == 0) {
			e->object |= object;
			return (e->id);
		}
	}
	if (in->alen + len > INTERN_MAXBYTES) {
		intern_clear(t);
		return (intern_str(t, s, len, object));
	}
	if (in->n == in->cap) {
		in->cap = in->cap ? in->cap * 2 : 1024;
		in->ents = xrealloc(in->ents, in->cap * sizeof(*in->ents));
	}
	if (in->alen + len > in->acap) {
		while (in->alen + len > in->acap)
			in->acap = in->acap ? in->acap * 2 : 65536;
		in->arena = xrealloc(in->arena, in->acap);
	}
	memcpy(in->arena + in->alen, s, len);
	e = &in->ents[in->n++];
	e->h = h;
	e->off = in->alen;
	e->len = (uint32_t)len;
	e->id = ++t->next_str;
	e->object = object;
	in->alen += len;
	in->slots[j] = (uint32_t)in->n;
	if (2 * in->n > in->nslots)
		intern_rehash(in);
	str_row(t, e->id, s, len);
	return (e->id);
}

static uint32_t
intern_cstr(struct trace *t, const char *s)
{
	return (intern_str(t, s, s != NULL ? strlen(s) : 0, false));
}

static uint64_t
chg_hash(const uint32_t k[4])
{
	uint64_t h = ((uint64_t)k[0] << 32 | k[1]) * 0x9e3779b97f4a7c15ull;

	h ^= ((uint64_t)k[2] << 32 | k[3]) * 0xc2b2ae3d27d4eb4full;
	return (h ^ (h >> 29));
}

static void
chg_rehash(struct chgdict *c)
{
	struct ichg *old = c->slots;
	size_t i, oldn = c->nslots, nslots = oldn ? oldn * 2 : 4096;

	c->slots = calloc(nslots, sizeof(*c->slots));
	if (c->slots == NULL)
		trace_oom();
	c->nslots = nslots;
	for (i = 0; i < oldn; i++) {
		size_t j;

		if (old[i].id == 0)
			continue;
		for (j = (size_t)chg_hash(old[i].k) & (nslots - 1);
		     c->slots[j].id != 0; j = (j + 1) & (nslots - 1))
			;
		c->slots[j] = old[i];
	}
	free(old);
}

/* The id of the (func, field, old, new) string ids in trace_chg. */
static uint32_t
intern_chg(struct trace *t, const uint32_t k[4])
{
	struct chgdict *c = &t->chgs;
	sqlite3_stmt *st = t->ins_chg;
	size_t j;
	int i;

	if (c->nslots == 0)
		chg_rehash(c);
	for (j = (size_t)chg_hash(k) & (c->nslots - 1); c->slots[j].id != 0;
	     j = (j + 1) & (c->nslots - 1))
		if (memcmp(c->slots[j].k, k, sizeof(c->slots[j].k)) == 0)
			return (c->slots[j].id);
	/* Bounded: past 2^22 tuples the dictionary starts over. */
	if (c->n >= ((size_t)1 << 22)) {
		memset(c->slots, 0, c->nslots * sizeof(*c->slots));
		c->n = 0;
		return (intern_chg(t, k));
	}
	memcpy(c->slots[j].k, k, sizeof(c->slots[j].k));
	c->slots[j].id = ++t->next_chg;
	c->n++;
	sqlite3_bind_int64(st, 1, run_key(t, t->next_chg));
	for (i = 0; i < 4; i++) {
		if (k[i] != 0)
			sqlite3_bind_int64(st, 2 + i, k[i]);
		else
			sqlite3_bind_null(st, 2 + i);
	}
	if (sqlite3_step(st) != SQLITE_DONE)
		fatal_sql(t, "INSERT INTO trace_chg");
	sqlite3_reset(st);
	counted(t);
	if (2 * c->n > c->nslots)
		chg_rehash(c);
	return (t->next_chg);
}

/* Empties the dictionaries for a new run. */
static void
dict_reset(struct trace *t)
{
	t->strs.n = 0;
	t->strs.alen = 0;
	if (t->strs.slots != NULL)
		memset(t->strs.slots, 0, t->strs.nslots * sizeof(uint32_t));
	if (t->chgs.slots != NULL)
		memset(t->chgs.slots, 0, t->chgs.nslots * sizeof(struct ichg));
	t->chgs.n = 0;
	rowcache_reset(&t->objc);
	rowcache_reset(&t->chgc);
	t->next_str = 0;
	t->next_chg = 0;
	t->db_ctx_ok = false;
}

static void
fatal_sql(struct trace *t, const char *what)
{
	fprintf(stderr, "evsim: fatal: trace database: %s: %s\n", what,
	    sqlite3_errmsg(t->db));
	exit(2);
}

static int
exec(struct trace *t, const char *sql)
{
	return (sqlite3_exec(t->db, sql, NULL, NULL, NULL));
}

static void
begin(struct trace *t)
{
	if (t->db == NULL || t->in_txn)
		return;
	if (exec(t, "BEGIN") != SQLITE_OK)
		fatal_sql(t, "BEGIN");
	t->in_txn = true;
	t->batch = 0;
}

/* Binds the ncols values at r as the j-th row of st. */
static void
bind_row(const struct multi *m, sqlite3_stmt *st, int j, const sqlite3_int64 *r)
{
	int i;

	for (i = 0; i < m->ncols; i++) {
		if (r[i] == 0 && (m->nullable & (1u << i)) != 0)
			sqlite3_bind_null(st, m->ncols * j + i + 1);
		else
			sqlite3_bind_int64(st, m->ncols * j + i + 1, r[i]);
	}
}

static void
step_insert(struct trace *t, const struct multi *m, sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		fatal_sql(t, m->what);
	sqlite3_reset(st);
}

/*
 * Inserts the buffered rows of m: a full buffer with one statement, the
 * rest (at a commit) one by one.
 */
static void
multi_flush(struct trace *t, struct multi *m)
{
	int j;

	if (m->n == MULTI_ROWS) {
		for (j = 0; j < MULTI_ROWS; j++)
			bind_row(m, m->many, j, m->buf + j * m->ncols);
		step_insert(t, m, m->many);
	} else {
		for (j = 0; j < m->n; j++) {
			bind_row(m, m->one, 0, m->buf + j * m->ncols);
			step_insert(t, m, m->one);
		}
	}
	m->n = 0;
}

/* The buffer of the next row of m, flushing it if full. */
static sqlite3_int64 *
multi_row(struct trace *t, struct multi *m)
{
	if (m->n == MULTI_ROWS)
		multi_flush(t, m);
	return (m->buf + m->n++ * m->ncols);
}

static void
commit(struct trace *t)
{
	if (t->db == NULL || !t->in_txn)
		return;
	multi_flush(t, &t->trace_rows);
	multi_flush(t, &t->syscall_rows);
	objtab_flush(t);
	if (exec(t, "COMMIT") != SQLITE_OK)
		fatal_sql(t, "COMMIT");
	t->in_txn = false;
}

static void
counted(struct trace *t)
{
	if (++t->batch >= TRACE_BATCH) {
		commit(t);
		begin(t);
	}
}

/*
 * Checks that an existing database is ours.  An empty database (no schema
 * objects) is adopted; one with objects but no evsim_meta, a different
 * format or version, or any trigger, view, table or index evsim does not
 * create, is refused without being written.
 */
static int
check_foreign(struct trace *t, const char *path, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc, nobjects = -1;

	rc = sqlite3_prepare_v2(
	    t->db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		errbuf_set(err, errlen, "%s: not an evsim database (%s)", path,
		    sqlite3_errmsg(t->db));
		return (EINVAL);
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		nobjects = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (nobjects < 0) {
		errbuf_set(err, errlen, "%s: not an evsim database (%s)", path,
		    sqlite3_errmsg(t->db));
		return (EINVAL);
	}
	if (nobjects == 0)
		return (0);
	if ((rc = tracedb_check_meta(t->db, path, err, errlen)) != 0)
		return (rc);
	return (tracedb_check_schema(t->db, path, err, errlen));
}

static void
prepare(struct trace *t, sqlite3_stmt **st, const char *sql)
{
	if (sqlite3_prepare_v2(t->db, sql, -1, st, NULL) != SQLITE_OK)
		fatal_sql(t, sql);
}

/*
 * Prepares the statements of m, inserting into table rows of ncols
 * values.
 */
static void
multi_prepare(struct trace *t, struct multi *m, const char *table, int ncols,
    unsigned nullable)
{
	char sql[64 + MULTI_ROWS * MULTI_MAXCOLS * 3];
	size_t len;
	int i, j;

	m->what = table;
	m->ncols = ncols;
	m->nullable = nullable;
	m->n = 0;
	len = (size_t)snprintf(
	    sql, sizeof(sql), "INSERT INTO %s VALUES ", table);
	for (i = 0; i < MULTI_ROWS; i++) {
		for (j = 0; j < ncols; j++)
			len += (size_t)snprintf(sql + len, sizeof(sql) - len,
			    "%s", j == 0 ? (i > 0 ? ",(?" : "(?") : ",?");
		len += (size_t)snprintf(sql + len, sizeof(sql) - len, ")");
		if (i == 0)
			prepare(t, &m->one, sql);
	}
	prepare(t, &m->many, sql);
}

/*
 * Adds the explore table's columns that databases made before them lack
 * (trace_schema.h).
 */
static int
explore_columns(struct trace *t)
{
	sqlite3_stmt *st;
	int rc, have = 0;

	rc = sqlite3_prepare_v2(t->db,
	    "SELECT count(*) FROM pragma_table_info('explore')"
	    " WHERE name = 'failpoints'",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return (rc);
	if (sqlite3_step(st) == SQLITE_ROW)
		have = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return (have ? SQLITE_OK : exec(t, TRACE_SCHEMA_EXPLORE_ADD_SQL));
}

int
trace_open(struct trace **ret_t, const char *db_path, char *err, size_t errlen)
{
	struct trace *t;
	int rc;

	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return (ENOMEM);
	t->hash = XXH3_createState();
	if (t->hash == NULL) {
		free(t);
		return (ENOMEM);
	}
	XXH3_64bits_reset(t->hash);
	seq_reset(t);
	if (db_path == NULL) {
		*ret_t = t;
		return (0);
	}
	rc = sqlite3_open_v2(db_path, &t->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	    NULL);
	if (rc != SQLITE_OK) {
		errbuf_set(err, errlen, "%s: cannot open database: %s", db_path,
		    t->db != NULL ? sqlite3_errmsg(t->db) : "out of memory");
		trace_close(t);
		return (EIO);
	}
	tracedb_harden(t->db);
	sqlite3_busy_timeout(t->db, 10000);
	rc = check_foreign(t, db_path, err, errlen);
	if (rc != 0) {
		trace_close(t);
		return (rc);
	}
	/*
	 * WAL lets readers (reports, a second evsim) look at a database while
	 * a long run appends to it; NORMAL sync is safe with WAL.
	 */
	/*
	 * The schema and its evsim_meta rows in one transaction: a process
	 * killed while it creates the database leaves it empty (adopted by
	 * the next open), never tables without their meta rows (refused as
	 * not ours).
	 */
	if (exec(t, "PRAGMA journal_mode = WAL") != SQLITE_OK
	    || exec(t, "PRAGMA synchronous = NORMAL") != SQLITE_OK
	    || exec(t, "PRAGMA cache_size = -65536") != SQLITE_OK
	    || exec(t, "BEGIN IMMEDIATE") != SQLITE_OK
	    || exec(t, TRACE_SCHEMA_ALL_SQL) != SQLITE_OK
	    || explore_columns(t) != SQLITE_OK) {
		errbuf_set(err, errlen, "%s: cannot initialise database: %s",
		    db_path, sqlite3_errmsg(t->db));
		trace_close(t);
		return (EIO);
	}
	{
		char sql[256];

		snprintf(sql, sizeof(sql),
		    "INSERT OR IGNORE INTO evsim_meta VALUES"
		    " ('format', '%s'), ('schema_version', '%d')",
		    TRACE_SCHEMA_FORMAT, TRACE_SCHEMA_VERSION);
		if (exec(t, sql) != SQLITE_OK
		    || exec(t, "COMMIT") != SQLITE_OK) {
			errbuf_set(err, errlen, "%s: cannot write: %s", db_path,
			    sqlite3_errmsg(t->db));
			trace_close(t);
			return (EIO);
		}
	}
	multi_prepare(t, &t->trace_rows, "trace_rows", 3, 1u << 1);
	/* name, args, result and errno are NULL or a string's id. */
	multi_prepare(t, &t->syscall_rows, "syscall_rows", 11,
	    1u << 5 | 1u << 6 | 1u << 7 | 1u << 8);
	prepare(t, &t->ins_str, "INSERT INTO trace_str VALUES (?1, ?2)");
	prepare(t, &t->ins_chg,
	    "INSERT INTO trace_chg VALUES (?1, ?2, ?3, ?4, ?5)");
	prepare(
	    t, &t->ins_ctx, "INSERT INTO trace_ctx VALUES (?1, ?2, ?3, ?4)");
	prepare(t, &t->ins_decision,
	    "INSERT INTO decisions VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
	    "?9)");
	prepare(t, &t->ins_thread,
	    "INSERT OR REPLACE INTO threads VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	    "NULL)");
	prepare(t, &t->end_thread,
	    "UPDATE threads SET end_seq = ?3 WHERE run_id = ?1 AND tid = ?2");
	/* A new row (kind as the first statement gave it), or a known one. */
	prepare(t, &t->obj_insert,
	    "INSERT INTO objects VALUES (?1, ?2, substr(?2, 1, instr(?2, '#')"
	    " - 1), ?3, ?4, ?5)");
	prepare(t, &t->obj_update,
	    "UPDATE objects SET label = ?3, created_seq = ?4, freed_seq = ?5"
	    " WHERE run_id = ?1 AND object = ?2");
	prepare(t, &t->ins_module,
	    "INSERT OR IGNORE INTO modules VALUES (?1, ?2, ?3)");
	*ret_t = t;
	return (0);
}

void
trace_close(struct trace *t)
{
	if (t == NULL)
		return;
	if (t->db != NULL) {
		commit(t);
		sqlite3_finalize(t->trace_rows.one);
		sqlite3_finalize(t->trace_rows.many);
		sqlite3_finalize(t->syscall_rows.one);
		sqlite3_finalize(t->syscall_rows.many);
		sqlite3_finalize(t->ins_str);
		sqlite3_finalize(t->ins_chg);
		sqlite3_finalize(t->ins_ctx);
		sqlite3_finalize(t->ins_decision);
		sqlite3_finalize(t->ins_thread);
		sqlite3_finalize(t->end_thread);
		sqlite3_finalize(t->obj_insert);
		sqlite3_finalize(t->obj_update);
		sqlite3_finalize(t->ins_module);
		sqlite3_close(t->db);
	}
	XXH3_freeState(t->hash);
	free(t->hbuf);
	intern_free(&t->strs);
	objtab_reset(&t->objs);
	rowcache_reset(&t->objc);
	rowcache_reset(&t->chgc);
	free(t->chgs.slots);
	free(t);
}

static void
iso_now(char *buf, size_t len)
{
	/*
	 * The creation date is metadata about the run, not part of it: it is
	 * not hashed and never visible to the scenario.
	 */
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int
trace_run_begin(struct trace *t, const struct trace_run_info *info,
    int64_t *ret_run_id, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	char created[32];

	t->seq = 0;
	t->nsyscalls = 0;
	t->ndecisions = 0;
	t->hlen = 0;
	seq_reset(t);
	XXH3_64bits_reset(t->hash);
	if (t->db != NULL)
		objtab_flush(t);
	objtab_reset(&t->objs);
	t->run_id = 0;
	dict_reset(t);
	if (t->db == NULL) {
		*ret_run_id = 0;
		return (0);
	}
	commit(t);
	iso_now(created, sizeof(created));
	if (sqlite3_prepare_v2(t->db,
		"INSERT INTO runs (scenario, path, source, kernel, seed,"
		" strategy, status, engine_version, created_at, args,"
		" transitions) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'running', ?7,"
		" ?8, ?9, 0)",
		-1, &st, NULL)
	    != SQLITE_OK) {
		errbuf_set(err, errlen, "cannot record run: %s",
		    sqlite3_errmsg(t->db));
		return (EIO);
	}
	sqlite3_bind_text64(st, 1, info->scenario,
	    info->scenario_len != 0 ? (sqlite3_uint64)info->scenario_len
				    : (sqlite3_uint64)-1,
	    SQLITE_TRANSIENT, SQLITE_UTF8);
	sqlite3_bind_text(st, 2, info->path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, info->source, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, info->kernel, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, info->seed);
	sqlite3_bind_text(st, 6, info->strategy, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 7, EVSIM_VERSION, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, created, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 9, info->args, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE) {
		errbuf_set(err, errlen, "cannot record run: %s",
		    sqlite3_errmsg(t->db));
		sqlite3_finalize(st);
		return (EIO);
	}
	sqlite3_finalize(st);
	t->run_id = sqlite3_last_insert_rowid(t->db);
	*ret_run_id = t->run_id;
	begin(t);
	return (0);
}

/*
 * Gives every object named in the run's trace its 'objects' row, also those
 * without a "(life)" transition (processes, threads, the realtime clock),
 * from the dictionary, and threads without a label their name.  Returns 0 or an
 * SQLite error.
 */
static int
finish_objects(struct trace *t)
{
	static const char *const sql[] = {
		"UPDATE objects SET label = (SELECT name FROM threads h"
		" WHERE h.run_id = objects.run_id AND 'thread#' || h.tid ="
		" objects.object) WHERE run_id = ?1 AND kind = 'thread' AND"
		" label IS NULL",
	};
	sqlite3_stmt *st;
	size_t i;
	int rc;

	intern_objects(t);
	for (i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		if (sqlite3_prepare_v2(t->db, sql[i], -1, &st, NULL)
		    != SQLITE_OK)
			fatal_sql(t, sql[i]);
		sqlite3_bind_int64(st, 1, t->run_id);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return (rc);
	}
	return (0);
}

int
trace_run_end(struct trace *t, const char *status, const char *message,
    const char *fail_func, int64_t vtime_end_ns, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	char hex[17];
	int rc = 0;

	if (t->db == NULL)
		return (0);
	trace_hash_hex(t, hex);
	begin(t);
	if (sqlite3_prepare_v2(t->db,
		"UPDATE runs SET status = ?2, message = ?3, fail_func = ?4,"
		" fail_seq = ?5, vtime_end = ?6, transitions = ?7,"
		" trace_hash = ?8, syscalls = ?9, decisions = ?10"
		" WHERE id = ?1",
		-1, &st, NULL)
	    != SQLITE_OK)
		fatal_sql(t, "UPDATE runs");
	sqlite3_bind_int64(st, 1, t->run_id);
	sqlite3_bind_text(st, 2, status, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, message, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, fail_func, -1, SQLITE_TRANSIENT);
	if (fail_func != NULL)
		sqlite3_bind_int64(st, 5, (sqlite3_int64)t->seq);
	else
		sqlite3_bind_null(st, 5);
	sqlite3_bind_int64(st, 6, vtime_end_ns);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)t->seq);
	sqlite3_bind_text(st, 8, hex, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 9, (sqlite3_int64)t->nsyscalls);
	sqlite3_bind_int64(st, 10, (sqlite3_int64)t->ndecisions);
	if (sqlite3_step(st) != SQLITE_DONE) {
		errbuf_set(err, errlen, "cannot finish run: %s",
		    sqlite3_errmsg(t->db));
		rc = EIO;
	}
	sqlite3_finalize(st);
	if (finish_objects(t) != 0 && rc == 0) {
		errbuf_set(err, errlen, "cannot finish run: %s",
		    sqlite3_errmsg(t->db));
		rc = EIO;
	}
	commit(t);
	return (rc);
}

/*
 * The canonical line is formatted without snprintf and without allocation:
 * integers two digits at a time from a table, strings copied byte by byte
 * with a branch only on the bytes the canonical form escapes.  Lines are
 * appended to 'hbuf' and the hash is fed in blocks (XXH3's streaming state
 * gives the same digest however its input is split), so a transition costs
 * a few hundred instructions.
 */
static const char digit_pairs[201]
    = "000102030405060708091011121314151617181920212223242526272829303132333435"
      "3637383940414243444546474849"
      "505152535455565758596061626364656667686970717273747576777879808182838485"
      "8687888990919293949596979899";

/* The number of decimal digits of u. */
static size_t
ndigits(uint64_t u)
{
	size_t n = 1;

	for (;;) {
		if (u < 10)
			return (n);
		if (u < 100)
			return (n + 1);
		if (u < 1000)
			return (n + 2);
		if (u < 10000)
			return (n + 3);
		u /= 10000;
		n += 4;
	}
}

/* Writes u in decimal at d (no NUL); returns the length. */
static size_t
fmt_u64(char *d, uint64_t u)
{
	size_t n = ndigits(u);
	char *p = d + n;

	while (u >= 100) {
		unsigned r = (unsigned)(u % 100);

		u /= 100;
		p -= 2;
		p[0] = digit_pairs[2 * r];
		p[1] = digit_pairs[2 * r + 1];
	}
	if (u >= 10) {
		p[-2] = digit_pairs[2 * u];
		p[-1] = digit_pairs[2 * u + 1];
	} else {
		p[-1] = (char)('0' + u);
	}
	return (n);
}

static size_t
fmt_i64(char *d, int64_t v)
{
	if (v >= 0)
		return (fmt_u64(d, (uint64_t)v));
	d[0] = '-';
	return (1 + fmt_u64(d + 1, (uint64_t)0 - (uint64_t)v));
}

size_t
trace_fmt_i64(char *buf, int64_t v)
{
	size_t n = fmt_i64(buf, v);

	buf[n] = '\0';
	return (n);
}

/* Whether the canonical form escapes byte c: backslash, controls, DEL. */
#define NEEDS_ESCAPE(c) ((c) < 0x20 || (c) == '\\' || (c) == 0x7f)

/* Copies the len bytes at s to d escaped, byte by byte; returns the length. */
static size_t
put_escaped_slow(char *d, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + len;
	char *d0 = d;

	for (; p < end; p++) {
		unsigned char c = *p;

		if (!NEEDS_ESCAPE(c)) {
			*d++ = (char)c;
			continue;
		}
		*d++ = '\\';
		switch (c) {
		case '\\':
			*d++ = '\\';
			break;
		case '\t':
			*d++ = 't';
			break;
		case '\n':
			*d++ = 'n';
			break;
		case '\r':
			*d++ = 'r';
			break;
		default:
			*d++ = 'x';
			*d++ = hex[c >> 4];
			*d++ = hex[c & 0xf];
		}
	}
	return ((size_t)(d - d0));
}

/*
 * Copies the len bytes at s to d, reading no further than s[len] (the NUL)
 * and writing up to 16 bytes beyond d + len: 16-byte blocks, the last one
 * overlapping the one before it; shorter strings as two overlapping halves
 * or, below 4 bytes, as their first, middle and last bytes.
 */
static inline void
copy_field(char *d, const char *s, size_t len)
{
	size_t i;

	if (len >= 16) {
		for (i = 0; i + 16 < len; i += 16)
			memcpy(d + i, s + i, 16);
		memcpy(d + len - 16, s + len - 16, 16);
	} else if (len >= 8) {
		memcpy(d, s, 8);
		memcpy(d + len - 8, s + len - 8, 8);
	} else if (len >= 4) {
		memcpy(d, s, 4);
		memcpy(d + len - 4, s + len - 4, 4);
	} else if (len > 0) {
		d[0] = s[0];
		d[len / 2] = s[len / 2];
		d[len - 1] = s[len - 1];
	}
}

/*
 * Whether none of the n bytes at p needs escaping, that is, whether the
 * fields copied verbatim are their canonical form.  p may be read up to 16
 * bytes beyond p + n.
 */
static inline int
fields_clean(const char *p, size_t n)
{
	unsigned bad = 0;
	size_t i;

#if defined(__SSE2__)
	const __m128i c1f = _mm_set1_epi8(0x1f);
	const __m128i bs = _mm_set1_epi8('\\');
	const __m128i del = _mm_set1_epi8(0x7f);

	for (i = 0; i < n; i += 16) {
		__m128i c
		    = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		__m128i lt = _mm_cmpeq_epi8(_mm_min_epu8(c, c1f), c);
		__m128i sp = _mm_or_si128(
		    _mm_cmpeq_epi8(c, bs), _mm_cmpeq_epi8(c, del));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(lt, sp));

		if (n - i < 16)
			m &= (1u << (n - i)) - 1;
		bad |= m;
	}
#else
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		bad |= NEEDS_ESCAPE(c);
	}
#endif
	return (bad == 0);
}

/* The five string fields of a transition and their lengths. */
struct fields {
	const char *s[5];
	size_t len[5];
};

/*
 * Room for the numbers (and the fixed-size copies of their text), tabs,
 * newline, NUL and the 16 bytes fmt_fields_fast() may write or read beyond.
 */
#define LINE_FIXED 256

/*
 * Measures the fields; returns an upper bound of the room their line needs:
 * LINE_FIXED and four bytes per string byte.
 */
static size_t
fields_measure(struct fields *f, const char *func, const char *object,
    const char *field, const char *old, const char *new)
{
	size_t i, sum = 0;

	f->s[0] = func;
	f->s[1] = object;
	f->s[2] = field;
	f->s[3] = old;
	f->s[4] = new;
	for (i = 0; i < 5; i++) {
		f->len[i] = f->s[i] != NULL ? strlen(f->s[i]) : 0;
		sum += f->len[i];
	}
	return (LINE_FIXED + 4 * sum);
}

/* Formats "\tvtime\tpid\ttid" at d; returns the length (at most 66). */
static size_t
fmt_ctx(char *d, int64_t vtime_ns, int pid, int tid)
{
	char *d0 = d;

	*d++ = '\t';
	d += fmt_i64(d, vtime_ns);
	*d++ = '\t';
	d += fmt_i64(d, pid);
	*d++ = '\t';
	d += fmt_i64(d, tid);
	return ((size_t)(d - d0));
}

/* Formats the string fields and the newline at d; returns the length. */
static size_t
fmt_fields(char *d, const struct fields *f)
{
	char *d0 = d;
	size_t i;

	for (i = 0; i < 5; i++) {
		*d++ = '\t';
		d += put_escaped_slow(d, f->s[i], f->len[i]);
	}
	*d++ = '\n';
	return ((size_t)(d - d0));
}

/*
 * fmt_fields() for the recorder's own buffer, which may be written and read
 * past the line: the fields are copied verbatim, checked in one pass, and
 * formatted again byte by byte only if one of them needs escaping.
 */
static inline size_t
fmt_fields_fast(char *d, const struct fields *f)
{
	char *d0 = d, *sep[6];
	size_t i;

	/* The separators go in last, so that the check sees only fields. */
	for (i = 0; i < 5; i++) {
		sep[i] = d++;
		*sep[i] = ' ';
		copy_field(d, f->s[i], f->len[i]);
		d += f->len[i];
	}
	sep[5] = d++;
	*sep[5] = ' ';
	if (!fields_clean(d0, (size_t)(d - d0)))
		return (fmt_fields(d0, f));
	for (i = 0; i < 5; i++)
		*sep[i] = '\t';
	*sep[5] = '\n';
	return ((size_t)(d - d0));
}

/* Formats the line at d, which has room for fields_measure(); no NUL. */
static size_t
fmt_line(char *d, uint64_t seq, int64_t vtime_ns, int pid, int tid,
    const struct fields *f)
{
	char *d0 = d;

	d += fmt_u64(d, seq);
	d += fmt_ctx(d, vtime_ns, pid, tid);
	d += fmt_fields(d, f);
	return ((size_t)(d - d0));
}

size_t
trace_format_line(char *buf, size_t len, uint64_t seq, int64_t vtime_ns,
    int pid, int tid, const char *func, const char *object, const char *field,
    const char *old, const char *new)
{
	return (trace_format_line_n(buf, len, seq, vtime_ns, pid, tid, func,
	    object, field, old, new, new != NULL ? strlen(new) : 0));
}

size_t
trace_format_line_n(char *buf, size_t len, uint64_t seq, int64_t vtime_ns,
    int pid, int tid, const char *func, const char *object, const char *field,
    const char *old, const char *new, size_t newlen)
{
	struct fields f;
	size_t bound = fields_measure(&f, func, object, field, old, new), n;
	char *tmp;

	bound += 4 * newlen - 4 * f.len[4];
	f.len[4] = newlen;

	if (bound <= len) {
		n = fmt_line(buf, seq, vtime_ns, pid, tid, &f);
		buf[n] = '\0';
		return (n);
	}
	tmp = malloc(bound);
	if (tmp == NULL) {
		fprintf(stderr, "evsim: fatal: out of memory\n");
		exit(2);
	}
	n = fmt_line(tmp, seq, vtime_ns, pid, tid, &f);
	if (len > 0) {
		size_t k = n < len - 1 ? n : len - 1;

		memcpy(buf, tmp, k);
		buf[k] = '\0';
	}
	free(tmp);
	return (n);
}

/* Adds one to the decimal text of the sequence number. */
static void
seq_incr(struct trace *t)
{
	size_t i = t->seqlen;

	while (i > 0 && t->seqtxt[i - 1] == '9')
		t->seqtxt[--i] = '0';
	if (i > 0) {
		t->seqtxt[i - 1]++;
		return;
	}
	memmove(t->seqtxt + 1, t->seqtxt, t->seqlen);
	t->seqtxt[0] = '1';
	t->seqlen++;
}

/*
 * Restarts the sequence number's text at "0"; the callers also reset the
 * hash, which nothing has fed since.
 */
static void
seq_reset(struct trace *t)
{
	t->seqtxt[0] = '0';
	t->seqlen = 1;
	t->ctx_ok = false;
	t->hfed = false;
}

/* Feeds the buffered lines to the hash and empties the buffer. */
static void
hash_flush(struct trace *t)
{
	if (t->hlen > 0) {
		XXH3_64bits_update(t->hash, t->hbuf, t->hlen);
		t->hfed = true;
	}
	t->hlen = 0;
}

/* Keeps the 'objects' row of an object created or freed by transition t->seq.
 */
static void
object_life(struct trace *t, const char *object, size_t len, const char *new)
{
	struct objrow *e;

	if (strcmp(new, "created") == 0) {
		/* Inserted with its kind, or created_seq set, freed_seq NULL.
		 */
		e = objtab_get(t, object, len);
		e->created_seq = (int64_t)t->seq;
		e->freed_seq = -1;
		objtab_dirty(t, e);
	} else if (strcmp(new, "freed") == 0) {
		/* freed_seq set if the row exists. */
		e = objtab_get(t, object, len);
		if (!e->exists)
			return;
		e->freed_seq = (int64_t)t->seq;
		objtab_dirty(t, e);
	}
}

/*
 * The trace_str id of the transition's object and its trace_chg id.  seg
 * is the canonical text of its fields (len bytes, the tab before 'func' to
 * the newline), where tabs only separate fields: the object's text and
 * the rest, with which fields are NULL (which the text does not say), are
 * the caches' keys.
 */
static void
row_ids(struct trace *t, const char *seg, size_t len, const struct fields *f,
    uint32_t *ret_obj, uint32_t *ret_chg)
{
	char key[ROWCACHE_MAXLEN + 2];
	const char *p1, *p2;
	unsigned mask = 0x20;
	size_t olen, klen = 0, n1;
	uint64_t ho = 0, hc = 0;
	uint32_t obj = 0, chg = 0, k[4];
	bool have_obj = f->s[1] == NULL; /* a NULL object is id 0 */
	int i;

	for (i = 0; i < 5; i++)
		if (f->s[i] == NULL)
			mask |= 1u << i;
	p1 = memchr(seg + 1, '\t', len - 1);
	p2 = memchr(p1 + 1, '\t', len - (size_t)(p1 + 1 - seg));
	/* The object: its text, and whether it is NULL. */
	olen = (size_t)(p2 - p1);
	if (!have_obj && olen <= ROWCACHE_MAXLEN) {
		memcpy(key, p1 + 1, olen - 1);
		key[olen - 1] = (char)(mask & 0x22);
		ho = XXH3_64bits(key, olen);
		obj = rowcache_get(&t->objc, ho, key, olen);
		have_obj |= obj != 0;
	}
	/* The rest: "\tfunc" and "\tfield\told\tnew\n", and the NULL mask. */
	n1 = (size_t)(p1 - seg);
	if (len - olen + 1 <= ROWCACHE_MAXLEN) {
		klen = len - olen + 1;
		memcpy(key, seg, n1);
		memcpy(key + n1, p2, len - n1 - olen);
		key[klen - 1] = (char)(mask & ~2u);
		hc = XXH3_64bits(key, klen);
		chg = rowcache_get(&t->chgc, hc, key, klen);
	}
	if (have_obj && chg != 0) {
		*ret_obj = obj;
		*ret_chg = chg;
		return;
	}
	/*
	 * Interned in the order of the fields, whichever missed, so that ids
	 * are given in the order strings first appear.  NULL strings stay
	 * NULL: only a binary 'new' has a length.
	 */
	k[0] = intern_str(t, f->s[0], f->len[0], false);
	*ret_obj = intern_str(t, f->s[1], f->len[1], f->s[1] != NULL);
	k[1] = intern_str(t, f->s[2], f->len[2], false);
	k[2] = intern_str(t, f->s[3], f->len[3], false);
	k[3] = intern_str(t, f->s[4], f->len[4], false);
	*ret_chg = intern_chg(t, k);
	/*
	 * The interning above may have emptied the caches.  An id 0 (a NULL
	 * object) is not cached: 0 means a miss.
	 */
	if (olen <= ROWCACHE_MAXLEN && *ret_obj != 0) {
		memcpy(key, p1 + 1, olen - 1);
		key[olen - 1] = (char)(mask & 0x22);
		if (t->objc.nslots == 0
		    || rowcache_slot(&t->objc, ho, key, olen)->h == 0)
			rowcache_add(&t->objc, ho, key, olen, *ret_obj);
	}
	if (klen != 0) {
		memcpy(key, seg, n1);
		memcpy(key + n1, p2, len - n1 - olen);
		key[klen - 1] = (char)(mask & ~2u);
		if (t->chgc.nslots == 0
		    || rowcache_slot(&t->chgc, hc, key, klen)->h == 0)
			rowcache_add(&t->chgc, hc, key, klen, *ret_chg);
	}
}

/*
 * Starts the next line in 'hbuf', with room for bound bytes: numbers the
 * transition and writes its sequence number and "\tvtime\tpid\ttid".
 * Returns the line; *ret_n is the length written.
 */
static inline char *
line_begin(struct trace *t, int64_t vtime_ns, int pid, int tid, size_t bound,
    size_t *ret_n)
{
	char *line;
	size_t n;

	t->seq++;
	if (t->hlen + bound > t->hcap) {
		hash_flush(t);
		if (bound > t->hcap) {
			size_t cap = bound > TRACE_HBUF ? bound : TRACE_HBUF;

			/*
			 * Zeroed, so that the checks reading past a line
			 * never read undefined bytes; the buffer is empty.
			 */
			free(t->hbuf);
			t->hbuf = calloc(1, cap);
			if (t->hbuf == NULL) {
				fprintf(
				    stderr, "evsim: fatal: out of memory\n");
				exit(2);
			}
			t->hcap = cap;
		}
	}
	line = t->hbuf + t->hlen;
	/*
	 * The sequence number's text is incremented in place and the vtime,
	 * pid and tid text reused while they stay the same; both are copied
	 * with fixed-size copies (the bound leaves room for them).
	 */
	seq_incr(t);
	memcpy(line, t->seqtxt, sizeof(t->seqtxt));
	n = t->seqlen;
	if (!t->ctx_ok || t->ctx_vtime != vtime_ns || t->ctx_pid != pid
	    || t->ctx_tid != tid) {
		t->ctxlen = fmt_ctx(t->ctx, vtime_ns, pid, tid);
		t->ctx_vtime = vtime_ns;
		t->ctx_pid = pid;
		t->ctx_tid = tid;
		t->ctx_ok = true;
	}
	memcpy(line + n, t->ctx, sizeof(t->ctx));
	*ret_n = n + t->ctxlen;
	return (line);
}

/* Ends the line of n bytes started by line_begin(). */
static inline void
line_end(struct trace *t, char *line, size_t n)
{
	/* The NUL is overwritten by the next line; only n bytes are hashed. */
	line[n] = '\0';
	t->hlen += n;
	if (t->text != NULL)
		fwrite(line, 1, n, t->text);
	if (t->expect != NULL)
		t->expect(t->expect_arg, t->seq, line);
}

/*
 * Appends a transition; with binary set, new is newlen bytes that may hold
 * NUL bytes (the canonical line writes them as \x00, the database row
 * keeps them).
 */
static uint64_t
transition(struct trace *t, int64_t vtime_ns, int pid, int tid,
    const char *func, const char *object, const char *field, const char *old,
    const char *new, size_t newlen, bool binary)
{
	struct fields f;
	size_t bound, n, nf;
	char *line;

	bound = fields_measure(&f, func, object, field, old, new);
	if (binary) {
		bound += 4 * (newlen - f.len[4]);
		f.len[4] = newlen;
	}
	line = line_begin(t, vtime_ns, pid, tid, bound, &n);
	nf = fmt_fields_fast(line + n, &f);
	n += nf;
	line_end(t, line, n);
	if (t->db != NULL) {
		sqlite3_int64 key = run_key(t, t->seq), *r;
		uint32_t obj, chg;

		if (!t->db_ctx_ok || t->db_vtime != vtime_ns || t->db_pid != pid
		    || t->db_tid != tid) {
			sqlite3_stmt *c = t->ins_ctx;

			sqlite3_bind_int64(c, 1, key);
			sqlite3_bind_int64(c, 2, vtime_ns);
			sqlite3_bind_int(c, 3, pid);
			sqlite3_bind_int(c, 4, tid);
			if (sqlite3_step(c) != SQLITE_DONE)
				fatal_sql(t, "INSERT INTO trace_ctx");
			sqlite3_reset(c);
			counted(t);
			t->db_vtime = vtime_ns;
			t->db_pid = pid;
			t->db_tid = tid;
			t->db_ctx_ok = true;
		}
		/* intern_chg() may commit, which flushes the buffer. */
		row_ids(t, line + n - nf, nf, &f, &obj, &chg);
		r = multi_row(t, &t->trace_rows);
		r[0] = key;
		r[1] = obj;
		r[2] = chg;
		counted(t);
		if (field != NULL && field[0] == '('
		    && new != NULL &&strcmp(field, "(life)") == 0)
			object_life(t, object, f.len[1], new);
	}
	return (t->seq);
}

uint64_t
trace_transition(struct trace *t, int64_t vtime_ns, int pid, int tid,
    const char *func, const char *object, const char *field, const char *old,
    const char *new)
{
	return (transition(
	    t, vtime_ns, pid, tid, func, object, field, old, new, 0, false));
}

uint64_t
trace_transition_n(struct trace *t, int64_t vtime_ns, int pid, int tid,
    const char *func, const char *object, const char *field, const char *old,
    const char *new, size_t newlen)
{
	return (transition(t, vtime_ns, pid, tid, func, object, field, old, new,
	    newlen, memchr(new, '\0', newlen) != NULL));
}

/*
 * The line of an integer field without the generic path's strlen() of
 * five strings and copies of two formatted numbers: func, object and field
 * copied verbatim and checked (escaped byte by byte only if one needs it),
 * the numbers written in place.  The same bytes as trace_transition() of
 * their decimal text.
 */
uint64_t
trace_transition_int(struct trace *t, int64_t vtime_ns, int pid, int tid,
    const char *func, size_t funclen, const char *object, size_t objlen,
    const char *field, size_t fieldlen, int64_t old, int64_t new)
{
	const char *s[3] = { func, object, field };
	size_t len[3] = { funclen, objlen, fieldlen };
	char o[24], nw[24], *line, *d, *d0, *sep[3];
	size_t n;
	int i;

	if (t->db != NULL) {
		/* The recorder keeps the values' text: the generic path. */
		trace_fmt_i64(o, old);
		trace_fmt_i64(nw, new);
		return (transition(t, vtime_ns, pid, tid, func, object, field,
		    o, nw, 0, false));
	}
	line = line_begin(t, vtime_ns, pid, tid,
	    LINE_FIXED + 2 * 24 + 4 * (funclen + objlen + fieldlen), &n);
	d = d0 = line + n;
	/* As fmt_fields_fast(): separators go in after the check. */
	for (i = 0; i < 3; i++) {
		sep[i] = d++;
		*sep[i] = ' ';
		copy_field(d, s[i], len[i]);
		d += len[i];
	}
	if (fields_clean(d0, (size_t)(d - d0))) {
		for (i = 0; i < 3; i++)
			*sep[i] = '\t';
	} else {
		for (d = d0, i = 0; i < 3; i++) {
			*d++ = '\t';
			d += put_escaped_slow(d, s[i], len[i]);
		}
	}
	*d++ = '\t';
	d += fmt_i64(d, old);
	*d++ = '\t';
	d += fmt_i64(d, new);
	*d++ = '\n';
	line_end(t, line, (size_t)(d - line));
	return (t->seq);
}

void
trace_syscall(struct trace *t, uint64_t start_seq, int64_t start_ns,
    int64_t end_ns, int pid, int tid, const char *name, const char *args,
    const char *result, const char *err)
{
	t->nsyscalls++;
	if (t->db != NULL) {
		const char *str[4] = { name, args, result, err };
		sqlite3_int64 id[4], *r;
		int i;

		/* Interned first: interning may commit, flushing the buffer. */
		for (i = 0; i < 4; i++)
			id[i] = intern_cstr(t, str[i]);
		r = multi_row(t, &t->syscall_rows);
		r[0] = run_key(t, t->nsyscalls);
		r[1] = (sqlite3_int64)start_seq;
		r[2] = start_ns;
		r[3] = pid;
		r[4] = tid;
		memcpy(r + 5, id, sizeof(id));
		/* The end as distances from the start: fewer bytes. */
		r[9] = (sqlite3_int64)(t->seq - start_seq);
		r[10] = end_ns - start_ns;
		counted(t);
	}
}

void
trace_decision(struct trace *t, uint64_t step, int64_t vtime_ns, int tid,
    const char *kind, int64_t chosen, const char *runnable, const char *label)
{
	t->ndecisions++;
	if (t->db != NULL) {
		sqlite3_stmt *st = t->ins_decision;

		sqlite3_bind_int64(st, 1, t->run_id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)step);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)t->seq);
		sqlite3_bind_int64(st, 4, vtime_ns);
		sqlite3_bind_int(st, 5, tid);
		sqlite3_bind_text(st, 6, kind, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 7, chosen);
		sqlite3_bind_text(st, 8, runnable, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 9, label, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			fatal_sql(t, "INSERT INTO decisions");
		sqlite3_reset(st);
		counted(t);
	}
}

void
trace_thread(
    struct trace *t, int tid, int pid, const char *name, const char *kind)
{
	if (t->db != NULL) {
		sqlite3_stmt *st = t->ins_thread;

		sqlite3_bind_int64(st, 1, t->run_id);
		sqlite3_bind_int(st, 2, tid);
		sqlite3_bind_int(st, 3, pid);
		sqlite3_bind_text(st, 4, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 5, kind, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 6, (sqlite3_int64)t->seq);
		if (sqlite3_step(st) != SQLITE_DONE)
			fatal_sql(t, "INSERT INTO threads");
		sqlite3_reset(st);
		counted(t);
	}
}

void
trace_thread_end(struct trace *t, int tid)
{
	if (t->db != NULL) {
		sqlite3_stmt *st = t->end_thread;

		sqlite3_bind_int64(st, 1, t->run_id);
		sqlite3_bind_int(st, 2, tid);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)t->seq);
		if (sqlite3_step(st) != SQLITE_DONE)
			fatal_sql(t, "UPDATE threads");
		sqlite3_reset(st);
	}
}

void
trace_object_label(struct trace *t, const char *object, const char *label)
{
	if (t->db != NULL) {
		/* Inserted with its kind, or the label replaced. */
		struct objrow *e = objtab_get(t, object, strlen(object));

		free(e->label);
		e->label = NULL;
		if (label != NULL && (e->label = strdup(label)) == NULL)
			trace_oom();
		objtab_dirty(t, e);
	}
}

void
trace_module(struct trace *t, const char *name, const char *source, size_t len)
{
	if (t->db != NULL && t->run_id != 0) {
		sqlite3_stmt *st = t->ins_module;

		sqlite3_bind_int64(st, 1, t->run_id);
		sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
		sqlite3_bind_text64(st, 3, source, (sqlite3_uint64)len,
		    SQLITE_STATIC, SQLITE_UTF8);
		if (sqlite3_step(st) != SQLITE_DONE)
			fatal_sql(t, "INSERT INTO modules");
		sqlite3_reset(st);
		counted(t);
	}
}

uint64_t
trace_seq(const struct trace *t)
{
	return (t->seq);
}

uint64_t
trace_nsyscalls(const struct trace *t)
{
	return (t->nsyscalls);
}

uint64_t
trace_ndecisions(const struct trace *t)
{
	return (t->ndecisions);
}

/*
 * The digest of the lines so far.  A run whose lines all fit in 'hbuf' (most
 * runs of a search) is hashed in one call: XXH3 gives the same digest for
 * one input whether it is fed at once or in pieces.
 */
void
trace_hash_hex(const struct trace *t, char out[17])
{
	static const char hex[] = "0123456789abcdef";
	XXH3_state_t *s;
	uint64_t h;
	int i;

	if (!t->hfed) {
		h = (uint64_t)XXH3_64bits(t->hlen > 0 ? t->hbuf : "", t->hlen);
	} else {
		/* A copy, so that reading the hash mid-run leaves it as is. */
		if ((s = XXH3_createState()) == NULL) {
			fprintf(stderr, "evsim: fatal: out of memory\n");
			exit(2);
		}
		XXH3_copyState(s, t->hash);
		if (t->hlen > 0)
			XXH3_64bits_update(s, t->hbuf, t->hlen);
		h = (uint64_t)XXH3_64bits_digest(s);
		XXH3_freeState(s);
	}
	/* "%016" PRIx64 */
	for (i = 15; i >= 0; i--) {
		out[i] = hex[h & 0xf];
		h >>= 4;
	}
	out[16] = '\0';
}

void
trace_set_expect(struct trace *t,
    void (*fn)(void *arg, uint64_t seq, const char *line), void *arg)
{
	t->expect = fn;
	t->expect_arg = arg;
}

void
trace_set_text_out(struct trace *t, FILE *f)
{
	t->text = f;
}

/* Writes n numbers space-separated into buf (size len). */
static void
fmt_list(char *buf, size_t len, const uint64_t *v, int n)
{
	size_t o = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < n && o + 22 < len; i++)
		o += (size_t)snprintf(
		    buf + o, len - o, "%s%" PRIu64, i ? " " : "", v[i]);
}

/* Steps st (bound by the caller), finalizes it, commits. */
static int
explore_row_done(struct trace *t, sqlite3_stmt *st, char *err, size_t errlen)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		errbuf_set(err, errlen, "cannot record the search: %s",
		    sqlite3_errmsg(t->db));
		return (EIO);
	}
	return (0);
}

int
trace_explore_stats_save(struct trace *t, int64_t explore_id,
    const struct trace_explore_stats *s, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	char pb[512];

	if (t->db == NULL)
		return (0);
	commit(t);
	if (sqlite3_prepare_v2(t->db,
		"INSERT INTO explore_stats (explore_id, done, failures,"
		" pruned, beyond, exhausted, steps, per_bound) VALUES (?1, ?2,"
		" ?3, ?4, ?5, ?6, ?7, ?8)",
		-1, &st, NULL)
	    != SQLITE_OK) {
		errbuf_set(err, errlen, "cannot record the search: %s",
		    sqlite3_errmsg(t->db));
		return (EIO);
	}
	fmt_list(pb, sizeof(pb), s->per_bound, s->nbounds);
	sqlite3_bind_int64(st, 1, explore_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)s->done);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)s->failures);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)s->pruned);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)s->beyond);
	sqlite3_bind_int(st, 6, s->exhausted);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)s->steps);
	sqlite3_bind_text(st, 8, pb, -1, SQLITE_TRANSIENT);
	return (explore_row_done(t, st, err, errlen));
}

int
trace_explore_sig_save(struct trace *t, int64_t explore_id,
    const struct trace_explore_sig *g, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	char orig[160], min[160], seeds[512];

	if (t->db == NULL)
		return (0);
	commit(t);
	if (sqlite3_prepare_v2(t->db,
		"INSERT INTO explore_sigs (explore_id, status, func, message,"
		" count, first_key, first_seed, first_preempt, rec_run, orig,"
		" min, attempts, replay_ok, seeds) VALUES (?1, ?2, ?3, ?4, ?5,"
		" ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
		-1, &st, NULL)
	    != SQLITE_OK) {
		errbuf_set(err, errlen, "cannot record the search: %s",
		    sqlite3_errmsg(t->db));
		return (EIO);
	}
	fmt_list(orig, sizeof(orig), g->orig, 6);
	fmt_list(min, sizeof(min), g->min, 6);
	fmt_list(seeds, sizeof(seeds), g->seeds, g->nseeds);
	sqlite3_bind_int64(st, 1, explore_id);
	sqlite3_bind_text(st, 2, g->status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, g->func, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, g->message, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)g->count);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)g->first_key);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)g->first_seed);
	sqlite3_bind_int(st, 8, g->first_preempt);
	if (g->rec_run > 0)
		sqlite3_bind_int64(st, 9, g->rec_run);
	sqlite3_bind_text(st, 10, orig, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 11, min, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 12, g->attempts);
	sqlite3_bind_int(st, 13, g->replay_ok);
	sqlite3_bind_text(st, 14, seeds, -1, SQLITE_TRANSIENT);
	return (explore_row_done(t, st, err, errlen));
}

bool
trace_recording(const struct trace *t)
{
	return (t != NULL && t->db != NULL);
}

int
trace_explore_save(
    struct trace *t, struct trace_explore *e, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	char now[32];
	int rc;

	if (t->db == NULL)
		return (0);
	commit(t);
	iso_now(now, sizeof(now));
	rc = sqlite3_prepare_v2(t->db,
	    e->id == 0
		? "INSERT INTO explore (path, source_hash, kernel, strategy,"
		  " seed_base, runs, shard, keep_going, status, next, done,"
		  " failures, crashes, started_at, updated_at, failpoints,"
		  " fp_budget) VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
		  " ?11, ?12, ?13, ?14, ?15, ?15, ?16, ?17)"
		: "UPDATE explore SET status = ?10, next = ?11, done = ?12,"
		  " failures = ?13, crashes = ?14, updated_at = ?15,"
		  " runs = ?7 WHERE id = ?1",
	    -1, &st, NULL);
	if (rc != SQLITE_OK) {
		errbuf_set(err, errlen, "cannot record the search: %s",
		    sqlite3_errmsg(t->db));
		return (EIO);
	}
	sqlite3_bind_int64(st, 1, e->id);
	sqlite3_bind_text(st, 2, e->path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, e->source_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, e->kernel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, e->strategy, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)e->seed_base);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)e->runs);
	sqlite3_bind_text(st, 8, e->shard, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 9, e->keep_going);
	sqlite3_bind_text(st, 10, e->status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, (sqlite3_int64)e->next);
	sqlite3_bind_int64(st, 12, (sqlite3_int64)e->done);
	sqlite3_bind_int64(st, 13, (sqlite3_int64)e->failures);
	sqlite3_bind_int64(st, 14, (sqlite3_int64)e->crashes);
	sqlite3_bind_text(st, 15, now, -1, SQLITE_TRANSIENT);
	if (e->id == 0) {
		sqlite3_bind_text(st, 16,
		    e->failpoints != NULL ? e->failpoints : "", -1,
		    SQLITE_STATIC);
		sqlite3_bind_int64(st, 17, (sqlite3_int64)e->fp_budget);
	}
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		errbuf_set(err, errlen, "cannot record the search: %s",
		    sqlite3_errmsg(t->db));
		return (EIO);
	}
	if (e->id == 0)
		e->id = sqlite3_last_insert_rowid(t->db);
	return (0);
}
