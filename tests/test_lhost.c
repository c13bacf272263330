/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tests for engine/lhost.c, the scenario sandbox: canonical 'pairs' order and
 * its refusal of table keys, address-free 'tostring' and 'string.format',
 * refused finalisers and collector controls, 'math.random' drawing from the
 * configured generator, the instruction budget and memory limit (also when
 * the scenario hides the loop inside 'pcall', 'xpcall' or a coroutine),
 * "file:line: message" errors, 'require' confined to the scenario's folder
 * and scenarios/lib, text-only 'load', and the libraries that are absent.
 * Each test builds its own Lua state.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../engine/lhost.h"

static struct lhost *
host_new(struct lhost_config *cfg)
{
	struct lhost *h;

	cr_assert_eq(lhost_new(&h, cfg), 0);
	return (h);
}

/* Runs src as chunk "t.lua" and returns its string result (static). */
static const char *
run_str(struct lhost *h, const char *src)
{
	static char out[4096];
	char err[512] = "";
	lua_State *L = lhost_lua(h);

	cr_assert_eq(lhost_load(h, "t.lua", src, strlen(src), err, sizeof(err)),
	    0, "%s", err);
	cr_assert(lua_isstring(L, -1), "the chunk returned a %s",
	    luaL_typename(L, -1));
	snprintf(out, sizeof(out), "%s", lua_tostring(L, -1));
	lua_pop(L, 1);
	return (out);
}

/* Runs src and returns the error message it must raise (static). */
static const char *
run_err(struct lhost *h, const char *src)
{
	static char err[512];

	err[0] = '\0';
	cr_assert_eq(lhost_load(h, "t.lua", src, strlen(src), err, sizeof(err)),
	    EINVAL, "no error from: %s", src);
	return (err);
}

/* Runs src through lhost_call() and returns the result kind. */
static enum lhost_result
call_src(struct lhost *h, const char *name, const char *src, char *err,
    size_t errlen)
{
	lua_State *L = lhost_lua(h);

	cr_assert_eq(luaL_loadbufferx(L, src, strlen(src), name, "t"), LUA_OK);
	return (lhost_call(h, L, 0, 0, err, errlen));
}

static void
assert_contains(const char *s, const char *part)
{
	cr_assert(
	    strstr(s, part) != NULL, "\"%s\" does not contain \"%s\"", s, part);
}

#define KEYS_SRC(order)                                                        \
	"local names = {" order "}\n"                                          \
	"local t = {}\n"                                                       \
	"for _, n in ipairs(names) do t[n] = true end\n"                       \
	"t[10] = 1 t[2] = 1 t[1.5] = 1 t[true] = 1 t[false] = 1\n"             \
	"local out = {}\n"                                                     \
	"for k in pairs(t) do out[#out + 1] = tostring(k) end\n"               \
	"return table.concat(out, ',')\n"

#define NAMES_UP                                                               \
	"'alpha','bravo','charlie','delta','echo','foxtrot','golf','hotel',"   \
	"'india','juliet','kilo','lima','mike','november','oscar','papa',"     \
	"'Zulu','a','ab','b'"
#define NAMES_DOWN                                                             \
	"'b','ab','a','Zulu','papa','oscar','november','mike','lima','kilo',"  \
	"'juliet','india','hotel','golf','foxtrot','echo','delta','charlie',"  \
	"'bravo','alpha'"

Test(pairs, visits_keys_in_canonical_order_regardless_of_insertion)
{
	struct lhost_config cfg = { 0 };
	struct lhost *h1, *h2;
	const char *want = "1.5,2,10,Zulu,a,ab,alpha,b,bravo,charlie,delta,"
			   "echo,foxtrot,golf,hotel,india,juliet,kilo,lima,"
			   "mike,november,oscar,papa,false,true";
	char first[4096];

	h1 = host_new(&cfg);
	h2 = host_new(&cfg);
	snprintf(first, sizeof(first), "%s", run_str(h1, KEYS_SRC(NAMES_UP)));
	cr_assert_str_eq(first, want);
	cr_assert_str_eq(run_str(h2, KEYS_SRC(NAMES_DOWN)), want);
	lhost_free(h1);
	lhost_free(h2);
}

Test(pairs, skips_keys_removed_during_traversal)
{
	struct lhost_config cfg = { 0 };
	struct lhost *h = host_new(&cfg);

	cr_assert_str_eq(run_str(h,
			     "local t = {a = 1, b = 2, c = 3, d = 4}\n"
			     "local out = {}\n"
			     "for k in pairs(t) do\n"
			     "  out[#out + 1] = k\n"
			     "  if k == 'a' then t.c = nil end\n"
			     "end\n"
			     "return table.concat(out)\n"),
	    "abd");
	lhost_free(h);
}

