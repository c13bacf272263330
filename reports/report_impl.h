/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The in-memory model shared by the report renderers.  report.c loads one
 * run from the database into a 'struct report_run' (run header, transitions,
 * syscalls, decisions, threads, and the objects derived from transitions) and
 * provides the escapers and the helpers every format needs: the detail
 * window, thread lanes, decisions that led to a failure, diff alignment and
 * the observed state machine.  This header is private to reports/: it is
 * shared by several .c files, so it cannot follow the one-.c-one-.h rule and
 * carries the '_impl' suffix instead; nothing outside reports/ includes it.
 */
#ifndef REPORTS_REPORT_IMPL_H
#define REPORTS_REPORT_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "report.h"

/*
 * Runs larger than this many transitions are summarised: the timelines and
 * tables show a window of at most this many transitions (around the failure,
 * or the start of the run) plus an overview of the whole run.
 */
#define REPORT_WINDOW 5000
/* The most transitions --from/--to or --object may load at once. */
#define REPORT_WINDOW_MAX 50000
/* Columns of the whole-run overview. */
#define REPORT_OVERVIEW_BINS 300
/* Threads drawn as rows of their own in the overview (else one row). */
#define REPORT_OVERVIEW_ROWS 16
/* Object fields carried into the page as the state where the window starts. */
#define REPORT_SNAP_MAX 20000

/* A value read from a nullable INTEGER column. */
struct report_int {
	int64_t v;
	bool null;
};

/* One transition: a row of 'trace'. */
struct report_tr {
	int64_t seq;
	int64_t vtime;
	int64_t pid;
	int64_t tid;
	const char *func;
	const char *object;
	const char *field;
	const char *old;
	const char *new;
};

/* One completed (or, at a failure, unfinished) syscall. */
struct report_sys {
	int64_t seq;
	int64_t vtime;
	int64_t pid;
	int64_t tid;
	const char *name;
	const char *args;
	const char *result;
	const char *errname; /* NULL when the call succeeded */
	struct report_int end_seq;
	struct report_int end_vtime;
};

/* One scheduling ('sched') or 'sim.choose' ('choose') decision. */
struct report_dec {
	int64_t step;
	int64_t seq;
	int64_t vtime;
	int64_t tid;
	const char *kind;
	int64_t chosen;
	const char *runnable;
	const char *label;
	bool preempt; /* 'tid' was still runnable and another was chosen */
	bool lead; /* one of the decisions that led to the failure */
	bool decisive; /* a preemption, choice or fail point before the failure
			*/
};

/* One simulated thread; threads seen only in 'trace' are added. */
struct report_thread {
	int64_t tid;
	int64_t pid;
	const char *name;
	const char *kind;
	struct report_int start_seq;
	struct report_int end_seq;
};

/* One kernel object and the indices of its transitions in 'tr'. */
struct report_obj {
	const char *name;
	const char *label; /* from 'objects', or NULL */
	size_t *idx;
	size_t n;
	size_t cap;
};

/* The value of one object field where the window starts. */
struct report_snap {
	const char *object;
	const char *field;
	char *value; /* malloc'ed */
	size_t cap;
	int64_t seq; /* the transition that wrote it */
};

/*
 * The whole run, streamed once: transitions per bin of seq, one row per
 * thread (at most REPORT_OVERVIEW_ROWS threads; else one row for all).
 */
struct report_overview {
	int64_t lo; /* first seq of the run */
	int64_t span; /* seqs the bins cover */
	size_t nrows;
	int64_t tid[REPORT_OVERVIEW_ROWS]; /* each row's thread, 0 = all */
	uint32_t cnt[REPORT_OVERVIEW_ROWS][REPORT_OVERVIEW_BINS];
	uint32_t obj[REPORT_OVERVIEW_BINS]; /* the --object's transitions */
	uint32_t max;
};

/* The run header: a row of 'runs'. */
struct report_hdr {
	int64_t id;
	const char *scenario;
	const char *path;
	const char *kernel;
	struct report_int seed;
	const char *strategy;
	const char *status;
	const char *message;
	struct report_int vtime_end;
	struct report_int transitions;
	const char *trace_hash;
	const char *engine_version;
	const char *created_at;
	const char *fail_func;
	struct report_int fail_seq;
	const char *args;
};

struct report_arena;

