/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tests for engine/strmap.c: indices are dense and in first-seen order,
 * survive the table's growth, binary keys (with NUL bytes, or arrays of
 * integers) are compared by length and content, and a key is found only
 * once interned.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "../engine/strmap.h"

Test(strmap, dense_first_seen_order)
{
	struct strmap *m = strmap_new();

	cr_assert_eq(strmap_find(m, "knote#1", 7), STRMAP_NONE);
	cr_assert_eq(strmap_intern(m, "knote#1", 7), 0);
	cr_assert_eq(strmap_intern(m, "file#3", 6), 1);
	cr_assert_eq(strmap_intern(m, "knote#1", 7), 0);
	cr_assert_eq(
	    strmap_intern(m, "knote#", 6), 2, "a prefix is another key");
	cr_assert_eq(strmap_count(m), 3);
	cr_assert_eq(strmap_find(m, "file#3", 6), 1);
	cr_assert_str_eq(strmap_key(m, 1, NULL), "file#3");
	strmap_free(m);
	strmap_free(NULL);
}

Test(strmap, growth_keeps_indices)
{
	struct strmap *m = strmap_new();
	char k[32];
	uint32_t i;
	size_t len;

	for (i = 0; i < 5000; i++) {
		snprintf(k, sizeof(k), "obj#%u", i);
		cr_assert_eq(strmap_intern(m, k, strlen(k)), i);
	}
	for (i = 0; i < 5000; i += 7) {
		snprintf(k, sizeof(k), "obj#%u", i);
		cr_assert_eq(strmap_find(m, k, strlen(k)), i);
		cr_assert_str_eq(strmap_key(m, i, &len), k);
		cr_assert_eq(len, strlen(k));
	}
	cr_assert_eq(strmap_count(m), 5000);
	strmap_free(m);
}

Test(strmap, binary_keys)
{
	struct strmap *m = strmap_new();
	uint32_t a[3] = { 1, 0, 7 }, b[2] = { 1, 0 }, c[3] = { 1, 0, 7 };
	const uint32_t *p;
	size_t len;

	cr_assert_eq(strmap_intern(m, a, sizeof(a)), 0);
	cr_assert_eq(strmap_intern(m, b, sizeof(b)), 1);
	cr_assert_eq(strmap_intern(m, c, sizeof(c)), 0);
	cr_assert_eq(strmap_intern(m, "a\0b", 3), 2);
	cr_assert_eq(strmap_find(m, "a\0c", 3), STRMAP_NONE);
	p = strmap_key(m, 0, &len);
	cr_assert_eq(len, sizeof(a));
	cr_assert_eq(((uintptr_t)p) % sizeof(uint64_t), 0, "aligned in place");
	cr_assert_eq(p[2], 7);
	strmap_free(m);
}
