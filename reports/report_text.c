/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The terminal report: the same facts as the Markdown report (header,
 * failure, per-thread syscall sequence, per-object state histories, print
 * output) as plain lines wrapped to the terminal width, which comes from
 * $COLUMNS, else TIOCGWINSZ on the output, else 80 columns (a file or a
 * pipe).  No line is wider: a long line goes on, indented, on the next;
 * an object's rows are aligned in columns when they all fit, else compact,
 * and a change that does not fit on one line even so is stacked (the
 * change, then the function and thread); the diff is side by side from 120
 * columns, stacked ('-' run A, '+' run B) below.  Rows that change nothing
 * are left out, and an empty value reads "(none)" (no previous value, no
 * object) or "(no flags)" (the empty flag set), see report_vals.c.  Every line
 * passes through report_esc_text(), so control characters from a scenario
 * (terminal escapes) never reach the terminal.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "report_impl.h"

static size_t
term_width(FILE *out)
{
	struct winsize ws;
	const char *c = getenv("COLUMNS");
	long v;

	if (c != NULL && (v = strtol(c, NULL, 10)) > 0)
		return (v < 40 ? 40 : (size_t)v);
	if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return (ws.ws_col < 40 ? 40 : ws.ws_col);
	return (80); /* not a terminal: a file or a pipe, read at 80 */
}

/* Columns of UTF-8 text s: one per code point (escaping keeps that). */
static size_t
cols_of(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return (n);
}

/* Byte length of the first n code points of the valid UTF-8 string s. */
static size_t
bytes_of(const char *s, size_t n)
{
	size_t b = 0;

	while (s[b] != '\0' && n > 0) {
		b++;
		while (((unsigned char)s[b] & 0xc0) == 0x80)
			b++;
		n--;
	}
	return (b);
}

/*
 * Writes s escaped for a terminal (report_esc_text) and wrapped to w
 * columns: a line too long breaks at its last space (else anywhere) and
 * goes on under its own indentation plus four columns, so that nothing is
 * cut and no line is wider than w.
 */
static void
twrap(FILE *out, size_t w, const char *s)
{
	char *e = NULL, *p;
	size_t elen = 0, lead, ind, room, n, b, k;
	FILE *m = open_memstream(&e, &elen);

	if (m == NULL)
		return;
	report_esc_text(m, s, 0);
	if (fclose(m) != 0 || e == NULL) {
		free(e);
		return;
	}
	for (lead = 0; e[lead] == ' '; lead++)
		;
	ind = lead + 4 < w / 2 ? lead + 4 : w / 2;
	p = e;
	room = w;
	for (;;) {
		n = cols_of(p);
		if (n <= room) {
			fputs(p, out);
			putc('\n', out);
			break;
		}
		b = bytes_of(p, room);
		/*
		 * The last space in the line past its indentation (or else
		 * just after its last comma, for JSON).
		 */
		for (k = b; k > 0 && p[k] != ' '; k--)
			;
		if (k > (p == e ? lead : 0) + room / 3)
			b = k;
		else {
			for (k = b - 1; k > 0 && p[k] != ','; k--)
				;
			if (k > (p == e ? lead : 0) + room / 3)
				b = k + 1;
		}
		fwrite(p, 1, b, out);
		putc('\n', out);
		p += b;
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		fprintf(out, "%*s", (int)ind, "");
		room = w - ind;
	}
	free(e);
}

