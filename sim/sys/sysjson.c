/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * JSON values of the syscall rows (see sysjson.h): this file decides what
 * goes into them and writes their compact text as they are built.  The
 * text is what jansson 2.14 wrote: json_pack() (pack_unpack.c: pack(),
 * pack_object(), pack_array(), read_string()) built the values and
 * json_dumps() with JSON_COMPACT (dump.c: do_dump(), dump_string()) wrote
 * them, at a cost of 20 % of a recorded kq_cycle: a malloc'ed node per
 * value, a hash table per object, snprintf() per integer.  Reals alone are
 * still written by jansson, whose rounding is its own.  Part of sim/sys/:
 * imports the engine's scheduler and trace sink and the shared kernel
 * layer.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched.h"
#include "sysjson.h"
#include "trace.h"

static bool sj_forced;

bool
sysjson_on(void)
{
	return (sj_forced
	    || (sched_self() != NULL && trace_recording(sched_trace_sink())));
}

void
sysjson_force(bool on)
{
	sj_forced = on;
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

/* Whether the len bytes at s are valid UTF-8 (jansson's utf8_check_string). */
static bool
utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, k;

	for (i = 0; i < len; i += k)
		if ((k = utf8_len(p + i, len - i)) == 0)
			return (false);
	return (true);
}

struct sysjson {
	char *p;
	size_t len, cap;
	struct sysjson *next; /* on the free list */
};

/*
 * Values freed, kept with their buffers for the next ones: a syscall
 * builds a few values and frees them all, so that after the first calls
 * building one allocates nothing.
 */
#define SYSJSON_FREE_MAX 64

static struct sysjson *sj_free;
static int sj_nfree;

static struct sysjson *
sj_new(void)
{
	struct sysjson *v = sj_free;

	if (v != NULL) {
		sj_free = v->next;
		sj_nfree--;
		v->len = 0;
		return (v);
	}
	if ((v = calloc(1, sizeof(*v))) == NULL)
		oom();
	return (v);
}

void
sysjson_free(struct sysjson *v)
{
	if (v == NULL)
		return;
	if (sj_nfree < SYSJSON_FREE_MAX && v->cap <= 4096) {
		v->next = sj_free;
		sj_free = v;
		sj_nfree++;
		return;
	}
	free(v->p);
	free(v);
}

/* Room for n more bytes and a NUL. */
static inline char *
jb_room(struct sysjson *b, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		while (b->len + n + 1 > b->cap)
			b->cap = b->cap != 0 ? 2 * b->cap : 256;
		if ((b->p = realloc(b->p, b->cap)) == NULL)
			oom();
	}
	return (b->p + b->len);
}

static inline void
jb_put(struct sysjson *b, const char *s, size_t n)
{
	memcpy(jb_room(b, n), s, n);
	b->len += n;
}

static inline void
jb_char(struct sysjson *b, char c)
{
	*jb_room(b, 1) = c;
	b->len++;
}

/*
 * Writes the len bytes at s as a JSON string, as dump_string() does: '"',
 * '\\' and control characters escaped (\b \f \n \r \t by name, the others
 * as \u00XX in upper case), the rest (UTF-8) as is.
 */
