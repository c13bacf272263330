/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tests for sim/sim.c: flag-set strings (names in table order, unknown bits
 * in hex, truncation) and the transitions of flag fields, whose strings come
 * from a cache per table and value: thousands of transitions over two tables
 * are read back from the trace sink and compared with sim_flagstr()
 * formatting each value afresh, so that an entry evicted while the
 * transition still uses it (old and new values in one slot) shows.
 */
#include "simtest.h"

#include <inttypes.h>

#include "../engine/sched.h"
#include "../engine/trace.h"
#include "../sim/sim.h"
#include "../sim/sys/sysjson.h"

static const struct sim_flagname tab_a[] = { { 0x01, "ONE" }, { 0x02, "TWO" },
	{ 0x04, "FOUR" }, { 0x30, "BOTH" }, { 0, NULL } };
static const struct sim_flagname tab_b[]
    = { { 0x01, "B_ONE" }, { 0x08, "B_EIGHT" }, { 0, NULL } };

Test(sim_flagstr, names_in_table_order_and_unknown_bits_in_hex)
{
	char buf[64], small[8];

	cr_assert_str_eq(sim_flagstr(buf, sizeof(buf), tab_a, 0), "");
	cr_assert_str_eq(
	    sim_flagstr(buf, sizeof(buf), tab_a, 0x05), "ONE|FOUR");
	cr_assert_str_eq(sim_flagstr(buf, sizeof(buf), tab_a, 0x10), "0x10");
	cr_assert_str_eq(
	    sim_flagstr(buf, sizeof(buf), tab_a, 0x32), "TWO|BOTH");
	cr_assert_str_eq(
	    sim_flagstr(buf, sizeof(buf), tab_a, 0xf00000000002ULL),
	    "TWO|0xf00000000000");
	cr_assert_str_eq(
	    sim_flagstr(small, sizeof(small), tab_a, 0x07), "ONE|TWO");
	cr_assert_str_eq(sim_flagstr(small, 4, tab_a, 0x07), "ONE");
}

/*
 * Transition i of the sequence: two passes over the values 0..4095, each
 * value in both tables in turn, so that many pairs of values (and the same
 * value in both tables) meet in one cache slot.
 */
#define NVALUES 4096
#define NTRANS (2 * NVALUES * 2)

static void
gen(int i, const struct sim_flagname **names, uint64_t *old, uint64_t *new)
{
	int pass = i / (2 * NVALUES);
	uint64_t v = (uint64_t)(i % (2 * NVALUES)) / 2;

	*names = i % 2 == 0 ? tab_a : tab_b;
	*old = v;
	*new = v + 1 + (uint64_t)pass * 37;
}

static struct {
	int n;
	int bad;
	char first_bad[600];
} seen;

static void
on_line(void *arg, uint64_t seq, const char *line)
{
	char want[256], o[64], n[64];
	const struct sim_flagname *names;
	uint64_t old, new;

	gen(seen.n, &names, &old, &new);
	snprintf(want, sizeof(want),
	    "%" PRIu64 "\t0\t1\t100100\tflagtest\tobj#1\tf\t%s\t%s\n", seq,
	    sim_flagstr(o, sizeof(o), names, old),
	    sim_flagstr(n, sizeof(n), names, new));
	if (strcmp(line, want) != 0 && seen.bad++ == 0)
		snprintf(seen.first_bad, sizeof(seen.first_bad),
		    "got %s want %s", line, want);
	seen.n++;
}

static void
flag_body(void *arg)
{
	const struct sim_flagname *names;
	struct sim_obj obj;
	uint64_t old, new;
	int i;

	sim_obj_name(&obj, "obj", 1);
	trace_set_expect(sched_trace_sink(), on_line, NULL);
	for (i = 0; i < NTRANS; i++) {
		gen(i, &names, &old, &new);
		sim_trace_flags("flagtest", &obj, "f", names, old, new);
	}
	trace_set_expect(sched_trace_sink(), NULL, NULL);
	CHECK(seen.n, NTRANS);
	CHECK(seen.bad, 0);
}

Test(sim_trace_flags, cached_strings_equal_fresh_formatting)
{
	memset(&seen, 0, sizeof(seen));
	simtest_run("freebsd", flag_body);
	cr_assert_eq(
	    seen.bad, 0, "%d bad lines, first: %s", seen.bad, seen.first_bad);
}

/*
 * sysjson_dump() writes what json_dumps() writes (JSON_COMPACT): every
 * ASCII byte and multi-byte UTF-8 in strings and keys, NUL in keys,
 * nesting, empty containers, integers at their limits, and a real (left to
 * jansson).
 */
static void
check_dump(json_t *v)
{
	char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	char *got = sysjson_dump(json_incref(v));

	cr_assert_not_null(want);
	cr_assert_str_eq(got, want);
	free(want);
	free(got);
	json_decref(v);
}

Test(sysjson_dump, same_text_as_json_dumps)
{
	static const char text[] = "a\"b\\c\b\f\n\r\t\x01\x1f\x7f/\xc3\xa9"
				   "\xf0\x9f\x98\x80";
	char bytes[128], key[3] = { 'k', '\0', 'x' };
	json_t *o, *a;
	size_t i;

	for (i = 0; i < sizeof(bytes); i++)
		bytes[i] = (char)i;
	check_dump(json_stringn(text, sizeof(text) - 1));
	check_dump(json_integer(INT64_MIN));
	check_dump(json_integer(INT64_MAX));
	check_dump(json_integer(0));
	check_dump(json_real(0.1));
	check_dump(json_null());
	check_dump(json_true());
	check_dump(json_false());
	check_dump(json_array());
	check_dump(json_object());
	o = json_object();
	a = json_array();
	json_array_append_new(a, json_integer(-7));
	json_array_append_new(a, json_object());
	json_array_append_new(a, json_array());
	json_array_append_new(a, json_string(""));
	json_object_set_new(o, "z", a);
	json_object_set_new(o, "a", json_null());
	json_object_setn_new(o, key, sizeof(key), json_integer(1));
	json_object_set_new(o, "k\"\n", json_true());
	check_dump(json_incref(o));
	json_object_set_new(o, "bytes", json_stringn(bytes, sizeof(bytes)));
	check_dump(json_incref(o));
	json_object_set_new(o, "real", json_real(1.5));
	check_dump(o);
}
