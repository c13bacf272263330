/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Markdown report, meant to be pasted into a bug report: the run header
 * as a table, the failure with the decisions that led to it, each thread's
 * syscall sequence, each object's state history as a table, and print
 * output.  Every database string goes through report_esc_md() (pipes,
 * backticks, emphasis, raw HTML), so a hostile scenario name renders as text
 * and cannot break a table.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report_impl.h"

#define P(...) report_printf(out, report_esc_md, __VA_ARGS__)

static const char *
none(const char *s)
{
	return (s[0] != '\0' ? s : "(none)");
}

static void
header(const struct report_run *r, FILE *out, int level)
{
	const struct report_hdr *h = &r->hdr;
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
	P("| transitions / syscalls / decisions | %u / %u / %u |\n", r->ntr,
	    r->nsys, r->ndec);
	P("| threads / objects | %u / %u |\n", r->nthr, r->nobj);
	P("| trace hash | %s |\n", h->trace_hash);
	P("| engine | %s |\n", h->engine_version);
	P("| replay | evsim replay %s --run %d |\n\n", r->db_path, h->id);
	if (r->windowed)
		P("Large run: the sections below show seq %d to %d of %u "
		  "transitions; `evsim trace` prints them all.\n\n",
		    r->lo, r->hi, r->ntr);
}

static void
tr_row(
    const struct report_run *r, FILE *out, const struct report_tr *t, bool fail)
{
	char v[32], th[96];

	P("| %r%d%r | %s | %s | %s | %s | %s | %s | %s |\n", fail ? "**" : "",
	    t->seq, fail ? "** ✗" : "", report_fmt_ns(t->vtime, v, sizeof(v)),
	    report_thread_label(r, t->tid, th, sizeof(th)), t->func, t->object,
	    t->field, none(t->old), none(t->new));
}

static void
failure(const struct report_run *r, FILE *out)
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
		P("| seq | vtime | thread | func | object | field | old | new "
		  "|\n| --- | --- | --- | --- | --- | --- | --- | --- |\n");
		tr_row(r, out, &r->tr[r->fail_tr], true);
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
	char v[32];
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
		P("- thread %d %s (%s)\n", t->tid, none(t->name), t->kind);
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
objects(const struct report_run *r, FILE *out)
{
	size_t i, j;

	P("## Objects\n\n");
	for (i = 0; i < r->nobj; i++) {
		const struct report_obj *o = &r->obj[i];
		bool named = false;

		for (j = 0; j < o->n; j++) {
			const struct report_tr *t = &r->tr[o->idx[j]];

			if (!report_in_window(r, t->seq))
				continue;
			if (!named) {
				if (o->label != NULL)
					P("### %s (%s)\n\n", o->name, o->label);
				else
					P("### %s\n\n", o->name);
				P("| seq | vtime | thread | func | object | "
				  "field | old | new |\n"
				  "| --- | --- | --- | --- | --- | --- | --- "
				  "| --- |\n");
				named = true;
			}
			tr_row(r, out, t, o->idx[j] == r->fail_tr);
		}
		if (named)
			P("\n");
	}
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
			P("## Output and labels\n\n| seq | thread | kind | "
			  "text |\n| --- | --- | --- | --- |\n");
			any = true;
		}
		P("| %d | %s | %s | %s |\n", t->seq,
		    report_thread_label(r, t->tid, th, sizeof(th)),
		    strcmp(t->func, "print") == 0 ? "print" : t->field, t->new);
	}
	if (any)
		P("\n");
}

static void
tr_cell(const struct report_run *r, FILE *out, size_t i)
{
	const struct report_tr *t;

	if (i == SIZE_MAX) {
		P(" | | | |");
		return;
	}
	t = &r->tr[i];
	P(" %d | %s | %s.%s | %s → %s |", t->seq, t->func, t->object, t->field,
	    none(t->old), none(t->new));
}

static int
diff(const struct report_run *a, const struct report_run *b, FILE *out)
{
	struct report_diff d;
	size_t i;
	int error;

	if ((error = report_diff_align(a, b, &d)) != 0)
		return (error);
	P("## Diff: run %d against run %d\n\n", a->hdr.id, b->hdr.id);
	if (d.first == SIZE_MAX)
		P("The runs made the same %u transitions.\n\n", a->ntr);
	else
		P("First difference after %u equal transitions (marked "
		  "**▶**).\n\n",
		    d.prefix);
	if (d.skipped > 0)
		P("(%u equal transitions before these are left out.)\n\n",
		    d.skipped);
	P("| | seq A | func A | change A | value A | seq B | func B | "
	  "change B | value B |\n| --- | --- | --- | --- | --- | --- | --- "
	  "| --- | --- |\n");
	for (i = 0; i < d.npair; i++) {
		const struct report_pair *p = &d.pair[i];

		P("|%r",
		    i == d.first
			? " **▶** |"
			: (p->a == SIZE_MAX || p->b == SIZE_MAX ? " ≠ |"
								: " |"));
		tr_cell(a, out, p->a);
		tr_cell(b, out, p->b);
		P("\n");
	}
	if (d.truncated)
		P("\nThe alignment stops here; `evsim diff` shows the rest.\n");
	P("\n");
	free(d.pair);
	return (0);
}

int
report_md_write(
    const struct report_run *r, const struct report_run *b, FILE *out)
{
	header(r, out, 1);
	if (b != NULL) {
		P("Against:\n\n");
		header(b, out, 3);
		return (diff(r, b, out));
	}
	failure(r, out);
	threads(r, out);
	objects(r, out);
	output(r, out);
	return (0);
}
