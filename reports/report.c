/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Common code of the state-trace reports: opening the database read-only and
 * checking that it is an evsim database, loading a run into memory (strings
 * live in one arena freed at the end), deriving what every format needs (the
 * objects, the thread lanes, the detail window of large runs, preemptions and
 * the decisions that led to a failure), the longest-common-subsequence
 * alignment of a diff (whose runs report_against.c streams), streaming a run
 * into its observed state machine (report_states.c), and escaping strings
 * for HTML, Markdown, terminals and DOT.  Everything that comes from the
 * database is treated as hostile: it passes through an escaper on the way out.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "report.h"
#include "report_impl.h"
#include "trace_schema.h"
#include "tracerows.h"

/* Decisions marked as having led to a failure. */
#define LEAD_DECISIONS 5

struct report_arena {
	struct report_arena *next;
	size_t used;
	size_t size;
	char data[];
};

/*
 * An open-addressing map from strings (owned elsewhere) to indices, used to
 * find objects and state-machine edges in linear time on large runs.
 */
struct strmap {
	const char **key;
	size_t *val;
	size_t cap;
	size_t n;
};

static void *
arena_alloc(struct report_arena **ap, size_t len)
{
	struct report_arena *a = *ap;
	size_t size;
	void *p;

	len = (len + 7) & ~(size_t)7;
	if (a == NULL || a->size - a->used < len) {
		size = len > 65536 ? len : 65536;
		a = malloc(sizeof(*a) + size);
		if (a == NULL)
			return (NULL);
		a->next = *ap;
		a->used = 0;
		a->size = size;
		*ap = a;
	}
	p = a->data + a->used;
	a->used += len;
	return (p);
}

/*
 * Copies column 'col' of 'st' into the arena.  NULL stays NULL so that
 * callers can tell "no errno" from an empty string; the out-of-memory case is
 * reported through *oom.
 */
static const char *
col_text(struct report_arena **ap, sqlite3_stmt *st, int col, bool *oom)
{
	const unsigned char *s;
	int len;
	char *p;

	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return (NULL);
	s = sqlite3_column_text(st, col);
	len = sqlite3_column_bytes(st, col);
	if (s == NULL) {
		*oom = true;
		return (NULL);
	}
	p = arena_alloc(ap, (size_t)len + 1);
	if (p == NULL) {
		*oom = true;
		return (NULL);
	}
	memcpy(p, s, (size_t)len);
	p[len] = '\0';
	return (p);
}

/* Like col_text(), but NULL becomes "" for columns that are always shown. */
static const char *
col_str(struct report_arena **ap, sqlite3_stmt *st, int col, bool *oom)
{
	const char *s = col_text(ap, st, col, oom);

	return (s != NULL ? s : "");
}

static struct report_int
col_int(sqlite3_stmt *st, int col)
{
	struct report_int v;

	v.null = sqlite3_column_type(st, col) == SQLITE_NULL;
	v.v = v.null ? 0 : sqlite3_column_int64(st, col);
	return (v);
}

static int
grow(void **p, size_t *cap, size_t n, size_t elem)
{
	size_t ncap;
	void *np;

	if (n < *cap)
		return (0);
	ncap = *cap != 0 ? *cap * 2 : 64;
	np = realloc(*p, ncap * elem);
	if (np == NULL)
		return (ENOMEM);
	*p = np;
	*cap = ncap;
	return (0);
}

/* XXH3-64, the hash of the rest of the tree. */
static uint64_t
strhash(const char *s)
{
	return (XXH3_64bits(s, strlen(s)));
}

static void
strmap_free(struct strmap *m)
{
	free(m->key);
	free(m->val);
	memset(m, 0, sizeof(*m));
}

/*
 * Finds 'key'; when absent and 'add' is set, inserts it with value 'val'.
 * Returns the stored value through *ret and whether it was found; *oom is
 * set when growing failed.
 */
static bool
strmap_get(struct strmap *m, const char *key, size_t val, bool add, size_t *ret,
    bool *oom)
{
	struct strmap nm;
	size_t i, j;

	if (add && (m->n + 1) * 2 > m->cap) {
		nm.cap = m->cap != 0 ? m->cap * 2 : 256;
		nm.n = m->n;
		nm.key = calloc(nm.cap, sizeof(*nm.key));
		nm.val = calloc(nm.cap, sizeof(*nm.val));
		if (nm.key == NULL || nm.val == NULL) {
			free(nm.key);
			free(nm.val);
			*oom = true;
			return (false);
		}
		for (i = 0; i < m->cap; i++) {
			if (m->key[i] == NULL)
				continue;
			j = strhash(m->key[i]) & (nm.cap - 1);
			while (nm.key[j] != NULL)
				j = (j + 1) & (nm.cap - 1);
			nm.key[j] = m->key[i];
			nm.val[j] = m->val[i];
		}
		strmap_free(m);
		*m = nm;
	}
	if (m->cap == 0)
		return (false);
	i = strhash(key) & (m->cap - 1);
	while (m->key[i] != NULL) {
		if (strcmp(m->key[i], key) == 0) {
			*ret = m->val[i];
			return (true);
		}
		i = (i + 1) & (m->cap - 1);
	}
	if (add) {
		m->key[i] = key;
		m->val[i] = val;
		m->n++;
		*ret = val;
	}
	return (false);
}

int
report_format_parse(const char *name, enum report_format *ret_fmt)
{
	if (strcmp(name, "html") == 0)
		*ret_fmt = REPORT_HTML;
	else if (strcmp(name, "md") == 0 || strcmp(name, "markdown") == 0)
		*ret_fmt = REPORT_MD;
	else if (strcmp(name, "text") == 0 || strcmp(name, "txt") == 0)
		*ret_fmt = REPORT_TEXT;
	else if (strcmp(name, "dot") == 0)
		*ret_fmt = REPORT_DOT;
	else
		return (EINVAL);
	return (0);
}

bool
report_tr_is_event(const struct report_tr *t)
{
	return (strcmp(t->func, "print") == 0
	    || strcmp(t->func, "sim_label") == 0 || t->object[0] == '\0');
}

void
report_obj_kind(const char *name, char *buf, size_t len)
{
	size_t n = strcspn(name, "#");

	if (n >= len)
		n = len - 1;
	memcpy(buf, name, n);
	buf[n] = '\0';
}

bool
report_in_window(const struct report_run *r, int64_t seq)
{
	return (seq >= r->lo && seq <= r->hi);
}

const struct report_thread *
report_thread_find(const struct report_run *r, int64_t tid)
{
	size_t i;

	for (i = 0; i < r->nthr; i++)
		if (r->thr[i].tid == tid)
			return (&r->thr[i]);
	return (NULL);
}

const char *
report_thread_label(
    const struct report_run *r, int64_t tid, char *buf, size_t len)
{
	const struct report_thread *t = report_thread_find(r, tid);

	if (t != NULL && t->name != NULL && t->name[0] != '\0')
		snprintf(buf, len, "%" PRId64 " %s", tid, t->name);
	else
		snprintf(buf, len, "%" PRId64, tid);
	return (buf);
}

const char *
report_fmt_ns(int64_t ns, char *buf, size_t len)
{
	const char *sign = ns < 0 ? "-" : "";
	uint64_t v = ns < 0 ? (uint64_t) - (ns + 1) + 1 : (uint64_t)ns;

	if (v < 1000)
		snprintf(buf, len, "%s%" PRIu64 "ns", sign, v);
	else if (v < 1000000)
		snprintf(buf, len, "%s%" PRIu64 ".%03" PRIu64 "us", sign,
		    v / 1000, v % 1000);
	else if (v < 1000000000)
		snprintf(buf, len, "%s%" PRIu64 ".%03" PRIu64 "ms", sign,
		    v / 1000000, v / 1000 % 1000);
	else
		snprintf(buf, len, "%s%" PRIu64 ".%03" PRIu64 "s", sign,
		    v / 1000000000, v / 1000000 % 1000);
	return (buf);
}

/*
 * Decodes one UTF-8 sequence at 's'; returns its length, or 0 when it is not
 * well-formed (overlong forms, surrogates and values past U+10FFFF
 * included), so that escapers can replace it and keep the output valid UTF-8.
 */
static size_t
utf8_len(const unsigned char *s)
{
	uint32_t c;
	size_t n, i;

	if (s[0] < 0x80)
		return (1);
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
	} else
		return (0);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (0);
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || c > 0x10ffff
	    || (c >= 0xd800 && c <= 0xdfff))
		return (0);
	return (n);
}

void
report_esc_html(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	if (s == NULL)
		return;
	while (*p != '\0') {
		switch (*p) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		case '\t':
		case '\n':
			putc(*p, out);
			break;
		default:
			/*
			 * Control characters are not allowed in XML, even as
			 * character references, so they become U+FFFD like
			 * malformed UTF-8 does.
			 */
			if (*p < 0x20 || *p == 0x7f) {
				fputs("\xef\xbf\xbd", out);
				break;
			}
			n = utf8_len(p);
			if (n == 0) {
				fputs("\xef\xbf\xbd", out);
				break;
			}
			fwrite(p, 1, n, out);
			p += n;
			continue;
		}
		p++;
	}
}

