/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reading a scenario's returned table (see scenario.h).  The fields are
 * checked in a fixed order, and the first bad one is the error:
 * name, main, kernel, seed, vtime_limit, limits, invariants, failpoints.
 * Imports kernel.h (revisions and tunables) and Lua; runs nothing.
 */
#include <errno.h>
#include <lauxlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel.h"
#include "scenario.h"

static int seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return (EINVAL);
}

/* 'limits': tunable name -> integer within the tunable's range. */
static int
scenario_limits(lua_State *L, const char *path, struct scenario *sc, char *err,
    size_t errlen)
{
	if (!lua_istable(L, -1))
		return (
		    seterr(err, errlen, "%s: 'limits' must be a table", path));
	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		const char *k = lua_type(L, -2) == LUA_TSTRING
		    ? lua_tostring(L, -2)
		    : "?";
		struct scenario_limit *sl;
		int64_t v;
		int e;

		if (!lua_isinteger(L, -1)) {
			lua_pop(L, 2);
			return (seterr(err, errlen,
			    "%s: limit '%s' must be an integer", path, k));
		}
		v = lua_tointeger(L, -1);
		e = sim_tunable_check(k, v);
		if (e == 0 && sc->sc_nlimits == SCENARIO_MAXLIMITS)
			e = E2BIG;
		if (e != 0) {
			seterr(err, errlen, "%s: limit '%s': %s", path, k,
			    e == ENOENT	     ? "unknown tunable"
				: e == E2BIG ? "too many limits"
					     : "value out of range");
			lua_pop(L, 2);
			return (EINVAL);
		}
		sl = &sc->sc_limits[sc->sc_nlimits++];
		snprintf(sl->sl_name, sizeof(sl->sl_name), "%s", k);
		sl->sl_value = v;
		lua_pop(L, 1);
	}
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
	if (lua_getfield(L, t, "limits") != LUA_TNIL) {
		error = scenario_limits(L, path, sc, err, errlen);
		if (error != 0)
			return (error);
	}
	lua_pop(L, 1);
	if (lua_getfield(L, t, "invariants") != LUA_TNIL) {
		if (!lua_istable(L, -1))
			return (seterr(err, errlen,
			    "%s: 'invariants' must be a table of functions",
			    path));
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
