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
#include <jansson.h>

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
 * sysjson writes what jansson's json_pack() and json_dumps() (JSON_COMPACT)
 * wrote, which built the syscall rows before: every ASCII byte and
 * multi-byte UTF-8 in strings and keys, nesting, empty containers, integers
 * at their limits, reals, the optional conversions, a repeated key, and
 * the text of jansson's errors.
 */
static void
same_text(struct sysjson *got, json_t *want_v, const json_error_t *err)
{
	char *want;

	if (want_v == NULL)
		want_v = json_pack("{s:s}", "json_error", err->text);
	want = json_dumps(want_v, JSON_COMPACT | JSON_ENCODE_ANY);
	cr_assert_not_null(want);
	cr_assert_not_null(got);
	cr_assert_str_eq(sysjson_text(got), want);
	free(want);
	json_decref(want_v);
	sysjson_free(got);
}

Test(sysjson, same_text_as_jansson)
{
	static const char text[] = "a\"b\\c\b\f\n\r\t\x01\x1f\x7f/\xc3\xa9"
				   "\xf0\x9f\x98\x80";
	static const char bad[] = "ok\xff\xc3(\xed\xa0\x80\0z";
	char bytes[128], sane[64];
	json_error_t e;
	struct sysjson *a;
	json_t *ja;
	size_t i;

	sysjson_force(true);
	for (i = 1; i < sizeof(bytes); i++)
		bytes[i - 1] = (char)i;
	bytes[sizeof(bytes) - 1] = '\0';
	same_text(sysjson_pack("{s:s, s:s}", text, text, "b", bytes),
	    json_pack_ex(&e, 0, "{s:s, s:s}", text, text, "b", bytes), &e);
	same_text(sysjson_pack("{s:I, s:I, s:i, s:i}", "min", INT64_MIN, "max",
		      INT64_MAX, "z", 0, "n", -7),
	    json_pack_ex(&e, 0, "{s:I, s:I, s:i, s:i}", "min",
		(json_int_t)INT64_MIN, "max", (json_int_t)INT64_MAX, "z", 0,
		"n", -7),
	    &e);
	same_text(sysjson_pack("{}"), json_pack_ex(&e, 0, "{}"), &e);
	same_text(sysjson_pack("{s:[]}", "a"),
	    json_pack_ex(&e, 0, "{s:[]}", "a"), &e);
	same_text(sysjson_pack("{s:i, s:[i, i]}", "r", 1, "fds", 3, 4),
	    json_pack_ex(&e, 0, "{s:i, s:[i, i]}", "r", 1, "fds", 3, 4), &e);
	same_text(sysjson_pack("{s:i, s:n, s:b, s:b, s:f}", "a", 1, "b", "c", 1,
		      "d", 0, "e", 0.1),
	    json_pack_ex(&e, 0, "{s:i, s:n, s:b, s:b, s:f}", "a", 1, "b", "c",
		1, "d", 0, "e", 0.1),
	    &e);
	/* Nested, with values built apart. */
	a = sysjson_array();
	ja = json_array();
	sysjson_append(a, sysjson_int(-7));
	json_array_append_new(ja, json_integer(-7));
	sysjson_append(a, sysjson_pack("{}"));
	json_array_append_new(ja, json_object());
	sysjson_append(a, sysjson_array());
	json_array_append_new(ja, json_array());
	sysjson_append(a, sysjson_name(""));
	json_array_append_new(ja, json_string(""));
	sysjson_append(a, sysjson_real(1.5));
	json_array_append_new(ja, json_real(1.5));
	sysjson_append(a, sysjson_real(1e300));
	json_array_append_new(ja, json_real(1e300));
	sysjson_append(a, sysjson_bool(true));
	json_array_append_new(ja, json_true());
	sysjson_append(a, sysjson_null());
	json_array_append_new(ja, json_null());
	same_text(sysjson_pack("{s:o, s:{s:s, s:i, s:o}}", "z", a, "k\"\n", "x",
		      "y", "n", 2, "e", sysjson_flags(tab_a, 0x37)),
	    json_pack_ex(&e, 0, "{s:o, s:{s:s, s:i, s:o}}", "z", ja, "k\"\n",
		"x", "y", "n", 2, "e",
		json_pack("[s, s, s, s]", "ONE", "TWO", "FOUR", "BOTH")),
	    &e);
	same_text(sysjson_flags(tab_a, 0x1f9),
	    json_pack("[s, s, s]", "ONE", "BOTH", "0x1c8"), &e);
	same_text(sysjson_enum(tab_b, 8), json_string("B_EIGHT"), &e);
	same_text(sysjson_enum(tab_b, 9), json_integer(9), &e);
	/* Optional values: '*' leaves the member out, '?' gives null. */
	same_text(sysjson_pack("{s:o, s:o*, s:o?, s:s*, s:s?, s:i}", "a",
		      sysjson_int(1), "b", NULL, "c", NULL, "d", NULL, "e",
		      NULL, "f", 2),
	    json_pack_ex(&e, 0, "{s:o, s:o*, s:o?, s:s*, s:s?, s:i}", "a",
		json_integer(1), "b", NULL, "c", NULL, "d", NULL, "e", NULL,
		"f", 2),
	    &e);
	/* A repeated key: the last value, in the first one's place. */
	same_text(sysjson_pack("{s:i, s:s, s:o, s:i}", "a", 1, "b", "long text",
		      "a", sysjson_flags(tab_b, 9), "c", 3),
	    json_pack_ex(&e, 0, "{s:i, s:s, s:o, s:i}", "a", 1, "b",
		"long text", "a", json_pack("[s, s]", "B_ONE", "B_EIGHT"), "c",
		3),
	    &e);
	/* Errors: jansson's first message, every "o" consumed. */
	same_text(sysjson_pack("{s:o, s:o}", "a", NULL, "b", sysjson_int(1)),
	    json_pack_ex(&e, 0, "{s:o, s:o}", "a", NULL, "b", json_integer(1)),
	    &e);
	same_text(sysjson_pack("{s:s, s:o}", "a", NULL, "b", sysjson_int(1)),
	    json_pack_ex(&e, 0, "{s:s, s:o}", "a", NULL, "b", json_integer(1)),
	    &e);
	same_text(sysjson_pack("{s:s}", "a", "\xff"),
	    json_pack_ex(&e, 0, "{s:s}", "a", "\xff"), &e);
	same_text(sysjson_pack("{s:i}", "\xc3", 1),
	    json_pack_ex(&e, 0, "{s:i}", "\xc3", 1), &e);
	same_text(sysjson_pack("{s:i}", NULL, 1),
	    json_pack_ex(&e, 0, "{s:i}", NULL, 1), &e);
	same_text(sysjson_pack("{s:i} x", "a", 1),
	    json_pack_ex(&e, 0, "{s:i} x", "a", 1), &e);
	same_text(sysjson_pack("{s:i", "a", 1),
	    json_pack_ex(&e, 0, "{s:i", "a", 1), &e);
	same_text(sysjson_pack("{i}", 1), json_pack_ex(&e, 0, "{i}", 1), &e);
	same_text(sysjson_pack("{s:[i, o]}", "a", 1, NULL),
	    json_pack_ex(&e, 0, "{s:[i, o]}", "a", 1, NULL), &e);
	/* Strings of any bytes: invalid UTF-8 as the text \xhh. */
	same_text(sysjson_str(text, sizeof(text) - 1),
	    json_stringn(text, sizeof(text) - 1), &e);
	same_text(sysjson_str(bytes, sizeof(bytes)),
	    json_stringn(bytes, sizeof(bytes)), &e);
	snprintf(sane, sizeof(sane), "ok\\xff\\xc3(\\xed\\xa0\\x80");
	i = strlen(sane);
	memcpy(sane + i, "\0z", 2);
	same_text(
	    sysjson_str(bad, sizeof(bad) - 1), json_stringn(sane, i + 2), &e);
	cr_assert_null(sysjson_text(NULL));
	sysjson_force(false);
	cr_assert_null(sysjson_pack("{s:i}", "a", 1));
	cr_assert_null(sysjson_int(1));
	cr_assert_null(sysjson_array());
}