void
report_esc_md(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	if (s == NULL)
		return;
	while (*p != '\0') {
		/*
		 * CommonMark lets any ASCII punctuation be backslash-escaped;
		 * these are the ones that start markup (emphasis, code,
		 * links, raw HTML, tables).  '&' becomes an entity so that
		 * "&lt;" in data stays text.
		 */
		if (*p == '_' && p > (const unsigned char *)s && isalnum(p[-1])
		    && isalnum(p[1])) {
			/* Intraword '_' is never emphasis ('kqueue_scan'). */
			putc('_', out);
		} else if (strchr("\\`*_[]<>|~", *p) != NULL) {
			putc('\\', out);
			putc(*p, out);
		} else if (*p == '&')
			fputs("&amp;", out);
		else if (*p == '\n' || *p == '\r' || *p == '\t')
			putc(' ', out);
		else if (*p < 0x20 || *p == 0x7f)
			putc('?', out);
		else if ((n = utf8_len(p)) == 0)
			putc('?', out);
		else {
			fwrite(p, 1, n, out);
			p += n;
			continue;
		}
		p++;
	}
}

size_t
report_esc_text(FILE *out, const char *s, size_t cols)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, w = 0;

	if (s == NULL)
		return (0);
	while (*p != '\0') {
		if (cols != 0 && w + 1 >= cols && p[1] != '\0') {
			/* Room for one more column and more to say: cut. */
			putc('~', out);
			return (w + 1);
		}
		if (*p < 0x20 || *p == 0x7f) {
			/* Terminal escapes from a scenario must not reach a
			 * tty. */
			putc('?', out);
			n = 1;
		} else if ((n = utf8_len(p)) == 0) {
			putc('?', out);
			n = 1;
		} else if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0) {
			/* C1 controls (U+0080..U+009F) include CSI. */
			putc('?', out);
		} else
			fwrite(p, 1, n, out);
		p += n;
		w++;
	}
	return (w);
}

void
report_esc_dot(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	if (s == NULL)
		return;
	while (*p != '\0') {
		if (*p == '"' || *p == '\\') {
			putc('\\', out);
			putc(*p, out);
		} else if (*p < 0x20 || *p == 0x7f)
			putc('?', out);
		else if ((n = utf8_len(p)) == 0)
			putc('?', out);
		else {
			fwrite(p, 1, n, out);
			p += n;
			continue;
		}
		p++;
	}
}

void
report_printf(FILE *out, report_esc_fn *esc, const char *fmt, ...)
{
	va_list ap;
	const char *p;

	va_start(ap, fmt);
	for (p = fmt; *p != '\0'; p++) {
		if (*p != '%' || p[1] == '\0') {
			putc(*p, out);
			continue;
		}
		switch (*++p) {
		case 's':
			esc(out, va_arg(ap, const char *));
			break;
		case 'r':
			fputs(va_arg(ap, const char *), out);
			break;
		case 'd':
			fprintf(out, "%" PRId64, va_arg(ap, int64_t));
			break;
		case 'i':
			fprintf(out, "%d", va_arg(ap, int));
			break;
		case 'u':
			fprintf(out, "%zu", va_arg(ap, size_t));
			break;
		case 'f':
			fprintf(out, "%.1f", va_arg(ap, double));
			break;
		default:
			putc(*p, out);
			break;
		}
	}
	va_end(ap);
}

/*
 * Checks the 'evsim_meta' marker.  Any failure (no such table, not an
 * SQLite file at all, another format) is the same one-line error, as the
 * user's mistake is the same: the wrong file.
 */
static int
check_meta(sqlite3 *db, const char *path, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	char fmt[64] = "", ver[64] = "";
	const unsigned char *k, *v;
	int rc;

	rc = sqlite3_prepare_v2(db,
	    "SELECT key, value FROM evsim_meta WHERE key IN "
	    "('format', 'schema_version')",
	    -1, &st, NULL);
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		goto busy;
	if (rc != SQLITE_OK)
		goto notours;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		k = sqlite3_column_text(st, 0);
		v = sqlite3_column_text(st, 1);
		if (k == NULL || v == NULL)
			continue;
		if (strcmp((const char *)k, "format") == 0)
			snprintf(fmt, sizeof(fmt), "%s", v);
		else
			snprintf(ver, sizeof(ver), "%s", v);
	}
	sqlite3_finalize(st);
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		goto busy;
	if (rc != SQLITE_DONE || strcmp(fmt, "evsim-trace") != 0)
		goto notours;
	if (atoi(ver) != TRACE_SCHEMA_VERSION) {
		errbuf_set(err, errlen,
		    "%s: not an evsim database (schema_version '%s', this "
		    "reader knows '%d')",
		    path, ver, TRACE_SCHEMA_VERSION);
		return (EINVAL);
	}
	return (0);
notours:
	errbuf_set(err, errlen, "%s: not an evsim database", path);
	return (EINVAL);
busy:
	/* Locked for longer than the busy timeout: not the wrong file. */
	errbuf_set(err, errlen, "%s: %s", path, sqlite3_errstr(rc));
	return (EIO);
}

/*
 * Makes the connection safe for a file of unknown origin, as the engine's
 * reader does (engine/tracedb.c, which reports/ does not link): defensive
 * mode, no triggers, no views, untrusted schema.
 */
static void
harden(sqlite3 *db)
{
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, (int *)NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, (int *)NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
	sqlite3_db_config(
	    db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, (int *)NULL);
}

/*
 * Refuses a schema holding objects the evsim schema (trace_schema.h, built
 * in a memory database for comparison) does not create: triggers, views,
 * other tables or indexes.  The same rule and message as the engine's
 * tracedb_check_schema.
 */
/* Whether the evsim schema (in memory database mem) has object type name. */
static bool
schema_known(sqlite3 *mem, const char *type, const char *name, const char *sql)
{
	sqlite3_stmt *q = NULL;
	bool known = false;

	if (type == NULL || name == NULL)
		return (false);
	/* ANALYZE's statistics are SQLite's own. */
	if (strcmp(type, "table") == 0 && strncmp(name, "sqlite_stat", 11) == 0)
		return (true);
	if (sqlite3_prepare_v2(mem,
		"SELECT 1 FROM sqlite_master WHERE type = ?1 AND name = ?2"
		" AND (type <> 'view' OR sql = ?3)",
		-1, &q, NULL)
	    == SQLITE_OK) {
		/* A view of ours must also have our text. */
		sqlite3_bind_text(q, 1, type, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 3, sql, -1, SQLITE_STATIC);
		known = sqlite3_step(q) == SQLITE_ROW;
	}
	sqlite3_finalize(q);
	return (known);
}

/*
 * Refuses a schema holding objects the evsim schema (trace_schema.h, built
 * in a memory database for comparison) does not create: triggers, views,
 * other tables or indexes.  The same rule and message as the engine's
 * tracedb_check_schema.
 */
static int
check_schema(sqlite3 *db, const char *path, char *err, size_t errlen)
{
	sqlite3 *mem = NULL;
	sqlite3_stmt *st = NULL;
	char bad[900] = "";
	size_t len = 0;
	int rc, nbad = 0;

	if (sqlite3_open(":memory:", &mem) != SQLITE_OK
	    || sqlite3_exec(mem, TRACE_SCHEMA_ALL_SQL, NULL, NULL, NULL)
		!= SQLITE_OK) {
		sqlite3_close(mem);
		errbuf_set(err, errlen, "out of memory");
		return (ENOMEM);
	}
	rc = sqlite3_prepare_v2(db,
	    "SELECT type, name, sql FROM main.sqlite_master ORDER BY type, "
	    "name",
	    -1, &st, NULL);
	if (rc == SQLITE_OK) {
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *type
			    = (const char *)sqlite3_column_text(st, 0);
			const char *name
			    = (const char *)sqlite3_column_text(st, 1);

			if (schema_known(mem, type, name,
				(const char *)sqlite3_column_text(st, 2))
			    || len >= sizeof(bad))
				continue;
			len += (size_t)snprintf(bad + len, sizeof(bad) - len,
			    "%s%s %s", nbad ? ", " : "",
			    type != NULL ? type : "?",
			    name != NULL ? name : "?");
			nbad++;
		}
	}
	sqlite3_finalize(st);
	sqlite3_close(mem);
	if (rc != SQLITE_DONE) {
		errbuf_set(err, errlen, "%s: not an evsim database (%s)", path,
		    sqlite3_errmsg(db));
		return (EINVAL);
	}
	if (nbad > 0) {
		errbuf_set(err, errlen,
		    "%s: refused: schema objects evsim did not create: %s",
		    path, bad);
		return (EINVAL);
	}
	return (0);
}

