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
/* Rows of the transition table shown at a time (the script's PAGE). */
#define TABLE_PAGE 100

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
	      "svg .dim,table.dimming tr.dim td{opacity:.3}"
	      "svg .slc{stroke:#c0392b;stroke-width:1.5}"
	      "svg .dmark{fill:#d35400}svg .dline{stroke:#d35400;"
	      "stroke-width:2}svg .dtext{fill:#fff;font-weight:bold}\n"
	      "svg .cur{stroke:#1d2330;stroke-width:1.5;stroke-dasharray:2 2}"
	      "svg .view{fill:#d35400;fill-opacity:.15;stroke:#d35400}"
	      "#ovw{cursor:crosshair}[data-seq]{cursor:pointer}\n"
	      "tr.sl td:first-child{border-left:4px solid #c0392b}"
	      "tr.sel td{background:#cfe0ff!important}\n"
	      ".why{border:2px solid #d35400;background:#fff8f0;"
	      "padding:.5em 1em;border-radius:6px;margin-top:1em}\n"
	      ".why li{margin:.2em 0}.dref{display:inline-block;"
	      "min-width:1.8em;text-align:center;border-radius:4px;"
	      "background:#d35400;color:#fff;font-weight:bold;"
	      "margin-right:.4em}\n"
	      "#state{position:fixed;top:0;right:0;width:min(460px,45vw);"
	      "height:100vh;overflow:auto;background:#fff;border-left:2px "
	      "solid #3b5ba5;box-shadow:-4px 0 12px rgba(0,0,0,.15);"
	      "padding:0 .8em 2em;display:none;z-index:5;font-size:13px}\n"
	      "#state table{font:12px ui-monospace,Menlo,Consolas,monospace;"
	      "width:100%}#state td{border-top:1px solid #eef1f6}"
	      "#state tr.chg td{background:#fff0c9;font-weight:bold}\n"
	      "#state h3{margin:.7em 0 .2em;font-size:1em}"
	      "#state h3.chg{color:#d35400}#state a{cursor:pointer;"
	      "color:#3b5ba5}\n"
	      "#ovw-msg{color:#a33}\n"
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
	struct report_counts c = report_run_counts(r);
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
	if (r->windowed)
		P("<tr><th>counts</th><td>%u transitions in the run; this "
		  "page holds seq %d–%d: %u transitions, %u syscalls, %u "
		  "decisions, %u objects, %u threads</td></tr>\n",
		    r->ntr_total, r->lo, r->hi, r->ntr, r->nsys, r->ndec,
		    r->nobj, r->nthr);
	else
		P("<tr><th>counts</th><td>%u transitions, %u syscalls, %u "
		  "decisions, %u threads, %u objects</td></tr>\n",
		    c.tr, c.sys, c.dec, c.thr, c.obj);
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
	P("<br><a href=\"#why\">Why it failed</a>: the decisions the "
	  "failure needs and the transitions that raced.");
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

		if (!d->decisive || !report_in_window(r, d->seq))
			continue;
		x = X(g, d->seq);
		P("<line class=\"leadline\" x1=\"%f\" y1=\"%f\" x2=\"%f\" "
		  "y2=\"%f\"><title>decisive decision, step %d at seq %d"
		  "</title></line>\n",
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
		P("<rect class=\"%r%r\" data-seq=\"%d\" x=\"%f\" y=\"%f\" "
		  "width=\"%f\" height=\"%i\"><title>%s(%s) = %s%r%s\n"
		  "thread %d, seq %d",
		    cls,
		    r->sys_slice == NULL ? ""
					 : (r->sys_slice[i] ? " slc" : " dim"),
		    s->seq, x0, y + 4, x1 - x0, LANE_H - 10, s->name, s->args,
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
		if (r->sys_slice != NULL && r->sys_slice[i])
			P("\nin the backward slice of the failure");
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

/*
 * The decisive decisions, numbered D1, D2, ... in run order as in the "Why"
 * section: a badge on the lane of the thread that was preempted (or that
 * made the choice), a line down to the lane of the thread that ran.
 */
static void
decisive_marks(const struct report_run *r, const struct geom *g, FILE *out,
    const double *ys)
{
	char th[96];
	size_t i, n = 0;
	double x, y, y2;

	for (i = 0; i < r->ndec; i++) {
		const struct report_dec *d = &r->dec[i];
		bool cho = strcmp(d->kind, "choose") == 0;

		if (!d->decisive)
			continue;
		n++;
		if (!report_in_window(r, d->seq)
		    || (y = lane_y(r, ys, d->tid)) < 0)
			continue;
		x = X(g, d->seq);
		y2 = cho ? -1 : lane_y(r, ys, d->chosen);
		if (y2 >= 0)
			P("<line class=\"dline\" x1=\"%f\" y1=\"%f\" "
			  "x2=\"%f\" y2=\"%f\"/>\n",
			    x, y + LANE_H / 2.0, x, y2 + LANE_H / 2.0);
		P("<g data-seq=\"%d\"><rect class=\"dmark\" x=\"%f\" "
		  "y=\"%f\" width=\"24\" height=\"14\" rx=\"3\"/>"
		  "<text class=\"dtext\" x=\"%f\" y=\"%f\">D%u</text>"
		  "<title>decisive decision D%u, step %d at seq %d: ",
		    d->seq, x - 12, y + 1, x - 9, y + 12, n, n, d->step,
		    d->seq);
		if (cho)
			P("%s gave %d of %s", d->label, d->chosen, d->runnable);
		else
			P("%s preempted, %d ran",
			    report_thread_label(r, d->tid, th, sizeof(th)),
			    d->chosen);
		P("</title></g>\n");
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
			    d->decisive ? "pre" : "dec", x - 3, y, x + 3, y, x,
			    y + 5, d->step, d->seq, d->chosen, d->runnable,
			    d->decisive ? "; decisive (see Why)" : "");
		if (d->preempt && (y = lane_y(r, ys, d->tid)) >= 0)
			P("<polygon class=\"pre\" points=\"%f,%f %f,%f %f,%f\">"
			  "<title>step %d at seq %d: %s preempted by %d"
			  "</title></polygon>\n",
			    x - 4, y + LANE_H - 2, x + 4, y + LANE_H - 2, x,
			    y + LANE_H - 9, d->step, d->seq,
			    report_thread_label(r, d->tid, th, sizeof(th)),
			    d->chosen);
	}
	decisive_marks(r, g, out, ys);
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
	  "scheduling decisions (orange: preemption), D1, D2, ... the "
	  "decisive decisions of the Why section, diamonds are "
	  "sim.choose, dots are print output and labels. Boxes outlined "
	  "in red made transitions of the backward slice of the failure; "
	  "the others are dimmed. Hover for details, click for the state "
	  "of every object there.</p>\n");
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
		P("<rect class=\"run\" data-seq=\"%d\" x=\"%f\" y=\"%f\" "
		  "width=\"%f\" height=\"3\"><title>thread %d runs, seq "
		  "%d–%d</title></rect>\n",
		    sg[i].from, x0, y + LANE_H - 5, x1 - x0 < 1 ? 1 : x1 - x0,
		    sg[i].tid, sg[i].from, sg[i].to - 1);
	}
	lane_marks(r, g, out, ys);
	vmarks(r, g, out, AXIS_H - 6, height);
	P("<line class=\"cur\" id=\"cur-lanes\" x1=\"-9\" y1=\"%i\" "
	  "x2=\"-9\" y2=\"%f\"/>\n",
	    AXIS_H - 6, height);
	P("</svg></div>\n");
	free(ys);
	free(sg);
	return (0);
}

