/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared services of the simulated kernel (see sim.h): errno names and
 * numbers, object names, flag-set formatting, transitions, and panics.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel.h"
#include "sim.h"
#include "strmap.h"
#include "trace.h"

struct errent {
	int code;
	const char *name;
	int freebsd;
	int illumos;
};

#define ERRENT(name, fb, il) { name, #name, fb, il },
static const struct errent errtab[] = { SIM_ERRNO_MAP(ERRENT) };
#undef ERRENT
#define NERR (sizeof(errtab) / sizeof(errtab[0]))

const char *
sim_errname(int error)
{
	size_t i;

	if (error == EWOULDBLOCK)
		error = EAGAIN;
	for (i = 0; i < NERR; i++)
		if (errtab[i].code == error)
			return (errtab[i].name);
	return ("E?");
}

int
sim_errno_number(int error)
{
	size_t i;

	for (i = 0; i < NERR; i++)
		if (errtab[i].code == error)
			return (sim_kern != NULL && !sim_is_freebsd()
				? errtab[i].illumos
				: errtab[i].freebsd);
	return (0);
}

int
sim_errno_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < NERR; i++)
		if (strcmp(errtab[i].name, name) == 0)
			return (errtab[i].code);
	return (0);
}

const char *
sim_errname_of_number(int number)
{
	size_t i;

	for (i = 0; i < NERR; i++) {
		int n = sim_kern != NULL && !sim_is_freebsd()
		    ? errtab[i].illumos
		    : errtab[i].freebsd;

		if (n == number && n != 0)
			return (errtab[i].name);
	}
	return (NULL);
}

/* Appends the len bytes at s to buf at *n, keeping room for the NUL. */
static void
put_cut(char *buf, size_t cap, size_t *n, const char *s, size_t len)
{
	size_t k = len < cap - *n ? len : cap - *n;

	memcpy(buf + *n, s, k);
	*n += k;
}

/*
 * "kind#id", cut to the buffer as snprintf would cut it; without snprintf,
 * which cost more than the rest of an object's creation.
 */
void
sim_obj_name(struct sim_obj *obj, const char *kind, int64_t id)
{
	char num[24];
	size_t n = 0, nlen = trace_fmt_i64(num, id);
	size_t cap = sizeof(obj->so_name) - 1;

	put_cut(obj->so_name, cap, &n, kind, strlen(kind));
	put_cut(obj->so_name, cap, &n, "#", 1);
	put_cut(obj->so_name, cap, &n, num, nlen);
	obj->so_name[n] = '\0';
	obj->so_freed_by = NULL;
	obj->so_freed_seq = 0;
}

void
sim_obj_init(struct sim_obj *obj, const char *kind)
{
	struct sim_kernel *k = sim_kern;
	int i;

	for (i = 0; i < 32 && k->k_objkind[i] != NULL; i++)
		if (strcmp(k->k_objkind[i], kind) == 0)
			break;
	if (i == 32)
		sim_panic("sim_obj_init", "too many object kinds");
	k->k_objkind[i] = kind;
	sim_obj_name(obj, kind, ++k->k_objcount[i]);
}

/* The labels kept for snapshots: object name -> its current label. */
static struct strmap *lbl_names;
static char **lbl_text;
static size_t lbl_cap;
static bool lbl_keep;

void
sim_labels_keep(bool on)
{
	uint32_t i;

	for (i = 0; lbl_names != NULL && i < strmap_count(lbl_names); i++)
		free(lbl_text[i]);
	strmap_free(lbl_names);
	free(lbl_text);
	lbl_names = NULL;
	lbl_text = NULL;
	lbl_cap = 0;
	lbl_keep = on;
	if (on)
		lbl_names = strmap_new();
}

const char *
sim_label_of(const char *name)
{
	uint32_t i;

	if (lbl_names == NULL
	    || (i = strmap_find(lbl_names, name, strlen(name))) == STRMAP_NONE)
		return (NULL);
	return (lbl_text[i]);
}

static void
label_keep(const char *name, const char *label)
{
	uint32_t i = strmap_intern(lbl_names, name, strlen(name));
	char *s;

	if (i >= lbl_cap) {
		size_t ncap = lbl_cap == 0 ? 64 : lbl_cap * 2;
		char **n = realloc(lbl_text, ncap * sizeof(*n));

		if (n == NULL)
			sim_oom();
		memset(n + lbl_cap, 0, (ncap - lbl_cap) * sizeof(*n));
		lbl_text = n;
		lbl_cap = ncap;
	}
	if ((s = strdup(label)) == NULL)
		sim_oom();
	free(lbl_text[i]);
	lbl_text[i] = s;
}