static int
sqlerr(sqlite3 *db, const char *path, char *err, size_t errlen)
{
	errbuf_set(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
	return (EIO);
}

static int
load_hdr(
    sqlite3 *db, struct report_run *r, int64_t run_id, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	struct report_hdr *h = &r->hdr;
	bool oom = false;
	int rc;

	if (run_id == 0) {
		if (sqlite3_prepare_v2(
			db, "SELECT max(id) FROM runs", -1, &st, NULL)
		    != SQLITE_OK)
			return (sqlerr(db, r->db_path, err, errlen));
		if (sqlite3_step(st) == SQLITE_ROW
		    && sqlite3_column_type(st, 0) != SQLITE_NULL)
			run_id = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		if (run_id == 0) {
			errbuf_set(
			    err, errlen, "%s: no runs recorded", r->db_path);
			return (ENOENT);
		}
	}
	if (sqlite3_prepare_v2(db,
		"SELECT id, scenario, path, kernel, seed, strategy, status, "
		"message, vtime_end, transitions, trace_hash, engine_version, "
		"created_at, fail_func, fail_seq, args FROM runs WHERE id = ?",
		-1, &st, NULL)
	    != SQLITE_OK)
		return (sqlerr(db, r->db_path, err, errlen));
	sqlite3_bind_int64(st, 1, run_id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return (sqlerr(db, r->db_path, err, errlen));
		errbuf_set(
		    err, errlen, "%s: no run %" PRId64, r->db_path, run_id);
		return (ENOENT);
	}
	h->id = sqlite3_column_int64(st, 0);
	h->scenario = col_str(&r->arena, st, 1, &oom);
	h->path = col_str(&r->arena, st, 2, &oom);
	h->kernel = col_str(&r->arena, st, 3, &oom);
	h->seed = col_int(st, 4);
	h->strategy = col_str(&r->arena, st, 5, &oom);
	h->status = col_str(&r->arena, st, 6, &oom);
	h->message = col_str(&r->arena, st, 7, &oom);
	h->vtime_end = col_int(st, 8);
	h->transitions = col_int(st, 9);
	h->trace_hash = col_str(&r->arena, st, 10, &oom);
	h->engine_version = col_str(&r->arena, st, 11, &oom);
	h->created_at = col_str(&r->arena, st, 12, &oom);
	h->fail_func = col_str(&r->arena, st, 13, &oom);
	h->fail_seq = col_int(st, 14);
	h->args = col_str(&r->arena, st, 15, &oom);
	sqlite3_finalize(st);
	if (oom) {
		errbuf_set(err, errlen, "out of memory");
		return (ENOMEM);
	}
	return (0);
}

/*
 * The string number of object in run r's dictionary (0: none, then no
 * transition is on it).
 */
static uint32_t
object_sid(sqlite3 *db, const struct report_run *r, const char *object)
{
	return (object != NULL ? tracerows_str_id(db, r->hdr.id, object) : 0);
}

/*
 * The rows of a run between seqs 'lo' and 'hi' (a full load passes
 * INT64_MIN and INT64_MAX); with 'object', only the transitions of that
 * object (and the failing one, 'keep_seq') and the syscalls and decisions
 * around them; decisions from step 'dec_step' on that are decisive (see
 * DECISIVE_SQL) are kept wherever they are up to seq 'dec_hi'.
 */
struct load_win {
	int64_t lo;
	int64_t hi;
	const char *object;
	int64_t keep_seq;
	int64_t dec_step;
	int64_t dec_hi;
};

/* A preemption, or a sim.choose or fail point that did not take choice 1. */
#define DECISIVE_SQL                                                           \
	"((kind = 'choose' AND chosen <> 1) OR (kind = 'sched' AND tid > 0"    \
	" AND tid <> chosen AND instr(',' || runnable || ',', ',' || tid ||"   \
	" ',') > 0))"

static void
bind_win(sqlite3_stmt *st, const struct report_run *r, const struct load_win *w)
{
	sqlite3 *db = sqlite3_db_handle(st);

	/* The object's transitions by key: (run - 1) << 32 | seq. */
	sqlite3_bind_int64(
	    st, 8, (sqlite3_int64)((uint64_t)(r->hdr.id - 1) << 32));
	if (w->object != NULL && object_sid(db, r, w->object) == 0)
		sqlite3_bind_int64(st, 9, -1); /* no transition is on it */
	else
		sqlite3_bind_int64(st, 9, object_sid(db, r, w->object));
	sqlite3_bind_int64(st, 1, r->hdr.id);
	sqlite3_bind_int64(st, 2, w->lo);
	sqlite3_bind_int64(st, 3, w->hi);
	if (w->object != NULL)
		sqlite3_bind_text(st, 4, w->object, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_int64(st, 5, w->keep_seq);
	sqlite3_bind_int64(st, 6, w->dec_step);
	sqlite3_bind_int64(st, 7, w->dec_hi);
}

/* A copy of the string s (NULL: "") in the arena; *oom on failure. */
static const char *
arena_str(struct report_arena **ap, const char *s, size_t len, bool *oom)
{
	char *p;

	if (s == NULL)
		return ("");
	if ((p = arena_alloc(ap, len + 1)) == NULL) {
		*oom = true;
		return ("");
	}
	memcpy(p, s, len);
	p[len] = '\0';
	return (p);
}

/*
 * Opens a cursor on the transitions of r from seq lo to hi (clamped to the
 * keys of a run), only those of object (and the one at keep_seq) when
 * object is not NULL.  Returns 0 with *ret_c NULL when none can match.
 */
static int
open_rows(sqlite3 *db, const struct report_run *r, int64_t lo, int64_t hi,
    const char *object, int64_t keep_seq, struct tracerows **ret_c)
{
	uint32_t oid = object_sid(db, r, object);
	uint64_t from = lo < 1 ? 1 : (uint64_t)lo;
	uint64_t to = hi >= (int64_t)UINT32_MAX ? 0 : (uint64_t)hi;
	int error;

	*ret_c = NULL;
	if (hi < 1 || (to != 0 && to < from))
		return (0);
	if (object != NULL && oid == 0) {
		/* Only the kept transition can be in the window. */
		if (keep_seq < (int64_t)from
		    || (to != 0 && keep_seq > (int64_t)to))
			return (0);
		from = to = (uint64_t)keep_seq;
	}
	if ((error = tracerows_open(ret_c, db, r->hdr.id, from, to)) != 0)
		return (error);
	if (oid != 0)
		tracerows_filter(
		    *ret_c, oid, keep_seq > 0 ? (uint64_t)keep_seq : 0);
	return (0);
}

/* The transitions of window w into r->tr, read by key range. */
static int
load_transitions(sqlite3 *db, struct report_run *r, const struct load_win *w)
{
	struct tracerows *c;
	struct tracerows_row row;
	size_t cap = 0;
	bool oom = false;
	int error;

	if ((error = open_rows(db, r, w->lo, w->hi, w->object, w->keep_seq, &c))
		!= 0
	    || c == NULL)
		return (error);
	while ((error = tracerows_next(c, &row)) == 0) {
		struct report_tr *t;

		if (grow((void **)&r->tr, &cap, r->ntr, sizeof(*r->tr)) != 0) {
			error = ENOMEM;
			break;
		}
		t = &r->tr[r->ntr++];
		t->seq = (int64_t)row.seq;
		t->vtime = row.vtime;
		t->pid = row.pid;
		t->tid = row.tid;
		t->func = arena_str(&r->arena, row.func,
		    row.func != NULL ? strlen(row.func) : 0, &oom);
		t->object = arena_str(&r->arena, row.object,
		    row.object != NULL ? strlen(row.object) : 0, &oom);
		t->field = arena_str(&r->arena, row.field,
		    row.field != NULL ? strlen(row.field) : 0, &oom);
		t->old = arena_str(&r->arena, row.old,
		    row.old != NULL ? strlen(row.old) : 0, &oom);
		t->new = arena_str(&r->arena, row.new, row.newlen, &oom);
		if (oom) {
			error = ENOMEM;
			break;
		}
	}
	tracerows_close(c);
	return (error == ENOENT ? 0 : error);
}

static int
load_rows(sqlite3 *db, struct report_run *r, const struct load_win *w,
    char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	size_t cap;
	bool oom = false;
	int rc, error = 0;

	/* Transitions, by key range. */
	if ((error = load_transitions(db, r, w)) == ENOMEM)
		goto oom;
	if (error != 0)
		goto ioerr;

	/* Syscalls. */
	if (sqlite3_prepare_v2(db,
		"SELECT seq, vtime, pid, tid, name, args, result, errno, "
		"end_seq, end_vtime FROM syscalls WHERE run_id = ?1 AND "
		"seq <= ?3 AND (end_seq IS NULL OR end_seq >= ?2) AND "
		"(?4 IS NULL OR EXISTS (SELECT 1 FROM trace_rows t WHERE "
		"t.id BETWEEN ?8 + syscalls.seq AND ?8 + "
		"coalesce(syscalls.end_seq, ?3) AND t.object = ?9)) AND "
		"?5 = ?5 AND ?6 = ?6 AND ?7 = ?7 ORDER BY seq, tid, sc_seq",
		-1, &st, NULL)
	    != SQLITE_OK)
		return (sqlerr(db, r->db_path, err, errlen));
	bind_win(st, r, w);
	cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct report_sys *s;

		if (grow((void **)&r->sys, &cap, r->nsys, sizeof(*r->sys)) != 0)
			goto oom;
		s = &r->sys[r->nsys++];
		s->seq = sqlite3_column_int64(st, 0);
		s->vtime = sqlite3_column_int64(st, 1);
		s->pid = sqlite3_column_int64(st, 2);
		s->tid = sqlite3_column_int64(st, 3);
		s->name = col_str(&r->arena, st, 4, &oom);
		s->args = col_str(&r->arena, st, 5, &oom);
		s->result = col_str(&r->arena, st, 6, &oom);
		s->errname = col_text(&r->arena, st, 7, &oom);
		if (s->errname != NULL && s->errname[0] == '\0')
			s->errname = NULL;
		s->end_seq = col_int(st, 8);
		s->end_vtime = col_int(st, 9);
		if (oom)
			goto oom;
	}
	if (rc != SQLITE_DONE)
		goto ioerr;
	sqlite3_finalize(st);

	/* Decisions. */
	if (sqlite3_prepare_v2(db,
		"SELECT step, seq, vtime, tid, kind, chosen, runnable, label "
		"FROM decisions WHERE run_id = ?1 AND ((seq BETWEEN ?2 AND ?3 "
		"AND (?4 IS NULL OR EXISTS (SELECT 1 FROM trace_rows t WHERE "
		"t.id = ?8 + decisions.seq AND t.object = ?9)))"
		" OR (step >= ?6 AND seq <= ?7 AND " DECISIVE_SQL ")) AND "
		"?5 = ?5 ORDER BY step",
		-1, &st, NULL)
	    != SQLITE_OK)
		return (sqlerr(db, r->db_path, err, errlen));
	bind_win(st, r, w);
	cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct report_dec *d;

		if (grow((void **)&r->dec, &cap, r->ndec, sizeof(*r->dec)) != 0)
			goto oom;
		d = &r->dec[r->ndec++];
		memset(d, 0, sizeof(*d));
		d->step = sqlite3_column_int64(st, 0);
		d->seq = sqlite3_column_int64(st, 1);
		d->vtime = sqlite3_column_int64(st, 2);
		d->tid = sqlite3_column_int64(st, 3);
		d->kind = col_str(&r->arena, st, 4, &oom);
		d->chosen = sqlite3_column_int64(st, 5);
		d->runnable = col_str(&r->arena, st, 6, &oom);
		d->label = col_str(&r->arena, st, 7, &oom);
		if (oom)
			goto oom;
	}
	if (rc != SQLITE_DONE)
		goto ioerr;
	sqlite3_finalize(st);

	/* Threads. */
	if (sqlite3_prepare_v2(db,
		"SELECT tid, pid, name, kind, start_seq, end_seq FROM threads "
		"WHERE run_id = ? ORDER BY pid, tid",
		-1, &st, NULL)
	    != SQLITE_OK)
		return (sqlerr(db, r->db_path, err, errlen));
	sqlite3_bind_int64(st, 1, r->hdr.id);
	cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct report_thread *t;

		if (grow((void **)&r->thr, &cap, r->nthr, sizeof(*r->thr)) != 0)
			goto oom;
		t = &r->thr[r->nthr++];
		t->tid = sqlite3_column_int64(st, 0);
		t->pid = sqlite3_column_int64(st, 1);
		t->name = col_str(&r->arena, st, 2, &oom);
		t->kind = col_str(&r->arena, st, 3, &oom);
		t->start_seq = col_int(st, 4);
		t->end_seq = col_int(st, 5);
		if (oom)
			goto oom;
	}
	if (rc != SQLITE_DONE)
		goto ioerr;
	sqlite3_finalize(st);
	return (error);
