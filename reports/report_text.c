/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The terminal report: the same facts as the Markdown report (header,
 * failure, per-thread syscall sequence, per-object state histories, print
 * output) as plain lines cut to the terminal width, which comes from
 * $COLUMNS, else TIOCGWINSZ on the output, else 100 columns.  Every line
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
	return (100);
}

/* Writes one line, formatted with printf conventions and cut to 'w'. */
static size_t
tline(FILE *out, size_t w, bool nl, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	n = report_esc_text(out, buf, w);
	if (nl)
		putc('\n', out);
	return (n);
}

static void
pad(FILE *out, size_t n)
{
	while (n-- > 0)
		putc(' ', out);
}

static const char *
tr_desc(const struct report_tr *t, char *buf, size_t len)
{
	char v[32];

	if (strcmp(t->func, "print") == 0)
		snprintf(buf, len, "%" PRId64 " %s tid %" PRId64 " print: %s",
		    t->seq, report_fmt_ns(t->vtime, v, sizeof(v)), t->tid,
		    t->new);
	else
		snprintf(buf, len,
		    "%" PRId64 " %s tid %" PRId64 " %s %s.%s: %s -> %s", t->seq,
		    report_fmt_ns(t->vtime, v, sizeof(v)), t->tid, t->func,
		    t->object, t->field, t->old[0] != '\0' ? t->old : "(none)",
		    t->new[0] != '\0' ? t->new : "(none)");
	return (buf);
}

static void
header(const struct report_run *r, FILE *out, size_t w)
{
	const struct report_hdr *h = &r->hdr;
	char v[32];

	tline(out, w, true, "evsim report - run %" PRId64 ": %s", h->id,
	    h->scenario);
	tline(out, w, true, "  path        %s", h->path);
	tline(out, w, true, "  kernel      %s", h->kernel);
	tline(out, w, true, "  seed        %" PRId64 "   strategy %s",
	    h->seed.v, h->strategy);
	if (h->message[0] != '\0')
		tline(out, w, true, "  status      %s: %s", h->status,
		    h->message);
	else
		tline(out, w, true, "  status      %s", h->status);
	tline(out, w, true,
	    "  vtime       %s   transitions %zu   syscalls %zu   decisions "
	    "%zu   threads %zu   objects %zu",
	    report_fmt_ns(h->vtime_end.v, v, sizeof(v)), r->ntr, r->nsys,
	    r->ndec, r->nthr, r->nobj);
	tline(out, w, true, "  trace hash  %s", h->trace_hash);
	tline(out, w, true, "  engine      %s   recorded %s", h->engine_version,
	    h->created_at);
	tline(out, w, true, "  replay      evsim replay %s --run %" PRId64,
	    r->db_path, h->id);
	if (r->windowed)
		tline(out, w, true,
		    "  (large run: showing seq %" PRId64 "-%" PRId64
		    " of %zu transitions; 'evsim trace' prints them all)",
		    r->lo, r->hi, r->ntr);
}

