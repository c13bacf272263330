/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reading a scenario's returned table (see scenario.h).  The fields are
 * checked in a fixed order, and the first bad one is the error: a field
 * that is not defined (the first in name order), then name, main, kernel,
 * seed, vtime_limit, limits (in name order), invariants, failpoints (in
 * name order).  Every walk over a table is in name order, never in
 * lua_next() order, so that the message and the order tunables are set in
 * are the same in every process.
 * Imports kernel.h (revisions and tunables) and Lua; runs nothing.
 */
#include <errno.h>
#include <lauxlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "kernel.h"
#include "scenario.h"

static int seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The one-line reason a scenario is refused: EINVAL. */
static int
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errbuf_vset(err, errlen, fmt, ap);
	va_end(ap);
	return (EINVAL);
}

/*
 * The fields of the scenario table (evsim-scenario(5)), and the extensions
 * the test runner reads and evsim run ignores: 'expect' (the status
 * tests/scenarios.py expects) and 'kernels' (the revisions it runs the
 * scenario under).
 */
static const char *const scenario_field_names[] = {
	"description",
	"expect",
	"failpoints",
	"invariants",
	"kernel",
	"kernels",
	"limits",
	"main",
	"name",
	"realtime_start",
	"seed",
	"vtime_limit",
	NULL,
};

/* Bytewise order of two Lua strings (names may hold NUL bytes). */
static int
keycmp(const void *a0, const void *b0)
{
	const struct scenario_key *a = a0, *b = b0;
	size_t m = a->sk_len < b->sk_len ? a->sk_len : b->sk_len;
	int c = memcmp(a->sk_name, b->sk_name, m);

	if (c != 0)
		return (c);
	return (a->sk_len < b->sk_len ? -1 : a->sk_len > b->sk_len);
}

int
scenario_sorted_keys(
    lua_State *L, int t, struct scenario_key **ret_keys, size_t *ret_n)
{
	struct scenario_key *keys = NULL, *nk;
	size_t n = 0, cap = 0;

	t = lua_absindex(L, t);
	*ret_keys = NULL;
	*ret_n = 0;
	lua_pushnil(L);
	while (lua_next(L, t) != 0) {
		lua_pop(L, 1);
		if (lua_type(L, -1) != LUA_TSTRING) {
			lua_pop(L, 1);
			free(keys);
			return (EINVAL);
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			nk = realloc(keys, cap * sizeof(*keys));
			if (nk == NULL) {
				lua_pop(L, 1);
				free(keys);
				return (ENOMEM);
			}
			keys = nk;
		}
		/* The table anchors its keys: the pointers stay valid. */
		keys[n].sk_name = lua_tolstring(L, -1, &keys[n].sk_len);
		n++;
	}
	if (n > 1)
		qsort(keys, n, sizeof(*keys), keycmp);
	*ret_keys = keys;
	*ret_n = n;
	return (0);
}

/* Levenshtein distance of a and b (short names only). */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[64], prev, tmp;

	if (lb >= sizeof(row) / sizeof(row[0]))
		return (SIZE_MAX);
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t best = prev + (a[i - 1] != b[j - 1]);

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			prev = tmp;
		}
	}
	return (row[lb]);
}

/* Refuses the first field (in name order) that is not defined. */
static int
scenario_unknown_fields(
    lua_State *L, int t, const char *path, char *err, size_t errlen)
{
	struct scenario_key *keys;
	size_t n, i, d, best_d;
	const char *best;
	int k, error;

	error = scenario_sorted_keys(L, t, &keys, &n);
	if (error == EINVAL)
		return (seterr(err, errlen,
		    "%s: the scenario table has a field whose name is not a "
		    "string",
		    path));
	if (error != 0)
		return (seterr(err, errlen, "%s: out of memory", path));
	for (i = 0; i < n; i++) {
		for (k = 0; scenario_field_names[k] != NULL; k++)
			if (strlen(scenario_field_names[k]) == keys[i].sk_len
			    && memcmp(scenario_field_names[k], keys[i].sk_name,
				   keys[i].sk_len)
				== 0)
				break;
		if (scenario_field_names[k] != NULL)
			continue;
		best = NULL;
		best_d = SIZE_MAX;
		for (k = 0; scenario_field_names[k] != NULL; k++) {
			d = edit_distance(
			    keys[i].sk_name, scenario_field_names[k]);
			if (d < best_d) {
				best_d = d;
				best = scenario_field_names[k];
			}
		}
		/* A suggestion only when it is near: at most a third wrong. */
		if (best != NULL && best_d * 3 <= strlen(best) + 2)
			seterr(err, errlen,
			    "%s: unknown scenario field '%s' (did you mean "
			    "'%s'?)",
			    path, keys[i].sk_name, best);
		else
			seterr(err, errlen, "%s: unknown scenario field '%s'",
			    path, keys[i].sk_name);
		free(keys);
		return (EINVAL);
	}
	free(keys);
	return (0);
}

