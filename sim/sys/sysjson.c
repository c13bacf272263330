/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * JSON values of the syscall rows (see sysjson.h).  jansson builds the
 * values; this file decides what goes into them, makes every string valid
 * UTF-8 first (jansson refuses others) and writes their text as jansson
 * would (sysjson_dump()).  Part of sim/sys/: imports the
 * engine's scheduler and trace sink and the shared kernel layer.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched.h"
#include "sysjson.h"
#include "trace.h"

bool
sysjson_on(void)
{
	return (sched_self() != NULL && trace_recording(sched_trace_sink()));
}

static _Noreturn void
oom(void)
{
	fprintf(stderr, "evsim: fatal: out of memory\n");
	exit(2);
}

/* Length of the valid UTF-8 sequence at p (n bytes left), or 0. */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
	size_t len, i;
	uint32_t c;

	if (p[0] < 0x80)
		return (1);
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, c = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, c = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, c = p[0] & 0x07;
	else
		return (0);
	if (n < len)
		return (0);
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return (0);
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) || c > 0x10ffff
	    || (c >= 0xd800 && c <= 0xdfff))
		return (0);
	return (len);
}

json_t *
sysjson_int(int64_t v)
{
	return (sysjson_on() ? json_integer(v) : NULL);
}

json_t *
sysjson_str(const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	json_t *v;
	char *buf;
	size_t i, n = 0, k;

	if (!sysjson_on())
		return (NULL);
	if (s == NULL)
		return (json_null());
	buf = malloc(len * 4 + 1);
	if (buf == NULL)
		oom();
	for (i = 0; i < len; i += k) {
		k = utf8_len(p + i, len - i);
		if (k == 0) {
			buf[n++] = '\\';
			buf[n++] = 'x';
			buf[n++] = hex[p[i] >> 4];
			buf[n++] = hex[p[i] & 0xf];
			k = 1;
		} else {
			memcpy(buf + n, p + i, k);
			n += k;
		}
	}
	v = json_stringn(buf, n);
	free(buf);
	if (v == NULL)
		oom();
	return (v);
}

json_t *
sysjson_flags(const struct sim_flagname *names, uint64_t v)
{
	json_t *a;
	char left[24];

	if (!sysjson_on())
		return (NULL);
	a = json_array();
	if (a == NULL)
		oom();
	for (; names != NULL && names->name != NULL && v != 0; names++) {
		if (names->bit == 0 || (v & names->bit) != names->bit)
			continue;
		json_array_append_new(a, json_string(names->name));
		v &= ~names->bit;
	}
	if (v != 0) {
		snprintf(left, sizeof(left), "0x%" PRIx64, v);
		json_array_append_new(a, json_string(left));
	}
	return (a);
}

json_t *
sysjson_enum(const struct sim_flagname *names, int64_t v)
{
	if (!sysjson_on())
		return (NULL);
	for (; names != NULL && names->name != NULL; names++)
		if ((int64_t)names->bit == v)
			return (json_string(names->name));
	return (json_integer(v));
}

/*
 * The compact text of a value, written here rather than by json_dumps(),
 * which formats every integer with snprintf() and, for every array and
 * object, formats its address into a key of a hash table of the values
 * being written (its check for cycles, which values built here cannot
 * have): 13 % of a recorded kq_cycle went to json_dumps(), 6 % goes here.
 * The text is byte for byte what json_dumps() writes with JSON_COMPACT
 * (dump.c of jansson 2.14: do_dump() and dump_string()): members in
 * insertion order, ":" and "," without spaces, strings as their UTF-8 bytes
 * with '"', '\\' and control characters escaped (\b \f \n \r \t by
 * name, the others as \u00XX in upper case).  Reals, whose text jansson
 * rounds its own way, are left to json_dumps().
 */
struct jbuf {
	char *p;
	size_t len, cap;
};

static void
jb_room(struct jbuf *b, size_t n)
{
	if (b->len + n <= b->cap)
		return;
	while (b->len + n > b->cap)
		b->cap = b->cap != 0 ? 2 * b->cap : 256;
	if ((b->p = realloc(b->p, b->cap)) == NULL)
		oom();
}

static void
jb_put(struct jbuf *b, const char *s, size_t n)
{
	jb_room(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void
jb_string(struct jbuf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;
	size_t i, run = 0;
	char *d;

	/* At most 6 bytes per byte, and the quotes. */
	jb_room(b, 6 * len + 2);
	d = b->p + b->len;
	*d++ = '"';
	for (i = 0; i < len; i++) {
		unsigned char c = p[i];

		if (c >= 0x20 && c != '"' && c != '\\') {
			run++;
			continue;
		}
		memcpy(d, s + i - run, run);
		d += run;
		run = 0;
		*d++ = '\\';
		switch (c) {
		case '"':
		case '\\':
			*d++ = (char)c;
			break;
		case '\b':
			*d++ = 'b';
			break;
		case '\f':
			*d++ = 'f';
			break;
		case '\n':
			*d++ = 'n';
			break;
		case '\r':
			*d++ = 'r';
			break;
		case '\t':
			*d++ = 't';
			break;
		default:
			memcpy(d, "u00", 3);
			d[3] = hex[c >> 4];
			d[4] = hex[c & 0xf];
			d += 5;
		}
	}
	memcpy(d, s + len - run, run);
	d += run;
	*d++ = '"';
	b->len = (size_t)(d - b->p);
}

/* Appends the text of v; false if v holds a real. */
static bool
jb_value(struct jbuf *b, json_t *v)
{
	char num[24];
	void *it;
	size_t i, n;

	switch (json_typeof(v)) {
	case JSON_NULL:
		jb_put(b, "null", 4);
		return (true);
	case JSON_TRUE:
		jb_put(b, "true", 4);
		return (true);
	case JSON_FALSE:
		jb_put(b, "false", 5);
		return (true);
	case JSON_INTEGER:
		n = trace_fmt_i64(num, (int64_t)json_integer_value(v));
		jb_put(b, num, n);
		return (true);
	case JSON_STRING:
		jb_string(b, json_string_value(v), json_string_length(v));
		return (true);
	case JSON_ARRAY:
		jb_put(b, "[", 1);
		n = json_array_size(v);
		for (i = 0; i < n; i++) {
			if (i > 0)
				jb_put(b, ",", 1);
			if (!jb_value(b, json_array_get(v, i)))
				return (false);
		}
		jb_put(b, "]", 1);
		return (true);
	case JSON_OBJECT:
		jb_put(b, "{", 1);
		for (it = json_object_iter(v); it != NULL;
		     it = json_object_iter_next(v, it)) {
			if (it != json_object_iter(v))
				jb_put(b, ",", 1);
			jb_string(b, json_object_iter_key(it),
			    json_object_iter_key_len(it));
			jb_put(b, ":", 1);
			if (!jb_value(b, json_object_iter_value(it)))
				return (false);
		}
		jb_put(b, "}", 1);
		return (true);
	default:
		return (false);
	}
}

char *
sysjson_dump(json_t *v)
{
	struct jbuf b = { NULL, 0, 0 };

	if (v == NULL)
		return (NULL);
	if (jb_value(&b, v)) {
		jb_put(&b, "", 1);
	} else {
		free(b.p);
		b.p = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		if (b.p == NULL)
			oom();
	}
	json_decref(v);
	return (b.p);
}