Test(pairs, refuses_a_table_keyed_by_a_table)
{
	struct lhost_config cfg = { 0 };
	struct lhost *h = host_new(&cfg);
	const char *e;

	e = run_err(h, "local t = {[{}] = 1}\nfor k in pairs(t) do end\n");
	assert_contains(e, "pairs");
	assert_contains(e, "table");
	e = run_err(h, "local t = {[print] = 1}\nfor k in pairs(t) do end\n");
	assert_contains(e, "pairs");
	lhost_free(h);
}

static char printed[256];

static void
print_cb(void *arg, const char *text, size_t len)
{
	(void)len;
	snprintf(printed, sizeof(printed), "%s", text);
}

Test(tostring, names_objects_by_a_counter)
{
	struct lhost_config cfg = { .print = print_cb };
	struct lhost *h = host_new(&cfg), *h2;

	cr_assert_str_eq(run_str(h,
			     "local a, b = {}, {}\n"
			     "return tostring(a) .. ' ' .. tostring(b) .. ' ' "
			     ".. tostring(a)\n"),
	    "table: #1 table: #2 table: #1");
	cr_assert_str_eq(
	    run_str(h, "return tostring(function() end)\n"), "function: #3");
	cr_assert_eq(lhost_load(h, "t.lua", "print({}, 1, nil)",
			 strlen("print({}, 1, nil)"), NULL, 0),
	    0);
	lua_pop(lhost_lua(h), 1);
	cr_assert_str_eq(printed, "table: #4\t1\tnil");
	/* Another state counts from 1 again. */
	h2 = host_new(&cfg);
	cr_assert_str_eq(run_str(h2, "return tostring({})\n"), "table: #1");
	lhost_free(h);
	lhost_free(h2);
}

Test(string_format, refuses_p)
{
	struct lhost_config cfg = { 0 };
	struct lhost *h = host_new(&cfg);

	assert_contains(run_err(h, "return string.format('%p', {})\n"), "%p");
	assert_contains(
	    run_err(h, "return string.format('x %-12p', {})\n"), "%p");
	/* '%%p' is a literal, and '%s' of a table is address-free. */
	cr_assert_str_eq(run_str(h,
			     "return string.format('%%p %s %d', {}, "
			     "3)\n"),
	    "%p table: #1 3");
	lhost_free(h);
}

Test(setmetatable, refuses_gc_finalisers)
{
	struct lhost_config cfg = { 0 };
	struct lhost *h = host_new(&cfg);

	assert_contains(
	    run_err(h, "setmetatable({}, {__gc = function() end})\n"), "__gc");
	cr_assert_str_eq(run_str(h,
			     "local t = setmetatable({}, {__index = "
			     "function() return 'ok' end})\nreturn t.x\n"),
	    "ok");
	lhost_free(h);
}

Test(collectgarbage, refuses_collector_controls)
{
	struct lhost_config cfg = { 0 };
	struct lhost *h = host_new(&cfg);

	assert_contains(run_err(h, "collectgarbage('stop')\n"), "stop");
	assert_contains(
	    run_err(h, "collectgarbage('generational')\n"), "generational");
	cr_assert_str_eq(run_str(h,
			     "collectgarbage() collectgarbage('step')\n"
			     "return math.type(collectgarbage('count'))\n"),
	    "float");
	lhost_free(h);
}

struct counter {
	const uint64_t *v;
	int n;
	int calls;
};

static uint64_t
counter_draw(void *arg)
{
	struct counter *c = arg;

	cr_assert_lt(c->calls, c->n, "more draws than expected");
	return (c->v[c->calls++]);
}

Test(math_random, draws_from_the_configured_generator)
{
	/*
	 * random(0) is the raw draw; random(1, 10) rejects draws below
	 * 2^64 mod 10 = 6 (3 here) and maps 26 to 1 + 6; random() is
	 * (r >> 11) * 2^-53; random(6) maps 11 to 1 + 5.
	 */
	static const uint64_t v[]
	    = { UINT64_C(0x123456789abcdef0), 3, 26, UINT64_C(1) << 11, 11 };
	struct counter c = { v, 5, 0 };
	struct lhost_config cfg = { .random = counter_draw, .random_arg = &c };
	struct lhost *h = host_new(&cfg);

	cr_assert_str_eq(run_str(h,
			     "local a = math.random(0)\n"
			     "local b = math.random(1, 10)\n"
			     "local f = math.random()\n"
			     "local d = math.random(6)\n"
			     "math.randomseed(1234)\n"
			     "return string.format('%x %d %s %d', a, b, "
			     "tostring(f == 2^-53), d)\n"),
	    "123456789abcdef0 7 true 6");
	cr_assert_eq(c.calls, 5);
	lhost_free(h);
}