/* Writes one line, formatted with printf conventions, wrapped to 'w'. */
static void tline(FILE *out, size_t w, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
tline(FILE *out, size_t w, const char *fmt, ...)
{
	char *buf = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	twrap(out, w, buf);
	free(buf);
}

/* Writes one cell of the side-by-side diff, cut to 'w' columns. */
static size_t
tcell(FILE *out, size_t w, const char *s)
{
	return (report_esc_text(out, s, w));
}

static void
pad(FILE *out, size_t n)
{
	while (n-- > 0)
		putc(' ', out);
}

/* A transition in one line: seq, vtime, thread, func, object, change. */
static const char *
tr_desc(const struct report_run *r, const struct report_vals *v, size_t i,
    char *buf, size_t len)
{
	const struct report_tr *t = &r->tr[i];
	char vt[32];

	if (strcmp(t->func, "print") == 0)
		snprintf(buf, len, "%" PRId64 " %s tid %" PRId64 " print: %s",
		    t->seq, report_fmt_ns(t->vtime, vt, sizeof(vt)), t->tid,
		    t->new);
	else
		snprintf(buf, len,
		    "%" PRId64 " %s tid %" PRId64 " %s %s.%s: %s -> %s", t->seq,
		    report_fmt_ns(t->vtime, vt, sizeof(vt)), t->tid, t->func,
		    t->object, t->field, report_val_show(r, v, i, false),
		    report_val_show(r, v, i, true));
	return (buf);
}

/* The name of thread 'tid' with its label, when it has one. */
static const char *
thread_name(const struct report_run *r, const struct report_thread *t)
{
	char obj[40];
	const char *l;

	snprintf(obj, sizeof(obj), "thread#%" PRId64, t->tid);
	if ((l = report_obj_label(r, obj)) != NULL)
		return (l);
	return (t->name[0] != '\0' ? t->name : "?");
}

static void
header(const struct report_run *r, FILE *out, size_t w)
{
	const struct report_hdr *h = &r->hdr;
	struct report_counts c = report_run_counts(r);
	char v[32];

	tline(out, w, "evsim report - run %" PRId64 ": %s", h->id, h->scenario);
	tline(out, w, "  path        %s", h->path);
	tline(out, w, "  kernel      %s", h->kernel);
	tline(out, w, "  seed        %" PRId64 "   strategy %s", h->seed.v,
	    h->strategy);
	if (h->message[0] != '\0')
		tline(out, w, "  status      %s: %s", h->status, h->message);
	else
		tline(out, w, "  status      %s", h->status);
	tline(out, w, "  vtime       %s   transitions %zu   syscalls %zu",
	    report_fmt_ns(h->vtime_end.v, v, sizeof(v)), c.tr, c.sys);
	tline(out, w, "  decisions   %zu   threads %zu   objects %zu", c.dec,
	    c.thr, c.obj);
	tline(out, w, "  trace hash  %s", h->trace_hash);
	tline(out, w, "  engine      %s   recorded %s", h->engine_version,
	    h->created_at);
	tline(out, w, "  replay      evsim replay %s --run %" PRId64,
	    r->db_path, h->id);
	if (r->windowed)
		tline(out, w,
		    "  (large run: showing seq %" PRId64 "-%" PRId64
		    " of %zu transitions; 'evsim trace' prints them all)",
		    r->lo, r->hi, r->ntr);
}

static void
failure(const struct report_run *r, const struct report_vals *va, FILE *out,
    size_t w)
{
	const struct report_hdr *h = &r->hdr;
	char buf[2048], v[32];
	size_t i;

	if (strcmp(h->status, "passed") == 0)
		return;
	tline(out, w, "%s", "");
	tline(out, w, "FAILURE");
	if (!h->fail_seq.null)
		tline(out, w, "  %s at seq %" PRId64 " in %s: %s", h->status,
		    h->fail_seq.v, h->fail_func[0] != '\0' ? h->fail_func : "?",
		    h->message);
	else
		tline(out, w, "  %s in %s: %s", h->status,
		    h->fail_func[0] != '\0' ? h->fail_func : "?", h->message);
	if (r->fail_tr != SIZE_MAX)
		tline(out, w, "  last transition  %s",
		    tr_desc(r, va, r->fail_tr, buf, sizeof(buf)));
	for (i = 0; i < r->ndec; i++) {
		const struct report_dec *d = &r->dec[i];

		if (!d->lead)
			continue;
		if (strcmp(d->kind, "choose") == 0)
			tline(out, w,
			    "  decision step %" PRId64 " seq %" PRId64
			    " %s: choose %s -> %" PRId64 " of %s",
			    d->step, d->seq,
			    report_fmt_ns(d->vtime, v, sizeof(v)), d->label,
			    d->chosen, d->runnable);
		else
			tline(out, w,
			    "  decision step %" PRId64 " seq %" PRId64
			    " %s: at %" PRId64 " ran %" PRId64 " of {%s}%s",
			    d->step, d->seq,
			    report_fmt_ns(d->vtime, v, sizeof(v)), d->tid,
			    d->chosen, d->runnable,
			    d->preempt ? " (preemption)" : "");
	}
}

static void
threads(const struct report_run *r, FILE *out, size_t w)
{
	char v[32], e[32];
	size_t i, j, shown;
	int64_t pid = INT64_MIN;

	tline(out, w, "%s", "");
	tline(out, w, "THREADS");
	for (i = 0; i < r->nthr; i++) {
		const struct report_thread *t = &r->thr[i];

		if (t->pid != pid) {
			pid = t->pid;
			tline(out, w, "  process %" PRId64, pid);
		}
		snprintf(v, sizeof(v), "?");
		e[0] = '\0';
		if (!t->start_seq.null)
			snprintf(v, sizeof(v), "%" PRId64, t->start_seq.v);
		if (!t->end_seq.null)
			snprintf(e, sizeof(e), "%" PRId64, t->end_seq.v);
		tline(out, w, "    thread %" PRId64 " %s (%s) seq %s-%s",
		    t->tid, thread_name(r, t), t->kind, v, e);
		shown = 0;
		for (j = 0; j < r->nsys; j++) {
			const struct report_sys *s = &r->sys[j];
			char blk[64] = "";

			if (s->tid != t->tid || !report_in_window(r, s->seq))
				continue;
			if (s->end_seq.null)
				snprintf(blk, sizeof(blk), "  [unfinished]");
			else if (s->end_seq.v > s->seq + 1)
				snprintf(blk, sizeof(blk),
				    "  [seq %" PRId64 "-%" PRId64 "]", s->seq,
				    s->end_seq.v);
			tline(out, w,
			    "      %6" PRId64 " %9s  %s(%s) = %s%s%s%s", s->seq,
			    report_fmt_ns(s->vtime, v, sizeof(v)), s->name,
			    s->args, s->result, s->errname != NULL ? " " : "",
			    s->errname != NULL ? s->errname : "", blk);
			shown++;
		}
		if (shown == 0)
			tline(out, w, "      (no syscalls)");
	}
}

/*
 * One row of an object's history, aligned in columns (aligned) or compact
 * into *ret (malloc'ed); NULL when out of memory.
 */
static char *
obj_row_text(const struct report_run *r, const struct report_vals *va, size_t i,
    bool aligned)
{
	const struct report_tr *t = &r->tr[i];
	char v[32], th[96], *s = NULL;
	char mark = i == r->fail_tr ? '*' : ' ';
	const char *o = report_val_show(r, va, i, false);
	const char *n = report_val_show(r, va, i, true);
	int rc;

	report_fmt_ns(t->vtime, v, sizeof(v));
	report_thread_label(r, t->tid, th, sizeof(th));
	if (aligned)
		rc = asprintf(&s,
		    "  %c %6" PRId64 " %9s  %-14s %s -> %s   %s [%s]", mark,
		    t->seq, v, t->field, o, n, t->func, th);
	else
		rc = asprintf(&s, "  %c %" PRId64 " %s  %s: %s -> %s  %s [%s]",
		    mark, t->seq, v, t->field, o, n, t->func, th);
	return (rc < 0 ? NULL : s);
}

/*
 * Writes one row of an object's history: on one line when it fits in 'w',
 * else stacked (the change, then who made it, indented).
 */
static void
obj_row(const struct report_run *r, const struct report_vals *va, size_t i,
    bool aligned, FILE *out, size_t w)
{
	const struct report_tr *t = &r->tr[i];
	char v[32], th[96], *one = obj_row_text(r, va, i, aligned);

	if (one != NULL && cols_of(one) <= w)
		twrap(out, w, one);
	else {
		tline(out, w, "  %c %6" PRId64 " %9s  %s: %s -> %s",
		    i == r->fail_tr ? '*' : ' ', t->seq,
		    report_fmt_ns(t->vtime, v, sizeof(v)), t->field,
		    report_val_show(r, va, i, false),
		    report_val_show(r, va, i, true));
		tline(out, w, "%21s%s [%s]", "", t->func,
		    report_thread_label(r, t->tid, th, sizeof(th)));
	}
	free(one);
}

/*
 * Whether every row of o in the window fits in 'w' aligned in columns;
 * else the object's rows are written compact.
 */
static bool
obj_aligned(const struct report_run *r, const struct report_vals *va,
    const struct report_obj *o, size_t w)
{
	size_t j;
	char *s;
	bool fits = true;

	for (j = 0; j < o->n && fits; j++) {
		const struct report_tr *t = &r->tr[o->idx[j]];

		if (!report_in_window(r, t->seq) || report_tr_noop(t))
			continue;
		s = obj_row_text(r, va, o->idx[j], true);
		fits = s != NULL && cols_of(s) <= w;
		free(s);
	}
	return (fits);
}

static void
objects(const struct report_run *r, const struct report_vals *va, FILE *out,
    size_t w)
{
	size_t i, j, noop = 0;

	tline(out, w, "%s", "");
	tline(out, w, "OBJECTS");
	for (i = 0; i < r->nobj; i++) {
		const struct report_obj *o = &r->obj[i];
		bool named = false, aligned = obj_aligned(r, va, o, w);

		for (j = 0; j < o->n; j++) {
			const struct report_tr *t = &r->tr[o->idx[j]];

			if (!report_in_window(r, t->seq))
				continue;
			if (report_tr_noop(t)) {
				noop++;
				continue;
			}
			if (!named) {
				tline(out, w, "  %s%s%s%s", o->name,
				    o->label != NULL ? "  (" : "",
				    o->label != NULL ? o->label : "",
				    o->label != NULL ? ")" : "");
				named = true;
			}
			obj_row(r, va, o->idx[j], aligned, out, w);
		}
	}
	if (noop > 0)
		tline(out, w,
		    "  (%zu row%s that changed nothing, old = new, left out)",
		    noop, noop == 1 ? "" : "s");
}

static void
output(const struct report_run *r, FILE *out, size_t w)
{
	char th[96];
	size_t i;
	bool any = false;

	for (i = 0; i < r->ntr; i++) {
		const struct report_tr *t = &r->tr[i];

		if (!report_tr_is_event(t) || !report_in_window(r, t->seq))
			continue;
		if (!any) {
			tline(out, w, "%s", "");
			tline(out, w, "OUTPUT AND LABELS");
			any = true;
		}
		tline(out, w, "  %6" PRId64 " [%s] %s%s%s", t->seq,
		    report_thread_label(r, t->tid, th, sizeof(th)),
		    strcmp(t->func, "print") == 0 ? "" : "label ",
		    strcmp(t->func, "print") == 0 ? "" : t->field,
		    strcmp(t->func, "print") == 0 ? t->new : "");
		if (strcmp(t->func, "print") != 0 && t->new[0] != '\0')
			tline(out, w, "         %s", t->new);
	}
}

/* The labels of the objects of the rows only one run has. */
static void
diff_legend(const struct report_run *a, const struct report_run *b,
    const struct report_diff *d, FILE *out, size_t w)
{
	const char *la, *lb;
	size_t i;

	if (d->nobj > 0)
		tline(out, w, "  objects that differ:");
	for (i = 0; i < d->nobj; i++) {
		la = d->label[0][i];
		lb = d->label[1][i];
		if (la != NULL && lb != NULL && strcmp(la, lb) != 0)
			tline(out, w,
			    "    %s  run %" PRId64 ": %s; run %" PRId64 ": %s",
			    d->obj[i], a->hdr.id, la, b->hdr.id, lb);
		else
			tline(out, w, "    %s  %s", d->obj[i],
			    la != NULL ? la : lb);
	}
}

/* Columns from which the diff shows the two runs side by side. */
#define SIDE_BY_SIDE 120

/* One row of the side-by-side diff: mark, run a's cell, run b's cell. */
static void
diff_row(const struct report_run *a, const struct report_vals *va,
    const struct report_run *b, const struct report_vals *vb, FILE *out,
    size_t w, char mark, size_t ia, size_t ib)
{
	char buf[2048];
	size_t half = (w - 3) / 2, n = 0;

	putc(mark, out);
	if (ia != SIZE_MAX)
		n = tcell(out, half, tr_desc(a, va, ia, buf, sizeof(buf)));
	pad(out, half - n);
	fputs(" | ", out);
	if (ib != SIZE_MAX)
		tcell(out, half, tr_desc(b, vb, ib, buf, sizeof(buf)));
	putc('\n', out);
}

/* The last transitions of both runs, after an alignment that stopped. */
static void
diff_ends(const struct report_run *a, const struct report_vals *va,
    const struct report_run *b, const struct report_vals *vb,
    const struct report_diff *d, FILE *out, size_t w)
{
	char buf[2048];
	size_t na = a->ntr - d->end[0], nb = b->ntr - d->end[1], i;

	if (na == 0 && nb == 0)
		return;
	tline(out, w,
	    "  ... %zu transitions of run %" PRId64 " and %zu of run %" PRId64
	    " left out; the runs end with:",
	    d->left[0], a->hdr.id, d->left[1], b->hdr.id);
	if (w >= SIDE_BY_SIDE) {
		for (i = 0; i < na || i < nb; i++)
			diff_row(a, va, b, vb, out, w, ' ',
			    i < na ? d->end[0] + i : SIZE_MAX,
			    i < nb ? d->end[1] + i : SIZE_MAX);
		return;
	}
	for (i = 0; i < na; i++)
		tline(out, w, " - %s",
		    tr_desc(a, va, d->end[0] + i, buf, sizeof(buf)));
	for (i = 0; i < nb; i++)
		tline(out, w, " + %s",
		    tr_desc(b, vb, d->end[1] + i, buf, sizeof(buf)));
}

static void
diff(const struct report_run *a, const struct report_vals *va,
    const struct report_run *b, const struct report_vals *vb, FILE *out,
    size_t w)
{
	const struct report_diff *d = a->diff;
	char buf[2048], buf2[2048];
	size_t i;

	tline(out, w, "%s", "");
	tline(out, w,
	    "DIFF run %" PRId64 " (%s, %s) | run %" PRId64 " (%s, %s)",
	    a->hdr.id, a->hdr.kernel, a->hdr.status, b->hdr.id, b->hdr.kernel,
	    b->hdr.status);
	if (d->first == SIZE_MAX)
		tline(out, w, "  the runs made the same %zu transitions",
		    report_run_counts(a).tr);
	else if (w >= SIDE_BY_SIDE)
		tline(out, w,
		    "  first difference after %zu equal transitions "
		    "(marked '>')",
		    d->prefix);
	else
		tline(out, w,
		    "  first difference after %zu equal transitions (marked "
		    "'>'); '-' only in run %" PRId64
		    ", '+' only in run %" PRId64,
		    d->prefix, a->hdr.id, b->hdr.id);
	if (d->skipped > 0)
		tline(out, w, "  ... %zu equal transitions", d->skipped);
	for (i = 0; i < d->npair; i++) {
		const struct report_pair *p = &d->pair[i];
		char mark = ' ';

		if (i == d->first)
			mark = '>';
		else if (p->a == SIZE_MAX || p->b == SIZE_MAX)
			mark = '!';
		if (w < SIDE_BY_SIDE) {
			/* Stacked: equal rows once, the others marked. */
			if (mark == '!')
				mark = ' ';
			if (p->a != SIZE_MAX && p->b != SIZE_MAX
			    && strcmp(tr_desc(a, va, p->a, buf, sizeof(buf)),
				   tr_desc(b, vb, p->b, buf2, sizeof(buf2)))
				== 0)
				tline(out, w, "%c  %s", mark, buf);
			else {
				if (p->a != SIZE_MAX)
					tline(out, w, "%c- %s", mark,
					    tr_desc(
						a, va, p->a, buf, sizeof(buf)));
				if (p->b != SIZE_MAX)
					tline(out, w, "%c+ %s",
					    p->a != SIZE_MAX ? ' ' : mark,
					    tr_desc(
						b, vb, p->b, buf, sizeof(buf)));
			}
			continue;
		}
		diff_row(a, va, b, vb, out, w, mark, p->a, p->b);
	}
	if (d->truncated)
		tline(out, w, "  ... alignment stops here");
	diff_ends(a, va, b, vb, d, out, w);
	diff_legend(a, b, d, out, w);
}

int
report_text_write(
    const struct report_run *r, const struct report_run *b, FILE *out)
{
	struct report_vals va, vb;
	size_t w = term_width(out);

	if (report_vals_init(r, &va) != 0)
		return (ENOMEM);
	header(r, out, w);
	if (b != NULL) {
		if (report_vals_init(b, &vb) != 0) {
			report_vals_free(&va);
			return (ENOMEM);
		}
		tline(out, w, "%s", "");
		tline(out, w, "against:");
		header(b, out, w);
		diff(r, &va, b, &vb, out, w);
		report_vals_free(&vb);
		report_vals_free(&va);
		return (0);
	}
	failure(r, &va, out, w);
	threads(r, out, w);
	objects(r, &va, out, w);
	output(r, out, w);
	report_vals_free(&va);
	return (0);
}
