/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The HTML report: one self-contained page (inline CSS, inline SVG, one
 * small inline script for filtering the transition table; nothing fetched)
 * with the run header, the failure, a swimlane timeline of the threads, a
 * state timeline of every kernel object, the observed state machines, print
 * output, and filterable tables of transitions, syscalls and decisions.
 *
 * Both timelines share one horizontal axis: the transition sequence, with
 * virtual time printed along it.  A deterministic simulator spends most of
 * a run at a few instants of virtual time (vtime only moves on sleeps and
 * timeouts), so an axis in nanoseconds would pile every transition onto a
 * handful of pixels; the sequence keeps the interleaving readable and lets
 * the failure and the decisions be drawn at the same x in both timelines.
 *
 * Runs with more than REPORT_WINDOW transitions are summarised: an overview
 * shows each thread's activity over the whole run, and the timelines and
 * tables show the window around the failure that report.c chose, which keeps
 * the page to a few megabytes for 200,000 transitions.  Every database
 * string is written through report_esc_html(), in text and in attributes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "report_impl.h"

#define P(...) report_printf(out, report_esc_html, __VA_ARGS__)

#define LABEL_W 210
#define PLOT_W 1180
#define RIGHT_W 20
#define AXIS_H 40
#define LANE_H 26
#define GROUP_H 20
#define BAND_H 18
#define OBJ_H 18
#define MAX_OBJ_DRAWN 150
#define MAX_FIELDS 24
#define MAX_SUMMARY 2000
#define OVERVIEW_BINS 300

/* The horizontal scale shared by both timelines. */
struct geom {
	int64_t lo;
	int64_t hi;
	double per_seq;
};

/* A stretch of transitions during which one thread ran. */
struct seg {
	int64_t from;
	int64_t to;
	int64_t tid;
};

static double
X(const struct geom *g, int64_t seq)
{
	if (seq < g->lo)
		seq = g->lo;
	if (seq > g->hi + 1)
		seq = g->hi + 1;
	return (LABEL_W + (double)(seq - g->lo) * g->per_seq);
}

static const char *
none(const char *s)
{
	return (s[0] != '\0' ? s : "(none)");
}

/* The virtual time at transition 'seq': that of the last one at or before. */
static int64_t
vtime_at(const struct report_run *r, int64_t seq)
{
	size_t lo = 0, hi = r->ntr, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (r->tr[mid].seq <= seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo > 0 ? r->tr[lo - 1].vtime : 0);
}

