/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * State-trace reports: the public entry point of reports/.  A report reads
 * one run (and optionally a second run to compare against) from an evsim
 * trace database, opened read-only, and writes it as a self-contained HTML
 * page, Markdown for a bug report, width-aware text for a terminal, or the
 * observed state machine of one object kind as Graphviz DOT.  Reports depend
 * only on the table names and columns of the schema (trace_schema.h), never
 * on engine/ code, so any program that can hand over a path can render one.
 */
#ifndef REPORTS_REPORT_H
#define REPORTS_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum report_format {
	REPORT_HTML,
	REPORT_MD,
	REPORT_TEXT,
	REPORT_DOT,
};

/*
 * Parses a format name ("html", "md" or "markdown", "text" or "txt", "dot")
 * into *ret_fmt.  Returns 0, or EINVAL for an unknown name.
 */
int report_format_parse(const char *name, enum report_format *ret_fmt);

/*
 * Writes the report of run 'run_id' (0 = the latest run) of the database at
 * 'db_path' to 'out' in format 'fmt'.
 *
 * 'against_run_id' other than 0 renders a diff instead: both runs side by
 * side, transitions aligned, the first difference marked (HTML, Markdown and
 * text; not DOT).  Both runs are streamed; memory is bounded by the
 * transitions the diff shows (around the first difference, and the ends of
 * runs longer than one window), not by the length of the runs.
 *
 * 'states_kind' names an object kind ("knote", "kqueue", "port", "proc", the
 * part of an object name before '#').  With REPORT_DOT it selects the kind
 * whose observed state machine is written (NULL = every kind, one cluster per
 * kind and field), streaming the whole run through a collector whose memory
 * grows with the distinct states and edges; with REPORT_HTML it selects the
 * state machines embedded in the page (NULL = every kind), of the page's
 * window, as SVG when Graphviz 'dot' is on PATH and as DOT source otherwise.
 * Markdown and text ignore it.
 *
 * Returns 0, or a positive errno with a one-line message (no newline) in
 * 'err' (of size 'errlen'; may be NULL when errlen is 0):
 *   ENOENT  the database cannot be opened, or the run does not exist;
 *   EINVAL  the file is not an evsim database ("PATH: not an evsim
 *           database"), its schema version is unknown, or the arguments
 *           do not fit together (a DOT diff, an unknown format);
 *   ENOMEM  out of memory;
 *   EIO     an SQLite read error, or writing to 'out' failed.
 * 'out' is borrowed and not closed; on error, part of a report may have been
 * written.  The database is closed before returning.
 */
int report_write(const char *db_path, int64_t run_id, int64_t against_run_id,
    enum report_format fmt, const char *states_kind, FILE *out, char *err,
    size_t errlen);

/*
 * The part of a run a report shows (evsim report --from/--to/--around/
 * --object).  A report of one run reads only that window of transitions
 * into memory and streams the rest of the run once (the overview of the
 * whole run, the state of every object where the window starts), so its
 * memory is bounded by the window and the number of object fields, not by
 * the length of the run.
 */
struct report_opts {
	int64_t run_id; /* 0 = the latest run */
	int64_t against_run_id; /* 0 = no diff */
	int64_t from; /* first seq shown, or 0 */
	int64_t to; /* last seq shown, or 0 */
	int64_t around; /* centre of the window, or 0 */
	const char *object; /* only this object's transitions, or NULL */
	const char *states_kind;
};

/*
 * report_write() with options: 'o->from', 'o->to', 'o->around' and
 * 'o->object' choose the window (see struct report_opts); the other
 * arguments and the return values are those of report_write(), plus EINVAL
 * for a window that does not fit the run ("--from 9 is after --to 3",
 * "seq 900 is after the run's last transition 213") and ENOENT for an
 * object the run never names.
 */
int report_write_opts(const char *db_path, const struct report_opts *o,
    enum report_format fmt, FILE *out, char *err, size_t errlen);

/* A row of a diff: indices into each side, or SIZE_MAX for a gap. */
struct report_pair {
	size_t a;
	size_t b;
};

/*
 * Aligns two sequences of na and nb items by a longest common subsequence
 * under eq(i, j, arg) (item i of the first equals item j of the second),
 * appending the rows to pair[*npair...] (room for na + nb rows) in order:
 * both indices for equal items, SIZE_MAX on the side of a gap; of two
 * equally long alignments the first side's gap comes first.  Indices are
 * offset by base.  Sequences are bounded by the caller (the table is
 * (na + 1) * (nb + 1) entries of 16 bits).  Returns 0 or ENOMEM.
 */
int report_align(size_t base, size_t na, size_t nb,
    bool (*eq)(size_t i, size_t j, void *arg), void *arg,
    struct report_pair *pair, size_t *npair);

#endif /* REPORTS_REPORT_H */
