/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Markdown report, meant to be pasted into a bug report: the run header
 * as a table, the failure with the decisions that led to it, each thread's
 * syscall sequence, each object's state history, and print output.  Every
 * database string goes through report_esc_md() (pipes, backticks, emphasis,
 * raw HTML), so a hostile scenario name renders as text and cannot break a
 * table.
 *
 * The source reads at 80 columns too: histories and diffs are stacked
 * lists rather than wide tables, and md_wrap() wraps every line but table
 * rows and headings at a space before column 80, the continuation indented
 * under the list item.  Rows that change nothing are left out, and empty
 * values read "(none)" or "(no flags)" (report_vals.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report_impl.h"

#define P(...) report_printf(out, report_esc_md, __VA_ARGS__)

#define MD_WIDTH 80

static const char *
none(const char *s)
{
	return (s[0] != '\0' ? s : "(none)");
}

static size_t
md_cols(const char *s, size_t n)
{
	size_t c = 0, i;

	for (i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return (c);
}

/* Whether a line may start with s without becoming markup. */
static bool
md_safe_start(const char *s)
{
	return (strchr("-+*#>|=`~", *s) == NULL && !(*s >= '0' && *s <= '9'));
}

/*
 * Copies the Markdown in buf to out, wrapping each line longer than
 * MD_WIDTH columns at its last suitable space; table rows and headings are
 * left whole (they must stay one line).  A continuation is indented under
 * the list item's text, or as its line was.
 */
static void
md_wrap(FILE *out, const char *buf)
{
	const char *line = buf, *nl, *p;
	size_t len, ind, lead, b, k, room, sp, cm, skip;

	for (; *line != '\0'; line = nl + (*nl != '\0')) {
		nl = line + strcspn(line, "\n");
		len = (size_t)(nl - line);
		for (lead = 0; lead < len && line[lead] == ' '; lead++)
			;
		if (md_cols(line, len) <= MD_WIDTH || line[lead] == '|'
		    || line[lead] == '#') {
			fwrite(line, 1, len, out);
			if (*nl != '\0')
				putc('\n', out);
			continue;
		}
		ind = lead
		    + (len > lead + 1 && line[lead] == '-'
				&& line[lead + 1] == ' '
			    ? 2
			    : 0);
		p = line;
		room = MD_WIDTH;
		for (;;) {
			len = (size_t)(nl - p);
			if (md_cols(p, len) <= room) {
				fwrite(p, 1, len, out);
				putc('\n', out);
				break;
			}
			/*
			 * The last space before the edge, after the indent;
			 * else just after the last comma (JSON), which
			 * renders as ", ".
			 */
			b = sp = cm = 0;
			for (k = 0; k < len && md_cols(p, k) < room; k++) {
				if (k <= (p == line ? ind : 0)
				    || !md_safe_start(p + k + 1)
				    || p[k + 1] == ' ')
					continue;
				if (p[k] == ' ')
					sp = k;
				else if (p[k] == ',' && p[k + 1] != '\0')
					cm = k + 1;
			}
			if (sp > room / 3 || (sp > 0 && cm == 0)) {
				b = sp;
				skip = 1;
			} else if (cm > 0) {
				b = cm;
				skip = 0;
			}
			if (b == 0) {
				/* No room: break at the next space. */
				for (k = room; k < len; k++)
					if (p[k] == ' '
					    && md_safe_start(p + k + 1)
					    && p[k + 1] != ' ')
						break;
				if (k >= len) {
					fwrite(p, 1, len, out);
					putc('\n', out);
					break;
				}
				b = k;
				skip = 1;
			}
			fwrite(p, 1, b, out);
			putc('\n', out);
			p += b + skip;
			fprintf(out, "%*s", (int)ind, "");
			room = MD_WIDTH - ind;
		}
		if (*nl == '\0')
			break;
	}
}

static void
header(const struct report_run *r, FILE *out, int level)
{
	const struct report_hdr *h = &r->hdr;
	struct report_counts c = report_run_counts(r);
	char v[32];

	P("%r evsim run %d: %s\n\n", level == 1 ? "#" : "###", h->id,
	    h->scenario);
	P("| | |\n| --- | --- |\n");
	P("| scenario | %s |\n", h->scenario);
	P("| path | %s |\n", h->path);
	P("| kernel | %s |\n", h->kernel);
	P("| seed | %d |\n", h->seed.v);
	P("| strategy | %s |\n", h->strategy);
	P("| status | **%s**%r%s |\n", h->status,
	    h->message[0] != '\0' ? ": " : "", h->message);
	P("| virtual duration | %s |\n",
	    report_fmt_ns(h->vtime_end.v, v, sizeof(v)));
	P("| transitions / syscalls / decisions | %u / %u / %u |\n", c.tr,
	    c.sys, c.dec);
	P("| threads / objects | %u / %u |\n", c.thr, c.obj);
	P("| trace hash | %s |\n", h->trace_hash);
	P("| engine | %s |\n", h->engine_version);
	P("| replay | evsim replay %s --run %d |\n\n", r->db_path, h->id);
	if (r->windowed)
		P("Large run: the sections below show seq %d to %d of %u "
		  "transitions; `evsim trace` prints them all.\n\n",
		    r->lo, r->hi, r->ntr);
}

/* One transition as a list item: the change, then who made it. */
static void
tr_item(const struct report_run *r, const struct report_vals *va, FILE *out,
    size_t i, bool obj)
{
	const struct report_tr *t = &r->tr[i];
	char v[32], th[96];

	P("- **%d**%r %s: %s%r%s %s → %s — %s, thread %s\n", t->seq,
	    i == r->fail_tr ? " ✗" : "", report_fmt_ns(t->vtime, v, sizeof(v)),
	    obj ? t->object : "", obj ? "." : "", t->field,
	    report_val_show(r, va, i, false), report_val_show(r, va, i, true),
	    t->func, report_thread_label(r, t->tid, th, sizeof(th)));
}

static void
failure(const struct report_run *r, const struct report_vals *va, FILE *out)
{
	const struct report_hdr *h = &r->hdr;
	char v[32];
	size_t i;
	bool any = false;

	if (strcmp(h->status, "passed") == 0)
		return;
	P("## Failure\n\n");
	P("**%s**", h->status);
	if (!h->fail_seq.null)
		P(" at seq %d", h->fail_seq.v);
	if (h->fail_func[0] != '\0')
		P(" in %s", h->fail_func);
	P(": %s\n\n", h->message);
	if (r->fail_tr != SIZE_MAX) {
		P("Last transition:\n\n");
		tr_item(r, va, out, r->fail_tr, true);
		P("\n");
	}
	for (i = 0; i < r->ndec; i++) {
		const struct report_dec *d = &r->dec[i];

		if (!d->lead)
			continue;
		if (!any) {
			P("Decisions that led there:\n\n");
			any = true;
		}
		if (strcmp(d->kind, "choose") == 0)
			P("- step %d, seq %d, %s: choose %s gave %d of %s\n",
			    d->step, d->seq,
			    report_fmt_ns(d->vtime, v, sizeof(v)), d->label,
			    d->chosen, d->runnable);
		else
			P("- step %d, seq %d, %s: thread %d reached a "
			  "scheduling point, %d ran (runnable %s)%r\n",
			    d->step, d->seq,
			    report_fmt_ns(d->vtime, v, sizeof(v)), d->tid,
			    d->chosen, d->runnable,
			    d->preempt ? " **preemption**" : "");
	}
	if (any)
		P("\n");
}

static void
threads(const struct report_run *r, FILE *out)
{
	char v[32], obj[40];
	size_t i, j, shown;
	int64_t pid = INT64_MIN;

	P("## Threads\n\n");
	for (i = 0; i < r->nthr; i++) {
		const struct report_thread *t = &r->thr[i];

		if (t->pid != pid) {
			P("%r### Process %d\n\n", pid != INT64_MIN ? "\n" : "",
			    t->pid);
			pid = t->pid;
		}
		snprintf(obj, sizeof(obj), "thread#%" PRId64, t->tid);
		P("- thread %d %s (%s)\n", t->tid,
		    report_obj_label(r, obj) != NULL ? report_obj_label(r, obj)
						     : none(t->name),
		    t->kind);
		shown = 0;
		for (j = 0; j < r->nsys; j++) {
			const struct report_sys *s = &r->sys[j];

			if (s->tid != t->tid || !report_in_window(r, s->seq))
				continue;
			P("  - seq %d, %s: %s(%s) = %s", s->seq,
			    report_fmt_ns(s->vtime, v, sizeof(v)), s->name,
			    s->args, s->result);
			if (s->errname != NULL)
				P(" %s", s->errname);
			if (s->end_seq.null)
				P(" (unfinished)");
			else if (s->end_seq.v > s->seq + 1)
				P(" (until seq %d)", s->end_seq.v);
			P("\n");
			shown++;
		}
		if (shown == 0)
			P("  - no syscalls\n");
	}
	P("\n");
}

static void
objects(const struct report_run *r, const struct report_vals *va, FILE *out)
{
	size_t i, j, noop = 0;

	P("## Objects\n\n");
	for (i = 0; i < r->nobj; i++) {
		const struct report_obj *o = &r->obj[i];
		bool named = false;

		for (j = 0; j < o->n; j++) {
			const struct report_tr *t = &r->tr[o->idx[j]];

			if (!report_in_window(r, t->seq))
				continue;
			if (report_tr_noop(t)) {
				noop++;
				continue;
			}
			if (!named) {
				if (o->label != NULL)
					P("### %s (%s)\n\n", o->name, o->label);
				else
					P("### %s\n\n", o->name);
				named = true;
			}
			tr_item(r, va, out, o->idx[j], false);
		}
		if (named)
			P("\n");
	}
	if (noop > 0)
		P("(%u row%r that changed nothing, old = new, left out.)\n\n",
		    noop, noop == 1 ? "" : "s");
}

static void
output(const struct report_run *r, FILE *out)
{
	char th[96];
	size_t i;
	bool any = false;

	for (i = 0; i < r->ntr; i++) {
		const struct report_tr *t = &r->tr[i];

		if (!report_tr_is_event(t) || !report_in_window(r, t->seq))
			continue;
		if (!any) {
			P("## Output and labels\n\n");
			any = true;
		}
		P("- **%d** thread %s, %s: %s\n", t->seq,
		    report_thread_label(r, t->tid, th, sizeof(th)),
		    strcmp(t->func, "print") == 0 ? "print" : t->field, t->new);
	}
	if (any)
		P("\n");
}

/* One side of a diff row: seq, func, object.field, change. */
static void
diff_side(const struct report_run *r, const struct report_vals *va, FILE *out,
    size_t i)
{
	const struct report_tr *t = &r->tr[i];

	P("**%d** %s %s.%s: %s → %s", t->seq, t->func, t->object, t->field,
	    report_val_show(r, va, i, false), report_val_show(r, va, i, true));
}

/* The last transitions of both runs, after an alignment that stopped. */
static void
diff_ends(const struct report_run *a, const struct report_vals *va,
    const struct report_run *b, const struct report_vals *vb,
    const struct report_diff *d, FILE *out)
{
	size_t i;

	if (d->end[0] == a->ntr && d->end[1] == b->ntr)
		return;
	P("\n%u transitions of run %d and %u of run %d after these are left "
	  "out.  The runs end with:\n\n",
	    d->left[0], a->hdr.id, d->left[1], b->hdr.id);
	for (i = d->end[0]; i < a->ntr; i++) {
		P("- *run %d:* ", a->hdr.id);
		diff_side(a, va, out, i);
		P("\n");
	}
	for (i = d->end[1]; i < b->ntr; i++) {
		P("- *run %d:* ", b->hdr.id);
		diff_side(b, vb, out, i);
		P("\n");
	}
}

static int
diff(const struct report_run *a, const struct report_vals *va,
    const struct report_run *b, const struct report_vals *vb, FILE *out)
{
	const struct report_diff *d = a->diff;
	size_t i, k;

	P("## Diff: run %d against run %d\n\n", a->hdr.id, b->hdr.id);
	if (d->first == SIZE_MAX)
		P("The runs made the same %u transitions.\n\n",
		    report_run_counts(a).tr);
	else
		P("First difference after %u equal transitions (marked "
		  "**▶**).  Rows in both runs show run %d's seq.\n\n",
		    d->prefix, a->hdr.id);
	if (d->skipped > 0)
		P("(%u equal transitions before these are left out.)\n\n",
		    d->skipped);
	for (i = 0; i < d->npair; i++) {
		const struct report_pair *p = &d->pair[i];

		P("- %r", i == d->first ? "**▶** " : "");
		if (p->a != SIZE_MAX && p->b != SIZE_MAX)
			diff_side(a, va, out, p->a);
		else if (p->a != SIZE_MAX) {
			P("*run %d only:* ", a->hdr.id);
			diff_side(a, va, out, p->a);
		} else {
			P("*run %d only:* ", b->hdr.id);
			diff_side(b, vb, out, p->b);
		}
		P("\n");
	}
	if (d->truncated)
		P("\nThe alignment stops here; `evsim diff` shows the rest.\n");
	diff_ends(a, va, b, vb, d, out);
	if (d->nobj > 0)
		P("\nObjects that differ:\n\n");
	for (k = 0; k < d->nobj; k++) {
		const char *la = d->label[0][k], *lb = d->label[1][k];

		if (la != NULL && lb != NULL && strcmp(la, lb) != 0)
			P("- %s: %s (run %d), %s (run %d)\n", d->obj[k], la,
			    a->hdr.id, lb, b->hdr.id);
		else
			P("- %s: %s\n", d->obj[k], la != NULL ? la : lb);
	}
	P("\n");
	return (0);
}

int
report_md_write(
    const struct report_run *r, const struct report_run *b, FILE *out0)
{
	struct report_vals va, vb;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	int error = 0;

	if (out == NULL)
		return (ENOMEM);
	if (report_vals_init(r, &va) != 0) {
		fclose(out);
		free(buf);
		return (ENOMEM);
	}
	header(r, out, 1);
	if (b != NULL) {
		if ((error = report_vals_init(b, &vb)) == 0) {
			P("Against:\n\n");
			header(b, out, 3);
			error = diff(r, &va, b, &vb, out);
			report_vals_free(&vb);
		}
	} else {
		failure(r, &va, out);
		threads(r, out);
		objects(r, &va, out);
		output(r, out);
	}
	report_vals_free(&va);
	if (fclose(out) != 0 || buf == NULL) {
		free(buf);
		return (ENOMEM);
	}
	if (error == 0)
		md_wrap(out0, buf);
	free(buf);
	return (error);
}