bool
sim_labels_on(void)
{
	return (sched_self() != NULL
	    && (lbl_keep || trace_recording(sched_trace_sink())));
}

static void
name_vlabel(const char *name, const char *fmt, va_list ap)
{
	char label[512];

	if (!sim_labels_on() || name[0] == '\0')
		return;
	vsnprintf(label, sizeof(label), fmt, ap);
	if (lbl_keep)
		label_keep(name, label);
	trace_object_label(sched_trace_sink(), name, label);
}

void
sim_obj_label(const struct sim_obj *obj, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	name_vlabel(obj->so_name, fmt, ap);
	va_end(ap);
}

void
sim_name_label(const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	name_vlabel(name, fmt, ap);
	va_end(ap);
}

const char *
sim_flagstr(char *buf, size_t len, const struct sim_flagname *names, uint64_t v)
{
	static const char hex[] = "0123456789abcdef";
	char tmp[2 + 16];
	size_t n = 0, k;
	int i;

	/* Copies name by name, without snprintf: this runs per transition. */
#define PUT(s, slen)                                                           \
	do {                                                                   \
		for (k = 0; k < (slen); k++, n++)                              \
			if (n + 1 < len)                                       \
				buf[n] = (s)[k];                               \
	} while (0)
	for (i = 0; names[i].name != NULL && v != 0; i++) {
		if ((v & names[i].bit) != names[i].bit || names[i].bit == 0)
			continue;
		if (n > 0)
			PUT("|", 1);
		PUT(names[i].name, strlen(names[i].name));
		v &= ~names[i].bit;
	}
	if (v != 0) {
		char *p = tmp + sizeof(tmp);

		do {
			*--p = hex[v & 0xf];
			v >>= 4;
		} while (v != 0);
		*--p = 'x';
		*--p = '0';
		if (n > 0)
			PUT("|", 1);
		PUT(p, (size_t)(tmp + sizeof(tmp) - p));
	}
#undef PUT
	if (len > 0)
		buf[n < len ? n : len - 1] = '\0';
	return (buf);
}

const char *
sim_field_index(
    char *buf, size_t len, const char *name, int64_t i, const char *suffix)
{
	char num[24];
	size_t n = 0, nlen = trace_fmt_i64(num, i);

	if (len == 0)
		return (buf);
	put_cut(buf, len - 1, &n, name, strlen(name));
	put_cut(buf, len - 1, &n, "[", 1);
	put_cut(buf, len - 1, &n, num, nlen);
	put_cut(buf, len - 1, &n, "]", 1);
	put_cut(buf, len - 1, &n, suffix, strlen(suffix));
	buf[n] = '\0';
	return (buf);
}

void
sim_trace_int_len(const char *func, size_t funclen, const struct sim_obj *obj,
    const char *field, size_t fieldlen, int64_t old, int64_t new)
{
	sched_trace_int(func, funclen, obj->so_name, strlen(obj->so_name),
	    field, fieldlen, old, new);
}

/*
 * Flag-set strings cached per table and value: a direct-mapped cache whose
 * slot is chosen by the table's address and the value.  The address only
 * picks a slot, never an order, so traces do not depend on it.
 */
#define FLAGCACHE_SLOTS 1024

static struct flagcache {
	const struct sim_flagname *fc_names;
	uint64_t fc_value;
	char *fc_str;
} flagcache[FLAGCACHE_SLOTS];

static size_t
flagcache_slot(const struct sim_flagname *names, uint64_t v)
{
	uint64_t h = ((uint64_t)(uintptr_t)names >> 4) ^ v;

	h *= 0x9e3779b97f4a7c15ULL;
	return ((size_t)(h >> 54) % FLAGCACHE_SLOTS);
}

/*
 * The flag-set string of v in table names, from the cache or formatted
 * into it; 'keep' is a slot whose string the caller still holds (or
 * SIZE_MAX), which is then formatted into buf instead of being evicted.
 */
static const char *
flagstr_cached(const struct sim_flagname *names, uint64_t v, size_t keep,
    size_t *ret_slot, char *buf, size_t len)
{
	size_t slot = flagcache_slot(names, v);
	struct flagcache *fc = &flagcache[slot];

	*ret_slot = slot;
	if (fc->fc_str != NULL && fc->fc_names == names && fc->fc_value == v)
		return (fc->fc_str);
	sim_flagstr(buf, len, names, v);
	if (slot == keep)
		return (buf);
	free(fc->fc_str);
	fc->fc_str = strdup(buf);
	if (fc->fc_str == NULL)
		return (buf);
	fc->fc_names = names;
	fc->fc_value = v;
	return (fc->fc_str);
}