/*
 * The whole run at a glance, from the streamed overview: transitions per
 * bin of seq (per thread when there are few), the failure, the decisive
 * decisions, the part of the run this page holds and the part the
 * transition table shows.  Clicking it moves the table's view there (and
 * shows the state), or, outside this page's window, says which command
 * writes the page for that part.
 */
static int
overview(const struct report_run *r, FILE *out)
{
	const struct report_overview *ov = r->ovw;
	double bw = (double)PLOT_W / REPORT_OVERVIEW_BINS, h, x;
	size_t k, b, i;
	bool objrow = r->object != NULL;
	char th[96];

	h = 22 + (double)(ov->nrows + objrow) * 14 + 6;
	P("<h2 id=\"overview\">Whole run</h2>\n<p class=\"note\">");
	if (r->windowed)
		P("This run has %u transitions; this page holds seq %d–%d "
		  "(the shaded window)%r, around the failure if there is "
		  "one; <code>evsim report --around SEQ</code> writes the "
		  "page for another part. ",
		    r->ntr_total, r->lo, r->hi,
		    r->object != NULL ? ", transitions of one object only"
				      : "");
	else
		P("All %u transitions of the run. ", r->ntr_total);
	P("Click to move the transition table there and show the state "
	  "(orange: the rows the table shows).%r</p>\n",
	    r->cut ? " The window asked for held too many transitions and "
		     "was cut."
		   : "");
	P("<div class=\"scroll\"><svg id=\"ovw\" xmlns=\"http://www.w3.org/"
	  "2000/svg\" width=\"%i\" height=\"%f\">\n",
	    LABEL_W + PLOT_W + RIGHT_W, h);
	P("<text x=\"4\" y=\"14\">seq %d</text><text x=\"%i\" y=\"14\">seq "
	  "%d</text>\n",
	    ov->lo, LABEL_W + PLOT_W - 80, ov->lo + ov->span - 1);
	for (k = 0; k < ov->nrows + objrow; k++) {
		double y = 22 + (double)k * 14;
		const uint32_t *cnt = k < ov->nrows ? ov->cnt[k] : ov->obj;

		if (k == ov->nrows)
			P("<text x=\"4\" y=\"%f\">%s</text>\n", y + 11,
			    r->object);
		else if (ov->tid[k] == 0)
			P("<text x=\"4\" y=\"%f\">all threads</text>\n",
			    y + 11);
		else
			P("<text x=\"4\" y=\"%f\">%s</text>\n", y + 11,
			    report_thread_label(r, ov->tid[k], th, sizeof(th)));
		for (b = 0; b < REPORT_OVERVIEW_BINS; b++) {
			if (cnt[b] == 0)
				continue;
			P("<rect class=\"run\" x=\"%f\" y=\"%f\" "
			  "width=\"%f\" height=\"12\" fill-opacity=\"%f\"/>"
			  "\n",
			    LABEL_W + (double)b * bw, y, bw,
			    0.15 + 0.85 * (double)cnt[b] / (ov->max + 1));
		}
	}
	if (r->windowed)
		P("<rect class=\"win\" id=\"ovw-win\" x=\"%f\" y=\"18\" "
		  "width=\"%f\" height=\"%f\"/>\n",
		    LABEL_W + (double)(r->lo - ov->lo) * PLOT_W / ov->span,
		    (double)(r->hi - r->lo + 1) * PLOT_W / ov->span + 1,
		    h - 20);
	P("<rect class=\"view\" id=\"ovw-view\" x=\"%i\" y=\"18\" "
	  "width=\"0\" height=\"%f\"/>\n",
	    LABEL_W, h - 20);
	for (i = 0; i < r->ndec; i++) {
		if (!r->dec[i].decisive)
			continue;
		x = LABEL_W
		    + (double)(r->dec[i].seq - ov->lo) * PLOT_W / ov->span;
		P("<line class=\"dline\" x1=\"%f\" y1=\"16\" x2=\"%f\" "
		  "y2=\"22\"/>\n",
		    x, x);
	}
	if (!r->hdr.fail_seq.null) {
		x = LABEL_W
		    + (double)(r->hdr.fail_seq.v - ov->lo) * PLOT_W / ov->span;
		P("<line class=\"failline\" x1=\"%f\" y1=\"18\" x2=\"%f\" "
		  "y2=\"%f\"/>\n",
		    x, x, h);
	}
	P("<line class=\"cur\" id=\"ovw-cur\" x1=\"-9\" y1=\"18\" "
	  "x2=\"-9\" y2=\"%f\"/>\n",
	    h);
	P("</svg></div>\n<p id=\"ovw-msg\"></p>\n");
	return (0);
}

/* The syscall of thread 'tid' in progress at 'seq', or NULL. */
static const struct report_sys *
sys_of(const struct report_run *r, int64_t tid, int64_t seq)
{
	const struct report_sys *best = NULL;
	size_t i;

	for (i = 0; i < r->nsys && r->sys[i].seq <= seq; i++)
		if (r->sys[i].tid == tid
		    && (r->sys[i].end_seq.null || r->sys[i].end_seq.v >= seq))
			best = &r->sys[i];
	return (best);
}

/* "in kevent" / "between syscalls" for thread 'tid' at 'seq'. */
static void
doing(const struct report_run *r, FILE *out, int64_t tid, int64_t seq)
{
	const struct report_sys *s = sys_of(r, tid, seq);

	if (s != NULL)
		P("in <code>%s</code> (called at seq %d)", s->name, s->seq);
	else
		P("between syscalls");
}