oom:
	sqlite3_finalize(st);
	errbuf_set(err, errlen, "out of memory");
	return (ENOMEM);
ioerr:
	sqlite3_finalize(st);
	return (sqlerr(db, r->db_path, err, errlen));
}

static int
thread_cmp(const void *a, const void *b)
{
	const struct report_thread *x = a, *y = b;

	if (x->pid != y->pid)
		return (x->pid < y->pid ? -1 : 1);
	if (x->tid != y->tid)
		return (x->tid < y->tid ? -1 : 1);
	return (0);
}

/*
 * Adds lanes for threads that made transitions or syscalls but have no row
 * in 'threads' (a recorder that died early), so that nothing is dropped.
 */
static int
add_missing_threads(struct report_run *r)
{
	size_t cap = r->nthr, i;
	int64_t tid, pid;
	struct report_thread *t;

	for (i = 0; i < r->ntr + r->nsys; i++) {
		if (i < r->ntr) {
			tid = r->tr[i].tid;
			pid = r->tr[i].pid;
		} else {
			tid = r->sys[i - r->ntr].tid;
			pid = r->sys[i - r->ntr].pid;
		}
		if (tid <= 0 || report_thread_find(r, tid) != NULL)
			continue;
		if (grow((void **)&r->thr, &cap, r->nthr, sizeof(*r->thr)) != 0)
			return (ENOMEM);
		t = &r->thr[r->nthr++];
		memset(t, 0, sizeof(*t));
		t->tid = tid;
		t->pid = pid;
		t->name = "";
		t->kind = "user";
		t->start_seq.null = t->end_seq.null = true;
	}
	/* qsort(NULL, 0, ...) is undefined (C11 7.22.5). */
	if (r->nthr > 0)
		qsort(r->thr, r->nthr, sizeof(*r->thr), thread_cmp);
	return (0);
}

static int
kind_rank(const char *name)
{
	static const char *const order[]
	    = { "proc", "thread", "kqueue", "knote", "port", "portev",
		      "port_kevent", "file", "pipe", "socket" };
	size_t n = strcspn(name, "#"), i;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (strlen(order[i]) == n && strncmp(order[i], name, n) == 0)
			return ((int)i);
	return ((int)(sizeof(order) / sizeof(order[0])));
}

static int
obj_cmp(const void *a, const void *b)
{
	const struct report_obj *x = a, *y = b;
	const char *hx, *hy;
	size_t nx, ny;
	int kx = kind_rank(x->name), ky = kind_rank(y->name), c;

	if (kx != ky)
		return (kx < ky ? -1 : 1);
	nx = strcspn(x->name, "#");
	ny = strcspn(y->name, "#");
	c = strncmp(x->name, y->name, nx < ny ? nx : ny);
	if (c != 0 || nx != ny)
		return (c != 0 ? c : (nx < ny ? -1 : 1));
	/* Same kind: order by number, so knote#9 comes before knote#10. */
	hx = x->name + nx;
	hy = y->name + ny;
	if (*hx == '#' && *hy == '#') {
		long long ix = strtoll(hx + 1, NULL, 10);
		long long iy = strtoll(hy + 1, NULL, 10);

		if (ix != iy)
			return (ix < iy ? -1 : 1);
	}
	return (strcmp(x->name, y->name));
}

int
report_obj_name_cmp(const char *x, const char *y)
{
	struct report_obj ox = { .name = x }, oy = { .name = y };

	return (obj_cmp(&ox, &oy));
}

static int
build_objects(struct report_run *r)
{
	struct strmap m = { 0 };
	size_t cap = 0, i, k;
	bool oom = false;
	struct report_obj *o;

	for (i = 0; i < r->ntr; i++) {
		if (report_tr_is_event(&r->tr[i]))
			continue;
		if (!strmap_get(&m, r->tr[i].object, r->nobj, true, &k, &oom)) {
			if (oom)
				goto oom;
			if (grow((void **)&r->obj, &cap, r->nobj,
				sizeof(*r->obj))
			    != 0)
				goto oom;
			o = &r->obj[r->nobj++];
			memset(o, 0, sizeof(*o));
			o->name = r->tr[i].object;
		}
		o = &r->obj[k];
		if (grow((void **)&o->idx, &o->cap, o->n, sizeof(*o->idx)) != 0)
			goto oom;
		o->idx[o->n++] = i;
	}
	strmap_free(&m);
	/* qsort(NULL, 0, ...) is undefined (C11 7.22.5). */
	if (r->nobj > 0)
		qsort(r->obj, r->nobj, sizeof(*r->obj), obj_cmp);
	return (0);
oom:
	strmap_free(&m);
	return (ENOMEM);
}

/* Whether the comma-separated list 'list' contains 'tid'. */
static bool
list_has(const char *list, int64_t tid)
{
	const char *p = list;
	char *end;

	while (*p != '\0') {
		long long v = strtoll(p, &end, 10);

		if (end == p)
			p++;
		else {
			if (v == tid)
				return (true);
			p = end;
		}
	}
	return (false);
}

/*
 * Derives the failing transition, the detail window, preemptions and the
 * decisions that led to a failure.  A decision "led there" when it was a
 * real choice (more than one runnable thread, or any 'choose') among the
 * last few before the failing transition: those are what a different
 * schedule would change.
 */
