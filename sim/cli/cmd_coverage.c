/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * evsim coverage DB: transition coverage.  Over every run
 * of the database (or the runs of one kernel family), lists which
 * (object kind, field, old -> new, kernel function) transitions occurred
 * and how often, then checks them against the state machines declared next
 * to the models (freebsd_sm_rules in sim/freebsd/kern_event_sm.c,
 * illumos_sm_rules in sim/illumos/port_sm.c):
 *
 *   - the allowed transitions never exercised, which a scenario suite
 *     misses;
 *   - the transitions of a declared field that the machine does not allow
 *     (a model change or a gap in the table).
 *
 * A flag rule ("+BIT" or "-BIT" by func) is exercised by any transition of
 * that field by func that sets (clears) the bit; a value rule by the exact
 * old -> new by func.  The output is text, sorted bytewise, deterministic
 * for a given database.  Exit 0, or 2 on a bad database.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kernel.h"
#include "tracedb.h"

/* One distinct observed transition. */
struct obs {
	char *kind, *field, *old, *new, *func;
	int64_t count;
	bool family[2]; /* seen under SIM_FREEBSD / SIM_ILLUMOS */
};

static char *
xstrdup(const unsigned char *s)
{
	char *d = strdup(s != NULL ? (const char *)s : "");

	if (d == NULL) {
		fprintf(stderr, "evsim: out of memory\n");
		exit(2);
	}
	return (d);
}

/* Whether flag set 'set' ("A|B|C") contains bit name 'bit'. */
static bool
has_flag(const char *set, const char *bit)
{
	size_t n = strlen(bit);
	const char *p = set;

	while (*p != '\0') {
		size_t len = strcspn(p, "|");

		if (len == n && strncmp(p, bit, n) == 0)
			return (true);
		p += len;
		if (*p == '|')
			p++;
	}
	return (false);
}

/* Whether an observed transition exercises rule r. */
static bool
rule_matches(const struct sim_sm_rule *r, const struct obs *o)
{
	if (strcmp(r->kind, o->kind) != 0 || strcmp(r->field, o->field) != 0
	    || strcmp(r->func, o->func) != 0)
		return (false);
	if (r->to == NULL) {
		bool set = r->from[0] == '+';
		const char *bit = r->from + 1;

		return (set ? has_flag(o->new, bit) && !has_flag(o->old, bit)
			    : has_flag(o->old, bit) && !has_flag(o->new, bit));
	}
	return (strcmp(r->from, o->old) == 0 && strcmp(r->to, o->new) == 0);
}

/* Whether a table declares a machine for (kind, field). */
static const struct sim_sm_rule *
declared_field(
    const struct sim_sm_rule *rules, const char *kind, const char *field)
{
	const struct sim_sm_rule *r;

	for (r = rules; r->kind != NULL; r++)
		if (strcmp(r->kind, kind) == 0 && strcmp(r->field, field) == 0)
			return (r);
	return (NULL);
}

/*
 * Whether every change of o is allowed by the rules of its field: for a
 * flag field each set or cleared bit needs a rule naming o's function; for
 * a value field the exact pair does.
 */
static bool
allowed(const struct sim_sm_rule *rules, const struct obs *o)
{
	const struct sim_sm_rule *r, *d;
	char bits[2][512], *tok, *save;
	int side;

	d = declared_field(rules, o->kind, o->field);
	if (d->to != NULL) {
		for (r = rules; r->kind != NULL; r++)
			if (rule_matches(r, o))
				return (true);
		return (false);
	}
	snprintf(bits[0], sizeof(bits[0]), "%s", o->new); /* set bits */
	snprintf(bits[1], sizeof(bits[1]), "%s", o->old); /* cleared bits */
	for (side = 0; side < 2; side++) {
		for (tok = strtok_r(bits[side], "|", &save); tok != NULL;
		     tok = strtok_r(NULL, "|", &save)) {
			bool ok = false;

			if (has_flag(side == 0 ? o->old : o->new, tok))
				continue; /* unchanged */
			for (r = rules; r->kind != NULL && !ok; r++)
				ok = r->to == NULL
				    && strcmp(r->kind, o->kind) == 0
				    && strcmp(r->field, o->field) == 0
				    && strcmp(r->func, o->func) == 0
				    && r->from[0] == (side == 0 ? '+' : '-')
				    && strcmp(r->from + 1, tok) == 0;
			if (!ok)
				return (false);
		}
	}
	return (true);
}