static void
assert_budget_abort(const char *src)
{
	struct lhost_config cfg = { .instr_budget = 200000 };
	struct lhost *h = host_new(&cfg);
	char err[256] = "";
	const char *why = NULL;

	cr_assert_eq(call_src(h, "@loop.lua", src, err, sizeof(err)),
	    LHOST_ABORTED, "%s: %s", src, err);
	assert_contains(err, "instruction budget");
	cr_assert(lhost_aborted(h, &why));
	assert_contains(why, "instruction budget");
	lhost_free(h);
}

/* A sandbox that lets pcall swallow the abort loops forever: time it out. */
Test(lhost_call, infinite_loop_exhausts_the_instruction_budget, .timeout = 120)
{
	assert_budget_abort("while true do end");
	assert_budget_abort(
	    "while true do pcall(function() while true do end end) end");
	assert_budget_abort("while true do xpcall(function() while true do "
			    "end end, function(m) return m end) end");
	assert_budget_abort("while true do coroutine.resume(coroutine.create("
			    "function() while true do end end)) end");
	assert_budget_abort("while true do pcall(coroutine.wrap(function() "
			    "while true do end end)) end");
	/*
	 * One protected call that swallowed the abort would let the chunk
	 * return normally: the abort must cross it.
	 */
	assert_budget_abort("pcall(function() while true do end end)");
	assert_budget_abort("xpcall(function() while true do end end, "
			    "function(m) return m end)");
	assert_budget_abort("coroutine.resume(coroutine.create(function() "
			    "while true do end end))");
}

static void
assert_memory_abort(const char *src)
{
	size_t limit = (size_t)16 << 20;
	struct lhost_config cfg = { .mem_limit_bytes = limit };
	struct lhost *h;
	char err[256] = "";

#ifndef __SANITIZE_ADDRESS__
	{
		/*
		 * Should the limit be broken, fail on host memory instead of
		 * exhausting the machine (this runs in its own process).
		 */
		struct rlimit rl = { (rlim_t)1 << 31, (rlim_t)1 << 31 };

		cr_assert_eq(setrlimit(RLIMIT_AS, &rl), 0);
	}
#endif
	h = host_new(&cfg);
	cr_assert_eq(call_src(h, "@bomb.lua", src, err, sizeof(err)),
	    LHOST_ABORTED, "%s: %s", src, err);
	assert_contains(err, "memory limit");
	cr_assert(lhost_aborted(h, NULL));
	cr_assert_leq(lhost_memory(h), limit);
	lhost_free(h);
}

Test(lhost_call, memory_bomb_hits_the_memory_limit, .timeout = 120)
{
	assert_memory_abort("local t = {} for i = 1, 1e9 do "
			    "t[i] = string.rep('x', 1000) .. i end");
	assert_memory_abort("local t = {}\n"
			    "pcall(function() for i = 1, 1e9 do "
			    "t[#t + 1] = string.rep('x', 1000) .. i end end)");
	assert_memory_abort(
	    "local t = {} while true do pcall(function() for i = 1, 1e9 do "
	    "t[#t + 1] = string.rep('x', 1000) .. i end end) end");
}

Test(lhost_load, errors_carry_file_and_line)
{
	struct lhost_config cfg = { 0 };
	struct lhost *h = host_new(&cfg);
	char err[256] = "";

	cr_assert_str_eq(run_err(h, "local x = nil\n\nreturn x.y\n"),
	    "t.lua:3: attempt to index a nil value (local 'x')");
	cr_assert_str_eq(run_err(h,
			     "local a = 1\n\nassert(false, "
			     "'boom')\n"),
	    "t.lua:3: boom");
	cr_assert_str_eq(run_err(h,
			     "local function f()\n  error({})\nend\n"
			     "f()\n"),
	    "t.lua:2: (error object is a table value)");
	cr_assert_str_eq(run_err(h, "error('plain', 0)\n"), "t.lua:1: plain");
	/* A syntax error is reported by the compiler with its line. */
	cr_assert_eq(
	    lhost_load(h, "s.lua", "local x = = 1", 13, err, sizeof(err)),
	    EINVAL);
	cr_assert(strncmp(err, "s.lua:1:", 8) == 0, "err: %s", err);
	{
		char e2[256] = "";

		cr_assert_eq(
		    call_src(h, "@c.lua", "\n\nerror('deep')", e2, sizeof(e2)),
		    LHOST_ERROR);
		cr_assert_str_eq(e2, "c.lua:3: deep");
	}
	lhost_free(h);
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "%s", path);
	fputs(text, f);
	fclose(f);
}