static void
derive(struct report_run *r)
{
	const struct report_hdr *h = &r->hdr;
	size_t i, nlead;
	int64_t fail, lo;
	bool failed;

	r->fail_tr = SIZE_MAX;
	r->seq_max = 0;
	if (r->ntr > 0)
		r->seq_max = r->tr[r->ntr - 1].seq;
	for (i = 0; i < r->nsys; i++) {
		if (r->sys[i].seq > r->seq_max)
			r->seq_max = r->sys[i].seq;
		if (!r->sys[i].end_seq.null && r->sys[i].end_seq.v > r->seq_max)
			r->seq_max = r->sys[i].end_seq.v;
	}
	for (i = 0; i < r->ndec; i++)
		if (r->dec[i].seq > r->seq_max)
			r->seq_max = r->dec[i].seq;
	if (!h->fail_seq.null && h->fail_seq.v > r->seq_max)
		r->seq_max = h->fail_seq.v;
	if (!h->fail_seq.null) {
		for (i = r->ntr; i > 0; i--)
			if (r->tr[i - 1].seq <= h->fail_seq.v)
				break;
		if (i > 0)
			r->fail_tr = i - 1;
	}

	failed = strcmp(h->status, "passed") != 0
	    && strcmp(h->status, "running") != 0;
	/* A failure without a seq (a Lua error) happened at the end. */
	fail = !h->fail_seq.null ? h->fail_seq.v : r->seq_max;
	r->windowed = r->ntr > REPORT_WINDOW;
	lo = r->ntr > 0 ? r->tr[0].seq : 1;
	if (lo > 1)
		lo = 1;
	if (!r->windowed) {
		r->lo = lo;
		r->hi = r->seq_max > lo ? r->seq_max : lo;
	} else if (!h->fail_seq.null || failed) {
		r->hi = fail + REPORT_WINDOW / 10;
		if (r->hi > r->seq_max)
			r->hi = r->seq_max;
		r->lo = r->hi - REPORT_WINDOW + 1;
		if (r->lo < lo)
			r->lo = lo;
	} else {
		r->lo = lo;
		r->hi = lo + REPORT_WINDOW - 1;
	}

	for (i = 0; i < r->ndec; i++) {
		struct report_dec *d = &r->dec[i];

		d->preempt = strcmp(d->kind, "sched") == 0
		    && d->tid != d->chosen && d->tid > 0
		    && list_has(d->runnable, d->tid);
	}
	if (!failed)
		return;
	nlead = 0;
	for (i = r->ndec; i > 0 && nlead < LEAD_DECISIONS; i--) {
		struct report_dec *d = &r->dec[i - 1];

		if (d->seq > fail)
			continue;
		if (strcmp(d->kind, "choose") == 0
		    || strchr(d->runnable, ',') != NULL) {
			d->lead = true;
			nlead++;
		}
	}
}

/*
 * Gives each object its label from the 'objects' table (absent from
 * databases written before it existed: no labels then).
 */
static int
load_labels(sqlite3 *db, struct report_run *r)
{
	sqlite3_stmt *st;
	bool oom = false;
	size_t lo, hi, mid;
	int c;

	if (sqlite3_prepare_v2(db,
		"SELECT object, label FROM objects WHERE run_id = ?1"
		" AND label IS NOT NULL AND label <> ''",
		-1, &st, NULL)
	    != SQLITE_OK)
		return (0);
	sqlite3_bind_int64(st, 1, r->hdr.id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);

		/* r->obj is sorted by obj_cmp: a binary search. */
		lo = 0;
		hi = r->nobj;
		while (lo < hi) {
			struct report_obj key = { .name = name };

			mid = lo + (hi - lo) / 2;
			c = obj_cmp(&key, &r->obj[mid]);
			if (c == 0) {
				r->obj[mid].label
				    = col_str(&r->arena, st, 1, &oom);
				break;
			}
			if (c < 0)
				hi = mid;
			else
				lo = mid + 1;
		}
	}
	sqlite3_finalize(st);
	return (oom ? ENOMEM : 0);
}

int
report_run_hdr(struct sqlite3 *db, const char *db_path, int64_t run_id,
    struct report_run *r, char *err, size_t errlen)
{
	memset(r, 0, sizeof(*r));
	r->db_path = db_path;
	r->fail_tr = SIZE_MAX;
	return (load_hdr(db, r, run_id, err, errlen));
}

const char *
report_run_str(struct report_run *r, const char *s, bool *oom)
{
	return (arena_str(&r->arena, s, s != NULL ? strlen(s) : 0, oom));
}

struct report_counts
report_run_counts(const struct report_run *r)
{
	struct report_counts c;

	if (r->partial)
		return (r->all);
	c.tr = r->ntr;
	c.sys = r->nsys;
	c.dec = r->ndec;
	c.thr = r->nthr;
	c.obj = r->nobj;
	return (c);
}

void
report_run_free(struct report_run *r)
{
	struct report_arena *a, *next;
	size_t i;

	for (a = r->arena; a != NULL; a = next) {
		next = a->next;
		free(a);
	}
	for (i = 0; i < r->nobj; i++)
		free(r->obj[i].idx);
	free(r->obj);
	free(r->tr);
	free(r->sys);
	free(r->dec);
	free(r->thr);
	for (i = 0; i < r->nsnap; i++)
		free(r->snap[i].value);
	free(r->snap);
	free(r->ovw);
	free(r->tr_slice);
	free(r->sys_slice);
	free(r->obj_slice);
	free(r->vbits);
	if (r->diff != NULL)
		free(r->diff->pair);
	free(r->diff);
	memset(r, 0, sizeof(*r));
}

bool
report_tr_equal(const struct report_tr *x, const struct report_tr *y)
{
	return (x->tid == y->tid && strcmp(x->func, y->func) == 0
	    && strcmp(x->object, y->object) == 0
	    && strcmp(x->field, y->field) == 0 && strcmp(x->old, y->old) == 0
	    && strcmp(x->new, y->new) == 0);
}

int
report_align(size_t base, size_t na, size_t nb,
    bool (*eq)(size_t i, size_t j, void *arg), void *arg,
    struct report_pair *pair, size_t *npair)
{
	size_t i, j, k, n;
	uint16_t *lcs;

	/*
	 * A classic LCS table: lcs[i][j] is the common length of a[i..] and
	 * b[j..], so the walk from (0, 0) emits pairs in order.
	 */
	n = nb + 1;
	lcs = calloc((na + 1) * n, sizeof(*lcs));
	if (lcs == NULL)
		return (ENOMEM);
	for (i = na; i-- > 0;)
		for (j = nb; j-- > 0;) {
			if (eq(base + i, base + j, arg))
				lcs[i * n + j] = lcs[(i + 1) * n + j + 1] + 1;
			else {
				uint16_t x = lcs[(i + 1) * n + j];
				uint16_t y = lcs[i * n + j + 1];

				lcs[i * n + j] = x > y ? x : y;
			}
		}
	i = j = 0;
	while (i < na || j < nb) {
		k = (*npair)++;
		if (i < na && j < nb && eq(base + i, base + j, arg)) {
			pair[k].a = base + i++;
			pair[k].b = base + j++;
		} else if (j >= nb
		    || (i < na && lcs[(i + 1) * n + j] >= lcs[i * n + j + 1])) {
			pair[k].a = base + i++;
			pair[k].b = SIZE_MAX;
		} else {
			pair[k].a = SIZE_MAX;
			pair[k].b = base + j++;
		}
	}
	free(lcs);
	return (0);
}

int
report_write(const char *db_path, int64_t run_id, int64_t against_run_id,
    enum report_format fmt, const char *states_kind, FILE *out, char *err,
    size_t errlen)
{
	struct report_opts o;

	memset(&o, 0, sizeof(o));
	o.run_id = run_id;
	o.against_run_id = against_run_id;
	o.states_kind = states_kind;
	return (report_write_opts(db_path, &o, fmt, out, err, errlen));
}

/*
 * The window of a long run (evsim report --from, --to, --around, --object):
 * report_run_load_window() and its helpers read the window's rows into
 * memory and stream everything else once.
 */

/* The first column of the first row of 'sql' bound to (run, a), or dflt. */
static int
query_i64(sqlite3 *db, const char *sql, int64_t run, int64_t a, int64_t dflt,
    int64_t *ret)
{
	sqlite3_stmt *st;
	int rc;

	*ret = dflt;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return (EIO);
	sqlite3_bind_int64(st, 1, run);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, a);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		*ret = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return (rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : EIO);
}

/* What the streaming pass over the whole run finds. */
struct scan_res {
	size_t n; /* transitions */
	size_t obj_n; /* transitions of --object */
	int64_t obj_first;
	int64_t obj_last;
	int64_t obj_cut; /* seq of its REPORT_WINDOW_MAX-th transition */
};

/*
 * Streams every transition of the run once (seq, tid and whether it is on
 * 'object') into the overview bins; needs r->ovw->lo and span set.
 */
static int
scan_overview(
    sqlite3 *db, struct report_run *r, const char *object, struct scan_res *sr)
{
	struct report_overview *ov = r->ovw;
	struct tracerows *c;
	struct tracerows_row row;
	uint32_t oid = object_sid(db, r, object);
	size_t b, k = 0;
	int error;

	memset(sr, 0, sizeof(*sr));
	if ((error = tracerows_open(&c, db, r->hdr.id, 1, 0)) != 0)
		return (error);
	while ((error = tracerows_next(c, &row)) == 0) {
		int64_t seq = (int64_t)row.seq;
		int64_t tid = row.tid;

		sr->n++;
		b = (size_t)((double)(seq - ov->lo) * REPORT_OVERVIEW_BINS
		    / (double)ov->span);
		if (b >= REPORT_OVERVIEW_BINS)
			b = REPORT_OVERVIEW_BINS - 1;
		if (ov->tid[0] != 0 && ov->tid[k] != tid)
			for (k = 0; k < ov->nrows; k++)
				if (ov->tid[k] == tid)
					break;
		if (k < ov->nrows && ++ov->cnt[k][b] > ov->max)
			ov->max = ov->cnt[k][b];
		if (k >= ov->nrows)
			k = 0;
		if (oid != 0 && row.object_id == oid) {
			ov->obj[b]++;
			if (sr->obj_n == 0)
				sr->obj_first = seq;
			sr->obj_last = seq;
			if (++sr->obj_n == REPORT_WINDOW_MAX)
				sr->obj_cut = seq;
		}
	}
	tracerows_close(c);
	return (error == ENOENT ? 0 : EIO);
}

