/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The observed state machine as Graphviz DOT: for each object kind and field
 * (say knote 'kn_status'), every value seen is a node and every observed
 * change old -> new is an edge labelled with how often it happened and which
 * kernel functions made it.  Fields with many distinct values (counters) are
 * left out by report_states_collect().  report_dot_svg() pipes the DOT through
 * Graphviz 'dot', when it is on PATH, so the HTML report can embed the
 * picture; reports run outside the simulation, so spawning a process here
 * does not touch determinism.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report_impl.h"

/* The longest value list of one cluster (see STATES_MAX_VALUES). */
#define MAX_VALUES 64

static size_t
value_id(const char **vals, size_t *n, const char *v)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp(vals[i], v) == 0)
			return (i);
	if (*n < MAX_VALUES)
		vals[(*n)++] = v;
	return (i);
}

static const char *
none(const char *s)
{
	return (s[0] != '\0' ? s : "(none)");
}

int
report_dot_write(const struct report_run *r, const char *kind, FILE *out)
{
	struct report_edge *e;
	size_t n;
	int error;

	if ((error = report_states_collect(r, kind, &e, &n)) != 0)
		return (error);
	report_dot_edges(r, e, n, out);
	return (0);
}

void
report_dot_edges(
    const struct report_run *r, struct report_edge *e, size_t n, FILE *out)
{
	const char *vals[MAX_VALUES];
	size_t i, k, nv, cl = 0, f, t;

	fputs("digraph evsim_states {\n", out);
	fputs("\trankdir=LR;\n\tlabelloc=t;\n\tlabel=\"", out);
	fprintf(out, "run %" PRId64 ": ", r->hdr.id);
	report_esc_dot(out, r->hdr.scenario);
	fputs(" (", out);
	report_esc_dot(out, r->hdr.kernel);
	fputs("), observed state machine\";\n", out);
	fputs("\tnode [shape=box, style=\"rounded,filled\", "
	      "fillcolor=\"#eef3fb\", fontname=\"Helvetica\", fontsize=11];\n"
	      "\tedge [fontname=\"Helvetica\", fontsize=9];\n",
	    out);
	if (n == 0)
		fputs("\tempty [label=\"no state changes observed\"];\n", out);
	for (i = 0; i < n; i = k, cl++) {
		for (k = i; k < n && strcmp(e[k].kind, e[i].kind) == 0
		     && strcmp(e[k].field, e[i].field) == 0;
		     k++)
			;
		fprintf(out, "\tsubgraph cluster_%zu {\n\t\tlabel=\"", cl);
		report_esc_dot(out, e[i].kind);
		fputs(" ", out);
		report_esc_dot(out, e[i].field);
		fputs("\";\n", out);
		nv = 0;
		for (; i < k; i++) {
			f = value_id(vals, &nv, e[i].from);
			t = value_id(vals, &nv, e[i].to);
			fprintf(out, "\t\tc%zu_%zu -> c%zu_%zu [label=\"%zu× ",
			    cl, f, cl, t, e[i].count);
			report_esc_dot(out, e[i].funcs);
			fputs("\"];\n", out);
		}
		for (f = 0; f < nv; f++) {
			fprintf(out, "\t\tc%zu_%zu [label=\"", cl, f);
			report_esc_dot(out, none(vals[f]));
			fputs("\"];\n", out);
		}
		fputs("\t}\n", out);
	}
	fputs("}\n", out);
	for (i = 0; i < n; i++)
		free((char *)e[i].kind);
	free(e);
}

/* Whether an executable 'dot' is in a directory of $PATH. */
static bool
have_dot(void)
{
	const char *path = getenv("PATH"), *p, *end;
	char buf[4096];

	if (path == NULL)
		return (false);
	for (p = path; *p != '\0'; p = *end != '\0' ? end + 1 : end) {
		end = strchr(p, ':');
		if (end == NULL)
			end = p + strlen(p);
		if (end > p && (size_t)(end - p) + 5 < sizeof(buf)) {
			snprintf(
			    buf, sizeof(buf), "%.*s/dot", (int)(end - p), p);
			if (access(buf, X_OK) == 0)
				return (true);
		}
	}
	return (false);
}

int
report_dot_svg(const struct report_run *r, const char *kind, FILE *out)
{
	char tmp[] = "/tmp/evsim-states-XXXXXX", cmd[128];
	char *svg = NULL, *start, *endp;
	size_t len = 0, cap = 0, got;
	FILE *f, *p;
	int fd, error = 0;

	if (!have_dot())
		return (ENOENT);
	if ((fd = mkstemp(tmp)) < 0)
		return (ENOENT);
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		unlink(tmp);
		return (ENOENT);
	}
	error = report_dot_write(r, kind, f);
	if (fclose(f) != 0 && error == 0)
		error = ENOENT;
	if (error != 0)
		goto done;
	snprintf(cmd, sizeof(cmd), "dot -Tsvg %s 2>/dev/null", tmp);
	if ((p = popen(cmd, "r")) == NULL) {
		error = ENOENT;
		goto done;
	}
	for (;;) {
		if (cap - len < 4096) {
			char *n = realloc(svg, cap + 65536);

			if (n == NULL) {
				error = ENOMEM;
				break;
			}
			svg = n;
			cap += 65536;
		}
		got = fread(svg + len, 1, cap - len - 1, p);
		if (got == 0)
			break;
		len += got;
	}
	if (pclose(p) != 0 && error == 0)
		error = ENOENT;
	if (error != 0)
		goto done;
	svg[len] = '\0';
	/* Drop the XML prolog and DOCTYPE: only the element goes inline. */
	start = strstr(svg, "<svg");
	endp = start != NULL ? strstr(start, "</svg>") : NULL;
	if (endp == NULL) {
		error = ENOENT;
		goto done;
	}
	fwrite(start, 1, (size_t)(endp - start) + 6, out);
	putc('\n', out);
done:
	free(svg);
	unlink(tmp);
	return (error);
}
