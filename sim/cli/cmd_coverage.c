/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * evsim coverage DB: transition coverage.  Over every run
 * of the database (or the runs of one kernel family), lists which
 * (object kind, field, old -> new, kernel function) transitions occurred
 * and how often, then checks them against the state machines declared next
 * to the models (freebsd_sm_rules in sim/freebsd/kern_event_sm.c,
 * illumos_sm_rules in sim/illumos/port_sm.c; the runs of freebsd@7773002,
 * a model of its own, against freebsd7773002_sm_rules in
 * sim/freebsd/kern_event_7773002_sm.c):
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
	bool family[3]; /* seen under freebsd, illumos, freebsd@7773002 */
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
	    "usage: evsim coverage DB [--kernel "
	    "freebsd|illumos|freebsd@7773002] "
	    "[--kind KIND]\n\n"
	    "Lists the (object kind, field, old -> new, function) transitions "
	    "of every run\nin DB with their counts, then the transitions the "
	    "models' declared state\nmachines allow that no run exercised, and "
	    "the observed transitions of a\ndeclared field that the machine "
	    "does not allow.  --kernel restricts to the\nruns of one kernel "
	    "family, --kind to one object kind (knote, portkev...).\n\n"
	    "examples:\n"
	    "  evsim coverage evsim.db\n"
	    "  evsim coverage evsim.db --kernel illumos --kind portkev\n"
	    "  evsim coverage evsim.db --kernel freebsd@7773002\n");
}

/*
 * The machine a revision's runs are checked against: its kind's, or for
 * the seed's kernel (a model of its own) that model's.
 */
static int
family_of(const struct sim_revision *rev)
{
	if (rev->rev_kops == &freebsd7773002_kops)
		return (2);
	return (rev->rev_kind == SIM_ILLUMOS);
}

static const struct sim_sm_rule *const fam_rules[3]
    = { freebsd_sm_rules, illumos_sm_rules, freebsd7773002_sm_rules };
static const char *const fam_name[3]
    = { "freebsd", "illumos", "freebsd@7773002" };
static const char *const fam_file[3] = { "sim/freebsd/kern_event_sm.c",
	"sim/illumos/port_sm.c", "sim/freebsd/kern_event_7773002_sm.c" };

/* What one invocation reads from the database and then prints. */
struct coverage {
	const char *onlyfam; /* --kernel, or NULL */
	const char *onlykind; /* --kind, or NULL */
	struct obs *obs; /* distinct transitions, sorted */
	size_t nobs, cap;
	int64_t nruns[3]; /* runs per family */
	int64_t ntrans; /* transitions of the families shown */
	sqlite3 *db; /* open while printing, for example_object() */
};

/* Counts the runs of each kernel family. */
static void
count_runs(sqlite3 *db, struct coverage *cv)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(db,
	    "SELECT kernel, count(*) FROM runs GROUP BY kernel ORDER BY kernel",
	    -1, &st, NULL);
	while (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
		const char *kn = (const char *)sqlite3_column_text(st, 0);
		const struct sim_revision *rev
		    = kn != NULL ? sim_revision_find(kn) : NULL;

		if (rev != NULL)
			cv->nruns[family_of(rev)]
			    += sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
}

/*
 * Distinct transitions with their counts, per kernel revision; the
 * revisions of one family are merged (rows arrive sorted).  Returns 0, or
 * EXIT_USAGE after printing why.
 */