static int
snap_cmp(const void *a, const void *b)
{
	const struct report_snap *x = a, *y = b;
	struct report_obj ox = { .name = x->object },
			  oy = { .name = y->object };
	int c = obj_cmp(&ox, &oy);

	return (c != 0 ? c : strcmp(x->field, y->field));
}

/* The index of object 'name' in r->obj (sorted by obj_cmp), or SIZE_MAX. */
static size_t
obj_find(const struct report_run *r, const char *name)
{
	struct report_obj key = { .name = name };
	size_t lo = 0, hi = r->nobj, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = obj_cmp(&key, &r->obj[mid]);
		if (c == 0)
			return (mid);
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (SIZE_MAX);
}

/*
 * The value of every object field just before the window: streams the
 * transitions before r->lo, keeping the last value of each (object, field)
 * (memory grows with the fields, not with the run), then keeps at most
 * REPORT_SNAP_MAX of them, those of objects in the window first.
 */
static int
load_snapshot(sqlite3 *db, struct report_run *r, const char *object)
{
	struct strmap m = { 0 };
	struct tracerows *st;
	struct tracerows_row row;
	size_t cap = 0, k, i, j;
	bool oom = false;
	int rc = ENOENT, error = 0;

	if ((error = open_rows(db, r, 1, r->lo - 1, object, 0, &st)) != 0)
		return (error);
	while (st != NULL && (rc = tracerows_next(st, &row)) == 0) {
		const char *o = row.object;
		const char *f = row.field;
		const char *v = row.new;
		size_t lo = o != NULL ? strlen(o) : 0;
		size_t lf = f != NULL ? strlen(f) : 0;
		size_t lv = v != NULL ? strlen(v) : 0;
		char key[512], *kp;
		struct report_snap *sn;

		/* Labels and print output are not state. */
		if (row.func == NULL || strcmp(row.func, "print") == 0
		    || strcmp(row.func, "sim_label") == 0 || o == NULL
		    || o[0] == '\0' || lo + lf + 2 > sizeof(key))
			continue;
		memcpy(key, o != NULL ? o : "", lo);
		key[lo] = '\x1f';
		memcpy(key + lo + 1, f != NULL ? f : "", lf);
		key[lo + 1 + lf] = '\0';
		if (!strmap_get(&m, key, 0, false, &k, &oom)) {
			if (grow((void **)&r->snap, &cap, r->nsnap,
				sizeof(*r->snap))
			    != 0)
				goto oom;
			/* The map's key, then the object and field apart. */
			kp = arena_alloc(&r->arena, 2 * (lo + lf + 2));
			if (kp == NULL)
				goto oom;
			memcpy(kp, key, lo + lf + 2);
			strmap_get(&m, kp, r->nsnap, true, &k, &oom);
			if (oom)
				goto oom;
			kp += lo + lf + 2;
			memcpy(kp, key, lo + lf + 2);
			kp[lo] = '\0';
			sn = &r->snap[r->nsnap++];
			memset(sn, 0, sizeof(*sn));
			sn->object = kp;
			sn->field = kp + lo + 1;
		}
		sn = &r->snap[k];
		if (lv + 1 > sn->cap) {
			char *nv = realloc(sn->value, lv + 1);

			if (nv == NULL)
				goto oom;
			sn->value = nv;
			sn->cap = lv + 1;
		}
		memcpy(sn->value, v != NULL ? v : "", lv + 1);
		sn->seq = (int64_t)row.seq;
	}
	if (rc != ENOENT)
		error = rc;
	tracerows_close(st);
	strmap_free(&m);
	if (r->nsnap > 0)
		qsort(r->snap, r->nsnap, sizeof(*r->snap), snap_cmp);
	if (r->nsnap > REPORT_SNAP_MAX) {
		/* Objects of the window first, then the rest in order. */
		struct report_snap *keep = malloc(r->nsnap * sizeof(*keep));
		int pass;

		if (keep == NULL)
			return (ENOMEM);
		for (j = 0, pass = 0; pass < 2; pass++)
			for (i = 0; i < r->nsnap; i++) {
				bool in = obj_find(r, r->snap[i].object)
				    != SIZE_MAX;

				if (in != (pass == 0))
					continue;
				keep[j++] = r->snap[i];
			}
		for (i = REPORT_SNAP_MAX; i < r->nsnap; i++)
			free(keep[i].value);
		free(r->snap);
		r->snap = keep;
		r->snap_dropped = r->nsnap - REPORT_SNAP_MAX;
		r->nsnap = REPORT_SNAP_MAX;
		qsort(r->snap, r->nsnap, sizeof(*r->snap), snap_cmp);
	}
	return (error);
oom:
	tracerows_close(st);
	strmap_free(&m);
	return (ENOMEM);
}

/* The seqs a report window is chosen from, and the window chosen. */
struct win_plan {
	int64_t smin; /* first seq of the run, at most 1 */
	int64_t send; /* last seq of a transition, syscall, decision, failure */
	int64_t fail; /* seq of the failure, or send */
	int64_t lo, hi; /* the window */
	bool failed; /* the run neither passed nor is running */
	bool opts; /* the window may be narrower than the run */
	bool small; /* the run fits one window: loaded whole */
};

/* Finds the seqs of the run: p->smin and p->send. */
static int
seq_range(sqlite3 *db, const char *db_path, const struct report_run *r,
    struct win_plan *p, char *err, size_t errlen)
{
	int64_t smin, smax, send, v;
	uint64_t first, last;

	/* The first and last keys of the run's transitions. */
	if (tracerows_range(db, r->hdr.id, &first, &last) != 0)
		return (sqlerr(db, db_path, err, errlen));
	smin = first != 0 ? (int64_t)first : 1;
	smax = (int64_t)last;
	if (smin > 1)
		smin = 1;
	if (smax < smin)
		smax = smin;
	/* The window may reach the last syscall, decision or failure. */
	if (query_i64(db,
		/* On syscall_rows by key, without the view's strings. */
		"SELECT max(max(seq), coalesce(max(seq + end_seq), 0)) FROM "
		"syscall_rows WHERE id > (?1 - 1) << 32 AND id < ?1 << 32",
		r->hdr.id, 0, 0, &v)
	    != 0)
		return (sqlerr(db, db_path, err, errlen));
	send = v > smax ? v : smax;
	if (query_i64(db, "SELECT max(seq) FROM decisions WHERE run_id = ?1",
		r->hdr.id, 0, 0, &v)
	    != 0)
		return (sqlerr(db, db_path, err, errlen));
	if (v > send)
		send = v;
	if (!r->hdr.fail_seq.null && r->hdr.fail_seq.v > send)
		send = r->hdr.fail_seq.v;
	p->smin = smin;
	p->send = send;
	return (0);
}

/* Allocates the overview: every thread its own row when there are few. */
static int
overview_rows(sqlite3 *db, const char *db_path, struct report_run *r,
    const struct win_plan *p, char *err, size_t errlen)
{
	struct report_overview *ov;
	sqlite3_stmt *st;

	if ((ov = r->ovw = calloc(1, sizeof(*ov))) == NULL) {
		errbuf_set(err, errlen, "out of memory");
		return (ENOMEM);
	}
	ov->lo = p->smin;
	ov->span = p->send - p->smin + 1;
	if (sqlite3_prepare_v2(db,
		"SELECT tid FROM threads WHERE run_id = ?1 ORDER BY pid, tid "
		"LIMIT ?2",
		-1, &st, NULL)
	    != SQLITE_OK)
		return (sqlerr(db, db_path, err, errlen));
	sqlite3_bind_int64(st, 1, r->hdr.id);
	sqlite3_bind_int64(st, 2, REPORT_OVERVIEW_ROWS + 1);
	while (sqlite3_step(st) == SQLITE_ROW
	    && ov->nrows < REPORT_OVERVIEW_ROWS + 1) {
		if (ov->nrows < REPORT_OVERVIEW_ROWS)
			ov->tid[ov->nrows] = sqlite3_column_int64(st, 0);
		ov->nrows++;
	}
	sqlite3_finalize(st);
	if (ov->nrows == 0 || ov->nrows > REPORT_OVERVIEW_ROWS) {
		ov->nrows = 1;
		ov->tid[0] = 0;
	}
	return (0);
}

/*
 * Chooses the window p->lo..p->hi from the options, or around the failure
 * when the run is too long for one; EINVAL for a window outside the run.
 */
