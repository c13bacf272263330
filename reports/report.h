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
 * text; not DOT).
 *
 * 'states_kind' names an object kind ("knote", "kqueue", "port", "proc", the
 * part of an object name before '#').  With REPORT_DOT it selects the kind
 * whose observed state machine is written (NULL = every kind, one cluster per
 * kind and field); with REPORT_HTML it selects the state machines embedded in
 * the page (NULL = every kind), as SVG when Graphviz 'dot' is on PATH and as
 * DOT source otherwise.  Markdown and text ignore it.
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