/* One loaded run. */
struct report_run {
	const char *db_path;
	struct report_hdr hdr;
	struct report_tr *tr;
	size_t ntr;
	struct report_sys *sys;
	size_t nsys;
	struct report_dec *dec;
	size_t ndec;
	struct report_thread *thr; /* sorted by (pid, tid) */
	size_t nthr;
	struct report_obj *obj; /* sorted by kind, then number */
	size_t nobj;
	size_t fail_tr; /* index of the failing transition, or SIZE_MAX */
	int64_t lo; /* first seq of the detail window */
	int64_t hi; /* last seq of the detail window */
	int64_t seq_max;
	bool windowed; /* the run is larger than REPORT_WINDOW */
	struct report_arena *arena;

	/* Filled by report_run_load_window() only (zero otherwise). */
	size_t ntr_total; /* transitions of the whole run */
	int64_t seq_min; /* first seq of the whole run */
	const char *object; /* --object, or NULL */
	bool cut; /* the requested window held too many transitions */
	struct report_snap *snap; /* state at 'lo', by object then field */
	size_t nsnap;
	size_t snap_dropped; /* fields left out past REPORT_SNAP_MAX */
	struct report_overview *ovw;
	size_t ndecisive; /* decisive decisions in the whole run */
	bool shrunk; /* recorded by explore after shrinking */

	/* Filled by report_slice(). */
	unsigned char *tr_slice; /* per transition: in the backward slice */
	unsigned char *sys_slice; /* per syscall: caused a slice transition */
	unsigned char *obj_slice; /* per object: in the slice */
};

/* An aligned diff of two runs. */
struct report_diff {
	struct report_pair *pair;
	size_t npair;
	size_t first; /* index in 'pair' of the first difference, or SIZE_MAX */
	size_t prefix; /* transitions equal in both runs before 'first' */
	size_t skipped; /* equal transitions left out before 'pair[0]' */
	bool truncated; /* the alignment stopped before the end of a run */
};

/* One observed transition of the state machine of a (kind, field). */
struct report_edge {
	const char *kind;
	const char *field;
	const char *from;
	const char *to;
	size_t count;
	char funcs[256]; /* functions that made it, comma-separated */
};

/*
 * Loads run 'run_id' (0 = latest) from the open database into 'r'.  Returns
 * 0, ENOENT (no such run), ENOMEM or EIO with a message in 'err'.
 */
struct sqlite3;
int report_run_load(struct sqlite3 *db, const char *db_path, int64_t run_id,
    struct report_run *r, char *err, size_t errlen);

/*
 * Loads the window of run 'o->run_id' that 'o' selects (see struct
 * report_opts): the transitions, syscalls and decisions of the window, the
 * decisive decisions before the failure, every thread, the state of every
 * object where the window starts and the overview of the whole run,
 * streaming the rest.  Returns 0, ENOENT, EINVAL, ENOMEM or EIO with a
 * message in 'err'.
 */
int report_run_load_window(struct sqlite3 *db, const char *db_path,
    const struct report_opts *o, struct report_run *r, char *err,
    size_t errlen);

/*
 * The backward slice of the failing transition within the window: the
 * transitions on the objects it touched and, transitively, on the objects
 * touched by the syscalls that made them, up to the seq each object
 * mattered.  Reference counts and thread, process and descriptor-table
 * objects (bookkeeping) are not followed.  Fills r->tr_slice, r->sys_slice
 * and r->obj_slice (left NULL when the run did not fail in the window).
 * Returns 0 or ENOMEM.
 */
int report_slice(struct report_run *r);

/* Whether object 'o' is bookkeeping (folded in the HTML object states). */
bool report_obj_bookkeeping(const struct report_obj *o);

/* Whether field 'field' is a reference count. */
bool report_field_refcount(const char *field);

/* Frees what report_run_load() allocated; a zeroed run is a no-op. */
void report_run_free(struct report_run *r);

/* Whether transition 't' is an event (print output, label), not a change. */
bool report_tr_is_event(const struct report_tr *t);

/* The thread with 'tid', or NULL. */
const struct report_thread *report_thread_find(
    const struct report_run *r, int64_t tid);

/* The object kind of 'name' ("knote" for "knote#12") into buf. */
void report_obj_kind(const char *name, char *buf, size_t len);

/* Whether transition seq 'seq' lies in the detail window. */
bool report_in_window(const struct report_run *r, int64_t seq);

