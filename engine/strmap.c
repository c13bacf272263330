/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The string-to-index map (see strmap.h).  Keys live in one growing arena,
 * each at an offset rounded up to 8 bytes, so that a key that is an array
 * of integers can be read in place; the slots hold index + 1 (0: empty) and
 * the table stays at most half full.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "strmap.h"

struct strmap {
	uint32_t *slot; /* index + 1, or 0 */
	uint32_t cap; /* a power of two */
	uint32_t n;
	size_t *off; /* per index: offset of the key in 'arena' */
	size_t *len; /* per index: its length */
	uint32_t idcap;
	unsigned char *arena;
	size_t used, arenacap;
};

static _Noreturn void
oom(void)
{
	fprintf(stderr, "evsim: fatal: out of memory\n");
	exit(2);
}

static void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n)) == NULL)
		oom();
	return (p);
}

struct strmap *
strmap_new(void)
{
	struct strmap *m = calloc(1, sizeof(*m));

	if (m == NULL)
		oom();
	return (m);
}

void
strmap_free(struct strmap *m)
{
	if (m == NULL)
		return;
	free(m->slot);
	free(m->off);
	free(m->len);
	free(m->arena);
	free(m);
}

static uint32_t
slot_of(const void *key, size_t len, uint32_t cap)
{
	return ((uint32_t)XXH3_64bits(key, len) & (cap - 1));
}

static int
same(const struct strmap *m, uint32_t id, const void *key, size_t len)
{
	return (
	    m->len[id] == len && memcmp(m->arena + m->off[id], key, len) == 0);
}

uint32_t
strmap_find(const struct strmap *m, const void *key, size_t len)
{
	uint32_t i, s;

	if (m->cap == 0)
		return (STRMAP_NONE);
	for (i = slot_of(key, len, m->cap); (s = m->slot[i]) != 0;
	     i = (i + 1) & (m->cap - 1))
		if (same(m, s - 1, key, len))
			return (s - 1);
	return (STRMAP_NONE);
}

/* Doubles the table and re-inserts every index. */
static void
grow(struct strmap *m)
{
	uint32_t ncap = m->cap != 0 ? m->cap * 2 : 1024, id, i;

	free(m->slot);
	m->slot = xrealloc(NULL, ncap * sizeof(*m->slot));
	memset(m->slot, 0, ncap * sizeof(*m->slot));
	m->cap = ncap;
	for (id = 0; id < m->n; id++) {
		i = slot_of(m->arena + m->off[id], m->len[id], ncap);
		while (m->slot[i] != 0)
			i = (i + 1) & (ncap - 1);
		m->slot[i] = id + 1;
	}
}

uint32_t
strmap_intern(struct strmap *m, const void *key, size_t len)
{
	uint32_t i, s, id;
	size_t at;

	if ((m->n + 1) * 2 > m->cap)
		grow(m);
	for (i = slot_of(key, len, m->cap); (s = m->slot[i]) != 0;
	     i = (i + 1) & (m->cap - 1))
		if (same(m, s - 1, key, len))
			return (s - 1);
	if (m->n == m->idcap) {
		m->idcap = m->idcap != 0 ? m->idcap * 2 : 1024;
		m->off = xrealloc(m->off, m->idcap * sizeof(*m->off));
		m->len = xrealloc(m->len, m->idcap * sizeof(*m->len));
	}
	at = (m->used + 7) & ~(size_t)7;
	if (at + len + 1 > m->arenacap) {
		m->arenacap = (at + len + 1) * 2;
		m->arena = xrealloc(m->arena, m->arenacap);
	}
	memcpy(m->arena + at, key, len);
	m->arena[at + len] = '\0'; /* a string key reads as a C string */
	m->used = at + len + 1;
	id = m->n++;
	m->off[id] = at;
	m->len[id] = len;
	m->slot[i] = id + 1;
	return (id);
}

const void *
strmap_key(const struct strmap *m, uint32_t id, size_t *ret_len)
{
	if (ret_len != NULL)
		*ret_len = m->len[id];
	return (m->arena + m->off[id]);
}

uint32_t
strmap_count(const struct strmap *m)
{
	return (m->n);
}