static int
load_transitions(sqlite3 *db, const char *path, struct coverage *cv)
{
	sqlite3_stmt *st;
	int k;

	if (sqlite3_prepare_v2(db,
		"SELECT CASE WHEN instr(t.object, '#') > 0 THEN "
		"substr(t.object, 1, instr(t.object, '#') - 1) ELSE t.object "
		"END AS kind, t.field, t.old, t.new, t.func, r.kernel, "
		"count(*) FROM trace t JOIN runs r ON r.id = t.run_id "
		"GROUP BY kind, t.field, t.old, t.new, t.func, r.kernel "
		"ORDER BY kind, t.field, t.old, t.new, t.func, r.kernel",
		-1, &st, NULL)
	    != SQLITE_OK) {
		fprintf(stderr, "evsim: %s: %s\n", path, sqlite3_errmsg(db));
		return (EXIT_USAGE);
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *kn = (const char *)sqlite3_column_text(st, 5);
		const struct sim_revision *rev
		    = kn != NULL ? sim_revision_find(kn) : NULL;
		int fam = rev != NULL ? family_of(rev) : 0;
		struct obs *o;
		const char *cols[5];

		if (rev == NULL
		    || (cv->onlyfam != NULL
			&& strcmp(cv->onlyfam, fam_name[fam]) != 0))
			continue;
		for (k = 0; k < 5; k++) {
			cols[k] = (const char *)sqlite3_column_text(st, k);
			if (cols[k] == NULL)
				cols[k] = "";
		}
		if (cv->onlykind != NULL && strcmp(cv->onlykind, cols[0]) != 0)
			continue;
		o = cv->nobs > 0 ? &cv->obs[cv->nobs - 1] : NULL;
		if (o == NULL || strcmp(o->kind, cols[0]) != 0
		    || strcmp(o->field, cols[1]) != 0
		    || strcmp(o->old, cols[2]) != 0
		    || strcmp(o->new, cols[3]) != 0
		    || strcmp(o->func, cols[4]) != 0) {
			if (cv->nobs == cv->cap) {
				cv->cap = cv->cap ? cv->cap * 2 : 1024;
				cv->obs = realloc(
				    cv->obs, cv->cap * sizeof(*cv->obs));
				if (cv->obs == NULL) {
					fprintf(
					    stderr, "evsim: out of memory\n");
					exit(2);
				}
			}
			o = &cv->obs[cv->nobs++];
			memset(o, 0, sizeof(*o));
			o->kind = xstrdup((const unsigned char *)cols[0]);
			o->field = xstrdup((const unsigned char *)cols[1]);
			o->old = xstrdup((const unsigned char *)cols[2]);
			o->new = xstrdup((const unsigned char *)cols[3]);
			o->func = xstrdup((const unsigned char *)cols[4]);
		}
		o->count += sqlite3_column_int64(st, 6);
		o->family[fam] = true;
		cv->ntrans += sqlite3_column_int64(st, 6);
	}
	sqlite3_finalize(st);
	return (0);
}

static void
print_obs(const struct obs *o)
{
	printf("  %s %s ", o->kind, o->field);
	quoted(o->old);
	printf(" -> ");
	quoted(o->new);
	printf(" %s %" PRId64 "\n", o->func, o->count);
}

/*
 * Names the first object (in run and sequence order) that made transition
 * o, with the run, the sequence number and the object's label, so that a
 * transition outside the machine can be looked at:
 * "e.g. run 3 seq 45 knote#2  kqueue#1 (fd 3) ident 4 EVFILT_READ ...".
 */
static void
example_object(const struct coverage *cv, const struct obs *o)
{
	sqlite3_stmt *st;

	if (cv->db == NULL
	    || sqlite3_prepare_v2(cv->db,
		   "SELECT t.run_id, t.seq, t.object, o.label FROM trace t "
		   "LEFT JOIN objects o ON o.run_id = t.run_id AND o.object "
		   "= t.object WHERE t.field = ?2 AND t.old = ?3 AND t.new "
		   "= ?4 AND t.func = ?5 AND (t.object = ?1 OR t.object "
		   "LIKE ?1 || '#%') ORDER BY t.run_id, t.seq LIMIT 1",
		   -1, &st, NULL)
		!= SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, o->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, o->field, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, o->old, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, o->new, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, o->func, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *label = sqlite3_column_text(st, 3);

		printf("      e.g. run %" PRId64 " seq %" PRId64 " %s%s%s\n",
		    (int64_t)sqlite3_column_int64(st, 0),
		    (int64_t)sqlite3_column_int64(st, 1),
		    (const char *)sqlite3_column_text(st, 2),
		    label != NULL ? "  " : "",
		    label != NULL ? (const char *)label : "");
	}
	sqlite3_finalize(st);
}

/* Whether family f observed a transition that rule r allows. */
static bool
rule_exercised(const struct coverage *cv, int f, const struct sim_sm_rule *r)
{
	size_t i;

	for (i = 0; i < cv->nobs; i++)
		if (cv->obs[i].family[f] && rule_matches(r, &cv->obs[i]))
			return (true);
	return (false);
}