Test(require, loads_only_from_the_scenario_folder_and_lib)
{
	char root[] = "/tmp/evsim-test-lhost-XXXXXX";
	char scen[128], lib[128], outside[128], path[256];
	struct lhost_config cfg = { 0 };
	struct lhost *h;

	cr_assert_not_null(mkdtemp(root));
	snprintf(scen, sizeof(scen), "%s/scen", root);
	snprintf(lib, sizeof(lib), "%s/lib", root);
	snprintf(outside, sizeof(outside), "%s/outside", root);
	cr_assert_eq(mkdir(scen, 0700), 0);
	cr_assert_eq(mkdir(lib, 0700), 0);
	cr_assert_eq(mkdir(outside, 0700), 0);
	snprintf(path, sizeof(path), "%s/here.lua", scen);
	write_file(path, "return 'here'\n");
	snprintf(path, sizeof(path), "%s/shared.lua", lib);
	write_file(path, "return 'shared'\n");
	snprintf(path, sizeof(path), "%s/secret.lua", outside);
	write_file(path, "return 'secret'\n");
	cfg.scenario_dir = scen;
	cfg.lib_dir = lib;
	h = host_new(&cfg);

	cr_assert_str_eq(run_str(h,
			     "return require('here') .. ' ' .. "
			     "require('shared')\n"),
	    "here shared");
	assert_contains(run_err(h, "return require('secret')\n"), "not found");
	assert_contains(run_err(h, "return require('../outside/secret')\n"),
	    "bad module name");
	assert_contains(run_err(h, "return require('..outside.secret')\n"),
	    "bad module name");
	snprintf(path, sizeof(path), "return require('%s/secret')\n", outside);
	assert_contains(run_err(h, path), "bad module name");
	assert_contains(run_err(h, "return require('os')\n"), "not found");
	lhost_free(h);

	snprintf(path, sizeof(path), "%s/here.lua", scen);
	unlink(path);
	snprintf(path, sizeof(path), "%s/shared.lua", lib);
	unlink(path);
	snprintf(path, sizeof(path), "%s/secret.lua", outside);
	unlink(path);
	rmdir(scen);
	rmdir(lib);
	rmdir(outside);
	rmdir(root);
}

Test(load, refuses_binary_chunks)
{
	struct lhost_config cfg = { 0 };
	struct lhost *h = host_new(&cfg);
	const char *r;

	r = run_str(h,
	    "local f, e = load(string.dump(function() return 1 "
	    "end))\nreturn tostring(f) .. '|' .. e\n");
	cr_assert(strncmp(r, "nil|", 4) == 0, "%s", r);
	assert_contains(r, "binary");
	/* Asking for binary mode explicitly does not help. */
	r = run_str(h,
	    "local f, e = load(string.dump(function() return 1 "
	    "end), 'x', 'b')\nreturn tostring(f) .. '|' .. e\n");
	cr_assert(strncmp(r, "nil|", 4) == 0, "%s", r);
	r = run_str(h,
	    "local f, e = load('\\27Lua\\84\\0garbage')\n"
	    "return tostring(f) .. '|' .. e\n");
	cr_assert(strncmp(r, "nil|", 4) == 0, "%s", r);
	/* Text still loads. */
	cr_assert_str_eq(
	    run_str(h, "return tostring(load('return 5')())\n"), "5");
	lhost_free(h);
}

/*
 * Regression: the sandbox's 'load' passed an explicit nil 'env', so every
 * loaded chunk ran with a nil '_ENV' and failed on its first global.
 */
Test(load, keeps_the_global_environment_unless_given_one)
{
	struct lhost_config cfg = { 0 };
	struct lhost *h = host_new(&cfg);

	cr_assert_str_eq(
	    run_str(h, "return load('return type(print)')()\n"), "function");
	cr_assert_str_eq(run_str(h,
			     "load('shared_g = 41')()\n"
			     "return tostring(shared_g + 1)\n"),
	    "42");
	cr_assert_str_eq(run_str(h,
			     "return load('return y', 'c', 't', {y = 'own'})()"
			     "\n"),
	    "own");
	lhost_free(h);
}