/* The index of the first transition with seq >= 'seq'. */
static size_t
tr_from(const struct report_run *r, int64_t seq)
{
	size_t lo = 0, hi = r->ntr, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (r->tr[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo);
}

/* A stable pastel colour for a value, so equal states look equal. */
static void
value_fill(FILE *out, const char *v)
{
	uint32_t h = (uint32_t)XXH3_64bits(v, strlen(v));

	fprintf(out, "hsl(%u,60%%,%u%%)", (unsigned)(h % 360),
	    (unsigned)(72 + (h >> 9) % 14));
}

static void
css(FILE *out)
{
	fputs("<style>\n"
	      "body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',sans-"
	      "serif;margin:0 1.5em 3em;color:#1d2330;background:#fff}\n"
	      "h1{font-size:1.5em;margin:.8em 0 .3em}h2{font-size:1.2em;"
	      "margin:1.6em 0 .4em;border-bottom:1px solid #d6dbe4}\n"
	      "table{border-collapse:collapse}td,th{padding:2px 8px;"
	      "text-align:left;vertical-align:top}\n"
	      "table.meta th{color:#5b6477;font-weight:normal}\n"
	      "table.grid{font:12px ui-monospace,Menlo,Consolas,monospace}\n"
	      "table.grid th{position:sticky;top:0;background:#eef1f6}\n"
	      "table.grid tr:nth-child(even){background:#f7f8fb}\n"
	      "tr.fail,tr.fail td{background:#ffd9d9!important;"
	      "font-weight:bold}\n"
	      "tr.lead td{background:#fff0c9}tr.pre td{color:#a33}\n"
	      "tr.ev td{color:#555;font-style:italic}\n"
	      "tr.first td{background:#ffd9d9;font-weight:bold}"
	      "td.gap{background:#f3f3f3}td.chg{background:#fff4d6}\n"
	      ".badge{display:inline-block;padding:1px 8px;border-radius:9px;"
	      "color:#fff;background:#3a7d44}.badge.bad{background:#c0392b}\n"
	      ".failbox{border:2px solid #c0392b;background:#fff3f2;"
	      "padding:.5em 1em;border-radius:6px}\n"
	      ".note{color:#5b6477}.scroll{overflow-x:auto}\n"
	      "pre{background:#f5f6f8;padding:.5em;overflow-x:auto}\n"
	      "#filters input{width:10em;margin-right:.6em}\n"
	      "svg text{font:11px ui-monospace,Menlo,Consolas,monospace;"
	      "fill:#1d2330}\n"
	      "svg .lane{fill:#f7f8fb}svg .lane2{fill:#eef1f6}"
	      "svg .grp{font-weight:bold}\n"
	      "svg .life{stroke:#9aa3b5;stroke-width:1}"
	      "svg .run{fill:#3b5ba5}\n"
	      "svg .ok{fill:#a9dcaa;stroke:#3a7d44}"
	      "svg .err{fill:#f4b0a9;stroke:#c0392b}"
	      "svg .open{fill:#ffe2a6;stroke:#c98b00}"
	      "svg .blk{fill:url(#hatch);stroke:#5b6477;"
	      "stroke-dasharray:3 2}\n"
	      "svg .dec{fill:#5b6477}svg .pre{fill:#d35400}"
	      "svg .cho{fill:#8e44ad}svg .ev{fill:#16a085}"
	      "svg .exit{stroke:#1d2330;stroke-width:1.5}\n"
	      "svg .fork{stroke:#8e44ad;stroke-width:1.2;fill:none}\n"
	      "svg .failline{stroke:#c0392b;stroke-width:2}"
	      "svg .leadline{stroke:#e0a100;stroke-width:1.2;"
	      "stroke-dasharray:4 3}\n"
	      "svg .band{stroke:#fff;stroke-width:.5}svg .nil{fill:#fff;"
	      "stroke:#ccd}svg .failseg{stroke:#c0392b;stroke-width:2}\n"
	      "svg .tick{stroke:#ccd}svg .win{fill:#3b5ba5;fill-opacity:.12;"
	      "stroke:#3b5ba5}\n"
	      "svg rect:hover,svg polygon:hover,svg circle:hover{stroke:#000;"
	      "stroke-width:1.5}\n"
	      "</style>\n",
	    out);
}

static bool
failed(const struct report_run *r)
{
	return (strcmp(r->hdr.status, "passed") != 0
	    && strcmp(r->hdr.status, "running") != 0);
}

static void
meta_table(const struct report_run *r, FILE *out)
{
	const struct report_hdr *h = &r->hdr;
	char v[32];

	P("<table class=\"meta\">\n");
	P("<tr><th>scenario</th><td>%s</td></tr>\n", h->scenario);
	P("<tr><th>path</th><td>%s</td></tr>\n", h->path);
	P("<tr><th>kernel</th><td>%s</td></tr>\n", h->kernel);
	P("<tr><th>seed</th><td>%d</td></tr>\n", h->seed.v);
	P("<tr><th>strategy</th><td>%s</td></tr>\n", h->strategy);
	P("<tr><th>status</th><td><span class=\"badge%r\">%s</span> %s"
	  "</td></tr>\n",
	    failed(r) ? " bad" : "", h->status, h->message);
	P("<tr><th>virtual duration</th><td>%s</td></tr>\n",
	    report_fmt_ns(h->vtime_end.v, v, sizeof(v)));
	P("<tr><th>counts</th><td>%u transitions, %u syscalls, %u "
	  "decisions, %u threads, %u objects</td></tr>\n",
	    r->ntr, r->nsys, r->ndec, r->nthr, r->nobj);
	P("<tr><th>trace hash</th><td><code>%s</code></td></tr>\n",
	    h->trace_hash);
	P("<tr><th>engine</th><td>%s, recorded %s</td></tr>\n",
	    h->engine_version, h->created_at);
	if (h->args[0] != '\0')
		P("<tr><th>command</th><td><code>%s</code></td></tr>\n",
		    h->args);
	P("<tr><th>replay</th><td><code>evsim replay %s --run %d</code>"
	  "</td></tr>\n",
	    r->db_path, h->id);
	P("</table>\n");
}

static void
failure_box(const struct report_run *r, FILE *out)
{
	const struct report_hdr *h = &r->hdr;
	char v[32];
	size_t i;
	bool any = false;

	if (!failed(r))
		return;
	P("<div class=\"failbox\" id=\"failure\"><strong>✗ %s", h->status);
	if (!h->fail_seq.null)
		P(" at seq %d", h->fail_seq.v);
	if (h->fail_func[0] != '\0')
		P(" in %s", h->fail_func);
	P(":</strong> %s", h->message);
	if (r->fail_tr != SIZE_MAX) {
		const struct report_tr *t = &r->tr[r->fail_tr];

		P("<br>last transition: <a href=\"#tr-%d\">seq %d</a> %s "
		  "%s.%s %s → %s (thread %d)",
		    t->seq, t->seq, t->func, t->object, t->field, none(t->old),
		    none(t->new), t->tid);
	}
	for (i = 0; i < r->ndec; i++) {
		const struct report_dec *d = &r->dec[i];

		if (!d->lead)
			continue;
		if (!any) {
			P("<br>decisions that led there (marked "
			  "<span style=\"color:#e0a100\">┆</span> in the "
			  "timelines):<ul>");
			any = true;
		}
		if (strcmp(d->kind, "choose") == 0)
			P("<li>step %d, seq %d, %s: choose %s gave %d of %s"
			  "</li>",
			    d->step, d->seq,
			    report_fmt_ns(d->vtime, v, sizeof(v)), d->label,
			    d->chosen, d->runnable);
		else
			P("<li>step %d, seq %d, %s: thread %d at a scheduling "
			  "point, %d ran (runnable %s)%r</li>",
			    d->step, d->seq,
			    report_fmt_ns(d->vtime, v, sizeof(v)), d->tid,
			    d->chosen, d->runnable,
			    d->preempt ? " <strong>preemption</strong>" : "");
	}
	if (any)
		P("</ul>");
	P("</div>\n");
}

/* Vertical marks for the failure and the leading decisions. */
static void
vmarks(const struct report_run *r, const struct geom *g, FILE *out, double top,
    double bottom)
{
	size_t i;
	double x;

	for (i = 0; i < r->ndec; i++) {
		const struct report_dec *d = &r->dec[i];

		if (!d->lead || !report_in_window(r, d->seq))
			continue;
		x = X(g, d->seq);
		P("<line class=\"leadline\" x1=\"%f\" y1=\"%f\" x2=\"%f\" "
		  "y2=\"%f\"><title>decision step %d at seq %d led to the "
		  "failure</title></line>\n",
		    x, top, x, bottom, d->step, d->seq);
	}
	if (failed(r) && !r->hdr.fail_seq.null
	    && report_in_window(r, r->hdr.fail_seq.v)) {
		x = X(g, r->hdr.fail_seq.v);
		P("<line class=\"failline\" x1=\"%f\" y1=\"%f\" x2=\"%f\" "
		  "y2=\"%f\"><title>%s at seq %d in %s: %s</title></line>\n",
		    x, top, x, bottom, r->hdr.status, r->hdr.fail_seq.v,
		    r->hdr.fail_func, r->hdr.message);
		/* Near the right edge the label goes left of the line. */
		P("<text x=\"%f\" y=\"%f\" text-anchor=\"%r\" "
		  "style=\"fill:#c0392b;font-weight:bold\">✗ %s</text>\n",
		    x > LABEL_W + PLOT_W * 0.7 ? x - 3 : x + 3, top + 10,
		    x > LABEL_W + PLOT_W * 0.7 ? "end" : "start",
		    r->hdr.fail_func);
	}
}

/* Axis ticks in seq, labelled with seq and the virtual time there. */
static void
axis(const struct report_run *r, const struct geom *g, FILE *out, double bottom)
{
	int64_t span = g->hi - g->lo + 1, step = 1, s;
	static const int64_t mult[] = { 1, 2, 5 };
	int64_t decade = 1;
	char v[32];
	int m = 0;
	double x;

	/* The smallest of 1, 2, 5, 10, 20, 50, ... giving at most 10 ticks. */
	while (span / step > 10) {
		if (++m == 3) {
			m = 0;
			decade *= 10;
		}
		step = decade * mult[m];
	}
	for (s = g->lo - g->lo % step; s <= g->hi; s += step) {
		if (s < g->lo)
			continue;
		x = X(g, s);
		P("<line class=\"tick\" x1=\"%f\" y1=\"%f\" x2=\"%f\" "
		  "y2=\"%f\"/>\n",
		    x, (double)AXIS_H - 6, x, bottom);
		if (x > LABEL_W + PLOT_W - 50)
			continue; /* No room for the labels at the right edge.
				   */
		P("<text x=\"%f\" y=\"14\">%d</text>\n", x + 2, s);
		P("<text x=\"%f\" y=\"28\" style=\"fill:#5b6477\">%s</text>\n",
		    x + 2, report_fmt_ns(vtime_at(r, s), v, sizeof(v)));
	}
	P("<text x=\"4\" y=\"14\">seq</text>\n<text x=\"4\" y=\"28\" "
	  "style=\"fill:#5b6477\">vtime</text>\n");
}

/*
 * The stretches during which each thread ran: runs of consecutive
 * transitions by one thread.  The axis is the transition sequence, so the
 * thread that made transition 'seq' is the one running at x(seq).  The
 * decision log cannot say this: a switch with one runnable thread (the
 * other blocked or exited) records no decision.
 */
static int
segments(const struct report_run *r, const struct geom *g, struct seg **ret,
    size_t *ret_n)
{
	struct seg *s = NULL;
	size_t n = 0, i;

	s = malloc((r->ntr + 1) * sizeof(*s));
	if (s == NULL)
		return (ENOMEM);
	for (i = tr_from(r, g->lo); i < r->ntr && r->tr[i].seq <= g->hi; i++) {
		if (n > 0 && s[n - 1].tid == r->tr[i].tid
		    && s[n - 1].to == r->tr[i].seq) {
			s[n - 1].to = r->tr[i].seq + 1;
			continue;
		}
		s[n].from = r->tr[i].seq;
		s[n].to = r->tr[i].seq + 1;
		s[n++].tid = r->tr[i].tid;
	}
	*ret = s;
	*ret_n = n;
	return (0);
}

static double
lane_y(const struct report_run *r, const double *ys, int64_t tid)
{
	size_t i;

	for (i = 0; i < r->nthr; i++)
		if (r->thr[i].tid == tid)
			return (ys[i]);
	return (-1);
}

/* The wait channel recorded for 'tid' during [from, to], or NULL. */
static const char *
wchan(const struct report_run *r, int64_t tid, int64_t from, int64_t to)
{
	char obj[48];
	size_t i;

	/* Only the window is searched, which bounds the cost per call. */
	if (from < r->lo)
		from = r->lo;
	if (to > r->hi)
		to = r->hi;
	snprintf(obj, sizeof(obj), "thread#%" PRId64, tid);
	for (i = tr_from(r, from); i < r->ntr && r->tr[i].seq <= to; i++)
		if (strcmp(r->tr[i].object, obj) == 0
		    && strstr(r->tr[i].field, "wchan") != NULL
		    && r->tr[i].new[0] != '\0')
			return (r->tr[i].new);
	return (NULL);
}

static bool
is_fork(const char *name)
{
	static const char *const forks[] = { "fork", "vfork", "rfork", "pdfork",
		"fork1", "forkall", "forkx", "forkallx" };
	size_t i;

	for (i = 0; i < sizeof(forks) / sizeof(forks[0]); i++)
		if (strcmp(name, forks[i]) == 0)
			return (true);
	return (false);
}

static void
lane_syscalls(const struct report_run *r, const struct geom *g, FILE *out,
    const double *ys, const struct seg *sg, size_t nsg)
{
	char v[32];
	size_t i, j;
	double y, x0, x1;

	for (i = 0; i < r->nsys; i++) {
		const struct report_sys *s = &r->sys[i];
		int64_t end = s->end_seq.null ? r->seq_max : s->end_seq.v;
		/* An unfinished call also spans the last transition. */
		int64_t stop = s->end_seq.null ? end + 1 : end;
		const char *cls = s->end_seq.null
		    ? "open"
		    : (s->errname != NULL ? "err" : "ok");
		const char *wc = NULL;
		bool blocked = false;

		if (end < g->lo || s->seq > g->hi)
			continue;
		if ((y = lane_y(r, ys, s->tid)) < 0)
			continue;
		for (j = 0; j < nsg && stop > s->seq + 1; j++)
			if (sg[j].tid != s->tid && sg[j].from < stop
			    && sg[j].to > s->seq + 1) {
				blocked = true;
				break;
			}
		if (blocked) {
			wc = wchan(r, s->tid, s->seq, end);
			cls = "blk";
		}
		/*
		 * A call spans [seq, end_seq]: the next call of the thread
		 * starts at this one's 'end_seq', so the box ends there; an
		 * unfinished call runs to the end of the run.
		 */
		x0 = X(g, s->seq);
		x1 = X(g, s->end_seq.null ? end + 1 : end);
		if (x1 - x0 < 3)
			x1 = x0 + (g->per_seq * 0.8 > 3 ? g->per_seq * 0.8 : 3);
		P("<rect class=\"%r\" x=\"%f\" y=\"%f\" width=\"%f\" "
		  "height=\"%i\"><title>%s(%s) = %s%r%s\nthread %d, seq %d",
		    cls, x0, y + 4, x1 - x0, LANE_H - 10, s->name, s->args,
		    s->result, s->errname != NULL ? " " : "",
		    s->errname != NULL ? s->errname : "", s->tid, s->seq);
		if (!s->end_seq.null)
			P("–%d", s->end_seq.v);
		P(", vtime %s", report_fmt_ns(s->vtime, v, sizeof(v)));
		if (!s->end_vtime.null)
			P("–%s", report_fmt_ns(s->end_vtime.v, v, sizeof(v)));
		if (blocked)
			P("\nblocked%r%s", wc != NULL ? " on " : "",
			    wc != NULL ? wc : "");
		if (s->end_seq.null)
			P("\nunfinished when the run ended");
		P("</title></rect>\n");
		if (x1 - x0 > 7.0 * (double)(strlen(s->name) + 1))
			P("<text x=\"%f\" y=\"%f\">%s%r%s</text>\n", x0 + 3,
			    y + 16, s->name, s->errname != NULL ? " " : "",
			    s->errname != NULL ? s->errname : "");
		if (wc != NULL && x1 - x0 > 7.0 * (double)(strlen(wc) + 12))
			P("<text x=\"%f\" y=\"%f\" style=\"fill:#5b6477\">"
			  "⏸ %s</text>\n",
			    x0 + 7.0 * (double)(strlen(s->name) + 3), y + 16,
			    wc);
		/* A fork is drawn from the parent to the child's lane. */
		if (is_fork(s->name) && s->errname == NULL) {
			int64_t child = strtoll(s->result, NULL, 10);

			for (j = 0; child > 0 && j < r->nthr; j++) {
				const struct report_thread *t = &r->thr[j];
				double cx;

				if (t->pid != child)
					continue;
				/*
				 * The child starts during the call, before it
				 * returns: the arrow drops at that instant.
				 */
				cx = X(g,
				    t->start_seq.null ? end : t->start_seq.v);
				P("<path class=\"fork\" d=\"M%f %fL%f %f\" "
				  "marker-end=\"url(#arrow)\"><title>fork: "
				  "process %d</title></path>\n",
				    cx, y + LANE_H / 2.0, cx,
				    ys[j] + LANE_H / 2.0, child);
				break;
			}
		}
	}
}

static void
lane_marks(const struct report_run *r, const struct geom *g, FILE *out,
    const double *ys)
{
	char th[96];
	size_t i;
	double x, y;

	for (i = 0; i < r->ndec; i++) {
		const struct report_dec *d = &r->dec[i];

		if (!report_in_window(r, d->seq))
			continue;
		x = X(g, d->seq);
		if (strcmp(d->kind, "choose") == 0) {
			if ((y = lane_y(r, ys, d->tid)) < 0)
				continue;
			P("<polygon class=\"cho\" points=\"%f,%f %f,%f %f,%f "
			  "%f,%f\"><title>step %d: choose %s gave %d of %s"
			  "</title></polygon>\n",
			    x, y + 1, x + 4, y + 5, x, y + 9, x - 4, y + 5,
			    d->step, d->label, d->chosen, d->runnable);
			continue;
		}
		if ((y = lane_y(r, ys, d->chosen)) >= 0)
			P("<polygon class=\"%r\" points=\"%f,%f %f,%f %f,%f\">"
			  "<title>step %d at seq %d: %d ran (runnable %s)%r"
			  "</title></polygon>\n",
			    d->lead ? "pre" : "dec", x - 3, y, x + 3, y, x,
			    y + 5, d->step, d->seq, d->chosen, d->runnable,
			    d->lead ? "; led to the failure" : "");
		if (d->preempt && (y = lane_y(r, ys, d->tid)) >= 0)
			P("<polygon class=\"pre\" points=\"%f,%f %f,%f %f,%f\">"
			  "<title>step %d at seq %d: %s preempted by %d"
			  "</title></polygon>\n",
			    x - 4, y + LANE_H - 2, x + 4, y + LANE_H - 2, x,
			    y + LANE_H - 9, d->step, d->seq,
			    report_thread_label(r, d->tid, th, sizeof(th)),
			    d->chosen);
	}
	for (i = tr_from(r, g->lo); i < r->ntr && r->tr[i].seq <= g->hi; i++) {
		const struct report_tr *t = &r->tr[i];

		if (!report_tr_is_event(t) || (y = lane_y(r, ys, t->tid)) < 0)
			continue;
		P("<circle class=\"ev\" cx=\"%f\" cy=\"%f\" r=\"3\"><title>"
		  "seq %d %s %s: %s</title></circle>\n",
		    X(g, t->seq), y + LANE_H / 2.0, t->seq,
		    strcmp(t->func, "print") == 0 ? "print" : "label", t->field,
		    t->new);
	}
	for (i = 0; i < r->nthr; i++) {
		const struct report_thread *t = &r->thr[i];

		if (t->end_seq.null || !report_in_window(r, t->end_seq.v))
			continue;
		x = X(g, t->end_seq.v);
		y = ys[i] + LANE_H / 2.0;
		P("<path class=\"exit\" d=\"M%f %fL%f %fM%f %fL%f %f\"><title>"
		  "thread %d exits at seq %d</title></path>\n",
		    x - 4, y - 4, x + 4, y + 4, x - 4, y + 4, x + 4, y - 4,
		    t->tid, t->end_seq.v);
	}
}

static int
swimlanes(const struct report_run *r, const struct geom *g, FILE *out)
{
	struct seg *sg;
	double *ys, y, height;
	size_t nsg, i;
	int64_t pid = INT64_MIN, from, to;
	int error;

	if ((error = segments(r, g, &sg, &nsg)) != 0)
		return (error);
	if ((ys = calloc(r->nthr + 1, sizeof(*ys))) == NULL) {
		free(sg);
		return (ENOMEM);
	}
	y = AXIS_H;
	for (i = 0; i < r->nthr; i++) {
		if (r->thr[i].pid != pid) {
			pid = r->thr[i].pid;
			y += GROUP_H;
		}
		ys[i] = y;
		y += LANE_H;
	}
	height = y + 10;
	P("<h2 id=\"threads\">Threads</h2>\n<p class=\"note\">One lane per "
	  "thread, grouped by process; x is the transition sequence "
	  "(virtual time on the second axis row). Boxes are syscalls "
	  "(green: success, red: errno, hatched: blocked, yellow: "
	  "unfinished), the blue bar is when the thread ran, triangles are "
	  "scheduling decisions (orange: preemption or a decision that led "
	  "to the failure), diamonds are sim.choose, dots are print "
	  "output and labels. Hover for details.</p>\n");
	P("<div class=\"scroll\"><svg xmlns=\"http://www.w3.org/2000/svg\" "
	  "width=\"%i\" height=\"%f\" viewBox=\"0 0 %i %f\">\n",
	    LABEL_W + PLOT_W + RIGHT_W, height, LABEL_W + PLOT_W + RIGHT_W,
	    height);
	P("<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" "
	  "patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
	  "<rect width=\"6\" height=\"6\" fill=\"#eef1f6\"/><line x1=\"0\" "
	  "y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#aab\" stroke-width=\"2\"/>"
	  "</pattern><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" "
	  "refY=\"5\" markerWidth=\"6\" markerHeight=\"6\" "
	  "orient=\"auto\"><path d=\"M0 0L10 5L0 10z\" fill=\"#8e44ad\"/>"
	  "</marker></defs>\n");
	axis(r, g, out, height);
	pid = INT64_MIN;
	for (i = 0; i < r->nthr; i++) {
		const struct report_thread *t = &r->thr[i];

		if (t->pid != pid) {
			pid = t->pid;
			P("<text class=\"grp\" x=\"4\" y=\"%f\">process %d"
			  "</text>\n",
			    ys[i] - 6, pid);
		}
		P("<g id=\"lane-%d\"><rect class=\"%r\" x=\"0\" y=\"%f\" "
		  "width=\"%i\" height=\"%i\"/>\n",
		    t->tid, i % 2 ? "lane2" : "lane", ys[i],
		    LABEL_W + PLOT_W + RIGHT_W, LANE_H);
		P("<text x=\"14\" y=\"%f\"%r>%d %s<title>thread %d %s (%s), "
		  "process %d</title></text>\n",
		    ys[i] + 17,
		    strcmp(t->kind, "kernel") == 0 ? " font-style=\"italic\""
						   : "",
		    t->tid, t->name, t->tid, t->name, t->kind, t->pid);
		from = t->start_seq.null ? g->lo : t->start_seq.v;
		to = t->end_seq.null ? g->hi + 1 : t->end_seq.v;
		if (to >= g->lo && from <= g->hi + 1)
			P("<line class=\"life\" x1=\"%f\" y1=\"%f\" x2=\"%f\" "
			  "y2=\"%f\"/>\n",
			    X(g, from), ys[i] + LANE_H / 2.0, X(g, to),
			    ys[i] + LANE_H / 2.0);
		P("</g>\n");
	}
	lane_syscalls(r, g, out, ys, sg, nsg);
	for (i = 0; i < nsg; i++) {
		double x0 = X(g, sg[i].from), x1 = X(g, sg[i].to);

		if ((y = lane_y(r, ys, sg[i].tid)) < 0)
			continue;
		P("<rect class=\"run\" x=\"%f\" y=\"%f\" width=\"%f\" "
		  "height=\"3\"><title>thread %d runs, seq %d–%d</title>"
		  "</rect>\n",
		    x0, y + LANE_H - 5, x1 - x0 < 1 ? 1 : x1 - x0, sg[i].tid,
		    sg[i].from, sg[i].to - 1);
	}
	lane_marks(r, g, out, ys);
	vmarks(r, g, out, AXIS_H - 6, height);
	P("</svg></div>\n");
	free(ys);
	free(sg);
	return (0);
}

/* Per-thread activity over the whole run, for runs that are windowed. */
static int
overview(const struct report_run *r, FILE *out)
{
	uint32_t *cnt, mx = 1;
	size_t i, b, k;
	int64_t lo = r->ntr > 0 ? r->tr[0].seq : 1;
	int64_t span = r->seq_max - lo + 1;
	double bw = (double)PLOT_W / OVERVIEW_BINS, h;

	cnt = calloc(r->nthr * OVERVIEW_BINS + 1, sizeof(*cnt));
	if (cnt == NULL)
		return (ENOMEM);
	for (i = 0, k = 0; i < r->ntr; i++) {
		if (k >= r->nthr || r->thr[k].tid != r->tr[i].tid)
			for (k = 0; k < r->nthr; k++)
				if (r->thr[k].tid == r->tr[i].tid)
					break;
		if (k >= r->nthr)
			continue;
		b = (size_t)((double)(r->tr[i].seq - lo) * OVERVIEW_BINS
		    / (double)span);
		if (b >= OVERVIEW_BINS)
			b = OVERVIEW_BINS - 1;
		if (++cnt[k * OVERVIEW_BINS + b] > mx)
			mx = cnt[k * OVERVIEW_BINS + b];
	}
	h = 20 + (double)r->nthr * 14 + 6;
	P("<h2 id=\"overview\">Whole run</h2>\n<p class=\"note\">This run has "
	  "%u transitions; the timelines and tables below show seq %d–%d "
	  "(the shaded window), around the failure if there is one. "
	  "<code>evsim trace</code> prints every transition.</p>\n",
	    r->ntr, r->lo, r->hi);
	P("<div class=\"scroll\"><svg xmlns=\"http://www.w3.org/2000/svg\" "
	  "width=\"%i\" height=\"%f\">\n",
	    LABEL_W + PLOT_W + RIGHT_W, h);
	P("<text x=\"4\" y=\"14\">seq %d</text><text x=\"%i\" y=\"14\">seq "
	  "%d</text>\n",
	    lo, LABEL_W + PLOT_W - 80, r->seq_max);
	for (k = 0; k < r->nthr; k++) {
		double y = 20 + (double)k * 14;

		P("<text x=\"4\" y=\"%f\">%d %s</text>\n", y + 11,
		    r->thr[k].tid, r->thr[k].name);
		for (b = 0; b < OVERVIEW_BINS; b++) {
			uint32_t c = cnt[k * OVERVIEW_BINS + b];

			if (c == 0)
				continue;
			P("<rect class=\"run\" x=\"%f\" y=\"%f\" width=\"%f\" "
			  "height=\"12\" fill-opacity=\"%f\"/>\n",
			    LABEL_W + (double)b * bw, y, bw,
			    0.15 + 0.85 * (double)c / mx);
		}
	}
	P("<rect class=\"win\" x=\"%f\" y=\"18\" width=\"%f\" height=\"%f\"/>"
	  "\n",
	    LABEL_W + (double)(r->lo - lo) * PLOT_W / (double)span,
	    (double)(r->hi - r->lo + 1) * PLOT_W / (double)span + 1, h - 20);
	if (!r->hdr.fail_seq.null) {
		double x = LABEL_W
		    + (double)(r->hdr.fail_seq.v - lo) * PLOT_W / (double)span;

		P("<line class=\"failline\" x1=\"%f\" y1=\"18\" x2=\"%f\" "
		  "y2=\"%f\"/>\n",
		    x, x, h);
	}
	P("</svg></div>\n");
	free(cnt);
	return (0);
}

/* One band: the values of one field of one object over the window. */
static void
band(const struct report_run *r, const struct geom *g, FILE *out,
    const struct report_obj *o, const char *field, double y)
{
	const struct report_tr *prev = NULL;
	char v[32], th[96];
	size_t j;
	int64_t from = g->lo;
	const char *val = NULL;

	P("<text x=\"24\" y=\"%f\">%s</text>\n", y + 13, field);
	for (j = 0; j <= o->n; j++) {
		const struct report_tr *t = j < o->n ? &r->tr[o->idx[j]] : NULL;
		int64_t to;
		double x0, x1;

		if (t != NULL
		    && (strcmp(t->field, field) != 0 || t->seq < g->lo))
			continue;
		if (t != NULL && t->seq > g->hi)
			t = NULL;
		to = t != NULL ? t->seq : g->hi + 1;
		if (prev == NULL && t != NULL)
			val = t->old;
		if (val != NULL && to > from) {
			x0 = X(g, from);
			x1 = X(g, to);
			P("<rect class=\"band%r\" x=\"%f\" y=\"%f\" "
			  "width=\"%f\" height=\"%i\"",
			    val[0] == '\0' ? " nil" : "", x0, y, x1 - x0,
			    BAND_H - 2);
			if (val[0] != '\0') {
				fputs(" style=\"fill:", out);
				value_fill(out, val);
				fputs("\"", out);
			}
			P("><title>%s %s = %s\n", o->name, field, none(val));
			if (prev != NULL)
				P("set by %s at seq %d (thread %s, vtime %s), "
				  "was %s",
				    prev->func, prev->seq,
				    report_thread_label(
					r, prev->tid, th, sizeof(th)),
				    report_fmt_ns(prev->vtime, v, sizeof(v)),
				    none(prev->old));
			else
				P("before seq %d", to);
			P("</title></rect>\n");
			if (x1 - x0 > 7.0 * (double)(strlen(val) + 1))
				P("<text x=\"%f\" y=\"%f\">%s</text>\n", x0 + 3,
				    y + 12, val);
		}
		if (t == NULL)
			break;
		if (o->idx[j] == r->fail_tr)
			P("<rect class=\"failseg\" x=\"%f\" y=\"%f\" "
			  "width=\"3\" height=\"%i\" fill=\"#c0392b\">"
			  "<title>failing transition: %s at seq %d</title>"
			  "</rect>\n",
			    X(g, t->seq) - 1, y - 1, BAND_H, t->func, t->seq);
		prev = t;
		val = t->new;
		from = t->seq;
	}
}

static int
states(const struct report_run *r, const struct geom *g, FILE *out)
{
	const char *fields[MAX_FIELDS];
	size_t i, j, k, nf, drawn = 0, rest = 0;
	double y, height;
	int pass;

	P("<h2 id=\"objects\">Object states</h2>\n<p class=\"note\">One band "
	  "per field of each kernel object; colours stand for values, the "
	  "boundaries are transitions. Hover a band for the value and the "
	  "kernel function that set it.</p>\n");
	/*
	 * Two passes: the first measures the height (the SVG needs it up
	 * front), the second draws.
	 */
	height = 0;
	for (pass = 0; pass < 2; pass++) {
		y = AXIS_H;
		drawn = rest = 0;
		if (pass == 1) {
			P("<div class=\"scroll\"><svg xmlns=\"http://www.w3."
			  "org/2000/svg\" width=\"%i\" height=\"%f\" "
			  "viewBox=\"0 0 %i %f\">\n",
			    LABEL_W + PLOT_W + RIGHT_W, height,
			    LABEL_W + PLOT_W + RIGHT_W, height);
			axis(r, g, out, height);
		}
		for (i = 0; i < r->nobj; i++) {
			const struct report_obj *o = &r->obj[i];

			nf = 0;
			for (j = 0; j < o->n; j++) {
				const struct report_tr *t = &r->tr[o->idx[j]];

				if (!report_in_window(r, t->seq))
					continue;
				for (k = 0; k < nf; k++)
					if (strcmp(fields[k], t->field) == 0)
						break;
				if (k == nf && nf < MAX_FIELDS)
					fields[nf++] = t->field;
			}
			if (nf == 0)
				continue;
			if (drawn >= MAX_OBJ_DRAWN) {
				rest++;
				continue;
			}
			drawn++;
			if (pass == 1)
				P("<g id=\"obj-%s\"><text class=\"grp\" "
				  "x=\"4\" y=\"%f\">%s</text></g>\n",
				    o->name, y + 13, o->name);
			y += OBJ_H;
			for (k = 0; k < nf; k++, y += BAND_H)
				if (pass == 1)
					band(r, g, out, o, fields[k], y);
		}
		height = y + 10;
	}
	vmarks(r, g, out, AXIS_H - 6, height);
	P("</svg></div>\n");
	if (rest > 0)
		P("<p class=\"note\">%u more objects changed in this window; "
		  "see the object list and the transition table.</p>\n",
		    rest);
	return (0);
}

static void
object_list(const struct report_run *r, FILE *out)
{
	size_t i, n = r->nobj < MAX_SUMMARY ? r->nobj : MAX_SUMMARY;

	P("<details><summary>All %u objects</summary><table class=\"grid\">"
	  "<thead><tr><th>object</th><th>transitions</th><th>first seq</th>"
	  "<th>last seq</th><th>last field</th><th>last value</th></tr>"
	  "</thead><tbody>\n",
	    r->nobj);
	for (i = 0; i < n; i++) {
		const struct report_obj *o = &r->obj[i];
		const struct report_tr *f = &r->tr[o->idx[0]];
		const struct report_tr *l = &r->tr[o->idx[o->n - 1]];

		P("<tr><td>%s</td><td>%u</td><td>%d</td><td>%d</td><td>%s</td>"
		  "<td>%s</td></tr>\n",
		    o->name, o->n, f->seq, l->seq, l->field, none(l->new));
	}
	P("</tbody></table>");
	if (n < r->nobj)
		P("<p class=\"note\">%u more not listed.</p>", r->nobj - n);
	P("</details>\n");
}

static int
machines(const struct report_run *r, const char *states_kind, FILE *out)
{
	struct report_edge *e;
	char kinds[16][64], k[64];
	size_t nk = 0, i, j, n;
	int error;

	for (i = 0; i < r->nobj && nk < 16; i++) {
		report_obj_kind(r->obj[i].name, k, sizeof(k));
		if (states_kind != NULL && strcmp(k, states_kind) != 0)
			continue;
		for (j = 0; j < nk; j++)
			if (strcmp(kinds[j], k) == 0)
				break;
		if (j == nk)
			memcpy(kinds[nk++], k, sizeof(k));
	}
	P("<h2 id=\"machines\">State machines</h2>\n<p class=\"note\">Every "
	  "value a field took is a state, every observed change an edge "
	  "with its count and the kernel functions that made it (fields "
	  "with more than a few dozen values, such as counters, are left "
	  "out).</p>\n");
	for (i = 0; i < nk; i++) {
		if ((error = report_states_collect(r, kinds[i], &e, &n)) != 0)
			return (error);
		if (n == 0) {
			free(e);
			continue;
		}
		P("<h3>%s</h3>\n", kinds[i]);
		error = report_dot_svg(r, kinds[i], out);
		if (error == ENOMEM) {
			for (j = 0; j < n; j++)
				free((char *)e[j].kind);
			free(e);
			return (error);
		}
		if (error != 0)
			P("<p class=\"note\">Graphviz <code>dot</code> is not "
			  "on PATH; the machine as a table (<code>evsim "
			  "report --states %s --format dot</code> writes it "
			  "as DOT):</p>\n",
			    kinds[i]);
		P("<details%r><summary>%u edges</summary><table class=\"grid\">"
		  "<thead><tr><th>field</th><th>from</th><th>to</th>"
		  "<th>count</th><th>functions</th></tr></thead><tbody>\n",
		    error != 0 ? " open" : "", n);
		for (j = 0; j < n; j++) {
			P("<tr><td>%s</td><td>%s</td><td>%s</td><td>%u</td>"
			  "<td>%s</td></tr>\n",
			    e[j].field, none(e[j].from), none(e[j].to),
			    e[j].count, e[j].funcs);
			free((char *)e[j].kind);
		}
		P("</tbody></table></details>\n");
		free(e);
	}
	return (0);
}

static void
output(const struct report_run *r, FILE *out)
{
	char th[96];
	size_t i;
	bool any = false;

	for (i = tr_from(r, r->lo); i < r->ntr && r->tr[i].seq <= r->hi; i++) {
		const struct report_tr *t = &r->tr[i];

		if (strcmp(t->func, "print") != 0)
			continue;
		if (!any) {
			P("<h2 id=\"output\">Output</h2>\n<pre>");
			any = true;
		}
		P("[%d %s] %s\n", t->seq,
		    report_thread_label(r, t->tid, th, sizeof(th)), t->new);
	}
	if (any)
		P("</pre>\n");
}

static void
script(FILE *out)
{
	/*
	 * Filtering hides rows whose cells do not contain every non-empty
	 * filter (case-insensitive); it runs over at most REPORT_WINDOW rows.
	 */
	fputs(
	    "<script>\n"
	    "(function () {\n"
	    "  var f = document.querySelectorAll('#filters input');\n"
	    "  var rows = document.querySelectorAll('#tt tbody tr');\n"
	    "  function run() {\n"
	    "    var shown = 0;\n"
	    "    for (var j = 0; j !== rows.length; j++) {\n"
	    "      var ok = true;\n"
	    "      for (var k = 0; k !== f.length && ok; k++) {\n"
	    "        var q = f[k].value.toLowerCase();\n"
	    "        var c = rows[j].cells[+f[k].getAttribute('data-col')];\n"
	    "        if (q && c.textContent.toLowerCase().indexOf(q) === -1)\n"
	    "          ok = false;\n"
	    "      }\n"
	    "      rows[j].style.display = ok ? '' : 'none';\n"
	    "      if (ok) shown++;\n"
	    "    }\n"
	    "    document.getElementById('shown').textContent = shown;\n"
	    "  }\n"
	    "  for (var i = 0; i !== f.length; i++)\n"
	    "    f[i].addEventListener('input', run);\n"
	    "})();\n"
	    "</script>\n",
	    out);
}

static void
tables(const struct report_run *r, FILE *out)
{
	char v[32], th[96];
	size_t i, n = 0;

	for (i = tr_from(r, r->lo); i < r->ntr && r->tr[i].seq <= r->hi; i++)
		n++;
	P("<h2 id=\"transitions\">Transitions</h2>\n<p id=\"filters\">Filter: "
	  "<input data-col=\"4\" placeholder=\"object\"> "
	  "<input data-col=\"5\" placeholder=\"field\"> "
	  "<input data-col=\"3\" placeholder=\"function\"> "
	  "<input data-col=\"2\" placeholder=\"thread\"> "
	  "<span class=\"note\"><span id=\"shown\">%u</span> of %u rows"
	  "%r</span></p>\n",
	    n, n, r->windowed ? " (window of a larger run)" : "");
	P("<div class=\"scroll\"><table class=\"grid\" id=\"tt\"><thead><tr>"
	  "<th>seq</th><th>vtime</th><th>thread</th><th>function</th>"
	  "<th>object</th><th>field</th><th>old</th><th>new</th></tr>"
	  "</thead><tbody>\n");
	for (i = tr_from(r, r->lo); i < r->ntr && r->tr[i].seq <= r->hi; i++) {
		const struct report_tr *t = &r->tr[i];

		P("<tr id=\"tr-%d\"%r><td>%d</td><td>%s</td><td>%s</td>"
		  "<td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
		  "</tr>\n",
		    t->seq,
		    i == r->fail_tr
			? " class=\"fail\""
			: (report_tr_is_event(t) ? " class=\"ev\"" : ""),
		    t->seq, report_fmt_ns(t->vtime, v, sizeof(v)),
		    report_thread_label(r, t->tid, th, sizeof(th)), t->func,
		    t->object, t->field, t->old, t->new);
	}
	P("</tbody></table></div>\n");
	script(out);

	P("<details><summary>Syscalls</summary><table class=\"grid\"><thead>"
	  "<tr><th>seq</th><th>end</th><th>vtime</th><th>thread</th>"
	  "<th>call</th><th>result</th><th>errno</th></tr></thead><tbody>\n");
	for (i = 0; i < r->nsys; i++) {
		const struct report_sys *s = &r->sys[i];

		if (!report_in_window(r, s->seq))
			continue;
		P("<tr><td>%d</td><td>", s->seq);
		if (s->end_seq.null)
			P("unfinished");
		else
			P("%d", s->end_seq.v);
		P("</td><td>%s</td><td>%s</td><td>%s(%s)</td><td>%s</td>"
		  "<td>%s</td></tr>\n",
		    report_fmt_ns(s->vtime, v, sizeof(v)),
		    report_thread_label(r, s->tid, th, sizeof(th)), s->name,
		    s->args, s->result, s->errname != NULL ? s->errname : "");
	}
	P("</tbody></table></details>\n");

	P("<details><summary>Decisions</summary><table class=\"grid\">"
	  "<thead><tr><th>step</th><th>seq</th><th>vtime</th><th>kind</th>"
	  "<th>thread</th><th>chosen</th><th>runnable / n</th>"
	  "<th>label</th></tr></thead><tbody>\n");
	for (i = 0; i < r->ndec; i++) {
		const struct report_dec *d = &r->dec[i];

		if (!report_in_window(r, d->seq))
			continue;
		P("<tr%r><td>%d</td><td>%d</td><td>%s</td><td>%s</td>"
		  "<td>%d</td><td>%d</td><td>%s</td><td>%s</td></tr>\n",
		    d->lead ? " class=\"lead\""
			    : (d->preempt ? " class=\"pre\"" : ""),
		    d->step, d->seq, report_fmt_ns(d->vtime, v, sizeof(v)),
		    d->kind, d->tid, d->chosen, d->runnable, d->label);
	}
	P("</tbody></table></details>\n");
}

static void
head(const char *title1, const struct report_run *r, FILE *out)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	      "<meta charset=\"utf-8\">\n",
	    out);
	P("<title>%r %s, run %d</title>\n", title1, r->hdr.scenario, r->hdr.id);
	css(out);
	fputs("</head>\n<body>\n", out);
}

