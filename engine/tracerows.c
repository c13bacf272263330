/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The key-range reader of a run's transitions (see tracerows.h).  Every
 * query is by integer key: trace_rows from (run - 1) << 32 | from_seq, the
 * trace_ctx row in effect there and those after it, and trace_chg and
 * trace_str one key each through direct-mapped caches.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "tracerows.h"

/* Slots of a cursor's direct-mapped caches of strings and tuples. */
#define CACHE 65536
/* Spare string slots: strings of one row evicted by another of the row. */
#define SPARE 5

struct cstr {
	uint32_t id; /* 0: empty */
	uint32_t len;
	char *text;
};

struct cchg {
	uint32_t id; /* 0: empty */
	uint32_t k[4];
};

struct tracerows {
	sqlite3 *db;
	sqlite3_int64 base;
	sqlite3_stmt *rows, *ctx, *str, *chg;
	uint32_t only_object;
	uint64_t keep_seq;
	/* The context in effect and the next trace_ctx row, if read. */
	int64_t vtime;
	int pid, tid;
	bool have_next;
	sqlite3_int64 next_id;
	int64_t next_vtime;
	int next_pid, next_tid;
	bool ctx_done;
	struct cstr *strs; /* CACHE slots, then SPARE */
	struct cchg *chgs;
};

/* The key range of a run's rows: (run - 1) << 32 | n (trace_schema.h). */
static sqlite3_int64
run_base(int64_t run)
{
	return ((sqlite3_int64)((uint64_t)(run - 1) << 32));
}

int
tracerows_open(struct tracerows **ret_c, sqlite3 *db, int64_t run,
    uint64_t from_seq, uint64_t to_seq)
{
	struct tracerows *c;
	sqlite3_int64 end;

	*ret_c = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return (ENOMEM);
	c->strs = calloc(CACHE + SPARE, sizeof(*c->strs));
	c->chgs = calloc(CACHE, sizeof(*c->chgs));
	if (c->strs == NULL || c->chgs == NULL) {
		tracerows_close(c);
		return (ENOMEM);
	}
	c->db = db;
	c->base = run_base(run);
	if (from_seq == 0)
		from_seq = 1;
	end = to_seq == 0 || to_seq >= UINT32_MAX
	    ? c->base + ((sqlite3_int64)1 << 32)
	    : c->base + (sqlite3_int64)to_seq + 1;
	if (sqlite3_prepare_v2(db,
		"SELECT id, object, chg FROM trace_rows WHERE id >= ?1 AND"
		" id < ?2 ORDER BY id",
		-1, &c->rows, NULL)
		!= SQLITE_OK
	    || sqlite3_prepare_v2(db,
		   "SELECT id, vtime, pid, tid FROM trace_ctx WHERE id >="
		   " coalesce((SELECT max(id) FROM trace_ctx WHERE id <= ?1"
		   " AND id > ?3), ?1) AND id < ?2 ORDER BY id",
		   -1, &c->ctx, NULL)
		!= SQLITE_OK
	    || sqlite3_prepare_v2(db,
		   "SELECT text FROM trace_str WHERE id = ?1", -1, &c->str,
		   NULL)
		!= SQLITE_OK
	    || sqlite3_prepare_v2(db,
		   "SELECT func, field, old, new FROM trace_chg WHERE id = ?1",
		   -1, &c->chg, NULL)
		!= SQLITE_OK) {
		tracerows_close(c);
		return (EIO);
	}
	sqlite3_bind_int64(c->rows, 1, c->base + (sqlite3_int64)from_seq);
	sqlite3_bind_int64(c->rows, 2, end);
	sqlite3_bind_int64(c->ctx, 1, c->base + (sqlite3_int64)from_seq);
	sqlite3_bind_int64(c->ctx, 2, end);
	sqlite3_bind_int64(c->ctx, 3, c->base);
	*ret_c = c;
	return (0);
}

void
tracerows_filter(struct tracerows *c, uint32_t object_id, uint64_t keep_seq)
{
	c->only_object = object_id;
	c->keep_seq = keep_seq;
}