/*
 * Regression: an error inside a loaded string chunk, whose name holds
 * spaces, got its position prefixed twice.
 */
Test(lhost_load, error_in_a_loaded_chunk_has_one_position)
{
	struct lhost_config cfg = { 0 };
	struct lhost *h = host_new(&cfg);

	cr_assert_str_eq(run_err(h,
			     "local f = load('local a = nil\\nreturn a.b')\n"
			     "return f()\n"),
	    "[string \"local a = nil...\"]:2: attempt to index a nil value "
	    "(local 'a')");
	lhost_free(h);
}

Test(lhost_new, host_access_is_absent)
{
	struct lhost_config cfg = { 0 };
	struct lhost *h = host_new(&cfg);

	cr_assert_str_eq(run_str(h,
			     "return table.concat({type(dofile), "
			     "type(loadfile), type(io), type(os), "
			     "type(debug), type(package), type(require), "
			     "type(string.dump)}, ',')\n"),
	    "nil,nil,nil,nil,nil,nil,function,function");
	lhost_free(h);
}

/* The result kind of src through lhost_call(), its message in err. */
static enum lhost_result
kind_of(const char *src, char *err, size_t errlen)
{
	struct lhost_config cfg = { 0 };
	struct lhost *h = host_new(&cfg);
	enum lhost_result r;

	err[0] = '\0';
	r = call_src(h, "@k.lua", src, err, errlen);
	lhost_free(h);
	return (r);
}

Test(lhost_call, error_and_assert_are_verdicts_other_errors_script_errors)
{
	static const struct {
		const char *src;
		enum lhost_result want;
		const char *msg;
	} cases[] = {
		{ "error('boom')", LHOST_ERROR, "k.lua:1: boom" },
		{ "assert(false, 'no')", LHOST_ERROR, "k.lua:1: no" },
		{ "assert(nil)", LHOST_ERROR, "k.lua:1: assertion failed!" },
		{ "error({})", LHOST_ERROR,
		    "k.lua:1: (error object is a table "
		    "value)" },
		{ "local f\nf()", LHOST_SCRIPT_ERROR,
		    "k.lua:2: attempt to call a nil value (local 'f')" },
		{ "local x\nreturn x + 1", LHOST_SCRIPT_ERROR,
		    "k.lua:2: attempt to perform arithmetic on a nil value "
		    "(local 'x')" },
		{ "string.rep()", LHOST_SCRIPT_ERROR,
		    "k.lua:1: bad argument #1 to 'rep' (string expected, got "
		    "no value)" },
		{ "assert()", LHOST_SCRIPT_ERROR,
		    "k.lua:1: bad argument #1 to 'assert' (value expected)" },
		/* The scenario raises a caught script error itself. */
		{ "local ok, e = pcall(string.rep)\nerror(e, 0)", LHOST_ERROR,
		    "bad argument #1 to 'string.rep'" },
		/* A caught error() does not make a later script error one. */
		{ "pcall(error, 'x')\nlocal t\nreturn t.y", LHOST_SCRIPT_ERROR,
		    "k.lua:3: attempt to index a nil value" },
		/* The same text raised by error() earlier does not count. */
		{ "pcall(error, 'k.lua:2: attempt to call a nil value "
		  "(global \\'g\\')', 0)\ng()",
		    LHOST_SCRIPT_ERROR,
		    "k.lua:2: attempt to call a nil value" },
		{ "coroutine.wrap(function() assert(false, 'in co') end)()",
		    LHOST_ERROR, "k.lua:1: in co" },
		{ "coroutine.wrap(function() local t return t.x end)()",
		    LHOST_SCRIPT_ERROR, "attempt to index a nil value" },
		{ "error(setmetatable({}, {__tostring = function() return "
		  "'custom' end}))",
		    LHOST_ERROR, "k.lua:1: custom" },
		{ "error(setmetatable({}, {__tostring = function() error('x') "
		  "end}))",
		    LHOST_ERROR, "k.lua:1: (error object is a table value)" },
	};
	char err[512];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum lhost_result r = kind_of(cases[i].src, err, sizeof(err));

		cr_assert_eq(r, cases[i].want, "%s: kind %d, want %d (%s)",
		    cases[i].src, r, cases[i].want, err);
		assert_contains(err, cases[i].msg);
	}
}

