/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tests for sim/run/scenario.c: scenario_parse() on tables built from Lua
 * source in a plain Lua state (no simulated kernel runs).  A good table is
 * read field by field (defaults included); each malformed field is refused
 * with the path-prefixed message the evsim command prints, and the first
 * bad field in the fixed order wins; the Lua stack is left as found.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <lauxlib.h>
#include <lualib.h>
#include <string.h>

#include "../sim/run/scenario.h"

static lua_State *L;
static struct scenario sc;
static char err[1024];

static void
setup(void)
{
	L = luaL_newstate();
	cr_assert_not_null(L);
	memset(&sc, 0, sizeof(sc));
	err[0] = '\0';
}

static void
teardown(void)
{
	lua_close(L);
}

/* Evaluates src (an expression), parses it; checks the stack is unchanged. */
static int
parse(const char *src, const char *kernel)
{
	char chunk[1024];
	int top, e;

	snprintf(chunk, sizeof(chunk), "return %s", src);
	cr_assert_eq(luaL_dostring(L, chunk), 0, "%s", lua_tostring(L, -1));
	top = lua_gettop(L);
	e = scenario_parse(L, -1, "s.lua", kernel, &sc, err, sizeof(err));
	cr_assert_eq(lua_gettop(L), top, "scenario_parse left the stack");
	lua_pop(L, 1);
	return (e);
}

TestSuite(scenario, .init = setup, .fini = teardown);

Test(scenario, defaults)
{
	cr_assert_eq(parse("{name = 'n', main = function() end}", NULL), 0);
	cr_assert_str_eq(sc.sc_name, "n");
	cr_assert_str_eq(sc.sc_rev->rev_name, "freebsd");
	cr_assert_eq(sc.sc_seed, 1);
	cr_assert_eq(sc.sc_vtime_limit_ns, 0);
	cr_assert_eq(sc.sc_nlimits, 0);
	cr_assert(!sc.sc_has_invariants);
}

Test(scenario, every_field)
{
	cr_assert_eq(parse("{name = 'n', main = function() end, kernel = "
			   "'illumos@pre-14898', seed = 42, vtime_limit = 7, "
			   "limits = {['process.max-port-events'] = 5}, "
			   "invariants = {ok = function() return true end}}",
			 NULL),
	    0, "%s", err);
	cr_assert_str_eq(sc.sc_rev->rev_name, "illumos@pre-14898");
	cr_assert_eq(sc.sc_seed, 42);
	cr_assert_eq(sc.sc_vtime_limit_ns, 7);
	cr_assert_eq(sc.sc_nlimits, 1);
	cr_assert_str_eq(sc.sc_limits[0].sl_name, "process.max-port-events");
	cr_assert_eq(sc.sc_limits[0].sl_value, 5);
	cr_assert(sc.sc_has_invariants);
}

Test(scenario, kernel_override)
{
	cr_assert_eq(parse("{name = 'n', main = function() end, kernel = "
			   "'nope'}",
			 "illumos"),
	    0);
	cr_assert_str_eq(sc.sc_rev->rev_name, "illumos");
	cr_assert_eq(
	    parse("{name = 'n', main = function() end}", "nope"), EINVAL);
	cr_assert(strncmp(err, "s.lua: unknown kernel 'nope' (known: freebsd,",
		      strlen("s.lua: unknown kernel 'nope' (known: freebsd,"))
		== 0,
	    "%s", err);
}

static void
refused(const char *src, const char *msg)
{
	cr_assert_eq(parse(src, NULL), EINVAL, "accepted: %s", src);
	cr_assert_str_eq(err, msg);
}

Test(scenario, refusals)
{
	refused("5", "s.lua: the scenario must return a table, not number");
	refused("{}", "s.lua: the scenario table needs a 'name' string");
	refused("{name = 3, main = function() end}",
	    "s.lua: the scenario table needs a 'name' string");
	refused("{name = 'n'}",
	    "s.lua: the scenario table needs a 'main' function");
	refused("{name = 'n', main = function() end, kernel = {}}",
	    "s.lua: 'kernel' must be a string");
	refused("{name = 'n', main = function() end, seed = 1.5}",
	    "s.lua: 'seed' must be an integer");
	refused("{name = 'n', main = function() end, vtime_limit = 0}",
	    "s.lua: 'vtime_limit' must be a positive integer (ns)");
	refused("{name = 'n', main = function() end, limits = 3}",
	    "s.lua: 'limits' must be a table");
	refused("{name = 'n', main = function() end, limits = "
		"{['kern.kq_calloutmax'] = 1.5}}",
	    "s.lua: limit 'kern.kq_calloutmax' must be an integer");
	refused("{name = 'n', main = function() end, limits = {['kern.foo'] = "
		"1}}",
	    "s.lua: limit 'kern.foo': unknown tunable");
	refused("{name = 'n', main = function() end, limits = "
		"{['kern.kq_calloutmax'] = -1}}",
	    "s.lua: limit 'kern.kq_calloutmax': value out of range");
	refused("{name = 'n', main = function() end, limits = {[1] = 1}}",
	    "s.lua: limit '?': unknown tunable");
	refused("{name = 'n', main = function() end, invariants = 1}",
	    "s.lua: 'invariants' must be a table of functions");
}