void
tracerows_close(struct tracerows *c)
{
	size_t i;

	if (c == NULL)
		return;
	sqlite3_finalize(c->rows);
	sqlite3_finalize(c->ctx);
	sqlite3_finalize(c->str);
	sqlite3_finalize(c->chg);
	for (i = 0; c->strs != NULL && i < CACHE + SPARE; i++)
		free(c->strs[i].text);
	free(c->strs);
	free(c->chgs);
	free(c);
}

/*
 * The string of id (0: NULL) through the cache; *len its length.  Returns
 * 0, EIO or ENOMEM.  The pointer stays valid until the slot is reused
 * (tracerows_next moves a string of its row out of a slot another string
 * of the row needs).
 */
static int
row_str(struct tracerows *c, uint32_t id, const char **ret, size_t *len)
{
	struct cstr *e = &c->strs[id & (CACHE - 1)];
	const char *text;
	char *copy;
	int n;

	*ret = NULL;
	*len = 0;
	if (id == 0)
		return (0);
	if (e->id != id) {
		sqlite3_bind_int64(c->str, 1, c->base + id);
		if (sqlite3_step(c->str) != SQLITE_ROW) {
			sqlite3_reset(c->str);
			return (EIO);
		}
		text = (const char *)sqlite3_column_text(c->str, 0);
		n = sqlite3_column_bytes(c->str, 0);
		if ((copy = malloc((size_t)n + 1)) == NULL) {
			sqlite3_reset(c->str);
			return (ENOMEM);
		}
		if (n > 0)
			memcpy(copy, text, (size_t)n);
		copy[n] = '\0';
		free(e->text);
		e->text = copy;
		e->len = (uint32_t)n;
		e->id = id;
		sqlite3_reset(c->str);
	}
	*ret = e->text;
	*len = e->len;
	return (0);
}

/* The (func, field, old, new) string numbers of tuple id into k. */
static int
row_chg(struct tracerows *c, uint32_t id, uint32_t k[4])
{
	struct cchg *e = &c->chgs[id & (CACHE - 1)];
	int i;

	if (id == 0) {
		memset(k, 0, 4 * sizeof(*k));
		return (0);
	}
	if (e->id != id) {
		sqlite3_bind_int64(c->chg, 1, c->base + id);
		if (sqlite3_step(c->chg) != SQLITE_ROW) {
			sqlite3_reset(c->chg);
			return (EIO);
		}
		for (i = 0; i < 4; i++)
			e->k[i] = (uint32_t)sqlite3_column_int64(c->chg, i);
		e->id = id;
		sqlite3_reset(c->chg);
	}
	memcpy(k, e->k, 4 * sizeof(*k));
	return (0);
}

/* Reads the next trace_ctx row ahead; 0, or EIO. */
static int
ctx_ahead(struct tracerows *c)
{
	int rc;

	if (c->ctx_done)
		return (0);
	rc = sqlite3_step(c->ctx);
	if (rc == SQLITE_DONE) {
		c->ctx_done = true;
		c->have_next = false;
		return (0);
	}
	if (rc != SQLITE_ROW)
		return (EIO);
	c->next_id = sqlite3_column_int64(c->ctx, 0);
	c->next_vtime = sqlite3_column_int64(c->ctx, 1);
	c->next_pid = sqlite3_column_int(c->ctx, 2);
	c->next_tid = sqlite3_column_int(c->ctx, 3);
	c->have_next = true;
	return (0);
}

/* Advances the context to the one in effect at key. */
static int
ctx_at(struct tracerows *c, sqlite3_int64 key)
{
	int error;

	if (!c->have_next && (error = ctx_ahead(c)) != 0)
		return (error);
	while (c->have_next && c->next_id <= key) {
		c->vtime = c->next_vtime;
		c->pid = c->next_pid;
		c->tid = c->next_tid;
		if ((error = ctx_ahead(c)) != 0)
			return (error);
	}
	return (0);
}

/* Decodes the strings ids[0..4] of one row into s and len. */
static int
row_strs(
    struct tracerows *c, const uint32_t ids[5], const char *s[5], size_t len[5])
{
	int error, i, j;