/*
 * Aligns the transitions of runs 'a' and 'b' into 'd': the common prefix,
 * then a longest-common-subsequence alignment of a bounded number of
 * transitions after the first difference.  Returns 0 or ENOMEM.
 */
int report_diff_align(const struct report_run *a, const struct report_run *b,
    struct report_diff *d);

/* Whether two transitions are the same change (ignoring seq and vtime). */
bool report_tr_equal(const struct report_tr *x, const struct report_tr *y);

/*
 * Collects the observed state machine of objects of 'kind' (NULL = all) into
 * a malloc'ed array *ret_e of *ret_n edges, sorted by kind, field, from, to.
 * Returns 0 or ENOMEM.
 */
int report_states_collect(const struct report_run *r, const char *kind,
    struct report_edge **ret_e, size_t *ret_n);

/* Writes 's' with HTML (and XML) escaping; NULL writes nothing. */
void report_esc_html(FILE *out, const char *s);

/* Writes 's' escaped for Markdown text and table cells. */
void report_esc_md(FILE *out, const char *s);

/*
 * Writes 's' for a terminal (control characters as '?'), at most 'cols'
 * columns (0 = no limit), ending in '~' when cut; returns columns written.
 */
size_t report_esc_text(FILE *out, const char *s, size_t cols);

/* Writes 's' escaped as the inside of a DOT double-quoted string. */
void report_esc_dot(FILE *out, const char *s);

/*
 * Writes 's' as a JSON string for a page's script: quotes, backslashes,
 * control characters and '<', '>', '&' escaped (no "</script>" can end
 * the script), malformed UTF-8 as U+FFFD.
 */
void report_esc_json(FILE *out, const char *s);

typedef void report_esc_fn(FILE *out, const char *s);

/*
 * A small printf for markup: "%s" writes a string through 'esc', "%r" writes
 * a trusted string (markup) as is, "%d" an int64_t, "%i" an int, "%u" a
 * size_t, "%f" a double with one decimal, "%%" a percent sign.  Keeping the
 * escaping in the format makes an unescaped database string stand out.
 */
void report_printf(FILE *out, report_esc_fn *esc, const char *fmt, ...);

/* Formats virtual nanoseconds 'ns' readably ("1.500ms") into buf. */
const char *report_fmt_ns(int64_t ns, char *buf, size_t len);

/* The name of thread 'tid' for display ("100002 main") into buf. */
const char *report_thread_label(
    const struct report_run *r, int64_t tid, char *buf, size_t len);

/* Renderers, called by report_write() with loaded runs. */
int report_html_write(const struct report_run *r, const struct report_run *b,
    const char *states_kind, FILE *out);
int report_md_write(
    const struct report_run *r, const struct report_run *b, FILE *out);
int report_text_write(
    const struct report_run *r, const struct report_run *b, FILE *out);

/* Writes the state machine of 'kind' (NULL = all kinds) as DOT. */
int report_dot_write(const struct report_run *r, const char *kind, FILE *out);

/*
 * Renders the DOT of 'kind' with Graphviz 'dot' and copies the <svg> element
 * to 'out'.  Returns 0, ENOENT when 'dot' is not on PATH or fails (nothing
 * written), or ENOMEM.
 */
int report_dot_svg(const struct report_run *r, const char *kind, FILE *out);

/*
 * Values as the text and Markdown reports show them (report_vals.c): an
 * empty old or new value as "(none)" (no previous value, no object),
 * "(no flags)" (the empty flag set) or "\"\"" (the empty string).
 */
struct report_vals {
	unsigned char *bits; /* per transition */
};

/* Classifies the values of r's transitions.  Returns 0 or ENOMEM. */
int report_vals_init(const struct report_run *r, struct report_vals *v);
void report_vals_free(struct report_vals *v);

/* The old (new = false) or new value of transition i for display. */
const char *report_val_show(const struct report_run *r,
    const struct report_vals *v, size_t i, bool new);

/* Whether t changes nothing (old equals new): left out of histories. */
bool report_tr_noop(const struct report_tr *t);

/* The label of the object named 'name', or NULL. */
const char *report_obj_label(const struct report_run *r, const char *name);

/*
 * The distinct objects (at most 'max', in order) of the rows of diff 'd'
 * that only one run has, and that have a label in either run, into names.
 */
size_t report_diff_objects(const struct report_run *a,
    const struct report_run *b, const struct report_diff *d, const char **names,
    size_t max);

#endif /* REPORTS_REPORT_IMPL_H */