static void
failure(const struct report_run *r, FILE *out, size_t w)
{
	const struct report_hdr *h = &r->hdr;
	char buf[1024], v[32];
	size_t i;

	if (strcmp(h->status, "passed") == 0)
		return;
	tline(out, w, true, "");
	tline(out, w, true, "FAILURE");
	if (!h->fail_seq.null)
		tline(out, w, true, "  %s at seq %" PRId64 " in %s: %s",
		    h->status, h->fail_seq.v,
		    h->fail_func[0] != '\0' ? h->fail_func : "?", h->message);
	else
		tline(out, w, true, "  %s in %s: %s", h->status,
		    h->fail_func[0] != '\0' ? h->fail_func : "?", h->message);
	if (r->fail_tr != SIZE_MAX)
		tline(out, w, true, "  last transition  %s",
		    tr_desc(&r->tr[r->fail_tr], buf, sizeof(buf)));
	for (i = 0; i < r->ndec; i++) {
		const struct report_dec *d = &r->dec[i];

		if (!d->lead)
			continue;
		if (strcmp(d->kind, "choose") == 0)
			tline(out, w, true,
			    "  decision step %" PRId64 " seq %" PRId64
			    " %s: choose %s -> %" PRId64 " of %s",
			    d->step, d->seq,
			    report_fmt_ns(d->vtime, v, sizeof(v)), d->label,
			    d->chosen, d->runnable);
		else
			tline(out, w, true,
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

	tline(out, w, true, "");
	tline(out, w, true, "THREADS");
	for (i = 0; i < r->nthr; i++) {
		const struct report_thread *t = &r->thr[i];

		if (t->pid != pid) {
			pid = t->pid;
			tline(out, w, true, "  process %" PRId64, pid);
		}
		snprintf(v, sizeof(v), "?");
		e[0] = '\0';
		if (!t->start_seq.null)
			snprintf(v, sizeof(v), "%" PRId64, t->start_seq.v);
		if (!t->end_seq.null)
			snprintf(e, sizeof(e), "%" PRId64, t->end_seq.v);
		tline(out, w, true, "    thread %" PRId64 " %s (%s) seq %s-%s",
		    t->tid, t->name[0] != '\0' ? t->name : "?", t->kind, v, e);
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
			tline(out, w, true,
			    "      %6" PRId64 " %9s  %s(%s) = %s%s%s%s", s->seq,
			    report_fmt_ns(s->vtime, v, sizeof(v)), s->name,
			    s->args, s->result, s->errname != NULL ? " " : "",
			    s->errname != NULL ? s->errname : "", blk);
			shown++;
		}
		if (shown == 0)
			tline(out, w, true, "      (no syscalls)");
	}
}

static void
objects(const struct report_run *r, FILE *out, size_t w)
{
	char v[32], th[96];
	size_t i, j;

	tline(out, w, true, "");
	tline(out, w, true, "OBJECTS");
	for (i = 0; i < r->nobj; i++) {
		const struct report_obj *o = &r->obj[i];
		bool named = false;

		for (j = 0; j < o->n; j++) {
			const struct report_tr *t = &r->tr[o->idx[j]];

			if (!report_in_window(r, t->seq))
				continue;
			if (!named) {
				tline(out, w, true, "  %s%s%s%s", o->name,
				    o->label != NULL ? "  (" : "",
				    o->label != NULL ? o->label : "",
				    o->label != NULL ? ")" : "");
				named = true;
			}
			tline(out, w, true,
			    "  %c %6" PRId64 " %9s  %-14s %s -> %s   %s [%s]",
			    o->idx[j] == r->fail_tr ? '*' : ' ', t->seq,
			    report_fmt_ns(t->vtime, v, sizeof(v)), t->field,
			    t->old[0] != '\0' ? t->old : "(none)",
			    t->new[0] != '\0' ? t->new : "(none)", t->func,
			    report_thread_label(r, t->tid, th, sizeof(th)));
		}
	}
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
			tline(out, w, true, "");
			tline(out, w, true, "OUTPUT AND LABELS");
			any = true;
		}
		tline(out, w, true, "  %6" PRId64 " [%s] %s%s%s", t->seq,
		    report_thread_label(r, t->tid, th, sizeof(th)),
		    strcmp(t->func, "print") == 0 ? "" : "label ",
		    strcmp(t->func, "print") == 0 ? "" : t->field,
		    strcmp(t->func, "print") == 0 ? t->new : "");
		if (strcmp(t->func, "print") != 0 && t->new[0] != '\0')
			tline(out, w, true, "         %s", t->new);
	}
}

static void
diff(
    const struct report_run *a, const struct report_run *b, FILE *out, size_t w)
{
	struct report_diff d;
	char buf[1024];
	size_t half = (w - 3) / 2, i, n;
	int error;

	tline(out, w, true, "");
	tline(out, w, true,
	    "DIFF run %" PRId64 " (%s, %s) | run %" PRId64 " (%s, %s)",
	    a->hdr.id, a->hdr.kernel, a->hdr.status, b->hdr.id, b->hdr.kernel,
	    b->hdr.status);
	if ((error = report_diff_align(a, b, &d)) != 0)
		return;
	if (d.first == SIZE_MAX)
		tline(out, w, true, "  the runs made the same %zu transitions",
		    a->ntr);
	else
		tline(out, w, true,
		    "  first difference after %zu equal transitions "
		    "(marked '>')",
		    d.prefix);
	if (d.skipped > 0)
		tline(out, w, true, "  ... %zu equal transitions", d.skipped);
	for (i = 0; i < d.npair; i++) {
		const struct report_pair *p = &d.pair[i];
		char mark = ' ';

		if (i == d.first)
			mark = '>';
		else if (p->a == SIZE_MAX || p->b == SIZE_MAX)
			mark = '!';
		putc(mark, out);
		n = 0;
		if (p->a != SIZE_MAX)
			n = tline(out, half, false, "%s",
			    tr_desc(&a->tr[p->a], buf, sizeof(buf)));
		pad(out, half - n);
		fputs(" | ", out);
		if (p->b != SIZE_MAX)
			tline(out, half, false, "%s",
			    tr_desc(&b->tr[p->b], buf, sizeof(buf)));
		putc('\n', out);
	}
	if (d.truncated)
		tline(out, w, true, "  ... alignment stops here");
	free(d.pair);
}

int
report_text_write(
    const struct report_run *r, const struct report_run *b, FILE *out)
{
	size_t w = term_width(out);

	header(r, out, w);
	if (b != NULL) {
		tline(out, w, true, "");
		tline(out, w, true, "against:");
		header(b, out, w);
		diff(r, b, out, w);
		return (0);
	}
	failure(r, out, w);
	threads(r, out, w);
	objects(r, out, w);
	output(r, out, w);
	return (0);
}
