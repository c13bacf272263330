/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The in-memory model shared by the report renderers.  report.c loads the
 * window of one run from the database into a 'struct report_run' (run
 * header, transitions, syscalls, decisions, threads, and the objects derived
 * from transitions), report_against.c the parts of two runs a diff shows,
 * and report.c provides the escapers and the helpers every format needs: the
 * detail window, thread lanes, decisions that led to a failure, diff
 * alignment; report_states.c collects the observed state machine.  This header
 * is private to reports/: it is shared by several .c files, so it cannot follow
 * the one-.c-one-.h rule and carries the '_impl' suffix instead; nothing
 * outside reports/ includes it.
 */
#ifndef REPORTS_REPORT_IMPL_H
#define REPORTS_REPORT_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "errbuf.h"
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
struct report_diff;

/* The counts of a whole run. */
struct report_counts {
	size_t tr; /* transitions */
	size_t sys; /* syscalls */
	size_t dec; /* decisions */
	size_t thr; /* threads */
	size_t obj; /* objects */
};

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

	/* Filled by report_against_load() (zero otherwise). */
	bool partial; /* 'tr' holds parts of the run; 'all' counts it whole */
	struct report_counts all;
	unsigned char *vbits; /* report_vals bits of each loaded transition */
	struct report_diff *diff; /* of the first run: the diff to the second */

	/* Filled by report_slice(). */
	unsigned char *tr_slice; /* per transition: in the backward slice */
	unsigned char *sys_slice; /* per syscall: caused a slice transition */
	unsigned char *obj_slice; /* per object: in the slice */
};

/* Objects named in a diff's rows that only one run has, at most this many. */
#define REPORT_DIFF_OBJS 64

/*
 * An aligned diff of two runs (report_against_load()): the equal
 * transitions just before the first difference, then an alignment of a
 * bounded number of transitions of each run after it, then, for runs
 * longer than REPORT_WINDOW, the last transitions of each run.  Indices are
 * into each run's 'tr'.
 */
struct report_diff {
	struct report_pair *pair;
	size_t npair;
	size_t first; /* index in 'pair' of the first difference, or SIZE_MAX */
	size_t prefix; /* transitions equal in both runs before 'first' */
	size_t skipped; /* equal transitions left out before 'pair[0]' */
	bool truncated; /* the alignment stopped before the end of a run */
	size_t end[2]; /* each run's first last transition in 'tr' (or ntr) */
	size_t left[2]; /* left out between the alignment and those */
	/* The objects of rows only one run has, with a label in either. */
	const char *obj[REPORT_DIFF_OBJS];
	const char *label[2][REPORT_DIFF_OBJS]; /* in each run, or NULL */
	size_t nobj;
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

struct sqlite3;

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

/* Frees what a run's loader allocated; a zeroed run is a no-op. */
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
 * Loads runs 'a_id' (0 = the latest) and 'b_id' for a diff, streaming both
 * once in step to their first difference and on to their ends, and a
 * second time as far as the transitions shown where their values need the
 * objects' history: into 'a' and 'b' the headers, the counts of the whole
 * runs ('all'), the transitions shown and their report_vals bits, and into
 * a->diff the alignment.  Memory is bounded by the transitions shown and
 * the distinct (kind, field) pairs, threads and object names, not by the
 * length of the runs.  Returns 0, ENOENT (no such run), ENOMEM or EIO with
 * a message in 'err'.
 */
int report_against_load(struct sqlite3 *db, const char *db_path, int64_t a_id,
    int64_t b_id, struct report_run *a, struct report_run *b, char *err,
    size_t errlen);

/* The counts of run r: 'all' when it is loaded in parts, else its arrays. */
struct report_counts report_run_counts(const struct report_run *r);

/*
 * For report_against.c: the header of run 'run_id' (0 = the latest) into a
 * zeroed 'r' (0, ENOENT, ENOMEM or EIO with a message in 'err'); a copy of
 * 's' (NULL: "") in r's arena (*oom on failure); an error message.
 */
int report_run_hdr(struct sqlite3 *db, const char *db_path, int64_t run_id,
    struct report_run *r, char *err, size_t errlen);
const char *report_run_str(struct report_run *r, const char *s, bool *oom);

/* Whether two transitions are the same change (ignoring seq and vtime). */
bool report_tr_equal(const struct report_tr *x, const struct report_tr *y);

/*
 * Collects the observed state machine of objects of 'kind' (NULL = all) of
 * the loaded transitions of 'r' into a malloc'ed array *ret_e of *ret_n
 * edges, sorted by kind, field, from, to; each edge's 'kind' is one
 * allocation holding its four strings, freed by the caller.  Returns 0 or
 * ENOMEM.
 */
int report_states_collect(const struct report_run *r, const char *kind,
    struct report_edge **ret_e, size_t *ret_n);

/*
 * The same, one transition at a time (report_states.c): a collector for the
 * objects of 'kind' (NULL = all; borrowed), fed transitions in seq order by
 * report_states_add() (strings borrowed for the call, NULL read as ""),
 * whose edges report_states_edges() returns as report_states_collect()
 * does.  Memory grows with the distinct values and edges of the fields
 * kept, not with the transitions.  Each returns 0 or ENOMEM;
 * report_states_free(NULL) is a no-op.
 */
struct report_states;
int report_states_new(struct report_states **ret_s, const char *kind);
int report_states_add(struct report_states *s, int64_t seq, const char *func,
    const char *object, const char *field, const char *old, const char *new);
int report_states_edges(
    struct report_states *s, struct report_edge **ret_e, size_t *ret_n);
void report_states_free(struct report_states *s);

/* Compares object names as the reports order objects (kind, then number). */
int report_obj_name_cmp(const char *x, const char *y);

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
 * Writes the n edges e of run r's state machine (r's header only) as DOT
 * and frees them (report_states_edges()).
 */
void report_dot_edges(
    const struct report_run *r, struct report_edge *e, size_t n, FILE *out);

/*
 * Renders the DOT of 'kind' with Graphviz 'dot' and copies the <svg> element
 * to 'out'.  Returns 0, ENOENT when 'dot' is not on PATH or fails (nothing
 * written), or ENOMEM.
 */
int report_dot_svg(const struct report_run *r, const char *kind, FILE *out);

/* What report_vals knows of a transition's values (report_vals.c). */
enum {
	REPORT_VAL_OLD_ABSENT = 0x01, /* old "" is "no previous value" */
	REPORT_VAL_FLAGS = 0x02, /* the (kind, field) holds flag sets */
	REPORT_VAL_REF = 0x04, /* the (kind, field) holds object names */
	REPORT_VAL_NEVER_EMPTY
	= 0x08, /* no change of (kind, field) empties it */
	REPORT_VAL_EMPTIED = 0x10, /* (report_val_seen) new is "" */
};

/*
 * What one transition's values say of its (kind, field): REPORT_VAL_FLAGS,
 * REPORT_VAL_REF and REPORT_VAL_EMPTIED; report_val_class() turns the union
 * over every transition of a (kind, field) into its class bits.
 */
unsigned report_val_seen(const char *old, const char *new);
unsigned char report_val_class(unsigned seen);

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

#endif /* REPORTS_REPORT_IMPL_H */