/*
 * 'limits': tunable name -> integer within the tunable's range, read in
 * name order.
 */
static int
scenario_limits(lua_State *L, const char *path, struct scenario *sc, char *err,
    size_t errlen)
{
	struct scenario_key *keys;
	size_t n, i;
	int t = lua_gettop(L), error;

	if (!lua_istable(L, t))
		return (
		    seterr(err, errlen, "%s: 'limits' must be a table", path));
	error = scenario_sorted_keys(L, t, &keys, &n);
	if (error == EINVAL)
		return (seterr(
		    err, errlen, "%s: limit '?': unknown tunable", path));
	if (error != 0)
		return (seterr(err, errlen, "%s: out of memory", path));
	for (i = 0; i < n; i++) {
		const char *k = keys[i].sk_name;
		struct scenario_limit *sl;
		int64_t v;
		int e;

		lua_getfield(L, t, k);
		if (!lua_isinteger(L, -1)) {
			lua_pop(L, 1);
			free(keys);
			return (seterr(err, errlen,
			    "%s: limit '%s' must be an integer", path, k));
		}
		v = lua_tointeger(L, -1);
		lua_pop(L, 1);
		e = sim_tunable_check(k, v);
		if (e == 0 && sc->sc_nlimits == SCENARIO_MAXLIMITS)
			e = E2BIG;
		if (e != 0) {
			seterr(err, errlen, "%s: limit '%s': %s", path, k,
			    e == ENOENT	     ? "unknown tunable"
				: e == E2BIG ? "too many limits"
					     : "value out of range");
			free(keys);
			return (EINVAL);
		}
		sl = &sc->sc_limits[sc->sc_nlimits++];
		snprintf(sl->sl_name, sizeof(sl->sl_name), "%s", k);
		sl->sl_value = v;
	}
	free(keys);
	return (0);
}

/* 'invariants': name -> function. */
static int
scenario_invariants(lua_State *L, const char *path, char *err, size_t errlen)
{
	struct scenario_key *keys;
	size_t n, i;
	int t = lua_gettop(L), error;

	if (!lua_istable(L, t))
		return (seterr(err, errlen,
		    "%s: 'invariants' must be a table of functions", path));
	error = scenario_sorted_keys(L, t, &keys, &n);
	if (error == EINVAL)
		return (seterr(err, errlen,
		    "%s: 'invariants' must be a table of functions keyed by "
		    "name",
		    path));
	if (error != 0)
		return (seterr(err, errlen, "%s: out of memory", path));
	for (i = 0; i < n; i++) {
		lua_getfield(L, t, keys[i].sk_name);
		if (!lua_isfunction(L, -1)) {
			lua_pop(L, 1);
			seterr(err, errlen,
			    "%s: invariant '%s' must be a function", path,
			    keys[i].sk_name);
			free(keys);
			return (EINVAL);
		}
		lua_pop(L, 1);
	}
	free(keys);
	return (0);
}

static int
failpoint_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct scenario_failpoint *)a)->sf_name,
	    ((const struct scenario_failpoint *)b)->sf_name));
}

/*
 * 'failpoints': fail point name -> spec string, for the scenario's kernel.
 * Sorted by name, so that they are set in the same order in every run.
 */
static int
scenario_failpoints(lua_State *L, const char *path, struct scenario *sc,
    char *err, size_t errlen)
{
	if (!lua_istable(L, -1))
		return (seterr(
		    err, errlen, "%s: 'failpoints' must be a table", path));
	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		struct scenario_failpoint *sf;
		const char *k, *v;

		if (lua_type(L, -2) != LUA_TSTRING
		    || lua_type(L, -1) != LUA_TSTRING) {
			lua_pop(L, 2);
			return (seterr(err, errlen,
			    "%s: 'failpoints' maps fail point names to spec "
			    "strings",
			    path));
		}
		k = lua_tostring(L, -2);
		v = lua_tostring(L, -1);
		if (sim_failpoint_check(k, sc->sc_rev) != 0
		    || strlen(k) >= sizeof(sf->sf_name)) {
			seterr(err, errlen,
			    "%s: unknown fail point '%s' for kernel %s (see "
			    "evsim failpoints --kernel %s)",
			    path, k, sc->sc_rev->rev_name,
			    sc->sc_rev->rev_name);
			lua_pop(L, 2);
			return (EINVAL);
		}
		if (sim_failpoint_spec_check(v) != 0) {
			seterr(err, errlen,
			    "%s: fail point '%s': bad spec '%s' (off, return, "
			    "N*return, P%%return, explore)",
			    path, k, v);
			lua_pop(L, 2);
			return (EINVAL);
		}
		if (sc->sc_nfailpoints == SCENARIO_MAXFAILPOINTS) {
			lua_pop(L, 2);
			return (seterr(
			    err, errlen, "%s: too many fail points", path));
		}
		sf = &sc->sc_failpoints[sc->sc_nfailpoints++];
		snprintf(sf->sf_name, sizeof(sf->sf_name), "%s", k);
		snprintf(sf->sf_spec, sizeof(sf->sf_spec), "%s", v);
		lua_pop(L, 1);
	}
	qsort(sc->sc_failpoints, (size_t)sc->sc_nfailpoints,
	    sizeof(sc->sc_failpoints[0]), failpoint_cmp);
	return (0);
}