/* A C function standing in for a syscall: refused where lhost_nosys says. */
static int
fake_syscall(lua_State *L)
{
	bool fatal;
	const char *ctx = lhost_nosys_context(lhost_from(L), &fatal);

	if (ctx != NULL && fatal)
		lhost_fatal(L, "syscall in %s", ctx);
	if (ctx != NULL)
		return (luaL_error(L, "syscall refused in %s", ctx));
	lua_pushinteger(L, 42);
	return (1);
}

Test(lhost_call, nosys_context_refuses_fatal_ends_the_run_through_pcall)
{
	struct lhost_config cfg = { 0 };
	struct lhost *h = host_new(&cfg);
	lua_State *L = lhost_lua(h);
	char err[512] = "";
	const char *why;
	bool fatal;

	lua_pushcfunction(L, fake_syscall);
	lua_setglobal(L, "sc");
	cr_assert_eq(
	    call_src(h, "@n.lua", "assert(sc() == 42)", err, sizeof(err)),
	    LHOST_OK, "%s", err);
	/* Non-fatal: a catchable error. */
	cr_assert_null(lhost_nosys(h, "a test", false, NULL));
	cr_assert_eq(call_src(h, "@n.lua",
			 "local ok, e = pcall(sc)\nassert(not ok and "
			 "e:find('refused in a test'))",
			 err, sizeof(err)),
	    LHOST_OK, "%s", err);
	/* Fatal: pcall cannot catch it, the Lua line is in the message. */
	cr_assert_str_eq(
	    lhost_nosys(h, "an invariant", true, &fatal), "a test");
	cr_assert(!fatal);
	cr_assert_eq(
	    call_src(h, "@n.lua", "\npcall(sc)\nreturn 1", err, sizeof(err)),
	    LHOST_ABORTED);
	cr_assert_str_eq(err, "n.lua:2: syscall in an invariant");
	cr_assert(lhost_aborted(h, &why));
	lhost_free(h);
}

/*
 * An error object's __tostring runs without syscalls: one that would make
 * one gets the type message, and the verdict stays the error() one.
 */
Test(lhost_call, error_tostring_cannot_make_syscalls)
{
	struct lhost_config cfg = { 0 };
	struct lhost *h = host_new(&cfg);
	lua_State *L = lhost_lua(h);
	char err[512] = "";

	lua_pushcfunction(L, fake_syscall);
	lua_setglobal(L, "sc");
	cr_assert_eq(call_src(h, "@e.lua",
			 "error(setmetatable({}, {__tostring = function() "
			 "sc() return 'x' end}))",
			 err, sizeof(err)),
	    LHOST_ERROR);
	cr_assert_str_eq(err, "e.lua:1: (error object is a table value)");
	cr_assert(!lhost_aborted(h, NULL));
	cr_assert_null(lhost_nosys_context(h, NULL));
	lhost_free(h);
}

/*
 * The sandbox's string.find/match/gmatch/gsub (engine/lpattern.c) against
 * the standard library's: the same results and error messages for
 * thousands of generated subjects, patterns, start positions and
 * replacements.
 */