/* Whether o is of family f, on a declared field, but not allowed. */
static bool
outside_machine(const struct obs *o, int f)
{
	const struct sim_sm_rule *rules = fam_rules[f];

	return (o->family[f] && declared_field(rules, o->kind, o->field) != NULL
	    && !allowed(rules, o));
}

/*
 * Family f's declared state machine against what was observed: the rules
 * never exercised, then the transitions the machine does not allow.
 */
static void
print_machine(const struct coverage *cv, int f)
{
	const struct sim_sm_rule *r;
	int nrules = 0, nhit = 0, nout = 0;
	size_t i;

	for (r = fam_rules[f]; r->kind != NULL; r++) {
		if (cv->onlykind != NULL && strcmp(cv->onlykind, r->kind) != 0)
			continue;
		nrules++;
		if (rule_exercised(cv, f, r))
			nhit++;
	}
	printf("\n%s state machine (%s): %d allowed transitions, %d "
	       "exercised, %d never exercised:\n",
	    fam_name[f], fam_file[f], nrules, nhit, nrules - nhit);
	for (r = fam_rules[f]; r->kind != NULL; r++) {
		if (cv->onlykind != NULL && strcmp(cv->onlykind, r->kind) != 0)
			continue;
		if (!rule_exercised(cv, f, r))
			show_rule(r);
	}
	for (i = 0; i < cv->nobs; i++)
		if (outside_machine(&cv->obs[i], f))
			nout++;
	printf("\n%s transitions outside the declared machine: %d\n",
	    fam_name[f], nout);
	for (i = 0; i < cv->nobs; i++)
		if (outside_machine(&cv->obs[i], f)) {
			print_obs(&cv->obs[i]);
			example_object(cv, &cv->obs[i]);
		}
}

static void
print_coverage(const struct coverage *cv, const char *path)
{
	const char *onlyfam = cv->onlyfam;
	size_t i;
	int f;

	printf("coverage of %s: %" PRId64 " freebsd run(s), %" PRId64
	       " illumos run(s), %" PRId64 " transitions, %zu distinct\n",
	    path, onlyfam && strcmp(onlyfam, "freebsd") ? 0 : cv->nruns[0],
	    onlyfam && strcmp(onlyfam, "illumos") ? 0 : cv->nruns[1],
	    cv->ntrans, cv->nobs);
	if (cv->nruns[2] > 0
	    && (onlyfam == NULL || strcmp(onlyfam, fam_name[2]) == 0))
		printf("  (and %" PRId64
		       " freebsd@7773002 run(s), a model of its "
		       "own with its own machine)\n",
		    cv->nruns[2]);
	printf("\noccurred (kind field old -> new func count):\n");
	for (i = 0; i < cv->nobs; i++)
		print_obs(&cv->obs[i]);
	/* Each family's declared machine, if it has runs here. */
	for (f = 0; f < 3; f++) {
		if ((onlyfam != NULL && strcmp(onlyfam, fam_name[f]) != 0)
		    || cv->nruns[f] == 0)
			continue;
		print_machine(cv, f);
	}
}

int
cmd_coverage(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "kind", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct coverage cv;
	const char *path;
	int64_t run = 0;
	struct tracedb *tdb;
	size_t i;
	int c, rc;

	memset(&cv, 0, sizeof(cv));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "k:K:h", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			cv.onlyfam = optarg;
			if (strcmp(optarg, "freebsd") != 0
			    && strcmp(optarg, "illumos") != 0
			    && strcmp(optarg, "freebsd@7773002") != 0)
				return (cli_usage_error("coverage",
				    "--kernel: freebsd, illumos or "
				    "freebsd@7773002, not '%s'",
				    optarg));
			break;
		case 'K':
			cv.onlykind = optarg;
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
	count_runs(tracedb_sqlite(tdb), &cv);
	rc = load_transitions(tracedb_sqlite(tdb), path, &cv);
	cv.db = tracedb_sqlite(tdb);
	if (rc == 0)
		print_coverage(&cv, path);
	tracedb_close(tdb);
	for (i = 0; i < cv.nobs; i++) {
		free(cv.obs[i].kind);
		free(cv.obs[i].field);
		free(cv.obs[i].old);
		free(cv.obs[i].new);
		free(cv.obs[i].func);
	}
	free(cv.obs);
	return (rc);
}