static void
diff_cell(const struct report_run *r, FILE *out, size_t i, const char *cls)
{
	const struct report_tr *t;

	if (i == SIZE_MAX) {
		P("<td class=\"gap\"></td><td class=\"gap\"></td>"
		  "<td class=\"gap\"></td>");
		return;
	}
	t = &r->tr[i];
	P("<td%r>%d</td><td%r>%s</td><td%r>%s.%s: %s → %s (thread %d)</td>",
	    cls, t->seq, cls, t->func, cls, t->object, t->field, none(t->old),
	    none(t->new), t->tid);
}

static int
diff(const struct report_run *a, const struct report_run *b, FILE *out)
{
	struct report_diff d;
	size_t i;
	int error;

	if ((error = report_diff_align(a, b, &d)) != 0)
		return (error);
	head("evsim diff:", a, out);
	P("<h1>evsim diff: run %d against run %d</h1>\n", a->hdr.id, b->hdr.id);
	P("<div style=\"display:flex;gap:2em;flex-wrap:wrap\"><div><h2>Run "
	  "%d</h2>\n",
	    a->hdr.id);
	meta_table(a, out);
	P("</div><div><h2>Run %d</h2>\n", b->hdr.id);
	meta_table(b, out);
	P("</div></div>\n<h2>Transitions</h2>\n");
	if (d.first == SIZE_MAX)
		P("<p>The runs made the same %u transitions.</p>\n", a->ntr);
	else
		P("<p class=\"failbox\">First difference after %u equal "
		  "transitions: <a href=\"#first-diff\">jump to it</a>.</p>\n",
		    d.prefix);
	if (d.skipped > 0)
		P("<p class=\"note\">%u equal transitions before these are "
		  "left out.</p>\n",
		    d.skipped);
	P("<div class=\"scroll\"><table class=\"grid\"><thead><tr><th></th>"
	  "<th>seq</th><th>function</th><th>run %d</th><th>seq</th>"
	  "<th>function</th><th>run %d</th></tr></thead><tbody>\n",
	    a->hdr.id, b->hdr.id);
	for (i = 0; i < d.npair; i++) {
		const struct report_pair *p = &d.pair[i];
		bool chg = p->a == SIZE_MAX || p->b == SIZE_MAX;

		if (i == d.first)
			P("<tr class=\"first\" id=\"first-diff\"><td>▶</td>");
		else
			P("<tr><td>%r</td>", chg ? "≠" : "");
		diff_cell(a, out, p->a, chg ? " class=\"chg\"" : "");
		diff_cell(b, out, p->b, chg ? " class=\"chg\"" : "");
		P("</tr>\n");
	}
	P("</tbody></table></div>\n");
	if (d.truncated)
		P("<p class=\"note\">The alignment stops here; <code>evsim "
		  "diff</code> shows the rest.</p>\n");
	P("</body>\n</html>\n");
	free(d.pair);
	return (0);
}

int
report_html_write(const struct report_run *r, const struct report_run *b,
    const char *states_kind, FILE *out)
{
	struct geom g;
	int error;

	if (b != NULL)
		return (diff(r, b, out));
	g.lo = r->lo;
	g.hi = r->hi;
	g.per_seq = (double)PLOT_W / (double)(g.hi - g.lo + 1);
	head("evsim report:", r, out);
	P("<h1>evsim report: %s <span class=\"badge%r\">%s</span></h1>\n",
	    r->hdr.scenario, failed(r) ? " bad" : "", r->hdr.status);
	meta_table(r, out);
	failure_box(r, out);
	if (r->windowed && (error = overview(r, out)) != 0)
		return (error);
	if ((error = swimlanes(r, &g, out)) != 0)
		return (error);
	if ((error = states(r, &g, out)) != 0)
		return (error);
	object_list(r, out);
	if ((error = machines(r, states_kind, out)) != 0)
		return (error);
	output(r, out);
	tables(r, out);
	P("</body>\n</html>\n");
	return (0);
}