static const char pattern_cases[]
    = "local S = ...\n"
      "local seed = 12345\n"
      "local function rnd(n) seed = (seed * 1103515245 + 12345) % 2147483648 "
      "return seed % n + 1 end\n"
      "local toks = {'a','b','.','%a','%d','%s','%w','%A','%%','[ab]',"
      "'[^a]','[a-c]','[%a_]','[]a]','()','(',')','*','+','-','?','^','$',"
      "'%b()','%f[%w]','%f[%W]','%1','%2','%0','[','%','x','1',' ','\\0',"
      "'(a*)','(.-)','[%]]','%g','%p','%u','%l','%c','%x','[^%s]+'}\n"
      "local subj = {'', 'a', 'ab', 'aab', 'abc abc', '(a(b)c)', 'x1 y2 z3',"
      "'aaa', 'a\\0b', 'THE (quick) fox', '  trim  ', '%a[b]^$', 'key=val; "
      "k2=v2'}\n"
      "local inits = {false, 1, 2, -1, -3, 0, 10, -100}\n"
      "local reps = {'<%0>', '%1', '%%', '%2', 'x%', '[%1|%0]', 'z'}\n"
      "local out = {}\n"
      "local function ser(ok, ...)\n"
      "  local t = {ok and 'ok' or 'E'}\n"
      "  for i = 1, select('#', ...) do t[#t + 1] = tostring((select(i, ...))) "
      "end\n"
      "  return table.concat(t, '|')\n"
      "end\n"
      "for n = 1, 3000 do\n"
      "  local p = ''\n"
      "  for k = 1, rnd(5) - 1 do p = p .. toks[rnd(#toks)] end\n"
      "  local s = subj[rnd(#subj)]\n"
      "  local init = inits[rnd(#inits)] or nil\n"
      "  out[#out + 1] = ser(pcall(S.find, s, p, init))\n"
      "  out[#out + 1] = ser(pcall(S.find, s, p, init, true))\n"
      "  out[#out + 1] = ser(pcall(S.match, s, p, init))\n"
      "  out[#out + 1] = ser(pcall(function()\n"
      "    local r = {}\n"
      "    for a, b in S.gmatch(s, p, init) do r[#r + 1] = tostring(a) .. ','"
      " .. tostring(b) if #r > 20 then break end end\n"
      "    return table.concat(r, ';')\n"
      "  end))\n"
      "  local rep = reps[rnd(#reps)]\n"
      "  local m = ({false, 1, 2})[rnd(3)] or nil\n"
      "  out[#out + 1] = ser(pcall(S.gsub, s, p, rep, m))\n"
      "  out[#out + 1] = ser(pcall(S.gsub, s, p, {a = 'A', ['(a'] = 1, b = "
      "false}))\n"
      "  out[#out + 1] = ser(pcall(S.gsub, s, p, function(c, d) if c == 'b' "
      "then return nil end return '{' .. tostring(c) .. tostring(d) .. '}' "
      "end))\n"
      "end\n"
      "out[#out + 1] = ser(pcall(S.gsub, 'abc', '%w', {a = {}}))\n"
      "out[#out + 1] = ser(pcall(S.gsub, 'abc', '%w', 5))\n"
      "out[#out + 1] = ser(pcall(S.gsub, 'abc', '%w', true))\n"
      "out[#out + 1] = ser(pcall(S.find, 'abc', string.rep('(', 40)))\n"
      "out[#out + 1] = ser(pcall(S.match, string.rep('a', 300), "
      "string.rep('a?', 300) .. string.rep('a', 300)))\n"
      "out[#out + 1] = ser(pcall(S.find, ('x'):rep(200), ('.-'):rep(3) .. "
      "'y'))\n"
      "return table.concat(out, '\\n')\n";

/* Runs pattern_cases with L's global string table; the result (malloc'd). */
static char *
pattern_results(lua_State *L)
{
	const char *s;
	size_t len, i;
	char *r;

	cr_assert_eq(luaL_loadbufferx(L, pattern_cases,
			 sizeof(pattern_cases) - 1, "=cases", "t"),
	    LUA_OK, "%s", lua_tostring(L, -1));
	lua_getglobal(L, "string");
	cr_assert_eq(lua_pcall(L, 1, 1, 0), LUA_OK, "%s", lua_tostring(L, -1));
	s = lua_tolstring(L, -1, &len);
	r = malloc(len + 1);
	cr_assert_not_null(r);
	/* NUL bytes (subject "a\0b") as '@', so that lines compare whole. */
	for (i = 0; i < len; i++)
		r[i] = s[i] == '\0' ? '@' : s[i];
	r[len] = '\0';
	lua_pop(L, 1);
	return (r);
}

Test(lpattern, same_results_and_errors_as_the_standard_library, .timeout = 120)
{
	struct lhost_config cfg = { 0 };
	struct lhost *h = host_new(&cfg);
	lua_State *ref = luaL_newstate();
	char *want, *got, *a, *b, *ea, *eb;
	int line = 1;

	luaL_openlibs(ref);
	want = pattern_results(ref);
	got = pattern_results(lhost_lua(h));
	for (a = want, b = got; *a != '\0' || *b != '\0';
	     a = ea + 1, b = eb + 1) {
		ea = strchr(a, '\n');
		eb = strchr(b, '\n');
		if (ea == NULL)
			ea = a + strlen(a);
		if (eb == NULL)
			eb = b + strlen(b);
		cr_assert(
		    ea - a == eb - b && memcmp(a, b, (size_t)(ea - a)) == 0,
		    "case line %d: standard '%.*s', sandbox '%.*s'", line,
		    (int)(ea - a), a, (int)(eb - b), b);
		line++;
		if (*ea == '\0' || *eb == '\0') {
			cr_assert(*ea == *eb, "different numbers of cases");
			break;
		}
	}
	cr_assert_gt(line, 20000);
	free(want);
	free(got);
	lua_close(ref);
	lhost_free(h);
}

