/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * JSON values of the syscall rows (see sysjson.h).  jansson writes the text;
 * this file only decides what goes into it and makes every string valid
 * UTF-8 first (jansson refuses others).  Part of sim/sys/: imports the
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

char *
sysjson_dump(json_t *v)
{
	char *s;

	if (v == NULL)
		return (NULL);
	s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(v);
	if (s == NULL)
		oom();
	return (s);
}
