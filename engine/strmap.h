/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The string-to-index map: interns byte strings (names, or any fixed
 * binary key such as a sorted array of ids) and numbers them 0, 1, ... in
 * the order they were first seen, so that an index never depends on a
 * pointer or on the hash.  Open addressing over XXH3-64, the one hash of
 * the tree.  The map owns a copy of every key, aligned for any scalar type.
 */
#ifndef ENGINE_STRMAP_H
#define ENGINE_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap;

/* Returned by strmap_find for a key that is not in the map. */
#define STRMAP_NONE UINT32_MAX

/* Creates an empty map.  Out of memory is fatal. */
struct strmap *strmap_new(void);

/* Frees the map and its keys.  NULL is a no-op. */
void strmap_free(struct strmap *m);

/*
 * The index of the len bytes at key, adding the key with the next index
 * when it is new.  Out of memory is fatal.
 */
uint32_t strmap_intern(struct strmap *m, const void *key, size_t len);

/* The index of the key, or STRMAP_NONE. */
uint32_t strmap_find(const struct strmap *m, const void *key, size_t len);

/* The key of index id (< strmap_count) and its length in *ret_len. */
const void *strmap_key(const struct strmap *m, uint32_t id, size_t *ret_len);

/* How many keys the map holds. */
uint32_t strmap_count(const struct strmap *m);

#endif /* ENGINE_STRMAP_H */