void
sim_trace_flags(const char *func, const struct sim_obj *obj, const char *field,
    const struct sim_flagname *names, uint64_t old, uint64_t new)
{
	char o[256], n[256];
	const char *os, *ns;
	size_t oslot, nslot;

	os = flagstr_cached(names, old, SIZE_MAX, &oslot, o, sizeof(o));
	ns = flagstr_cached(names, new, oslot, &nslot, n, sizeof(n));
	sched_trace(func, obj->so_name, field, os, ns);
}

void
sim_trace_str(const char *func, const struct sim_obj *obj, const char *field,
    const char *old, const char *new)
{
	sched_trace(func, obj->so_name, field, old, new);
}

void
sim_trace_created(const char *func, const struct sim_obj *obj)
{
	sched_trace(func, obj->so_name, "(life)", "", "created");
}

void
sim_trace_freed(const char *func, struct sim_obj *obj)
{
	obj->so_freed_seq
	    = sched_trace(func, obj->so_name, "(life)", "created", "freed");
	obj->so_freed_by = func;
}

/*
 * The quarantine: a ring of at most SIM_QUARANTINE_MAX allocations of
 * 'bytes' in all (the sizes asked for).
 */
static struct {
	void **mem;
	size_t head, n, bytes;
	uint64_t recycled;
} quarantine;

/* Really frees the oldest object in quarantine. */
static void
quarantine_recycle(void)
{
	void *old = quarantine.mem[quarantine.head];

	quarantine.bytes -= sim_malloc_size(old);
	sim_free(old);
	quarantine.head = (quarantine.head + 1) % SIM_QUARANTINE_MAX;
	quarantine.n--;
	if (quarantine.recycled++ == 0 && sched_self() != NULL)
		sched_trace(
		    "sim_quarantine", "quarantine", "recycled", "0", "1");
}

void
sim_quarantine(void *mem, struct sim_obj *obj, const char *func)
{
	size_t size;

	if (mem == NULL)
		return;
	if (obj != NULL && obj->so_freed_by == NULL) {
		obj->so_freed_by = func;
		obj->so_freed_seq
		    = sched_self() != NULL ? trace_seq(sched_trace_sink()) : 0;
	}
	if (quarantine.mem == NULL) {
		quarantine.mem = calloc(SIM_QUARANTINE_MAX, sizeof(void *));
		if (quarantine.mem == NULL)
			sim_oom();
	}
	size = sim_malloc_size(mem);
	/* Full: the oldest entries go back to the host allocator. */
	while (quarantine.n > 0
	    && (quarantine.n == SIM_QUARANTINE_MAX
		|| quarantine.bytes + size > SIM_QUARANTINE_MAX_BYTES))
		quarantine_recycle();
	quarantine.mem[(quarantine.head + quarantine.n++) % SIM_QUARANTINE_MAX]
	    = mem;
	quarantine.bytes += size;
}

void
sim_quarantine_drain(void)
{
	while (quarantine.n > 0) {
		sim_free(quarantine.mem[quarantine.head]);
		quarantine.head = (quarantine.head + 1) % SIM_QUARANTINE_MAX;
		quarantine.n--;
	}
	quarantine.head = 0;
	quarantine.bytes = 0;
	quarantine.recycled = 0;
}

uint64_t
sim_quarantine_recycled(void)
{
	return (quarantine.recycled);
}

_Noreturn void
sim_kasan_report(const struct sim_obj *obj, const char *func)
{
	sim_panic(func,
	    "use after free of %s (freed at seq %" PRIu64
	    " by %s, accessed by %s)",
	    obj->so_name[0] != '\0' ? obj->so_name : "an unnamed object",
	    obj->so_freed_seq, obj->so_freed_by, func);
}

static char kassert_buf[512];

const char *
sim_kassert_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(kassert_buf, sizeof(kassert_buf), fmt, ap);
	va_end(ap);
	return (kassert_buf);
}

_Noreturn void
sim_panic(const char *func, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sched_trace(func, "kernel", "panic", "", msg);
	sim_name_label("kernel", "the kernel (its panics)");
	sched_fail(SCHED_PANIC, func, "panic: %s", msg);
}