/* Validates every field; the caller pops what is left on error. */
static int
scenario_fields(lua_State *L, int t, const char *path, const char *kernel,
    struct scenario *sc, char *err, size_t errlen)
{
	const char *kname;
	int error;

	error = scenario_unknown_fields(L, t, path, err, errlen);
	if (error != 0)
		return (error);
	if (lua_getfield(L, t, "name") != LUA_TSTRING)
		return (seterr(err, errlen,
		    "%s: the scenario table needs a 'name' string", path));
	{
		size_t len;
		const char *name = lua_tolstring(L, -1, &len);

		if (len >= sizeof(sc->sc_name))
			len = sizeof(sc->sc_name) - 1;
		memcpy(sc->sc_name, name, len);
		sc->sc_name[len] = '\0';
		sc->sc_namelen = len;
	}
	lua_pop(L, 1);
	if (lua_getfield(L, t, "main") != LUA_TFUNCTION)
		return (seterr(err, errlen,
		    "%s: the scenario table needs a 'main' function", path));
	lua_pop(L, 1);
	/* A number is a string to Lua (lua_isstring), as before. */
	lua_getfield(L, t, "kernel");
	if (!lua_isnil(L, -1) && !lua_isstring(L, -1))
		return (
		    seterr(err, errlen, "%s: 'kernel' must be a string", path));
	kname = kernel != NULL	  ? kernel
	    : lua_isstring(L, -1) ? lua_tostring(L, -1)
				  : "freebsd";
	sc->sc_rev = sim_revision_find(kname);
	if (sc->sc_rev == NULL) {
		char known[512];

		sim_revision_names(known, sizeof(known));
		return (seterr(err, errlen,
		    "%s: unknown kernel '%s' (known: %s)", path, kname, known));
	}
	lua_pop(L, 1);
	sc->sc_seed = 1;
	if (lua_getfield(L, t, "seed") != LUA_TNIL) {
		if (!lua_isinteger(L, -1))
			return (seterr(err, errlen,
			    "%s: 'seed' must be an integer", path));
		sc->sc_seed = lua_tointeger(L, -1);
	}
	lua_pop(L, 1);
	if (lua_getfield(L, t, "vtime_limit") != LUA_TNIL) {
		if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) <= 0)
			return (seterr(err, errlen,
			    "%s: 'vtime_limit' must be a positive integer (ns)",
			    path));
		sc->sc_vtime_limit_ns = lua_tointeger(L, -1);
	}
	lua_pop(L, 1);
	sc->sc_realtime_start_ns = SCENARIO_REALTIME_START_NS;
	if (lua_getfield(L, t, "realtime_start") != LUA_TNIL) {
		if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 0)
			return (seterr(err, errlen,
			    "%s: 'realtime_start' must be a non-negative "
			    "integer (ns since the Epoch)",
			    path));
		sc->sc_realtime_start_ns = lua_tointeger(L, -1);
	}
	lua_pop(L, 1);
	if (lua_getfield(L, t, "limits") != LUA_TNIL) {
		error = scenario_limits(L, path, sc, err, errlen);
		if (error != 0)
			return (error);
	}
	lua_pop(L, 1);
	if (lua_getfield(L, t, "invariants") != LUA_TNIL) {
		error = scenario_invariants(L, path, err, errlen);
		if (error != 0)
			return (error);
		sc->sc_has_invariants = true;
	}
	lua_pop(L, 1);
	if (lua_getfield(L, t, "failpoints") != LUA_TNIL) {
		error = scenario_failpoints(L, path, sc, err, errlen);
		if (error != 0)
			return (error);
	}
	lua_pop(L, 1);
	return (0);
}

int
scenario_parse(lua_State *L, int idx, const char *path, const char *kernel,
    struct scenario *sc, char *err, size_t errlen)
{
	int t = lua_absindex(L, idx), top = lua_gettop(L), error;

	memset(sc, 0, sizeof(*sc));
	if (!lua_istable(L, t))
		return (seterr(err, errlen,
		    "%s: the scenario must return a table, not %s", path,
		    luaL_typename(L, t)));
	error = scenario_fields(L, t, path, kernel, sc, err, errlen);
	lua_settop(L, top);
	return (error);
}