static void
jb_string(struct sysjson *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;
	size_t i, run = 0;
	char *d;

	/* At most 6 bytes per byte, and the quotes. */
	d = jb_room(b, 6 * len + 2);
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

static inline void
jb_int(struct sysjson *b, int64_t v)
{
	b->len += trace_fmt_i64(jb_room(b, 24), v);
}

/* Appends the text of v and frees v. */
static void
jb_take(struct sysjson *b, struct sysjson *v)
{
	jb_put(b, v->p, v->len);
	sysjson_free(v);
}

struct sysjson *
sysjson_int(int64_t v)
{
	struct sysjson *j;

	if (!sysjson_on())
		return (NULL);
	j = sj_new();
	jb_int(j, v);
	return (j);
}

struct sysjson *
sysjson_str(const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	struct sysjson *j;
	char *buf, sbuf[256];
	size_t i, n = 0, k;

	if (!sysjson_on())
		return (NULL);
	if (s == NULL)
		return (sysjson_null());
	j = sj_new();
	if (utf8_valid(s, len)) {
		jb_string(j, s, len);
		return (j);
	}
	/* Each byte not in a valid sequence becomes the text \xhh. */
	buf = len * 4 + 1 <= sizeof(sbuf) ? sbuf : malloc(len * 4 + 1);
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
	jb_string(j, buf, n);
	if (buf != sbuf)
		free(buf);
	return (j);
}

struct sysjson *
sysjson_name(const char *s)
{
	struct sysjson *j;

	if (!sysjson_on())
		return (NULL);
	j = sj_new();
	jb_string(j, s, strlen(s));
	return (j);
}

static struct sysjson *
sj_lit(const char *s, size_t n)
{
	struct sysjson *j;

	if (!sysjson_on())
		return (NULL);
	j = sj_new();
	jb_put(j, s, n);
	return (j);
}

struct sysjson *
sysjson_null(void)
{
	return (sj_lit("null", 4));
}

struct sysjson *
sysjson_bool(bool b)
{
	return (b ? sj_lit("true", 4) : sj_lit("false", 5));
}

struct sysjson *
sysjson_real(double d)
{
	struct sysjson *j;
	json_t *v;
	char *s;

	if (!sysjson_on())
		return (NULL);
	/* json_real() refuses NaN and infinities: null, as json_pack() did. */
	if ((v = json_real(d)) == NULL)
		return (NULL);
	s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(v);
	if (s == NULL)
		oom();
	j = sj_new();
	jb_put(j, s, strlen(s));
	free(s);
	return (j);
}

struct sysjson *
sysjson_array(void)
{
	return (sj_lit("[]", 2));
}

void
sysjson_append(struct sysjson *a, struct sysjson *v)
{
	if (a == NULL || v == NULL) {
		sysjson_free(v);
		return;
	}
	/* The text is kept closed: the ']' is taken off and put back. */
	a->len--;
	if (a->len > 1)
		jb_char(a, ',');
	jb_take(a, v);
	jb_char(a, ']');
}

struct sysjson *
sysjson_add_flags(
    struct sysjson *a, const struct sim_flagname *names, uint64_t v)
{
	char left[24];
	int n;

	if (a == NULL)
		return (NULL);
	a->len--;
	for (; names != NULL && names->name != NULL && v != 0; names++) {
		if (names->bit == 0 || (v & names->bit) != names->bit)
			continue;
		if (a->len > 1)
			jb_char(a, ',');
		jb_string(a, names->name, strlen(names->name));
		v &= ~names->bit;
	}
	if (v != 0) {
		n = snprintf(left, sizeof(left), "0x%" PRIx64, v);
		if (a->len > 1)
			jb_char(a, ',');
		jb_string(a, left, (size_t)n);
	}
	jb_char(a, ']');
	return (a);
}

struct sysjson *
sysjson_flags(const struct sim_flagname *names, uint64_t v)
{
	return (sysjson_add_flags(sysjson_array(), names, v));
}

struct sysjson *
sysjson_enum(const struct sim_flagname *names, int64_t v)
{
	if (!sysjson_on())
		return (NULL);
	for (; names != NULL && names->name != NULL; names++)
		if ((int64_t)names->bit == v)
			return (sysjson_name(names->name));
	return (sysjson_int(v));
}

const char *
sysjson_text(struct sysjson *v)
{
	if (v == NULL)
		return (NULL);
	v->p[v->len] = '\0';
	return (v->p);
}

/*
 * The packer: json_pack()'s scanner (tokens are single characters; blanks,
 * ',' and ':' are skipped) writing the text as it goes.  After an error it
 * goes on, as jansson does, only to consume the arguments (and free the
 * "o" values); the first error's text is kept.
 */
struct packer {
	const char *fmt;
	va_list *ap;
	bool has_error;
	char err[160];
};

static void
pk_error(struct packer *s, const char *fmt, ...)
{
	va_list ap;

	s->has_error = true;
	if (s->err[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
}

/* The next token (0 at the end), consumed. */
static char
pk_next(struct packer *s)
{
	while (*s->fmt == ' ' || *s->fmt == '\t' || *s->fmt == '\n'
	    || *s->fmt == ',' || *s->fmt == ':')
		s->fmt++;
	return (*s->fmt != '\0' ? *s->fmt++ : '\0');
}

/* The next token, not consumed. */
static char
pk_peek(struct packer *s)
{
	const char *save = s->fmt;
	char c = pk_next(s);

	s->fmt = save;
	return (c);
}

/* The '?' or '*' after a value's token, consumed, else 0. */
static char
pk_modifier(struct packer *s)
{
	char c = pk_peek(s);

	if (c != '?' && c != '*')
		return (0);
	pk_next(s);
	return (c);
}

static bool pk_value(struct packer *s, struct sysjson *b, char c);

/*
 * A string argument (read_string()): NULL when absent or refused, an error
 * unless optional.
 */
static const char *
pk_string(struct packer *s, const char *purpose, bool optional, size_t *len)
{
	const char *str;
	char c = pk_peek(s);

	if (c == '#' || c == '%' || c == '+') {
		/* Not used by the bindings, nor supported here. */
		pk_error(s, "Unexpected format character '%c'", c);
		return (NULL);
	}
	str = va_arg(*s->ap, const char *);
	if (str == NULL) {
		if (!optional)
			pk_error(s, "NULL %s", purpose);
		return (NULL);
	}
	*len = strlen(str);
	if (!utf8_valid(str, *len)) {
		pk_error(s, "Invalid UTF-8 %s", purpose);
		return (NULL);
	}
	return (str);
}

/* The members of an object already in b up to the current one. */
struct pk_member {
	size_t key, keylen; /* the key's text (quoted) in b */
	size_t val, vallen; /* the value's text in b */
};

#define PK_MAXMEMBERS 32

/*
 * Makes the member just written (the last one in b) replace an earlier one
 * with the same key, as json_object_set_new() does: the value takes the
 * earlier one's place.  Returns whether it did.
 */
static bool
pk_replace(struct sysjson *b, struct pk_member *m, size_t n)
{
	struct pk_member *last = &m[n];
	size_t i, j, start;
	char *tmp;
	long d;

	for (i = 0; i < n; i++)
		if (m[i].keylen == last->keylen
		    && memcmp(b->p + m[i].key, b->p + last->key, last->keylen)
			== 0)
			break;
	if (i == n)
		return (false);
	if ((tmp = malloc(last->vallen + 1)) == NULL)
		oom();
	memcpy(tmp, b->p + last->val, last->vallen);
	/* Drop the new member with its ',' ... */
	start = last->key - 1;
	b->len = start;
	/* ... and put its value in the old one's place. */
	d = (long)last->vallen - (long)m[i].vallen;
	jb_room(b, last->vallen);
	memmove(b->p + m[i].val + last->vallen, b->p + m[i].val + m[i].vallen,
	    b->len - (m[i].val + m[i].vallen));
	memcpy(b->p + m[i].val, tmp, last->vallen);
	b->len = (size_t)((long)b->len + d);
	m[i].vallen = last->vallen;
	for (j = i + 1; j < n; j++) {
		m[j].key = (size_t)((long)m[j].key + d);
		m[j].val = (size_t)((long)m[j].val + d);
	}
	free(tmp);
	return (true);
}

/* pack_object(): the members up to '}'. */
static bool
pk_object(struct packer *s, struct sysjson *b)
{
	struct pk_member m[PK_MAXMEMBERS + 1];
	size_t n = 0, klen = 0, mark, k, open;
	const char *key;
	char c, vc, opt;

	jb_char(b, '{');
	open = b->len;
	while ((c = pk_next(s)) != '}') {
		if (c == '\0') {
			pk_error(s, "Unexpected end of format string");
			return (false);
		}
		if (c != 's') {
			pk_error(s, "Expected format 's', got '%c'", c);
			return (false);
		}
		key = pk_string(s, "object key", false, &klen);
		vc = pk_next(s);
		/* The token after the value's first one: '*' drops a NULL. */
		opt = pk_peek(s);
		mark = b->len;
		/* Past PK_MAXMEMBERS, keys are no longer compared. */
		k = n < PK_MAXMEMBERS ? n : PK_MAXMEMBERS;
		if (mark > open)
			jb_char(b, ',');
		if (key != NULL) {
			m[k].key = b->len;
			jb_string(b, key, klen);
			m[k].keylen = b->len - m[k].key;
			jb_char(b, ':');
			m[k].val = b->len;
		}
		if (!pk_value(s, b, vc)) {
			if (opt != '*')
				pk_error(s, "NULL object value");
			b->len = mark;
			continue;
		}
		if (s->has_error) {
			b->len = mark;
			continue;
		}
		m[k].vallen = b->len - m[k].val;
		if (!pk_replace(b, m, k))
			n++;
	}
	jb_char(b, '}');
	return (!s->has_error);
}

/* pack_array(): the values up to ']'. */
static bool
pk_array(struct packer *s, struct sysjson *b)
{
	size_t n = 0, mark;
	char c, opt;

	jb_char(b, '[');
	while ((c = pk_next(s)) != ']') {
		if (c == '\0') {
			pk_error(s, "Unexpected end of format string");
			return (false);
		}
		opt = pk_peek(s);
		mark = b->len;
		if (n > 0)
			jb_char(b, ',');
		if (!pk_value(s, b, c)) {
			if (opt != '*')
				s->has_error = true;
			b->len = mark;
			continue;
		}
		n++;
	}
	jb_char(b, ']');
	return (!s->has_error);
}

/* pack(): writes the value of token c; false if there is none. */
static bool
pk_value(struct packer *s, struct sysjson *b, char c)
{
	struct sysjson *v;
	const char *str;
	size_t len;
	char opt;

	switch (c) {
	case '{':
		return (pk_object(s, b));
	case '[':
		return (pk_array(s, b));
	case 's':
		opt = pk_modifier(s);
		str = pk_string(s, "string", opt != 0, &len);
		if (str == NULL) {
			if (opt == '?' && !s->has_error) {
				jb_put(b, "null", 4);
				return (true);
			}
			return (false);
		}
		if (s->has_error)
			return (false);
		jb_string(b, str, len);
		return (true);
	case 'n':
		jb_put(b, "null", 4);
		return (true);
	case 'b':
		if (va_arg(*s->ap, int))
			jb_put(b, "true", 4);
		else
			jb_put(b, "false", 5);
		return (true);
	case 'i':
		jb_int(b, va_arg(*s->ap, int));
		return (true);
	case 'I':
		jb_int(b, va_arg(*s->ap, int64_t));
		return (true);
	case 'f':
		v = sysjson_real(va_arg(*s->ap, double));
		if (v == NULL) {
			pk_error(s, "Invalid floating point value");
			return (false);
		}
		jb_take(b, v);
		return (true);
	case 'o':
		opt = pk_modifier(s);
		v = va_arg(*s->ap, struct sysjson *);
		if (v != NULL) {
			jb_take(b, v);
			return (true);
		}
		if (opt == '?') {
			jb_put(b, "null", 4);
			return (true);
		}
		if (opt != '*')
			pk_error(s, "NULL object");
		return (false);
	default:
		pk_error(s, "Unexpected format character '%c'", c);
		return (false);
	}
}

struct sysjson *
sysjson_vpack(const char *fmt, va_list ap)
{
	struct sysjson *b;
	struct packer s;
	va_list ap2;
	bool ok;

	if (!sysjson_on())
		return (NULL);
	memset(&s, 0, sizeof(s));
	b = sj_new();
	if (fmt == NULL || *fmt == '\0') {
		pk_error(&s, "NULL or empty format string");
	} else {
		s.fmt = fmt;
		va_copy(ap2, ap);
		s.ap = &ap2;
		ok = pk_value(&s, b, pk_next(&s));
		va_end(ap2);
		if (!ok)
			s.has_error = true;
		else if (pk_next(&s) != '\0')
			pk_error(&s, "Garbage after format string");
	}
	if (s.has_error) {
		/* json_pack("{s:s}", "json_error", text) of the first error. */
		b->len = 0;
		jb_put(b, "{\"json_error\":", 14);
		jb_string(b, s.err, strlen(s.err));
		jb_char(b, '}');
	}
	return (b);
}

struct sysjson *
sysjson_pack(const char *fmt, ...)
{
	struct sysjson *v;
	va_list ap;

	va_start(ap, fmt);
	v = sysjson_vpack(fmt, ap);
	va_end(ap);
	return (v);
}