static void
show_rule(const struct sim_sm_rule *r)
{
	if (r->to == NULL)
		printf("  %-10s %-14s %-5s %-20s by %s\n", r->kind, r->field,
		    r->from[0] == '+' ? "set" : "clear", r->from + 1, r->func);
	else
		printf("  %-10s %-14s %s -> %s  by %s\n", r->kind, r->field,
		    r->from[0] ? r->from : "\"\"", r->to[0] ? r->to : "\"\"",
		    r->func);
}

static void
quoted(const char *s)
{
	if (s[0] == '\0')
		printf("\"\"");
	else
		printf("%s", s);
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: evsim coverage DB [--kernel freebsd|illumos] [--kind "
	    "KIND]\n\n"
	    "Lists the (object kind, field, old -> new, function) transitions "
	    "of every run\nin DB with their counts, then the transitions the "
	    "models' declared state\nmachines allow that no run exercised, and "
	    "the observed transitions of a\ndeclared field that the machine "
	    "does not allow.  --kernel restricts to the\nruns of one kernel "
	    "family, --kind to one object kind (knote, portkev...).\n\n"
	    "examples:\n"
	    "  evsim coverage evsim.db\n"
	    "  evsim coverage evsim.db --kernel illumos --kind portkev\n");
}

int
cmd_coverage(int argc, char **argv)
{
	static const struct sim_sm_rule *const tables[2]
	    = { freebsd_sm_rules, illumos_sm_rules };
	static const char *const famname[2] = { "freebsd", "illumos" };
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "kind", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path, *onlyfam = NULL, *onlykind = NULL;
	struct obs *obs = NULL;
	size_t nobs = 0, cap = 0, i;
	int64_t run = 0, nruns[2] = { 0, 0 }, ntrans = 0;
	struct tracedb *tdb;
	sqlite3 *db;
	sqlite3_stmt *st;
	int c, k, f, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "k:K:h", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			onlyfam = optarg;
			if (strcmp(onlyfam, "freebsd") != 0
			    && strcmp(onlyfam, "illumos") != 0)
				return (cli_usage_error("coverage",
				    "--kernel: freebsd or illumos, not '%s'",
				    onlyfam));
			break;
		case 'K':
			onlykind = optarg;
			break;
		case 'h':
			usage(stdout);
			return (0);
		default:
			return (cli_bad_option("coverage", argv));
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return (EXIT_USAGE);
	}
	path = argv[optind];
	if (cli_open_db(path, &run, &tdb) != 0)
		return (EXIT_USAGE);
	db = tracedb_sqlite(tdb);

	/* Runs per kernel family. */
	rc = sqlite3_prepare_v2(db,
	    "SELECT kernel, count(*) FROM runs GROUP BY kernel ORDER BY kernel",
	    -1, &st, NULL);
	while (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
		const char *kn = (const char *)sqlite3_column_text(st, 0);
		const struct sim_revision *rev
		    = kn != NULL ? sim_revision_find(kn) : NULL;

		if (rev != NULL)
			nruns[rev->rev_kind == SIM_ILLUMOS]
			    += sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);

	/*
	 * Distinct transitions with their counts, per kernel revision; the
	 * revisions of one family are merged below (rows arrive sorted).
	 */
	rc = sqlite3_prepare_v2(db,
	    "SELECT CASE WHEN instr(t.object, '#') > 0 THEN "
	    "substr(t.object, 1, instr(t.object, '#') - 1) ELSE t.object END "
	    "AS kind, t.field, t.old, t.new, t.func, r.kernel, count(*) "
	    "FROM trace t JOIN runs r ON r.id = t.run_id "
	    "GROUP BY kind, t.field, t.old, t.new, t.func, r.kernel "
	    "ORDER BY kind, t.field, t.old, t.new, t.func, r.kernel",
	    -1, &st, NULL);
	if (rc != SQLITE_OK) {
		fprintf(stderr, "evsim: %s: %s\n", path, sqlite3_errmsg(db));
		tracedb_close(tdb);
		return (EXIT_USAGE);
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *kn = (const char *)sqlite3_column_text(st, 5);
		const struct sim_revision *rev
		    = kn != NULL ? sim_revision_find(kn) : NULL;
		int fam = rev != NULL && rev->rev_kind == SIM_ILLUMOS;
		struct obs *o;
		const char *cols[5];

		if (rev == NULL
		    || (onlyfam != NULL && strcmp(onlyfam, famname[fam]) != 0))
			continue;
		for (k = 0; k < 5; k++) {
			cols[k] = (const char *)sqlite3_column_text(st, k);
			if (cols[k] == NULL)
				cols[k] = "";
		}
		if (onlykind != NULL && strcmp(onlykind, cols[0]) != 0)
			continue;
		o = nobs > 0 ? &obs[nobs - 1] : NULL;
		if (o == NULL || strcmp(o->kind, cols[0]) != 0
		    || strcmp(o->field, cols[1]) != 0
		    || strcmp(o->old, cols[2]) != 0
		    || strcmp(o->new, cols[3]) != 0
		    || strcmp(o->func, cols[4]) != 0) {
			if (nobs == cap) {
				cap = cap ? cap * 2 : 1024;
				obs = realloc(obs, cap * sizeof(*obs));
				if (obs == NULL) {
					fprintf(
					    stderr, "evsim: out of memory\n");
					return (2);
				}
			}
			o = &obs[nobs++];
			memset(o, 0, sizeof(*o));
			o->kind = xstrdup((const unsigned char *)cols[0]);
			o->field = xstrdup((const unsigned char *)cols[1]);
			o->old = xstrdup((const unsigned char *)cols[2]);
			o->new = xstrdup((const unsigned char *)cols[3]);
			o->func = xstrdup((const unsigned char *)cols[4]);
		}
		o->count += sqlite3_column_int64(st, 6);
		o->family[fam] = true;
		ntrans += sqlite3_column_int64(st, 6);
	}
	sqlite3_finalize(st);
	tracedb_close(tdb);

	printf("coverage of %s: %" PRId64 " freebsd run(s), %" PRId64
	       " illumos run(s), %" PRId64 " transitions, %zu distinct\n",
	    path, onlyfam && strcmp(onlyfam, "freebsd") ? 0 : nruns[0],
	    onlyfam && strcmp(onlyfam, "illumos") ? 0 : nruns[1], ntrans, nobs);
	printf("\noccurred (kind field old -> new func count):\n");
	for (i = 0; i < nobs; i++) {
		printf("  %s %s ", obs[i].kind, obs[i].field);
		quoted(obs[i].old);
		printf(" -> ");
		quoted(obs[i].new);
		printf(" %s %" PRId64 "\n", obs[i].func, obs[i].count);
	}

	/* Each family's declared machine, if it has runs here. */
	for (f = 0; f < 2; f++) {
		const struct sim_sm_rule *rules = tables[f], *r;
		int nrules = 0, nhit = 0, nout = 0;

		if ((onlyfam != NULL && strcmp(onlyfam, famname[f]) != 0)
		    || nruns[f] == 0)
			continue;
		for (r = rules; r->kind != NULL; r++) {
			if (onlykind != NULL && strcmp(onlykind, r->kind) != 0)
				continue;
			nrules++;
			for (i = 0; i < nobs; i++)
				if (obs[i].family[f]
				    && rule_matches(r, &obs[i]))
					break;
			if (i < nobs)
				nhit++;
		}
		printf("\n%s state machine (%s): %d allowed transitions, %d "
		       "exercised, %d never exercised:\n",
		    famname[f],
		    f == 0 ? "sim/freebsd/kern_event_sm.c"
			   : "sim/illumos/port_sm.c",
		    nrules, nhit, nrules - nhit);
		for (r = rules; r->kind != NULL; r++) {
			if (onlykind != NULL && strcmp(onlykind, r->kind) != 0)
				continue;
			for (i = 0; i < nobs; i++)
				if (obs[i].family[f]
				    && rule_matches(r, &obs[i]))
					break;
			if (i == nobs)
				show_rule(r);
		}
		for (i = 0; i < nobs; i++)
			if (obs[i].family[f]
			    && declared_field(rules, obs[i].kind, obs[i].field)
				!= NULL
			    && !allowed(rules, &obs[i]))
				nout++;
		printf("\n%s transitions outside the declared machine: %d\n",
		    famname[f], nout);
		for (i = 0; i < nobs; i++) {
			if (!obs[i].family[f]
			    || declared_field(rules, obs[i].kind, obs[i].field)
				== NULL
			    || allowed(rules, &obs[i]))
				continue;
			printf("  %s %s ", obs[i].kind, obs[i].field);
			quoted(obs[i].old);
			printf(" -> ");
			quoted(obs[i].new);
			printf(" %s %" PRId64 "\n", obs[i].func, obs[i].count);
		}
	}
	for (i = 0; i < nobs; i++) {
		free(obs[i].kind);
		free(obs[i].field);
		free(obs[i].old);
		free(obs[i].new);
		free(obs[i].func);
	}
	free(obs);
	return (0);
}