static int
choose_window(const struct report_opts *o, struct report_run *r,
    const struct scan_res *sr, struct win_plan *p, char *err, size_t errlen)
{
	int64_t lo, hi, smin = p->smin, send = p->send;

	p->opts
	    = o->from != 0 || o->to != 0 || o->around != 0 || o->object != NULL;
	lo = smin;
	hi = INT64_MAX;
	if (o->around != 0) {
		if (o->around < smin || o->around > send) {
			errbuf_set(err, errlen,
			    "--around %" PRId64 ": run %" PRId64
			    " has seqs %" PRId64 " to %" PRId64,
			    o->around, r->hdr.id, smin, send);
			return (EINVAL);
		}
		lo = o->around - REPORT_WINDOW / 2;
		hi = lo + REPORT_WINDOW - 1;
	} else if (o->from != 0 || o->to != 0) {
		lo = o->from != 0 ? o->from : smin;
		hi = o->to != 0 ? o->to : lo + REPORT_WINDOW - 1;
		if (lo > hi) {
			errbuf_set(err, errlen,
			    "--from %" PRId64 " is after --to %" PRId64, lo,
			    hi);
			return (EINVAL);
		}
		if (lo > send) {
			errbuf_set(err, errlen,
			    "--from %" PRId64
			    " is after the end of run %" PRId64 " (seq %" PRId64
			    ")",
			    lo, r->hdr.id, send);
			return (EINVAL);
		}
		if (o->object == NULL && hi - lo + 1 > REPORT_WINDOW_MAX) {
			hi = lo + REPORT_WINDOW_MAX - 1;
			r->cut = true;
		}
	} else if (o->object != NULL) {
		lo = sr->obj_first;
		hi = sr->obj_last;
		if (sr->obj_n > REPORT_WINDOW_MAX) {
			hi = sr->obj_cut;
			r->cut = true;
		}
	} else if (sr->n > REPORT_WINDOW) {
		if (p->failed) {
			hi = p->fail + REPORT_WINDOW / 10;
			if (hi > send)
				hi = send;
			lo = hi - REPORT_WINDOW + 1;
		} else
			hi = lo + REPORT_WINDOW - 1;
		p->opts = true;
	}
	if (lo < smin)
		lo = smin;
	if (p->opts && hi > send)
		hi = send;
	if (hi < lo)
		hi = lo;
	p->lo = lo;
	p->hi = hi;
	return (0);
}

/* Decisive decisions: counts them and bounds w to the last 256. */
static int
decisive_bound(sqlite3 *db, const char *db_path, struct report_run *r,
    const struct win_plan *p, struct load_win *w, char *err, size_t errlen)
{
	int64_t v;

	if (query_i64(db,
		"SELECT count(*) FROM decisions WHERE run_id = ?1 AND "
		"seq <= ?2 AND " DECISIVE_SQL,
		r->hdr.id, p->fail, 0, &v)
	    != 0)
		return (sqlerr(db, db_path, err, errlen));
	r->ndecisive = (size_t)v;
	if (query_i64(db,
		"SELECT step FROM decisions WHERE run_id = ?1 AND "
		"seq <= ?2 AND " DECISIVE_SQL
		" ORDER BY step DESC LIMIT 1 OFFSET 255",
		r->hdr.id, p->fail, INT64_MIN, &w->dec_step)
	    != 0)
		return (sqlerr(db, db_path, err, errlen));
	w->dec_hi = p->fail;
	return (0);
}

/* Counts a run loaded whole into its overview bins. */
static void
count_overview(struct report_run *r)
{
	struct report_overview *ov = r->ovw;
	size_t b, i, k = 0;

	r->ntr_total = r->ntr;
	for (i = 0; i < r->ntr; i++) {
		b = (size_t)((double)(r->tr[i].seq - ov->lo)
		    * REPORT_OVERVIEW_BINS / (double)ov->span);
		if (b >= REPORT_OVERVIEW_BINS)
			b = REPORT_OVERVIEW_BINS - 1;
		if (ov->tid[0] != 0 && ov->tid[k] != r->tr[i].tid)
			for (k = 0; k < ov->nrows; k++)
				if (ov->tid[k] == r->tr[i].tid)
					break;
		if (k < ov->nrows && ++ov->cnt[k][b] > ov->max)
			ov->max = ov->cnt[k][b];
		if (k >= ov->nrows)
			k = 0;
	}
}

/*
 * Marks the loaded rows as a window p->lo..p->hi and loads the state at
 * its start when it does not start the run.
 */
static int
set_window(sqlite3 *db, const char *db_path, const struct report_opts *o,
    struct report_run *r, const struct win_plan *p, char *err, size_t errlen)
{
	int error;

	r->lo = p->lo;
	r->hi = p->hi;
	r->windowed = true;
	if (r->seq_max < p->send)
		r->seq_max = p->send;
	if (r->fail_tr != SIZE_MAX
	    && (r->hdr.fail_seq.v > p->hi || r->hdr.fail_seq.v < p->lo))
		r->fail_tr = SIZE_MAX;
	if (r->lo > r->seq_min
	    && (error = load_snapshot(db, r, o->object)) != 0) {
		if (error == ENOMEM) {
			errbuf_set(err, errlen, "out of memory");
			return (ENOMEM);
		}
		return (sqlerr(db, db_path, err, errlen));
	}
	return (0);
}

/* Marks the decisions that are decisive for the failure, if any. */
static void
mark_decisive(struct report_run *r, const struct win_plan *p)
{
	size_t i;

	for (i = 0; i < r->ndec; i++) {
		struct report_dec *d = &r->dec[i];

		d->decisive = p->failed && d->seq <= p->fail
		    && (d->preempt
			|| (strcmp(d->kind, "choose") == 0 && d->chosen != 1));
		if (d->decisive && r->ndecisive == 0)
			r->ndecisive = 1;
	}
	if (!p->failed)
		r->ndecisive = 0;
}

int
report_run_load_window(struct sqlite3 *db, const char *db_path,
    const struct report_opts *o, struct report_run *r, char *err, size_t errlen)
{
	struct load_win w = { INT64_MIN, INT64_MAX, NULL, -1, INT64_MAX, -1 };
	struct win_plan p;
	struct scan_res sr;
	int error;

	memset(r, 0, sizeof(*r));
	memset(&p, 0, sizeof(p));
	r->db_path = db_path;
	r->fail_tr = SIZE_MAX;
	if ((error = load_hdr(db, r, o->run_id, err, errlen)) != 0)
		return (error);
	r->shrunk = r->hdr.strategy != NULL
	    && strcmp(r->hdr.strategy, "replay") == 0 && r->hdr.args != NULL
	    && strstr(r->hdr.args, "shrunk") != NULL;
	if ((error = seq_range(db, db_path, r, &p, err, errlen)) != 0
	    || (error = overview_rows(db, db_path, r, &p, err, errlen)) != 0)
		return (error);
	/*
	 * A run that fits one window (its header says so) is loaded whole
	 * and its overview counted from the loaded rows: no second pass.
	 */
	p.small = o->object == NULL && o->from == 0 && o->to == 0
	    && o->around == 0 && !r->hdr.transitions.null
	    && r->hdr.transitions.v >= 0
	    && r->hdr.transitions.v <= REPORT_WINDOW;
	memset(&sr, 0, sizeof(sr));
	if (!p.small && scan_overview(db, r, o->object, &sr) != 0)
		return (sqlerr(db, db_path, err, errlen));
	r->ntr_total = sr.n;
	r->seq_min = p.smin;
	if (o->object != NULL && sr.obj_n == 0) {
		errbuf_set(err, errlen, "%s: run %" PRId64 " has no object %s",
		    db_path, r->hdr.id, o->object);
		return (ENOENT);
	}

	p.failed = strcmp(r->hdr.status, "passed") != 0
	    && strcmp(r->hdr.status, "running") != 0;
	p.fail = !r->hdr.fail_seq.null ? r->hdr.fail_seq.v : p.send;
	if ((error = choose_window(o, r, &sr, &p, err, errlen)) != 0)
		return (error);
	w.lo = p.opts ? p.lo : INT64_MIN;
	w.hi = p.hi;
	w.object = o->object;
	w.keep_seq = !r->hdr.fail_seq.null ? r->hdr.fail_seq.v : -1;
	r->object = o->object;
	if (p.failed
	    && (error = decisive_bound(db, db_path, r, &p, &w, err, errlen))
		!= 0)
		return (error);
	if ((error = load_rows(db, r, &w, err, errlen)) != 0)
		return (error);
	if (p.small)
		count_overview(r);
	if (add_missing_threads(r) != 0 || build_objects(r) != 0
	    || load_labels(db, r) != 0) {
		errbuf_set(err, errlen, "out of memory");
		return (ENOMEM);
	}
	derive(r);
	if (p.opts
	    && (error = set_window(db, db_path, o, r, &p, err, errlen)) != 0)
		return (error);
	mark_decisive(r, &p);
	return (0);
}

bool
report_field_refcount(const char *field)
{
	/* Counts of references, holds and flux (knote "in flux") locks. */
	return (strstr(field, "refcnt") != NULL
	    || strstr(field, "refcount") != NULL
	    || strstr(field, "influx") != NULL
	    || strstr(field, "_count") != NULL || strstr(field, "hold") != NULL
	    || strcmp(field, "(life)") == 0);
}

bool
report_obj_bookkeeping(const struct report_obj *o)
{
	static const char *const kinds[]
	    = { "thread", "proc", "filedesc", "kernel", "failpoint" };
	char kind[64];
	size_t i;

	report_obj_kind(o->name, kind, sizeof(kind));
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kind, kinds[i]) == 0)
			return (true);
	return (false);
}

/* The syscall of thread 'tid' in progress at 'seq' (sys is in seq order). */
static size_t
sys_at(const struct report_run *r, int64_t tid, int64_t seq)
{
	size_t i, best = SIZE_MAX;

	for (i = 0; i < r->nsys && r->sys[i].seq <= seq; i++) {
		const struct report_sys *s = &r->sys[i];

		if (s->tid == tid && (s->end_seq.null || s->end_seq.v >= seq))
			best = i;
	}
	return (best);
}