/*
 * The transitions that raced with the failing one: those of the slice that
 * other threads made on the objects the failing thread touched while it
 * was in the syscall that failed.
 */
static void
raced(const struct report_run *r, FILE *out)
{
	const struct report_tr *f = &r->tr[r->fail_tr];
	const struct report_sys *fs = sys_of(r, f->tid, f->seq);
	char th[96], th2[96];
	size_t i, j, n = 0;
	int64_t from = fs != NULL ? fs->seq : f->seq;

	for (i = tr_from(r, from); i < r->fail_tr; i++) {
		const struct report_tr *t = &r->tr[i];
		bool mine = false;

		if (t->tid == f->tid || !r->tr_slice[i]
		    || report_tr_is_event(t))
			continue;
		/* An object the failing thread touched in that call. */
		for (j = tr_from(r, from); j <= r->fail_tr && !mine; j++)
			mine = r->tr[j].tid == f->tid
			    && strcmp(r->tr[j].object, t->object) == 0;
		if (!mine)
			continue;
		if (n++ == 0) {
			P("<p><strong>What raced:</strong> while thread %s "
			  "was ",
			    report_thread_label(r, f->tid, th, sizeof(th)));
			if (fs != NULL)
				P("in <code>%s</code> (seq %d–%d)", fs->name,
				    fs->seq, f->seq);
			else
				P("running (seq %d–%d)", from, f->seq);
			P(", other threads changed the objects it was working "
			  "on:</p><ul>\n");
		}
		P("<li><a data-seq=\"%d\">seq %d</a> thread %s: %s "
		  "<strong>%s.%s</strong> %s → %s</li>\n",
		    t->seq, t->seq,
		    report_thread_label(r, t->tid, th2, sizeof(th2)), t->func,
		    t->object, t->field, none(t->old), none(t->new));
		if (n == 20)
			break;
	}
	if (n > 0)
		P("</ul>\n");
}

/*
 * The "Why" section: the decisive decisions (what the failing schedule
 * needs that the default one does not do) and the backward slice of the
 * failing transition.
 */