/*
 * A pattern that backtracks for hours inside string.find (C code, where
 * the instruction hook never fires) ends at the CPU-time watchdog, also
 * inside pcall; so does a plain Lua loop.
 */
Test(lhost_call, cpu_limit_stops_a_pattern_bomb_and_a_loop, .timeout = 120)
{
	static const char *const srcs[] = {
		"\nlocal s = string.rep('a', 200000)\n"
		"return string.find(s, '.-.-.-.-.-b')",
		"\nlocal s = string.rep('a', 200000)\n"
		"pcall(string.gsub, s, '.-.-.-.-.-b', 'x') return 1",
		"\nlocal n = 0\nwhile true do n = n + 1 end",
	};
	size_t i;

	for (i = 0; i < sizeof(srcs) / sizeof(srcs[0]); i++) {
		struct lhost_config cfg
		    = { .cpu_limit_sec = 1, .instr_budget = UINT64_MAX };
		struct lhost *h = host_new(&cfg);
		char err[512] = "";
		const char *why;

		cr_assert_eq(call_src(h, "@b.lua", srcs[i], err, sizeof(err)),
		    LHOST_ABORTED, "%s: %s", srcs[i], err);
		cr_assert_str_eq(
		    err, "b.lua:3: CPU limit of 1 s exceeded (--cpu-limit)");
		cr_assert(lhost_aborted(h, &why));
		lhost_free(h);
	}
}

/*
 * A state in the arena, saved with a compiled chunk on its stack, comes
 * back from lhost_restore() as it was saved, whatever a run changed: its
 * globals, its memory count, the limit a run hit.  Tables grown past the small
 * size classes and freed exercise the allocator's free lists.
 */
Test(lhost_image, restore_gives_back_the_saved_state)
{
	static const char src[]
	    = "n = (n or 0) + 1\n"
	      "local t = {}\n"
	      "for i = 1, 20000 do t[i] = string.rep('x', i % 3000) end\n"
	      "t = nil collectgarbage()\n"
	      "local big = {}\n"
	      "for i = 1, 1e9 do big[i] = string.rep('y', 5000) .. i end\n";
	struct lhost_config cfg = { .mem_limit_bytes = 8u << 20 };
	struct lhost *h, *h2;
	char err[512], first[512];
	size_t mem;
	int round;

	cr_assert_eq(lhost_new_image(&h, &cfg), 0);
	cr_assert_eq(
	    lhost_compile(h, "t.lua", src, strlen(src), err, sizeof(err)), 0,
	    "%s", err);
	mem = lhost_memory(h);
	cr_assert_eq(lhost_save(h), 0);
	for (round = 0; round < 3; round++) {
		lua_State *L;

		if (round > 0) {
			cr_assert_eq(lhost_restore(&h2, &cfg), 0);
			cr_assert_eq(h2, h);
		}
		cr_assert_eq(lhost_memory(h), mem);
		cr_assert_not(lhost_aborted(h, NULL));
		cr_assert_eq(lhost_run_chunk(h, err, sizeof(err)), EINVAL);
		cr_assert(strstr(err, "memory limit of 8388608 bytes exceeded")
			!= NULL,
		    "%s", err);
		if (round == 0)
			snprintf(first, sizeof(first), "%s", err);
		cr_assert_str_eq(err, first);
		L = lhost_lua(h);
		cr_assert_eq(lua_getglobal(L, "n"), LUA_TNUMBER);
		cr_assert_eq(lua_tointeger(L, -1), 1, "round %d: n = %d", round,
		    (int)lua_tointeger(L, -1));
		lua_pop(L, 1);
		lhost_free(h);
	}
	lhost_image_drop();
}

/* The same chunk in a state from lhost_new() hits the limit at the same line.
 */
Test(lhost_image, the_limit_as_without_the_arena)
{
	static const char src[]
	    = "local big = {}\n"
	      "for i = 1, 1e9 do big[i] = string.rep('y', 5000) .. i end\n";
	struct lhost_config cfg = { .mem_limit_bytes = 4u << 20 };
	struct lhost *h;
	char err[2][512];
	int i;

	for (i = 0; i < 2; i++) {
		cr_assert_eq(
		    i == 0 ? lhost_new(&h, &cfg) : lhost_new_image(&h, &cfg),
		    0);
		cr_assert_eq(lhost_load(h, "t.lua", src, strlen(src), err[i],
				 sizeof(err[i])),
		    EINVAL);
		lhost_free(h);
	}
	cr_assert_str_eq(err[0], err[1]);
	lhost_image_drop();
}