int
report_slice(struct report_run *r)
{
	int64_t *bound = NULL, fseq;
	size_t i, j, k, fs;
	const struct report_tr *f;
	bool again = true;

	if (r->fail_tr == SIZE_MAX || r->nobj == 0)
		return (0);
	r->tr_slice = calloc(r->ntr + 1, 1);
	r->sys_slice = calloc(r->nsys + 1, 1);
	r->obj_slice = calloc(r->nobj + 1, 1);
	bound = malloc((r->nobj + 1) * sizeof(*bound));
	if (r->tr_slice == NULL || r->sys_slice == NULL || r->obj_slice == NULL
	    || bound == NULL) {
		free(bound);
		return (ENOMEM);
	}
	for (i = 0; i < r->nobj; i++)
		bound[i] = INT64_MIN;
	f = &r->tr[r->fail_tr];
	fseq = f->seq;
	r->tr_slice[r->fail_tr] = 1;
	/*
	 * The seeds: the failing transition's object, and every object the
	 * failing thread touched in the syscall it was in (or, outside a
	 * syscall, in its last run of transitions).
	 */
	k = obj_find(r, f->object);
	if (k != SIZE_MAX && !report_obj_bookkeeping(&r->obj[k]))
		bound[k] = fseq;
	fs = sys_at(r, f->tid, fseq);
	if (fs != SIZE_MAX)
		r->sys_slice[fs] = 1;
	for (j = r->fail_tr; j > 0; j--) {
		const struct report_tr *t = &r->tr[j - 1];

		if (fs != SIZE_MAX ? t->seq < r->sys[fs].seq : t->tid != f->tid)
			break;
		if (t->tid != f->tid || report_tr_is_event(t))
			continue;
		k = obj_find(r, t->object);
		if (k == SIZE_MAX || report_obj_bookkeeping(&r->obj[k])
		    || bound[k] >= fseq)
			continue;
		bound[k] = fseq;
	}
	/*
	 * Transitively: each transition on a slice object up to its bound,
	 * and the syscall that made it, whose other transitions (up to that
	 * one) bring their objects in.  Bounds only grow, so this ends.
	 */
	while (again) {
		again = false;
		for (i = 0; i < r->nobj; i++) {
			const struct report_obj *o = &r->obj[i];

			if (bound[i] == INT64_MIN)
				continue;
			for (j = 0; j < o->n; j++) {
				size_t ti = o->idx[j];
				const struct report_tr *t = &r->tr[ti];
				size_t si, x;

				if (t->seq > bound[i] || r->tr_slice[ti])
					continue;
				r->tr_slice[ti] = 1;
				if (report_field_refcount(t->field))
					continue;
				si = sys_at(r, t->tid, t->seq);
				if (si == SIZE_MAX)
					continue;
				r->sys_slice[si] = 1;
				for (x = ti; x > 0; x--) {
					const struct report_tr *u
					    = &r->tr[x - 1];

					if (u->seq < r->sys[si].seq)
						break;
					if (u->tid != t->tid
					    || report_tr_is_event(u)
					    || report_field_refcount(u->field))
						continue;
					k = obj_find(r, u->object);
					if (k == SIZE_MAX
					    || report_obj_bookkeeping(
						&r->obj[k])
					    || bound[k] >= u->seq)
						continue;
					bound[k] = u->seq;
					again = true;
				}
			}
		}
	}
	for (i = 0; i < r->nobj; i++)
		r->obj_slice[i] = bound[i] != INT64_MIN;
	free(bound);
	return (0);
}

/*
 * The observed state machine of a whole run (evsim report --states): the
 * header into r, the run's transitions streamed once through a collector
 * (memory grows with the distinct states and edges), the edges into
 * *ret_e and *ret_n.
 */
static int
load_states(sqlite3 *db, const char *db_path, const struct report_opts *o,
    struct report_run *r, struct report_edge **ret_e, size_t *ret_n, char *err,
    size_t errlen)
{
	struct report_states *s = NULL;
	struct tracerows *c = NULL;
	struct tracerows_row row;
	int error;

	memset(r, 0, sizeof(*r));
	r->db_path = db_path;
	r->fail_tr = SIZE_MAX;
	if ((error = load_hdr(db, r, o->run_id, err, errlen)) != 0)
		return (error);
	if ((error = report_states_new(&s, o->states_kind)) != 0
	    || (error = tracerows_open(&c, db, r->hdr.id, 1, 0)) != 0)
		goto done;
	while ((error = tracerows_next(c, &row)) == 0)
		if ((error = report_states_add(s, (int64_t)row.seq, row.func,
			 row.object, row.field, row.old, row.new))
		    != 0)
			break;
	if (error == ENOENT)
		error = report_states_edges(s, ret_e, ret_n);
done:
	tracerows_close(c);
	report_states_free(s);
	if (error == ENOMEM)
		errbuf_set(err, errlen, "out of memory");
	else if (error != 0)
		return (sqlerr(db, db_path, err, errlen));
	return (error);
}

int
report_write_opts(const char *db_path, const struct report_opts *o,
    enum report_format fmt, FILE *out, char *err, size_t errlen)
{
	struct report_run a, b;
	struct report_edge *edges;
	size_t nedges;
	sqlite3 *db = NULL;
	int error;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (fmt == REPORT_DOT && o->against_run_id != 0) {
		errbuf_set(err, errlen, "a diff cannot be written as DOT");
		return (EINVAL);
	}
	if (fmt != REPORT_HTML && fmt != REPORT_MD && fmt != REPORT_TEXT
	    && fmt != REPORT_DOT) {
		errbuf_set(err, errlen, "unknown report format %d", (int)fmt);
		return (EINVAL);
	}
	if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL)
	    != SQLITE_OK) {
		errbuf_set(err, errlen, "%s: cannot open: %s", db_path,
		    db != NULL ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return (ENOENT);
	}
	/*
	 * A WAL database is briefly locked while another connection (a run,
	 * or another report) closes it; wait instead of failing.
	 */
	harden(db);
	sqlite3_busy_timeout(db, 10000);
	if ((error = check_meta(db, db_path, err, errlen)) != 0
	    || (error = check_schema(db, db_path, err, errlen)) != 0)
		goto done;
	/* The readable views of the compact tables (trace_schema.h). */
	if (sqlite3_exec(db, TRACE_SCHEMA_TEMP_VIEWS_SQL, NULL, NULL, NULL)
	    != SQLITE_OK) {
		error = sqlerr(db, db_path, err, errlen);
		goto done;
	}
	/*
	 * DOT streams the run through the state machine's collector; a diff
	 * streams both runs; a report of one run loads its window.
	 */
	if (fmt == REPORT_DOT) {
		if ((error = load_states(
			 db, db_path, o, &a, &edges, &nedges, err, errlen))
		    != 0)
			goto done;
		sqlite3_close(db);
		db = NULL;
		report_dot_edges(&a, edges, nedges, out);
		if (fflush(out) != 0 || ferror(out)) {
			error = EIO;
			errbuf_set(err, errlen, "writing the report: %s",
			    strerror(error));
		}
		goto done;
	}
	if (o->against_run_id != 0)
		error = report_against_load(db, db_path, o->run_id,
		    o->against_run_id, &a, &b, err, errlen);
	else
		error = report_run_load_window(db, db_path, o, &a, err, errlen);
	if (error != 0)
		goto done;
	sqlite3_close(db);
	db = NULL;

	switch (fmt) {
	case REPORT_HTML:
		if (o->against_run_id == 0 && (error = report_slice(&a)) != 0)
			break;
		error = report_html_write(&a,
		    o->against_run_id != 0 ? &b : NULL, o->states_kind, out);
		break;
	case REPORT_MD:
		error = report_md_write(
		    &a, o->against_run_id != 0 ? &b : NULL, out);
		break;
	case REPORT_TEXT:
		error = report_text_write(
		    &a, o->against_run_id != 0 ? &b : NULL, out);
		break;
	case REPORT_DOT:
		error = report_dot_write(&a, o->states_kind, out);
		break;
	}
	if (error == 0 && (fflush(out) != 0 || ferror(out)))
		error = EIO;
	if (error == ENOMEM)
		errbuf_set(err, errlen, "out of memory");
	else if (error != 0)
		errbuf_set(
		    err, errlen, "writing the report: %s", strerror(error));
done:
	sqlite3_close(db);
	report_run_free(&a);
	report_run_free(&b);
	return (error);
}

void
report_esc_json(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	size_t n;

	putc('"', out);
	while (*p != '\0') {
		if (*p == '"' || *p == '\\') {
			putc('\\', out);
			putc(*p++, out);
		} else if (*p < 0x20 || *p == '<' || *p == '>' || *p == '&'
		    || *p == 0x7f)
			fprintf(out, "\\u%04x", (unsigned)*p++);
		else if (*p < 0x80)
			putc(*p++, out);
		else if ((n = utf8_len(p)) == 0) {
			fputs("\\ufffd", out);
			p++;
		} else if (n == 3 && p[0] == 0xe2 && p[1] == 0x80
		    && (p[2] == 0xa8 || p[2] == 0xa9)) {
			/* U+2028 and U+2029 end a line in older scripts. */
			fprintf(out, "\\u%04x", p[2] == 0xa8 ? 0x2028 : 0x2029);
			p += 3;
		} else {
			fwrite(p, 1, n, out);
			p += n;
		}
	}
	putc('"', out);
}