static void
why(const struct report_run *r, FILE *out)
{
	const struct report_hdr *h = &r->hdr;
	char th[96], th2[96];
	size_t i, nd = 0, n = 0, ntr = 0, nobj = 0, nsys = 0;

	if (!failed(r))
		return;
	for (i = 0; i < r->ndec; i++)
		nd += r->dec[i].decisive;
	P("<div class=\"why\" id=\"why\"><h2 style=\"margin-top:.3em\">Why "
	  "it failed</h2>\n");
	if (nd == 0)
		P("<p><strong>No decision led here:</strong> the run took the "
		  "default at every scheduling point, <code>sim.choose</code> "
		  "and fail point (no preemption), so the failure does not "
		  "depend on the interleaving.</p>\n");
	else if (r->shrunk)
		P("<p><strong>The failure needs these %u decisions.</strong> "
		  "This run is the schedule <code>evsim explore</code> "
		  "recorded after shrinking: it replaced each of them by the "
		  "default choice and the failure went away (or the run did "
		  "not get smaller), so each one is needed; every other "
		  "scheduling point takes the default. Marked "
		  "<span class=\"dref\">D1</span>… in the thread lanes.</p>\n",
		    nd);
	else
		P("<p><strong>This run deviated from the default schedule at "
		  "%u decisions</strong> (preemptions, <code>sim.choose</code> "
		  "and fail points). It was not shrunk, so which of them the "
		  "failure needs is not established: <code>evsim explore "
		  "%s --kernel %s</code> finds the failure and shrinks it to "
		  "the decisions it needs; the report of that run lists only "
		  "those. Marked <span class=\"dref\">D1</span>… in the "
		  "thread lanes.</p>\n",
		    nd, h->path, h->kernel);
	if (r->ndecisive > nd)
		P("<p class=\"note\">%u earlier decisions are left out.</p>\n",
		    r->ndecisive - nd);
	if (nd > 0)
		P("<ol style=\"list-style:none;padding-left:0\">\n");
	for (i = 0; i < r->ndec; i++) {
		const struct report_dec *d = &r->dec[i];

		if (!d->decisive)
			continue;
		n++;
		P("<li><span class=\"dref\">D%u</span><a data-seq=\"%d\">seq "
		  "%d</a>, step %d: ",
		    n, d->seq, d->seq, d->step);
		if (strncmp(d->label, "failpoint:", 10) == 0)
			P("fail point <strong>%s</strong> %r", d->label + 10,
			    d->chosen == 2 ? "fired" : "took another choice");
		else if (strcmp(d->kind, "choose") == 0)
			P("<code>sim.choose</code> %s took %d (of %s) instead "
			  "of 1",
			    d->label, d->chosen, d->runnable);
		else {
			P("thread <strong>%s</strong> was preempted ",
			    report_thread_label(r, d->tid, th, sizeof(th)));
			doing(r, out, d->tid, d->seq);
			P(" and <strong>%s</strong> ran ",
			    report_thread_label(
				r, d->chosen, th2, sizeof(th2)));
			doing(r, out, d->chosen, d->seq + 1);
		}
		P("</li>\n");
	}
	if (nd > 0)
		P("</ol>\n");
	if (r->tr_slice != NULL) {
		for (i = 0; i < r->ntr; i++)
			ntr += r->tr_slice[i];
		for (i = 0; i < r->nobj; i++)
			nobj += r->obj_slice[i];
		for (i = 0; i < r->nsys; i++)
			nsys += r->sys_slice[i];
		P("<p><strong>Backward slice of the failing "
		  "transition</strong> "
		  "(<a data-seq=\"%d\">seq %d</a>): the %u transitions on the "
		  "objects it touched, up to the failure, and, transitively, "
		  "on the objects touched by the %u syscalls that made them "
		  "(reference counts, threads, processes and descriptor tables "
		  "are not followed). They are highlighted in the lanes, the "
		  "object states and the transition table; everything else is "
		  "dimmed.</p>\n<p>Objects (%u): ",
		    r->tr[r->fail_tr].seq, r->tr[r->fail_tr].seq, ntr, nsys,
		    nobj);
		for (i = 0, n = 0; i < r->nobj; i++) {
			if (!r->obj_slice[i])
				continue;
			if (n++ > 0)
				P(", ");
			if (n > 40) {
				P("…");
				break;
			}
			P("<a href=\"#obj-%s\">%s</a>", r->obj[i].name,
			    r->obj[i].name);
			if (r->obj[i].label != NULL)
				P(" <small>(%s)</small>", r->obj[i].label);
		}
		P("</p>\n");
		raced(r, out);
		P("<p>Syscalls in the slice:</p><ul>\n");
		for (i = 0, n = 0; i < r->nsys; i++) {
			const struct report_sys *s = &r->sys[i];

			if (!r->sys_slice[i])
				continue;
			if (++n > 30) {
				P("<li>… %u more</li>\n", nsys - 30);
				break;
			}
			P("<li><a data-seq=\"%d\">seq %d</a> thread %s: "
			  "<code>%s(%s) = %s%r%s</code>%r</li>\n",
			    s->seq, s->seq,
			    report_thread_label(r, s->tid, th, sizeof(th)),
			    s->name, s->args, s->result,
			    s->errname != NULL ? " " : "",
			    s->errname != NULL ? s->errname : "",
			    s->end_seq.null
				    || (s->result[0] == '\0'
					&& s->errname == NULL)
				? " (no result: the run ended during the call)"
				: "");
		}
		P("</ul>\n");
	}
	P("</div>\n");
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
			P("<rect class=\"band%r\" data-seq=\"%d\" x=\"%f\" "
			  "y=\"%f\" width=\"%f\" height=\"%i\"",
			    val[0] == '\0' ? " nil" : "",
			    prev != NULL ? prev->seq : to, x0, y, x1 - x0,
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

/*
 * The state timelines of the objects ord[0..n): one band per field, at
 * most MAX_OBJ_DRAWN objects.  Objects outside the backward slice of a
 * failure are dimmed.
 */
static void
states_svg(const struct report_run *r, const struct geom *g, FILE *out,
    const size_t *ord, size_t n)
{
	const char *fields[MAX_FIELDS];
	size_t i, j, k, nf, drawn = 0, rest = 0;
	double y, height;
	int pass;

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
		for (i = 0; i < n; i++) {
			const struct report_obj *o = &r->obj[ord[i]];
			bool dim
			    = r->obj_slice != NULL && !r->obj_slice[ord[i]];

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
			if (pass == 1) {
				P("<g id=\"obj-%s\"%r><text class=\"grp\" "
				  "x=\"4\" y=\"%f\">%s%r<title>%s%r</title>"
				  "</text>\n",
				    o->name, dim ? " class=\"dim\"" : "",
				    y + 13, o->name,
				    r->obj_slice != NULL && !dim ? " ◆" : "",
				    o->label != NULL ? o->label : o->name,
				    r->obj_slice != NULL && !dim
					? " (in the backward slice of the "
					  "failure)"
					: "");
			}
			y += OBJ_H;
			for (k = 0; k < nf; k++, y += BAND_H)
				if (pass == 1)
					band(r, g, out, o, fields[k], y);
			if (pass == 1)
				P("</g>\n");
		}
		height = y + 10;
	}
	vmarks(r, g, out, AXIS_H - 6, height);
	P("</svg></div>\n");
	if (rest > 0)
		P("<p class=\"note\">%u more objects changed in this window; "
		  "see the object list and the transition table.</p>\n",
		    rest);
}

/*
 * Objects by relevance: those in the backward slice of the failure first,
 * then the others, then bookkeeping (threads, processes, descriptor
 * tables, the kernel) folded away.
 */
static int
states(const struct report_run *r, const struct geom *g, FILE *out)
{
	size_t *ord, n = 0, nb, i;
	int pass;

	if ((ord = malloc((r->nobj + 1) * sizeof(*ord))) == NULL)
		return (ENOMEM);
	for (pass = 0; pass < 3; pass++)
		for (i = 0; i < r->nobj; i++) {
			bool bk = report_obj_bookkeeping(&r->obj[i]);
			bool sl = r->obj_slice != NULL && r->obj_slice[i];

			if ((pass == 0 && sl && !bk)
			    || (pass == 1 && !sl && !bk) || (pass == 2 && bk))
				ord[n++] = i;
		}
	for (nb = 0, i = 0; i < r->nobj; i++)
		nb += report_obj_bookkeeping(&r->obj[i]);
	P("<h2 id=\"objects\">Object states</h2>\n<p class=\"note\">One band "
	  "per field of each kernel object; colours stand for values, the "
	  "boundaries are transitions. Hover a band for the value and the "
	  "kernel function that set it; click it for the state of every "
	  "object there.%r</p>\n",
	    r->obj_slice != NULL
		? " Objects in the backward slice of the failure (◆) come "
		  "first; the others are dimmed."
		: "");
	states_svg(r, g, out, ord, n - nb);
	if (nb > 0) {
		P("<details><summary>%u bookkeeping objects (threads, "
		  "processes, descriptor tables, the kernel)</summary>\n",
		    nb);
		states_svg(r, g, out, ord + (n - nb), nb);
		P("</details>\n");
	}
	free(ord);
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

		if (o->label != NULL)
			P("<tr><td>%s <small>%s</small></td>", o->name,
			    o->label);
		else
			P("<tr><td>%s</td>", o->name);
		P("<td>%u</td><td>%d</td><td>%d</td><td>%s</td><td>%s</td>"
		  "</tr>\n",
		    o->n, f->seq, l->seq, l->field, none(l->new));
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

/* Emits the script element's start and the window's bounds as JSON. */
static void
script_data(const struct report_run *r, const struct geom *g, FILE *out)
{
	const struct report_overview *ov = r->ovw;
	bool fail_in
	    = !r->hdr.fail_seq.null && report_in_window(r, r->hdr.fail_seq.v);

	fprintf(out,
	    "<script>\nvar EV = {\"run\": %" PRId64 ", \"db\": ", r->hdr.id);
	report_esc_json(out, r->db_path);
	fprintf(out,
	    ", \"lo\": %" PRId64 ", \"hi\": %" PRId64 ", \"smin\": %" PRId64
	    ", \"smax\": %" PRId64 ", \"glo\": %" PRId64
	    ", \"ps\": %.9g, \"lw\": %d, \"pw\": %d, \"sdrop\": %zu, "
	    "\"fail\": ",
	    r->lo, r->hi, ov != NULL ? ov->lo : r->lo,
	    ov != NULL ? ov->lo + ov->span - 1 : r->hi, g->lo, g->per_seq,
	    LABEL_W, PLOT_W, r->snap_dropped);
	if (fail_in)
		fprintf(out, "%" PRId64, r->hdr.fail_seq.v);
	else
		fputs("null", out);
}

/* Emits the objects of the window, by relevance, as JSON. */
static void
script_objs(const struct report_run *r, FILE *out)
{
	size_t i, n;
	int pass;

	/* Objects by relevance: 0 in the slice, 1 others, 2 bookkeeping. */
	fputs(",\n\"objs\": [", out);
	for (pass = 0, n = 0; pass < 3; pass++)
		for (i = 0; i < r->nobj; i++) {
			bool bk = report_obj_bookkeeping(&r->obj[i]);
			bool sl = r->obj_slice != NULL && r->obj_slice[i];

			if (!((pass == 0 && sl && !bk)
				|| (pass == 1 && !sl && !bk)
				|| (pass == 2 && bk)))
				continue;
			fputs(n++ > 0 ? ",\n[" : "[", out);
			report_esc_json(out, r->obj[i].name);
			putc(',', out);
			report_esc_json(out, r->obj[i].label);
			fprintf(out, ",%d]", pass);
		}
	fputs("]", out);
}

/* Emits the window's transitions and the state where it starts as JSON. */
static void
script_rows(const struct report_run *r, FILE *out)
{
	size_t i, n;

	fputs(",\n\"tr\": [", out);
	for (i = tr_from(r, r->lo), n = 0; i < r->ntr && r->tr[i].seq <= r->hi;
	     i++) {
		const struct report_tr *t = &r->tr[i];

		fprintf(out, "%s[%" PRId64 ",%" PRId64 ",",
		    n++ > 0 ? ",\n" : "", t->seq, t->tid);
		report_esc_json(out, t->func);
		putc(',', out);
		report_esc_json(out, t->object);
		putc(',', out);
		report_esc_json(out, t->field);
		putc(',', out);
		report_esc_json(out, t->old);
		putc(',', out);
		report_esc_json(out, t->new);
		putc(']', out);
	}
	fputs("],\n\"snap\": [", out);
	for (i = 0; i < r->nsnap; i++) {
		const struct report_snap *sn = &r->snap[i];

		fputs(i > 0 ? ",\n[" : "[", out);
		report_esc_json(out, sn->object);
		putc(',', out);
		report_esc_json(out, sn->field);
		putc(',', out);
		report_esc_json(out, sn->value);
		fprintf(out, ",%" PRId64 "]", sn->seq);
	}
	fputs("]};\n", out);
}

/* Emits the code's opening and the transition table: filter, paging, view. */
static void
js_table(FILE *out)
{
	fputs(
	    "(function () {\n"
	    "  'use strict';\n"
	    "  var E = EV, TR = E.tr, doc = document;\n"
	    "  var rows = Array.prototype.slice.call(\n"
	    "    doc.querySelectorAll('#tt tbody tr'));\n"
	    "  var f = doc.querySelectorAll('#filters input');\n"
	    "  var PAGE = 100, v0 = 0, selRow = null;\n"
	    "  var rowSeq = rows.map(function (r) { return "
	    "+r.getAttribute('data-seq'); });\n"
	    "  var trSeq = TR.map(function (t) { return t[0]; });\n"
	    "  var panel = doc.getElementById('state');\n"
	    "  var OB = {};\n"
	    "  E.objs.forEach(function (o, i) { OB[o[0]] = { label: o[1], "
	    "rank: o[2], i: i }; });\n"
	    "  function lower(a, x) {\n"
	    "    var lo = 0, hi = a.length;\n"
	    "    while (lo < hi) {\n"
	    "      var m = (lo + hi) >> 1;\n"
	    "      if (a[m] < x) lo = m + 1; else hi = m;\n"
	    "    }\n"
	    "    return lo;\n"
	    "  }\n"
	    "  function filtering() {\n"
	    "    for (var k = 0; k < f.length; k++) if (f[k].value) return "
	    "true;\n"
	    "    return false;\n"
	    "  }\n"
	    "  function ovx(seq) {\n"
	    "    return E.lw + (seq - E.smin) * E.pw / (E.smax - E.smin + 1);\n"
	    "  }\n"
	    "  function setLine(id, x) {\n"
	    "    var l = doc.getElementById(id);\n"
	    "    if (l) { l.setAttribute('x1', x); l.setAttribute('x2', x); }\n"
	    "  }\n"
	    "  /* Shows the rows of the view (or, when filtering, every "
	    "matching row). */\n"
	    "  function run() {\n"
	    "    var shown = 0, fl = filtering(), j, k;\n"
	    "    for (j = 0; j < rows.length; j++) {\n"
	    "      var ok = j >= v0 && j < v0 + PAGE;\n"
	    "      if (fl) {\n"
	    "        ok = true;\n"
	    "        for (k = 0; k < f.length && ok; k++) {\n"
	    "          var q = f[k].value.toLowerCase();\n"
	    "          var c = rows[j].cells[+f[k].getAttribute('data-col')];\n"
	    "          if (q && c.textContent.toLowerCase().indexOf(q) === -1) "
	    "ok = false;\n"
	    "        }\n"
	    "      }\n"
	    "      rows[j].style.display = ok ? '' : 'none';\n"
	    "      if (ok) shown++;\n"
	    "    }\n"
	    "    doc.getElementById('shown').textContent = shown;\n"
	    "    var vt = doc.getElementById('vtext'), vr = "
	    "doc.getElementById('ovw-view');\n"
	    "    if (rows.length === 0) { vt.textContent = 'no transitions'; "
	    "return; }\n"
	    "    var end = Math.min(v0 + PAGE, rows.length);\n"
	    "    var a = rowSeq[v0], b = rowSeq[end - 1];\n"
	    "    vt.textContent = fl ? 'filtered: every matching row of this "
	    "page'\n"
	    "      : 'rows ' + (v0 + 1) + '–' + end + ' of ' + rows.length +\n"
	    "        ' (seq ' + a + '–' + b + ')';\n"
	    "    if (vr) {\n"
	    "      var x0 = ovx(a), x1 = ovx(b + 1);\n"
	    "      vr.setAttribute('x', x0);\n"
	    "      vr.setAttribute('width', Math.max(2, x1 - x0));\n"
	    "      vr.setAttribute('data-from', a);\n"
	    "      vr.setAttribute('data-to', b);\n"
	    "    }\n"
	    "  }\n"
	    "  function moveView(seq) {\n"
	    "    var i = lower(rowSeq, seq);\n"
	    "    v0 = Math.max(0, Math.min(i - (PAGE >> 1), rows.length - "
	    "PAGE));\n"
	    "    run();\n"
	    "  }\n",
	    out);
}

/* Emits the DOM helpers and stateAt(), every object's state at a seq. */
static void
js_state(FILE *out)
{
	fputs(
	    "  function el(tag, cls, text) {\n"
	    "    var e = doc.createElement(tag);\n"
	    "    if (cls) e.className = cls;\n"
	    "    if (text !== undefined) e.textContent = text;\n"
	    "    return e;\n"
	    "  }\n"
	    "  function link(seq, text) {\n"
	    "    var a = el('a', null, text);\n"
	    "    a.setAttribute('data-seq', seq);\n"
	    "    return a;\n"
	    "  }\n"
	    "  function isEvent(t) {\n"
	    "    return t[2] === 'print' || t[2] === 'sim_label' || t[3] === "
	    "'';\n"
	    "  }\n"
	    "  /* Every object's fields after the transitions up to 'seq'. */\n"
	    "  function stateAt(seq) {\n"
	    "    var st = {}, order = [], i;\n"
	    "    function rec(o, fl) {\n"
	    "      var m = st[o];\n"
	    "      if (!m) { m = st[o] = {}; order.push(o); }\n"
	    "      if (!m[fl])\n"
	    "        m[fl] = { v: '', w: null, wf: null, p: null, pf: null, "
	    "old: '' };\n"
	    "      return m[fl];\n"
	    "    }\n"
	    "    E.snap.forEach(function (s) {\n"
	    "      var r = rec(s[0], s[1]);\n"
	    "      r.v = s[2]; r.w = s[3];\n"
	    "    });\n"
	    "    for (i = 0; i < TR.length && TR[i][0] <= seq; i++) {\n"
	    "      var t = TR[i];\n"
	    "      if (isEvent(t)) continue;\n"
	    "      var r = rec(t[3], t[4]);\n"
	    "      r.p = r.w; r.pf = r.wf; r.old = t[5];\n"
	    "      r.v = t[6]; r.w = t[0]; r.wf = t[2];\n"
	    "    }\n"
	    "    return { st: st, order: order };\n"
	    "  }\n"
	    "  function writer(td, seq, func, prefix) {\n"
	    "    td.appendChild(doc.createTextNode(prefix));\n"
	    "    if (seq === null) { td.appendChild(doc.createTextNode('never "
	    "before')); return; }\n"
	    "    var a = link(seq, 'seq ' + seq + (func ? ' ' + func : ''));\n"
	    "    a.className = 'writer';\n"
	    "    a.title = 'the last writer of this field before here';\n"
	    "    td.appendChild(a);\n"
	    "  }\n"
	    "  function outside(seq) {\n"
	    "    doc.getElementById('ovw-msg').textContent = 'seq ' + seq +\n"
	    "      ' is outside this page (seq ' + E.lo + '–' + E.hi + '); "
	    "write the ' +\n"
	    "      'page for it with: evsim report ' + E.db + ' --run ' + "
	    "E.run +\n"
	    "      ' --around ' + seq + ' -o report.html';\n"
	    "  }\n",
	    out);
}

/* Emits render(), which fills the state panel for one transition. */
static void
js_render(FILE *out)
{
	fputs(
	    "  function render(ti) {\n"
	    "    var t = TR[ti], seq = t[0], s = stateAt(seq), fold = null;\n"
	    "    panel.textContent = '';\n"
	    "    panel.style.display = 'block';\n"
	    "    var hd = el('div');\n"
	    "    hd.style.cssText = 'position:sticky;top:0;background:#fff;' "
	    "+\n"
	    "      'padding-top:.5em;border-bottom:1px solid #d6dbe4';\n"
	    "    var close = el('button', null, '✕');\n"
	    "    close.style.float = 'right';\n"
	    "    close.onclick = function () { panel.style.display = 'none'; "
	    "};\n"
	    "    hd.appendChild(close);\n"
	    "    var h = el('h2', null, 'State at seq ' + seq);\n"
	    "    h.id = 'state-seq';\n"
	    "    h.style.margin = '0';\n"
	    "    hd.appendChild(h);\n"
	    "    var p = el('p', null, (isEvent(t) ? t[2] + ' ' + t[4] + ': ' "
	    "+ t[6]\n"
	    "      : t[3] + '.' + t[4] + ': ' + (t[5] || '(none)') + ' → ' +\n"
	    "        (t[6] || '(none)')) + ' — ' + t[2] + ', thread ' + "
	    "t[1]);\n"
	    "    p.id = 'state-tr';\n"
	    "    p.style.margin = '.2em 0';\n"
	    "    hd.appendChild(p);\n"
	    "    var nav = el('p');\n"
	    "    nav.style.margin = '.2em 0';\n"
	    "    if (ti > 0) nav.appendChild(link(TR[ti - 1][0], '◀ "
	    "previous'));\n"
	    "    nav.appendChild(doc.createTextNode('   '));\n"
	    "    if (ti + 1 < TR.length) nav.appendChild(link(TR[ti + 1][0], "
	    "'next ▶'));\n"
	    "    nav.appendChild(doc.createTextNode('   changed fields are "
	    "yellow; ' +\n"
	    "      'the last column is the last writer before here'));\n"
	    "    hd.appendChild(nav);\n"
	    "    panel.appendChild(hd);\n"
	    "    if (E.sdrop)\n"
	    "      panel.appendChild(el('p', 'note', E.sdrop + ' fields of "
	    "objects ' +\n"
	    "        'outside this window are left out.'));\n"
	    "    var objs = s.order.slice().sort(function (a, b) {\n"
	    "      var x = OB[a], y = OB[b], rx = x ? x.rank : 1, ry = y ? "
	    "y.rank : 1;\n"
	    "      if (rx !== ry) return rx - ry;\n"
	    "      return (x ? x.i : 1e9) - (y ? y.i : 1e9) || (a < b ? -1 : a "
	    "> b ? 1 : 0);\n"
	    "    });\n"
	    "    objs.forEach(function (o) {\n"
	    "      var info = OB[o], m = s.st[o], chg = false, host = panel;\n"
	    "      if (info && info.rank === 2) {\n"
	    "        if (!fold) {\n"
	    "          fold = el('details');\n"
	    "          fold.appendChild(el('summary', null,\n"
	    "            'bookkeeping objects (threads, processes, descriptor "
	    "tables)'));\n"
	    "          panel.appendChild(fold);\n"
	    "        }\n"
	    "        host = fold;\n"
	    "      }\n"
	    "      var tb = el('table');\n"
	    "      tb.setAttribute('data-object', o);\n"
	    "      Object.keys(m).sort().forEach(function (fl) {\n"
	    "        var r = m[fl], tr = el('tr', r.w === seq ? 'chg' : "
	    "null);\n"
	    "        tr.setAttribute('data-field', fl);\n"
	    "        tr.appendChild(el('td', null, fl));\n"
	    "        tr.appendChild(el('td', 'val', r.v === '' ? '(none)' : "
	    "r.v));\n"
	    "        var td = el('td');\n"
	    "        if (r.w === seq) {\n"
	    "          chg = true;\n"
	    "          writer(td, r.p, r.pf, 'was ' + (r.old === '' ? '(none)' "
	    ": r.old) +\n"
	    "            ', set at ');\n"
	    "        } else\n"
	    "          writer(td, r.w, r.wf, '');\n"
	    "        tr.appendChild(td);\n"
	    "        tb.appendChild(tr);\n"
	    "      });\n"
	    "      var h3 = el('h3', chg ? 'chg' : null,\n"
	    "        o + (info && info.rank === 0 ? ' ◆' : ''));\n"
	    "      if (info && info.label) {\n"
	    "        var sm = el('small', null, ' ' + info.label);\n"
	    "        sm.style.fontWeight = 'normal';\n"
	    "        h3.appendChild(sm);\n"
	    "      }\n"
	    "      host.appendChild(h3);\n"
	    "      host.appendChild(tb);\n"
	    "    });\n"
	    "  }\n",
	    out);
}

/* Emits select(), the page's event handlers and the code's end. */
static void
js_select(FILE *out)
{
	fputs(
	    "  /* Selects the transition at or before 'seq': state panel and "
	    "cursors. */\n"
	    "  function select(seq) {\n"
	    "    if (seq < E.lo || seq > E.hi) { outside(seq); return; }\n"
	    "    if (TR.length === 0) return;\n"
	    "    var ti = lower(trSeq, seq);\n"
	    "    if (ti >= TR.length || (trSeq[ti] > seq && ti > 0)) ti--;\n"
	    "    seq = trSeq[ti];\n"
	    "    var ri = lower(rowSeq, seq);\n"
	    "    if (selRow) selRow.classList.remove('sel');\n"
	    "    selRow = null;\n"
	    "    if (rowSeq[ri] === seq) {\n"
	    "      selRow = rows[ri];\n"
	    "      selRow.classList.add('sel');\n"
	    "      if (!filtering() && (ri < v0 || ri >= v0 + PAGE)) "
	    "moveView(seq);\n"
	    "    }\n"
	    "    setLine('cur-lanes', E.lw + (seq - E.glo) * E.ps);\n"
	    "    setLine('ovw-cur', ovx(seq));\n"
	    "    render(ti);\n"
	    "    try { history.replaceState(null, '', '#seq-' + seq); } catch "
	    "(e) {}\n"
	    "  }\n"
	    "  for (var i = 0; i < f.length; i++) "
	    "f[i].addEventListener('input', run);\n"
	    "  doc.getElementById('vprev').onclick = function () {\n"
	    "    v0 = Math.max(0, v0 - PAGE); run();\n"
	    "  };\n"
	    "  doc.getElementById('vnext').onclick = function () {\n"
	    "    v0 = Math.max(0, Math.min(v0 + PAGE, rows.length - PAGE)); "
	    "run();\n"
	    "  };\n"
	    "  var dc = doc.getElementById('dimchk');\n"
	    "  if (dc) dc.onchange = function () {\n"
	    "    doc.getElementById('tt').classList.toggle('dimming', "
	    "dc.checked);\n"
	    "  };\n"
	    "  doc.addEventListener('click', function (ev) {\n"
	    "    var t = ev.target.closest ? ev.target.closest('[data-seq]') : "
	    "null;\n"
	    "    if (t && !(ev.target.closest && ev.target.closest('#ovw'))) "
	    "{\n"
	    "      ev.preventDefault();\n"
	    "      select(+t.getAttribute('data-seq'));\n"
	    "      return;\n"
	    "    }\n"
	    "    var a = ev.target.closest ? "
	    "ev.target.closest('a[href^=\"#tr-\"]') : null;\n"
	    "    if (a) {\n"
	    "      ev.preventDefault();\n"
	    "      var sq = +a.getAttribute('href').slice(4), ri = "
	    "lower(rowSeq, sq);\n"
	    "      select(sq);\n"
	    "      if (rows[ri]) rows[ri].scrollIntoView({ block: 'center' "
	    "});\n"
	    "    }\n"
	    "  });\n"
	    "  var ov = doc.getElementById('ovw');\n"
	    "  if (ov) ov.addEventListener('click', function (ev) {\n"
	    "    var b = ov.getBoundingClientRect();\n"
	    "    var x = (ev.clientX - b.left) * (ov.width.baseVal.value / "
	    "b.width);\n"
	    "    if (x < E.lw) return;\n"
	    "    var seq = Math.floor(E.smin + (x - E.lw) * (E.smax - E.smin + "
	    "1) / E.pw);\n"
	    "    doc.getElementById('ovw-msg').textContent = '';\n"
	    "    if (seq < E.lo || seq > E.hi) { outside(seq); return; }\n"
	    "    moveView(seq);\n"
	    "    select(seq);\n"
	    "  });\n"
	    "  var m = /^#seq-(\\d+)$/.exec(location.hash);\n"
	    "  if (m) select(+m[1]);\n"
	    "  else moveView(E.fail !== null ? E.fail : E.lo);\n"
	    "})();\n",
	    out);
}

/*
 * The page's one script: the data of the window (its transitions, the
 * state where it starts, the objects by relevance) as JSON, and the code
 * that filters and pages the transition table, moves it from the overview,
 * and shows the state of every object at a selected transition (changed
 * fields highlighted, each field's last writer one click away).  Every
 * string goes through report_esc_json(), which leaves no "</script>".
 */
static void
script(const struct report_run *r, const struct geom *g, FILE *out)
{
	script_data(r, g, out);
	script_objs(r, out);
	script_rows(r, out);
	js_table(out);
	js_state(out);
	js_render(out);
	js_select(out);
	fputs("\n</script>\n", out);
}

static void
tables(const struct report_run *r, FILE *out)
{
	char v[32], th[96];
	size_t i, n = 0;

	size_t first = tr_from(r, r->lo), v0, at;
	bool fail_in
	    = !r->hdr.fail_seq.null && report_in_window(r, r->hdr.fail_seq.v);

	for (i = first; i < r->ntr && r->tr[i].seq <= r->hi; i++)
		n++;
	/*
	 * The rows of the script's first view (around the failure) are
	 * shown; the others start hidden, so that a browser lays out only
	 * TABLE_PAGE rows of a large window.
	 */
	at = tr_from(r, fail_in ? r->hdr.fail_seq.v : r->lo) - first;
	v0 = at > TABLE_PAGE / 2 ? at - TABLE_PAGE / 2 : 0;
	if (n > TABLE_PAGE && v0 > n - TABLE_PAGE)
		v0 = n - TABLE_PAGE;
	if (n <= TABLE_PAGE)
		v0 = 0;
	P("<h2 id=\"transitions\">Transitions</h2>\n<p id=\"filters\">Filter: "
	  "<input data-col=\"4\" placeholder=\"object\"> "
	  "<input data-col=\"5\" placeholder=\"field\"> "
	  "<input data-col=\"3\" placeholder=\"function\"> "
	  "<input data-col=\"2\" placeholder=\"thread\"> "
	  "<span class=\"note\"><span id=\"shown\">%u</span> of %u rows"
	  "%r</span></p>\n<p id=\"pager\"><button id=\"vprev\">◀</button> "
	  "<button id=\"vnext\">▶</button> <span id=\"vtext\"></span>%r"
	  "</p>\n",
	    n, n, r->windowed ? " (window of a larger run)" : "",
	    r->tr_slice != NULL ? " <label><input type=\"checkbox\" "
				  "id=\"dimchk\" checked> dim transitions "
				  "outside the slice</label>"
				: "");
	P("<div class=\"scroll\"><table class=\"grid%r\" id=\"tt\"><thead><tr>"
	  "<th>seq</th><th>vtime</th><th>thread</th><th>function</th>"
	  "<th>object</th><th>field</th><th>old</th><th>new</th></tr>"
	  "</thead><tbody>\n",
	    r->tr_slice != NULL ? " dimming" : "");
	for (i = tr_from(r, r->lo); i < r->ntr && r->tr[i].seq <= r->hi; i++) {
		const struct report_tr *t = &r->tr[i];
		const char *cls = "";

		if (i == r->fail_tr)
			cls = " class=\"fail\"";
		else if (r->tr_slice != NULL && r->tr_slice[i])
			cls = report_tr_is_event(t) ? " class=\"ev sl\""
						    : " class=\"sl\"";
		else if (r->tr_slice != NULL)
			cls = report_tr_is_event(t) ? " class=\"ev dim\""
						    : " class=\"dim\"";
		else if (report_tr_is_event(t))
			cls = " class=\"ev\"";
		P("<tr id=\"tr-%d\"%r data-seq=\"%d\"%r><td>%d</td><td>%s</td>"
		  "<td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
		  "<td>%s</td></tr>\n",
		    t->seq, cls, t->seq,
		    i - first >= v0 && i - first < v0 + TABLE_PAGE
			? ""
			: " style=\"display:none\"",
		    t->seq, report_fmt_ns(t->vtime, v, sizeof(v)),
		    report_thread_label(r, t->tid, th, sizeof(th)), t->func,
		    t->object, t->field, t->old, t->new);
	}
	P("</tbody></table></div>\n");

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
		    d->decisive ? " class=\"lead\""
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

/* The last transitions of both runs, after an alignment that stopped. */
static void
diff_ends(const struct report_run *a, const struct report_run *b,
    const struct report_diff *d, FILE *out)
{
	size_t na = a->ntr - d->end[0], nb = b->ntr - d->end[1], i;

	if (na == 0 && nb == 0)
		return;
	P("<p class=\"note\">%u transitions of run %d and %u of run %d after "
	  "these are left out.  The runs end with:</p>\n",
	    d->left[0], a->hdr.id, d->left[1], b->hdr.id);
	P("<div class=\"scroll\"><table class=\"grid\"><thead><tr><th></th>"
	  "<th>seq</th><th>function</th><th>run %d</th><th>seq</th>"
	  "<th>function</th><th>run %d</th></tr></thead><tbody>\n",
	    a->hdr.id, b->hdr.id);
	for (i = 0; i < na || i < nb; i++) {
		P("<tr><td></td>");
		diff_cell(a, out, i < na ? d->end[0] + i : SIZE_MAX, "");
		diff_cell(b, out, i < nb ? d->end[1] + i : SIZE_MAX, "");
		P("</tr>\n");
	}
	P("</tbody></table></div>\n");
}

static int
diff(const struct report_run *a, const struct report_run *b, FILE *out)
{
	const struct report_diff *d = a->diff;
	size_t i;

	head("evsim diff:", a, out);
	P("<h1>evsim diff: run %d against run %d</h1>\n", a->hdr.id, b->hdr.id);
	P("<div style=\"display:flex;gap:2em;flex-wrap:wrap\"><div><h2>Run "
	  "%d</h2>\n",
	    a->hdr.id);
	meta_table(a, out);
	P("</div><div><h2>Run %d</h2>\n", b->hdr.id);
	meta_table(b, out);
	P("</div></div>\n<h2>Transitions</h2>\n");
	if (d->first == SIZE_MAX)
		P("<p>The runs made the same %u transitions.</p>\n",
		    report_run_counts(a).tr);
	else
		P("<p class=\"failbox\">First difference after %u equal "
		  "transitions: <a href=\"#first-diff\">jump to it</a>.</p>\n",
		    d->prefix);
	if (d->skipped > 0)
		P("<p class=\"note\">%u equal transitions before these are "
		  "left out.</p>\n",
		    d->skipped);
	P("<div class=\"scroll\"><table class=\"grid\"><thead><tr><th></th>"
	  "<th>seq</th><th>function</th><th>run %d</th><th>seq</th>"
	  "<th>function</th><th>run %d</th></tr></thead><tbody>\n",
	    a->hdr.id, b->hdr.id);
	for (i = 0; i < d->npair; i++) {
		const struct report_pair *p = &d->pair[i];
		bool chg = p->a == SIZE_MAX || p->b == SIZE_MAX;

		if (i == d->first)
			P("<tr class=\"first\" id=\"first-diff\"><td>▶</td>");
		else
			P("<tr><td>%r</td>", chg ? "≠" : "");
		diff_cell(a, out, p->a, chg ? " class=\"chg\"" : "");
		diff_cell(b, out, p->b, chg ? " class=\"chg\"" : "");
		P("</tr>\n");
	}
	P("</tbody></table></div>\n");
	if (d->truncated)
		P("<p class=\"note\">The alignment stops here; <code>evsim "
		  "diff</code> shows the rest.</p>\n");
	diff_ends(a, b, d, out);
	P("</body>\n</html>\n");
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
	why(r, out);
	if (r->ovw != NULL && (error = overview(r, out)) != 0)
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
	P("<div id=\"state\"></div>\n");
	script(r, &g, out);
	P("</body>\n</html>\n");
	return (0);
}