Test(scenario, first_bad_field_wins)
{
	refused("{name = 'n', main = function() end, seed = 'x', "
		"vtime_limit = -1, invariants = 1}",
	    "s.lua: 'seed' must be an integer");
	refused("{main = 1, seed = 'x'}",
	    "s.lua: the scenario table needs a 'name' string");
}

Test(scenario, unknown_fields_refused_with_the_nearest_name)
{
	refused("{name = 'n', main = function() end, invariant = {}}",
	    "s.lua: unknown scenario field 'invariant' (did you mean "
	    "'invariants'?)");
	refused("{name = 'n', main = function() end, vtime_limt = 5}",
	    "s.lua: unknown scenario field 'vtime_limt' (did you mean "
	    "'vtime_limit'?)");
	/* Of several, the first in name order; before any other check. */
	refused("{nmae = 'n', main = 1, zzz = 1, kernal = 'x'}",
	    "s.lua: unknown scenario field 'kernal' (did you mean "
	    "'kernel'?)");
	refused("{name = 'n', main = function() end, "
		"completely_unrelated_thing = 1}",
	    "s.lua: unknown scenario field 'completely_unrelated_thing'");
	refused("{name = 'n', main = function() end, [1] = 'x'}",
	    "s.lua: the scenario table has a field whose name is not a "
	    "string");
	/* The test runner's extensions and description are defined. */
	cr_assert_eq(parse("{name = 'n', main = function() end, expect = "
			   "'failed', kernels = {'freebsd'}, description = "
			   "'d'}",
			 NULL),
	    0, "%s", err);
}

Test(scenario, limits_and_invariants_in_name_order)
{
	refused("{name = 'n', main = function() end, limits = {['kern.zzz'] = "
		"1, ['kern.aaa'] = 1, ['kern.mmm'] = 1}}",
	    "s.lua: limit 'kern.aaa': unknown tunable");
	refused("{name = 'n', main = function() end, invariants = {z = 1, b = "
		"'x', c = function() end}}",
	    "s.lua: invariant 'b' must be a function");
	refused("{name = 'n', main = function() end, invariants = {function() "
		"end}}",
	    "s.lua: 'invariants' must be a table of functions keyed by name");
	cr_assert_eq(parse("{name = 'n', main = function() end, limits = "
			   "{['process.max-port-events'] = 5, "
			   "['kern.kq_calloutmax'] = 7}}",
			 NULL),
	    0, "%s", err);
	cr_assert_eq(sc.sc_nlimits, 2);
	cr_assert_str_eq(sc.sc_limits[0].sl_name, "kern.kq_calloutmax");
	cr_assert_str_eq(sc.sc_limits[1].sl_name, "process.max-port-events");
}

Test(scenario, realtime_start)
{
	cr_assert_eq(parse("{name = 'n', main = function() end}", NULL), 0);
	cr_assert_eq(sc.sc_realtime_start_ns, (int64_t)946684800 * 1000000000);
	cr_assert_eq(parse("{name = 'n', main = function() end, "
			   "realtime_start = 0}",
			 NULL),
	    0, "%s", err);
	cr_assert_eq(sc.sc_realtime_start_ns, 0);
	cr_assert_eq(parse("{name = 'n', main = function() end, "
			   "realtime_start = 1700000000123456789}",
			 NULL),
	    0, "%s", err);
	cr_assert_eq(sc.sc_realtime_start_ns, 1700000000123456789);
	refused("{name = 'n', main = function() end, realtime_start = -1}",
	    "s.lua: 'realtime_start' must be a non-negative integer (ns since "
	    "the Epoch)");
	refused("{name = 'n', main = function() end, realtime_start = 1.5}",
	    "s.lua: 'realtime_start' must be a non-negative integer (ns since "
	    "the Epoch)");
}