	for (i = 0; i < 5; i++) {
		struct cstr *slot = &c->strs[ids[i] & (CACHE - 1)];

		/*
		 * Strings of this row in the slot string i needs move to a
		 * spare slot of their own first.
		 */
		for (j = 0; j < i && ids[i] != 0 && slot->id != ids[i]; j++) {
			struct cstr *sp = &c->strs[CACHE + j];
			char *copy;

			if (s[j] == NULL || s[j] != slot->text)
				continue;
			if ((copy = malloc(len[j] + 1)) == NULL)
				return (ENOMEM);
			memcpy(copy, slot->text, len[j] + 1);
			free(sp->text);
			sp->text = copy;
			s[j] = sp->text;
		}
		if ((error = row_str(c, ids[i], &s[i], &len[i])) != 0)
			return (error);
	}
	return (0);
}

int
tracerows_next(struct tracerows *c, struct tracerows_row *row)
{
	const char *s[5];
	size_t len[5];
	uint32_t k[4], ids[5];
	sqlite3_int64 key;
	int rc, error;

	for (;;) {
		rc = sqlite3_step(c->rows);
		if (rc == SQLITE_DONE)
			return (ENOENT);
		if (rc != SQLITE_ROW)
			return (EIO);
		key = sqlite3_column_int64(c->rows, 0);
		ids[1] = (uint32_t)sqlite3_column_int64(c->rows, 1);
		if (c->only_object == 0 || ids[1] == c->only_object
		    || (uint64_t)(key - c->base) == c->keep_seq)
			break;
	}
	if ((error = ctx_at(c, key)) != 0
	    || (error
		   = row_chg(c, (uint32_t)sqlite3_column_int64(c->rows, 2), k))
		!= 0)
		return (error);
	ids[0] = k[0];
	ids[2] = k[1];
	ids[3] = k[2];
	ids[4] = k[3];
	if ((error = row_strs(c, ids, s, len)) != 0)
		return (error);
	row->seq = (uint64_t)(key - c->base);
	row->vtime = c->vtime;
	row->pid = c->pid;
	row->tid = c->tid;
	row->func = s[0];
	row->object = s[1];
	row->field = s[2];
	row->old = s[3];
	row->new = s[4];
	row->newlen = len[4];
	row->object_id = ids[1];
	return (0);
}

uint32_t
tracerows_str_id(sqlite3 *db, int64_t run, const char *text)
{
	sqlite3_stmt *st;
	uint32_t id = 0;

	if (sqlite3_prepare_v2(db,
		"SELECT id - ?1 FROM trace_str WHERE id > ?1 AND"
		" id < ?1 + (1 << 32) AND text = ?2 ORDER BY id LIMIT 1",
		-1, &st, NULL)
	    != SQLITE_OK)
		return (0);
	sqlite3_bind_int64(st, 1, run_base(run));
	sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = (uint32_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return (id);
}

int
tracerows_range(sqlite3 *db, int64_t run, uint64_t *first, uint64_t *last)
{
	sqlite3_stmt *st;
	int rc;

	*first = *last = 0;
	if (sqlite3_prepare_v2(db,
		"SELECT min(id) - ?1, max(id) - ?1 FROM trace_rows WHERE"
		" id > ?1 AND id < ?1 + (1 << 32)",
		-1, &st, NULL)
	    != SQLITE_OK)
		return (EIO);
	sqlite3_bind_int64(st, 1, run_base(run));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*first = (uint64_t)sqlite3_column_int64(st, 0);
		*last = (uint64_t)sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return (rc == SQLITE_ROW ? 0 : EIO);
}

int
tracerows_count(sqlite3 *db, int64_t run, uint32_t object_id, uint64_t *ret_n)
{
	sqlite3_stmt *st;
	int rc;

	*ret_n = 0;
	if (sqlite3_prepare_v2(db,
		"SELECT count(*) FROM trace_rows WHERE id > ?1 AND"
		" id < ?1 + (1 << 32) AND (?2 = 0 OR object = ?2)",
		-1, &st, NULL)
	    != SQLITE_OK)
		return (EIO);
	sqlite3_bind_int64(st, 1, run_base(run));
	sqlite3_bind_int64(st, 2, object_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*ret_n = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return (rc == SQLITE_ROW ? 0 : EIO);
}
