/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Lua host (see lhost.h): sandbox construction, the deterministic
 * replacements of pairs/tostring/print/string.format/math.random, the
 * instruction budget and memory limit, and protected calls that report
 * "file:line: message" for scenario errors.
 */
#include <errno.h>
#include <inttypes.h>
#include <lauxlib.h>
#include <lualib.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>

#include "lhost.h"

#define LHOST_HOOK_COUNT 1000

struct lhost {
	lua_State *L;
	struct lhost_config cfg;
	size_t mem;
	uint64_t instr;
	const char *aborted;
	char abort_msg[512];
	char abort_where[256]; /* the Lua line the run was aborted at */
	int64_t next_objid;
	const char *nosys; /* what runs without syscalls, or NULL */
	bool nosys_fatal;
	enum lhost_result err_kind; /* of the error msgh() last saw */
	struct larena *arena; /* the state lives in it, or NULL: malloc */
};

/*
 * The arena of an in-image state (lhost_new_image): one mapping per
 * process at a fixed address holding the Lua state, its lhost and the
 * allocator's own metadata, so that copying its used bytes back
 * (lhost_restore) returns every pointer in it to what it was.  Blocks come
 * from free lists per size class (16-byte steps up to 1 KiB, then four
 * steps per power of two), else from the break; Lua gives a block's size
 * back when it frees it, so blocks have no header.  When the mapping is
 * full, blocks come from malloc ("spilled") and lhost_free() then closes
 * the state to free them.
 */
#define LARENA_SMALL 1024
#define LARENA_NCLASS (LARENA_SMALL / 16 + 4 * 52)

struct larena {
	char *base, *end, *brk;
	size_t spilled; /* blocks from malloc, live */
	void *free[LARENA_NCLASS];
	struct lhost h; /* the state's lhost */
};

static struct larena *arena; /* this process's, or NULL */
static size_t arena_len; /* its mapping */
static void *image; /* the saved bytes of the arena (lhost_save) */
static size_t image_len;

/* The size class of n bytes, and its block size. */
static size_t
arena_class(size_t n, size_t *ret_size)
{
	size_t c = LARENA_SMALL / 16, b = LARENA_SMALL, q;

	if (n <= LARENA_SMALL) {
		*ret_size = (n + 15) & ~(size_t)15;
		return (*ret_size / 16 - 1);
	}
	while (n > 2 * b) {
		b *= 2;
		c += 4;
	}
	q = (n - b + b / 4 - 1) / (b / 4); /* 1..4 quarters above b */
	*ret_size = b + q * (b / 4);
	return (c + q - 1);
}

static bool
in_arena(const struct larena *a, const void *p)
{
	return ((const char *)p >= a->base && (const char *)p < a->end);
}

static void *
arena_alloc(struct larena *a, size_t n)
{
	size_t sz, c = arena_class(n, &sz);
	void *p = c < LARENA_NCLASS ? a->free[c] : NULL;

	if (p != NULL) {
		memcpy(&a->free[c], p, sizeof(void *));
		return (p);
	}
	if (c < LARENA_NCLASS && sz <= (size_t)(a->end - a->brk)) {
		p = a->brk;
		a->brk += sz;
		return (p);
	}
	p = malloc(n);
	if (p != NULL)
		a->spilled++;
	return (p);
}

static void
arena_free(struct larena *a, void *p, size_t n)
{
	size_t sz, c;

	if (p == NULL)
		return;
	if (!in_arena(a, p)) {
		free(p);
		a->spilled--;
		return;
	}
	c = arena_class(n, &sz);
	memcpy(p, &a->free[c], sizeof(void *));
	a->free[c] = p;
}

static void *
arena_realloc(struct larena *a, void *p, size_t old, size_t n)
{
	size_t osz, nsz;
	void *q;

	if (p == NULL)
		return (arena_alloc(a, n));
	if (!in_arena(a, p)) {
		q = realloc(p, n); /* a spilled block stays spilled */
		return (q != NULL || n > old ? q : p);
	}
	if (arena_class(old, &osz) == arena_class(n, &nsz))
		return (p);
	q = arena_alloc(a, n);
	if (q == NULL || (n < old && !in_arena(a, q))) {
		if (q != NULL) {
			free(q);
			a->spilled--;
		}
		/* Shrinking never fails: the block keeps its place. */
		return (n < old ? p : NULL);
	}
	memcpy(q, p, n < old ? n : old);
	arena_free(a, p, old);
	return (q);
}

/*
 * The CPU-time watchdog (--cpu-limit): ITIMER_PROF counts the process's
 * CPU time and SIGPROF only sets this flag, which the instruction hook,
 * the pattern functions and the scheduler (lhost_check_limits) read.
 *
 * Those readers are in Lua and at scheduling points; a loop in the C code
 * between them (a bug in the models: a walk of a list whose links a wakeup
 * freed under it) would never read the flag.  So the first expiry arms
 * the timer again for the same limit, and every later expiry that finds
 * no reader came by since the one before finds the process stuck: with
 * cfg.stuck_dies it dies of SIGXCPU (no core file), else cfg.stuck is
 * called, in the signal handler: the run's owner ends the run from there
 * (it never returns into the loop) or lets it go on.
 */
static volatile sig_atomic_t cpu_expired;
static volatile sig_atomic_t cpu_read; /* a reader saw cpu_expired */
static struct lhost *cpu_owner;
static bool cpu_installed; /* the handler, installed once */

static void
cpu_settimer(unsigned sec)
{
	struct itimerval it;

	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = (time_t)sec;
	setitimer(ITIMER_PROF, &it, NULL);
}

/* In the handler: the process is stuck in C code (see above). */
static void
cpu_stuck(struct lhost *h)
{
	static const char die[] = "evsim: stuck in C code for twice "
				  "--cpu-limit (a bug in evsim): SIGXCPU\n";
	struct rlimit rl;
	sigset_t set;

	sigemptyset(&set);
	if (h->cfg.stuck_dies) {
		memset(&rl, 0, sizeof(rl));
		setrlimit(RLIMIT_CORE, &rl);
		if (write(STDERR_FILENO, die, sizeof(die) - 1) < 0)
			(void)0;
		signal(SIGXCPU, SIG_DFL);
		sigaddset(&set, SIGXCPU);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		raise(SIGXCPU);
		_exit(2);
	}
	if (h->cfg.stuck == NULL)
		return;
	/* stuck() may never return: let the next SIGPROF in. */
	sigaddset(&set, SIGPROF);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	h->cfg.stuck(h->cfg.stuck_arg, h->cfg.cpu_limit_sec);
}

static void
cpu_alarm(int sig)
{
	struct lhost *h = cpu_owner;
	int e = errno;

	(void)sig;
	if (h == NULL)
		return;
	cpu_settimer(h->cfg.cpu_limit_sec);
	if (!cpu_expired || cpu_read) {
		cpu_expired = 1;
		cpu_read = 0;
	} else {
		cpu_stuck(h);
	}
	errno = e;
}

static void
cpu_arm(struct lhost *h)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = cpu_alarm;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	/*
	 * Installed once and left: with no owner it does nothing, and a run
	 * saves the two sigaction calls (explore makes thousands of runs a
	 * second).
	 */
	if (!cpu_installed) {
		sigaction(SIGPROF, &sa, NULL);
		cpu_installed = true;
	}
	cpu_owner = h;
	cpu_expired = 0;
	cpu_read = 0;
	cpu_settimer(h->cfg.cpu_limit_sec);
}

static void
cpu_disarm(struct lhost *h)
{
	if (cpu_owner != h)
		return;
	cpu_settimer(0);
	cpu_owner = NULL;
	cpu_expired = 0;
	cpu_read = 0;
}

void
lhost_cpu_rearm(struct lhost *h)
{
	cpu_arm(h);
}

/* Turns an expired watchdog into the run's abort.  Returns aborted. */
static bool
cpu_check(struct lhost *h)
{
	if (cpu_expired && cpu_owner == h)
		cpu_read = 1;
	if (cpu_expired && h->aborted == NULL && cpu_owner == h) {
		snprintf(h->abort_msg, sizeof(h->abort_msg),
		    "CPU limit of %u s exceeded (--cpu-limit)",
		    h->cfg.cpu_limit_sec);
		h->aborted = h->abort_msg;
	}
	return (h->aborted != NULL);
}

bool
lhost_check_limits(struct lhost *h, const char **why)
{
	cpu_check(h);
	return (lhost_aborted(h, why));
}

/* The value raised by lhost_unwind(); compared by address only. */
static const char unwind_sentinel = 'u';

static void *
l_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct lhost *h = ud;
	size_t old = ptr != NULL ? osize : 0;
	void *p;

	if (nsize == 0) {
		if (h->arena != NULL)
			arena_free(h->arena, ptr, old);
		else
			free(ptr);
		h->mem -= old;
		return (NULL);
	}
	if (nsize > old && h->mem + (nsize - old) > h->cfg.mem_limit_bytes) {
		if (h->aborted == NULL) {
			snprintf(h->abort_msg, sizeof(h->abort_msg),
			    "memory limit of %zu bytes exceeded",
			    h->cfg.mem_limit_bytes);
			h->aborted = h->abort_msg;
		}
		return (NULL);
	}
	if (h->arena != NULL)
		p = arena_realloc(h->arena, ptr, old, nsize);
	else
		p = realloc(ptr, nsize);
	if (p == NULL)
		return (NULL);
	h->mem = h->mem - old + nsize;
	return (p);
}

struct lhost *
lhost_from(lua_State *L)
{
	return (*(struct lhost **)lua_getextraspace(L));
}

static bool
is_unwind(lua_State *L, int idx)
{
	return (lua_touserdata(L, idx) == (void *)&unwind_sentinel
	    && lua_type(L, idx) == LUA_TLIGHTUSERDATA);
}

static void
count_hook(lua_State *L, lua_Debug *ar)
{
	struct lhost *h = lhost_from(L);

	(void)ar;
	h->instr += LHOST_HOOK_COUNT;
	if (h->instr > h->cfg.instr_budget && h->aborted == NULL) {
		snprintf(h->abort_msg, sizeof(h->abort_msg),
		    "instruction budget of %" PRIu64 " exceeded",
		    h->cfg.instr_budget);
		h->aborted = h->abort_msg;
	}
	cpu_check(h);
	if (h->aborted != NULL) {
		if (h->abort_where[0] == '\0')
			lhost_where(L, h->abort_where, sizeof(h->abort_where));
		luaL_error(L, "%s", h->aborted);
	}
}

/* Rethrows what protected calls inside the scenario must not swallow. */
static void
rethrow_fatal(lua_State *L, struct lhost *h)
{
	if (is_unwind(L, -1))
		lua_error(L);
	if (h->aborted != NULL) {
		if (h->abort_where[0] == '\0')
			lhost_where(L, h->abort_where, sizeof(h->abort_where));
		lua_error(L);
	}
}

_Noreturn void
lhost_fatal(lua_State *L, const char *fmt, ...)
{
	struct lhost *h = lhost_from(L);
	va_list ap;

	if (h->aborted == NULL) {
		va_start(ap, fmt);
		vsnprintf(h->abort_msg, sizeof(h->abort_msg), fmt, ap);
		va_end(ap);
		h->aborted = h->abort_msg;
	}
	if (h->abort_where[0] == '\0')
		lhost_where(L, h->abort_where, sizeof(h->abort_where));
	lua_pushstring(L, h->aborted);
	lua_error(L);
	abort();
}

const char *
lhost_nosys(struct lhost *h, const char *what, bool fatal, bool *ret_fatal)
{
	const char *prev = h->nosys;

	if (ret_fatal != NULL)
		*ret_fatal = h->nosys_fatal;
	h->nosys = what;
	h->nosys_fatal = fatal;
	return (prev);
}

const char *
lhost_nosys_context(const struct lhost *h, bool *ret_fatal)
{
	if (ret_fatal != NULL)
		*ret_fatal = h->nosys_fatal;
	return (h->nosys);
}

/*
 * error() and assert() as the base library has them, except that the value
 * they raise is remembered: an error that reaches lhost_call() is the
 * scenario's verdict (LHOST_ERROR) only when error() or assert() raised
 * it; anything else the VM or a library function raised is a script error
 * (LHOST_SCRIPT_ERROR).
 */
static int
raise_marked(lua_State *L, int level)
{
	lua_settop(L, 1);
	if (lua_type(L, 1) == LUA_TSTRING && level > 0) {
		luaL_where(L, level);
		lua_pushvalue(L, 1);
		lua_concat(L, 2);
	}
	lua_pushvalue(L, -1);
	lua_setfield(L, LUA_REGISTRYINDEX, "evsim.raised");
	return (lua_error(L));
}

static int
l_error(lua_State *L)
{
	return (raise_marked(L, (int)luaL_optinteger(L, 2, 1)));
}

static int
l_assert(lua_State *L)
{
	if (lua_toboolean(L, 1))
		return (lua_gettop(L));
	luaL_checkany(L, 1);
	lua_remove(L, 1);
	lua_pushliteral(L, "assertion failed!");
	lua_settop(L, 1);
	return (raise_marked(L, 1));
}

/*
 * Forgets the value error() raised: a protected call caught it, so it can
 * no longer reach lhost_call() (and a later error with the same text is
 * not a verdict).
 */
static void
forget_raised(lua_State *L)
{
	lua_pushnil(L);
	lua_setfield(L, LUA_REGISTRYINDEX, "evsim.raised");
}

/* Whether the value at idx is the one error() or assert() raised last. */
static bool
raised_by_script(lua_State *L, int idx)
{
	bool r;

	idx = lua_absindex(L, idx);
	lua_getfield(L, LUA_REGISTRYINDEX, "evsim.raised");
	r = lua_rawequal(L, -1, idx);
	lua_pop(L, 1);
	return (r);
}

/*
 * coroutine.wrap's function: called through this C function, the wrapped
 * coroutine's error passes unchanged (no position is prepended, as the
 * caller is not Lua code), so that an assert() inside stays a verdict.
 */
static int
wrapped_call(lua_State *L)
{
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return (lua_gettop(L));
}

static int
l_wrap(lua_State *L)
{
	lua_settop(L, 1);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, 1, 1);
	lua_pushcclosure(L, wrapped_call, 1);
	return (1);
}

_Noreturn void
lhost_unwind(lua_State *L)
{
	lua_pushlightuserdata(L, (void *)&unwind_sentinel);
	lua_error(L);
	abort();
}

bool
lhost_aborted(const struct lhost *h, const char **why)
{
	if (why != NULL)
		*why = h->aborted;
	return (h->aborted != NULL);
}

size_t
lhost_memory(const struct lhost *h)
{
	return (h->mem);
}

/* Deterministic object names */

static int64_t
objid(lua_State *L, int idx)
{
	struct lhost *h = lhost_from(L);
	int64_t id;

	idx = lua_absindex(L, idx);
	lua_getfield(L, LUA_REGISTRYINDEX, "evsim.objid");
	lua_pushvalue(L, idx);
	if (lua_rawget(L, -2) == LUA_TNUMBER) {
		id = lua_tointeger(L, -1);
		lua_pop(L, 2);
		return (id);
	}
	lua_pop(L, 1);
	id = ++h->next_objid;
	lua_pushvalue(L, idx);
	lua_pushinteger(L, id);
	lua_rawset(L, -3);
	lua_pop(L, 1);
	return (id);
}

const char *
lhost_tostring(lua_State *L, int idx)
{
	idx = lua_absindex(L, idx);
	if (luaL_callmeta(L, idx, "__tostring")) {
		if (!lua_isstring(L, -1))
			luaL_error(L, "'__tostring' must return a string");
		return (lua_tostring(L, -1));
	}
	switch (lua_type(L, idx)) {
	case LUA_TNUMBER:
	case LUA_TSTRING:
		lua_pushvalue(L, idx);
		return (lua_tolstring(L, -1, NULL)); /* converts a copy */
	case LUA_TBOOLEAN:
		return (lua_pushstring(
		    L, lua_toboolean(L, idx) ? "true" : "false"));
	case LUA_TNIL:
		return (lua_pushliteral(L, "nil"));
	default: {
		int tt = luaL_getmetafield(L, idx, "__name");
		const char *kind = tt == LUA_TSTRING ? lua_tostring(L, -1)
						     : luaL_typename(L, idx);
		int64_t id = objid(L, idx);

		lua_pushfstring(L, "%s: #%I", kind, (lua_Integer)id);
		if (tt != LUA_TNIL)
			lua_remove(L, -2);
		return (lua_tostring(L, -1));
	}
	}
}

static int
l_tostring(lua_State *L)
{
	luaL_checkany(L, 1);
	lhost_tostring(L, 1);
	return (1);
}

static int
l_print(lua_State *L)
{
	struct lhost *h = lhost_from(L);
	luaL_Buffer b;
	int n = lua_gettop(L), i;

	luaL_buffinit(L, &b);
	for (i = 1; i <= n; i++) {
		if (i > 1)
			luaL_addchar(&b, '\t');
		lhost_tostring(L, i);
		luaL_addvalue(&b);
	}
	luaL_pushresult(&b);
	if (h->cfg.print != NULL) {
		size_t len;
		const char *text = lua_tolstring(L, -1, &len);

		h->cfg.print(h->cfg.print_arg, text, len);
	}
	return (0);
}

/* Deterministic pairs */

/* Key classes in canonical order: numbers, strings, booleans. */
enum { KEY_NUMBER, KEY_STRING, KEY_BOOLEAN };

struct keyref {
	int type;
	int isint;
	lua_Integer i;
	lua_Number n;
	const char *s;
	size_t len;
	int b;
	int idx; /* position in the key list */
};

static int
keycmp(const void *a0, const void *b0)
{
	const struct keyref *a = a0, *b = b0;

	if (a->type != b->type)
		return (a->type < b->type ? -1 : 1);
	if (a->type == KEY_NUMBER) {
		if (a->isint && b->isint)
			return (a->i < b->i ? -1 : a->i > b->i);
		return (a->n < b->n ? -1 : a->n > b->n);
	}
	if (a->type == KEY_STRING) {
		size_t m = a->len < b->len ? a->len : b->len;
		int c = memcmp(a->s, b->s, m);

		if (c != 0)
			return (c);
		return (a->len < b->len ? -1 : a->len > b->len);
	}
	return (a->b - b->b);
}

static int
pairs_next(lua_State *L)
{
	lua_Integer i = lua_tointeger(L, lua_upvalueindex(3));

	for (;;) {
		i++;
		if (lua_rawgeti(L, lua_upvalueindex(2), i) == LUA_TNIL)
			return (0);
		lua_pushvalue(L, -1);
		if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
			break;
		lua_pop(L, 2); /* removed during traversal: skip */
	}
	lua_pushinteger(L, i);
	lua_replace(L, lua_upvalueindex(3));
	return (2);
}

/*
 * Pushes an array of t's keys in canonical order, or raises an error when
 * a key has no address-independent order (a table, function, ...).
 */
static void
sorted_keys(lua_State *L, int t, const char *who)
{
	struct keyref *keys = NULL;
	size_t n = 0, cap = 0, k;
	int kt, tmp;

	t = lua_absindex(L, t);
	lua_newtable(L); /* keys in traversal order (anchors strings) */
	tmp = lua_gettop(L);
	lua_pushnil(L);
	while (lua_next(L, t) != 0) {
		lua_pop(L, 1);
		kt = lua_type(L, -1);
		if (kt != LUA_TNUMBER && kt != LUA_TSTRING
		    && kt != LUA_TBOOLEAN) {
			free(keys);
			(void)luaL_error(L,
			    "%s: the table has a key of type %s; its "
			    "iteration order would depend on host addresses "
			    "(use an array, or string/number keys)",
			    who, luaL_typename(L, -1));
			return; /* not reached: luaL_error does not return */
		}
		if (n == cap) {
			struct keyref *nk;

			cap = cap ? cap * 2 : 16;
			nk = realloc(keys, cap * sizeof(*keys));
			if (nk == NULL) {
				free(keys);
				(void)luaL_error(L, "%s: out of memory", who);
				return; /* not reached */
			}
			keys = nk;
		}
		memset(&keys[n], 0, sizeof(keys[n]));
		keys[n].type = kt == LUA_TNUMBER ? KEY_NUMBER
		    : kt == LUA_TSTRING		 ? KEY_STRING
						 : KEY_BOOLEAN;
		if (kt == LUA_TNUMBER) {
			keys[n].isint = lua_isinteger(L, -1);
			keys[n].i = lua_tointeger(L, -1);
			keys[n].n = lua_tonumber(L, -1);
		} else if (kt == LUA_TSTRING) {
			keys[n].s = lua_tolstring(L, -1, &keys[n].len);
		} else {
			keys[n].b = lua_toboolean(L, -1);
		}
		keys[n].idx = (int)n + 1;
		lua_pushvalue(L, -1);
		lua_rawseti(L, tmp, (lua_Integer)n + 1);
		n++;
	}
	/* qsort(NULL, 0, ...) is undefined (C11 7.22.5). */
	if (n > 0)
		qsort(keys, n, sizeof(*keys), keycmp);
	lua_createtable(L, (int)n, 0);
	for (k = 0; k < n; k++) {
		lua_rawgeti(L, tmp, keys[k].idx);
		lua_rawseti(L, -2, (lua_Integer)k + 1);
	}
	free(keys);
	lua_remove(L, tmp);
}

static int
l_pairs(lua_State *L)
{
	luaL_checkany(L, 1);
	if (luaL_getmetafield(L, 1, "__pairs") != LUA_TNIL) {
		lua_pushvalue(L, 1);
		lua_call(L, 1, 3);
		return (3);
	}
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_pushvalue(L, 1);
	sorted_keys(L, 1, "pairs");
	lua_pushinteger(L, 0);
	lua_pushcclosure(L, pairs_next, 3);
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return (3);
}

/*
 * next() in the same canonical order as pairs: a traversal starting with
 * next(t, nil) caches t's sorted keys and their positions (weakly, by t).
 */
static int
l_next(lua_State *L)
{
	lua_Integer i;

	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 2);
	lua_getfield(L, LUA_REGISTRYINDEX, "evsim.nextcache"); /* 3 */
	lua_pushvalue(L, 1);
	if (lua_isnil(L, 2) || lua_rawget(L, 3) != LUA_TTABLE) {
		lua_settop(L, 3);
		lua_createtable(L, 2, 0); /* 4: {keys, positions} */
		sorted_keys(L, 1, "next");
		lua_newtable(L);
		for (i = 1; lua_rawgeti(L, -2, i) != LUA_TNIL; i++) {
			lua_pushinteger(L, i);
			lua_rawset(L, -3);
		}
		lua_pop(L, 1);
		lua_rawseti(L, 4, 2);
		lua_rawseti(L, 4, 1);
		lua_pushvalue(L, 1);
		lua_pushvalue(L, 4);
		lua_rawset(L, 3);
	}
	/* 4: the cache entry */
	if (lua_isnil(L, 2)) {
		i = 0;
	} else {
		lua_rawgeti(L, 4, 2);
		lua_pushvalue(L, 2);
		if (lua_rawget(L, -2) != LUA_TNUMBER)
			return (luaL_error(L, "invalid key to 'next'"));
		i = lua_tointeger(L, -1);
		lua_pop(L, 2);
	}
	lua_rawgeti(L, 4, 1); /* 5: keys */
	for (;;) {
		i++;
		if (lua_rawgeti(L, 5, i) == LUA_TNIL)
			return (1);
		lua_pushvalue(L, -1);
		if (lua_rawget(L, 1) != LUA_TNIL)
			return (2);
		lua_pop(L, 2); /* removed meanwhile */
	}
}

/* math.random / math.randomseed from the run's generator */

static uint64_t
draw(lua_State *L)
{
	struct lhost *h = lhost_from(L);

	return (h->cfg.random(h->cfg.random_arg));
}

static int
l_random(lua_State *L)
{
	lua_Integer lo, hi;
	uint64_t r = draw(L), span;

	switch (lua_gettop(L)) {
	case 0:
		lua_pushnumber(L, (lua_Number)(r >> 11) * 0x1.0p-53);
		return (1);
	case 1:
		lo = 1;
		hi = luaL_checkinteger(L, 1);
		if (hi == 0) { /* math.random(0): all 64 bits */
			lua_pushinteger(L, (lua_Integer)r);
			return (1);
		}
		break;
	case 2:
		lo = luaL_checkinteger(L, 1);
		hi = luaL_checkinteger(L, 2);
		break;
	default:
		return (luaL_error(L, "wrong number of arguments"));
	}
	luaL_argcheck(L, lo <= hi, lua_gettop(L), "interval is empty");
	span = (uint64_t)hi - (uint64_t)lo;
	if (span != UINT64_MAX) {
		/* Rejection sampling: unbiased. */
		uint64_t lim = span + 1, t = -lim % lim;

		while (r < t)
			r = draw(L);
		r %= lim;
	}
	lua_pushinteger(L, (lua_Integer)((uint64_t)lo + r));
	return (1);
}

static int
l_randomseed(lua_State *L)
{
	/*
	 * XXX: reseeding is accepted but does not change the stream: the
	 * generator belongs to the run (its seed), so that scenarios stay
	 * replayable from the run seed alone.
	 */
	(void)L;
	return (0);
}

/* string.format without addresses */

static int
l_format(lua_State *L)
{
	const char *fmt = luaL_checkstring(L, 1);
	int arg = 1, n = lua_gettop(L);
	const char *p;

	for (p = fmt; *p != '\0'; p++) {
		if (*p != '%')
			continue;
		p++;
		if (*p == '%')
			continue;
		while (*p != '\0' && strchr("-+ #0123456789.", *p) != NULL)
			p++;
		arg++;
		if (*p == 'p')
			return (luaL_error(L,
			    "string.format: '%%p' would reveal a host "
			    "address and is not available in scenarios"));
		if (*p == 's' && arg <= n && !lua_isstring(L, arg)) {
			lhost_tostring(L, arg);
			lua_replace(L, arg);
		}
		if (*p == '\0')
			break;
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, n, 1);
	return (1);
}

/* setmetatable without finalisers */

static int
l_setmetatable(lua_State *L)
{
	if (lua_type(L, 2) == LUA_TTABLE
	    && lua_getfield(L, 2, "__gc") != LUA_TNIL)
		return (luaL_error(L,
		    "setmetatable: __gc finalisers are not available in "
		    "scenarios (when they run depends on the collector)"));
	lua_settop(L, 2);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, 2, 1);
	return (1);
}

static int
l_collectgarbage(lua_State *L)
{
	static const char *const allowed[]
	    = { "collect", "count", "step", "isrunning", NULL };
	const char *opt = luaL_optstring(L, 1, "collect");
	int i;

	for (i = 0; allowed[i] != NULL; i++)
		if (strcmp(opt, allowed[i]) == 0)
			break;
	if (allowed[i] == NULL)
		return (luaL_error(L,
		    "collectgarbage: option '%s' changes the collector and "
		    "is not available in scenarios",
		    opt));
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return (lua_gettop(L));
}

/* pcall/xpcall/coroutine.resume that cannot swallow an unwind or abort */

static int
l_pcall(lua_State *L)
{
	struct lhost *h = lhost_from(L);
	int status;

	luaL_checkany(L, 1);
	status = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
	if (status != LUA_OK) {
		rethrow_fatal(L, h);
		forget_raised(L);
		lua_pushboolean(L, 0);
		lua_insert(L, -2);
		return (2);
	}
	lua_pushboolean(L, 1);
	lua_insert(L, 1);
	return (lua_gettop(L));
}

static int
xpcall_handler(lua_State *L)
{
	if (is_unwind(L, 1) || lhost_from(L)->aborted != NULL)
		return (1);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return (1);
}

static int
l_xpcall(lua_State *L)
{
	struct lhost *h = lhost_from(L);
	int n = lua_gettop(L), status;

	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_pushvalue(L, 2);
	lua_pushcclosure(L, xpcall_handler, 1);
	lua_pushvalue(L, 1);
	lua_replace(L, 2); /* [f, f, args] -> [handler, f, args] */
	lua_replace(L, 1);
	status = lua_pcall(L, n - 2, LUA_MULTRET, 1);
	if (status != LUA_OK) {
		rethrow_fatal(L, h);
		forget_raised(L);
		lua_pushboolean(L, 0);
		lua_replace(L, 1);
		return (2);
	}
	lua_pushboolean(L, 1);
	lua_replace(L, 1);
	return (lua_gettop(L));
}

static int
l_resume(lua_State *L)
{
	struct lhost *h = lhost_from(L);
	int n = lua_gettop(L);

	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, n, LUA_MULTRET);
	if (!lua_toboolean(L, 1) && lua_gettop(L) >= 2) {
		lua_pushvalue(L, 2);
		rethrow_fatal(L, h);
		lua_pop(L, 1);
		forget_raised(L);
	}
	return (lua_gettop(L));
}

static int
l_load(lua_State *L)
{
	/*
	 * Text chunks only: binary chunks can crash the host.  An absent
	 * 'env' must stay absent: load() gives a chunk a nil '_ENV' when
	 * the fourth argument is present, even as nil.
	 */
	int nargs = lua_gettop(L) >= 4 ? 4 : 3;

	lua_settop(L, nargs);
	lua_pushliteral(L, "t");
	lua_replace(L, 3);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, nargs, LUA_MULTRET);
	return (lua_gettop(L));
}

/* require from the scenario's folder and scenarios/lib only */

static int
read_file(const char *path, char **ret_buf, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (f == NULL)
		return (errno);
	for (;;) {
		if (len == cap) {
			char *nb;

			cap = cap ? cap * 2 : 8192;
			nb = realloc(buf, cap);
			if (nb == NULL) {
				free(buf);
				fclose(f);
				return (ENOMEM);
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	fclose(f);
	*ret_buf = buf;
	*ret_len = len;
	return (0);
}

/*
 * Whether path, once every symbolic link is resolved, is still inside dir
 * (also resolved): require() never follows a link out of the scenario
 * folders.
 */
static bool
inside(const char *dir, const char *path)
{
	char *rd = realpath(dir, NULL), *rp = realpath(path, NULL);
	size_t n;
	bool ok = false;

	if (rd != NULL && rp != NULL) {
		n = strlen(rd);
		ok = strncmp(rd, rp, n) == 0
		    && (rp[n] == '/' || (n == 1 && rd[0] == '/'));
	}
	free(rd);
	free(rp);
	return (ok);
}

static int
l_require(lua_State *L)
{
	struct lhost *h = lhost_from(L);
	const char *name = luaL_checkstring(L, 1);
	const char *dirs[2] = { h->cfg.scenario_dir, h->cfg.lib_dir };
	char path[4096], rel[1024];
	size_t i;
	int d, outside = -1;

	for (i = 0; name[i] != '\0'; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
			|| (c >= '0' && c <= '9') || c == '_'
			|| (c == '.' && i > 0 && name[i + 1] != '\0'
			    && name[i + 1] != '.'))
		    || i >= sizeof(rel) - 5)
			return (luaL_error(L,
			    "require: bad module name '%s' (letters, digits, "
			    "'_' and '.' only)",
			    name));
		rel[i] = c == '.' ? '/' : c;
	}
	if (i == 0)
		return (luaL_error(L, "require: empty module name"));
	memcpy(rel + i, ".lua", 5);
	lua_getfield(L, LUA_REGISTRYINDEX, "evsim.loaded");
	if (lua_getfield(L, -1, name) != LUA_TNIL)
		return (1);
	lua_pop(L, 1);
	for (d = 0; d < 2; d++) {
		char *buf = NULL;
		size_t len = 0;

		if (h->cfg.module != NULL) {
			if (d > 0
			    || h->cfg.module(
				   h->cfg.module_arg, name, &buf, &len)
				!= 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s",
			    h->cfg.scenario_dir != NULL ? h->cfg.scenario_dir
							: ".",
			    rel);
		} else {
			if (dirs[d] == NULL)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dirs[d], rel);
			if (access(path, F_OK) == 0 && !inside(dirs[d], path)) {
				outside = d;
				continue;
			}
			if (read_file(path, &buf, &len) != 0)
				continue;
			if (h->cfg.loaded != NULL)
				h->cfg.loaded(
				    h->cfg.module_arg, name, buf, len);
		}
		lua_pushfstring(L, "@%s", path);
		if (luaL_loadbufferx(L, buf, len, lua_tostring(L, -1), "t")
		    != LUA_OK) {
			free(buf);
			return (lua_error(L));
		}
		free(buf);
		lua_pushstring(L, name);
		lua_call(L, 1, 1);
		if (lua_isnil(L, -1)) {
			lua_pop(L, 1);
			lua_pushboolean(L, 1);
		}
		lua_pushvalue(L, -1);
		lua_setfield(L, -4, name);
		return (1);
	}
	if (h->cfg.module != NULL)
		return (luaL_error(
		    L, "module '%s' not recorded with the run", name));
	if (outside >= 0)
		return (luaL_error(L,
		    "require: module '%s' is a symbolic link out of %s", name,
		    outside == 0 ? "the scenario's folder" : "scenarios/lib"));
	return (luaL_error(L,
	    "module '%s' not found in the scenario's folder or scenarios/lib",
	    name));
}

static void
wrap(lua_State *L, int tbl, const char *name, lua_CFunction fn)
{
	tbl = lua_absindex(L, tbl);
	lua_getfield(L, tbl, name);
	lua_pushcclosure(L, fn, 1);
	lua_setfield(L, tbl, name);
}

/* The configuration with its defaults. */
static void
set_config(struct lhost *h, const struct lhost_config *cfg)
{
	h->cfg = *cfg;
	if (h->cfg.mem_limit_bytes == 0)
		h->cfg.mem_limit_bytes = (size_t)512 << 20;
	if (h->cfg.instr_budget == 0)
		h->cfg.instr_budget = 2000000000ULL;
	if (h->cfg.cpu_limit_sec == 0)
		h->cfg.cpu_limit_sec = 300;
}

/* The sandbox in the new state of h (lhost.h). */
static void
build_sandbox(struct lhost *h)
{
	static const char *const removed[] = { "dofile", "loadfile", NULL };
	lua_State *L = h->L;
	int i;

	*(struct lhost **)lua_getextraspace(L) = h;
	luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
	luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
	luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
	luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
	luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
	luaL_requiref(L, LUA_COLIBNAME, luaopen_coroutine, 1);
	lua_pop(L, 6);
	lua_newtable(L);
	lua_setfield(L, LUA_REGISTRYINDEX, "evsim.loaded");
	lua_newtable(L); /* object ids, weak keys */
	lua_newtable(L);
	lua_pushliteral(L, "k");
	lua_setfield(L, -2, "__mode");
	lua_setmetatable(L, -2);
	lua_setfield(L, LUA_REGISTRYINDEX, "evsim.objid");
	lua_newtable(L); /* next()'s traversal cache, weak keys */
	lua_newtable(L);
	lua_pushliteral(L, "k");
	lua_setfield(L, -2, "__mode");
	lua_setmetatable(L, -2);
	lua_setfield(L, LUA_REGISTRYINDEX, "evsim.nextcache");

	lua_pushglobaltable(L);
	for (i = 0; removed[i] != NULL; i++) {
		lua_pushnil(L);
		lua_setfield(L, -2, removed[i]);
	}
	lua_pushcfunction(L, l_pairs);
	lua_setfield(L, -2, "pairs");
	lua_pushcfunction(L, l_next);
	lua_setfield(L, -2, "next");
	lua_pushcfunction(L, l_tostring);
	lua_setfield(L, -2, "tostring");
	lua_pushcfunction(L, l_print);
	lua_setfield(L, -2, "print");
	lua_pushcfunction(L, l_pcall);
	lua_setfield(L, -2, "pcall");
	lua_pushcfunction(L, l_xpcall);
	lua_setfield(L, -2, "xpcall");
	lua_pushcfunction(L, l_require);
	lua_setfield(L, -2, "require");
	lua_pushcfunction(L, l_error);
	lua_setfield(L, -2, "error");
	lua_pushcfunction(L, l_assert);
	lua_setfield(L, -2, "assert");
	wrap(L, -1, "setmetatable", l_setmetatable);
	wrap(L, -1, "collectgarbage", l_collectgarbage);
	wrap(L, -1, "load", l_load);
	lua_getfield(L, -1, "string");
	wrap(L, -1, "format", l_format);
	lhost_open_patterns(L, -1);
	lua_pop(L, 1);
	lua_getfield(L, -1, "math");
	lua_pushcfunction(L, l_random);
	lua_setfield(L, -2, "random");
	lua_pushcfunction(L, l_randomseed);
	lua_setfield(L, -2, "randomseed");
	lua_pop(L, 1);
	lua_getfield(L, -1, "coroutine");
	wrap(L, -1, "resume", l_resume);
	wrap(L, -1, "wrap", l_wrap);
	lua_pop(L, 2);
	lua_sethook(L, count_hook, LUA_MASKCOUNT, LHOST_HOOK_COUNT);
}

int
lhost_new(struct lhost **ret_h, const struct lhost_config *cfg)
{
	struct lhost *h;

	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return (ENOMEM);
	set_config(h, cfg);
	h->L = lua_newstate(l_alloc, h);
	if (h->L == NULL) {
		free(h);
		return (ENOMEM);
	}
	build_sandbox(h);
	cpu_arm(h);
	*ret_h = h;
	return (0);
}

/*
 * Maps this process's arena, large enough for a state of limit bytes
 * (twice: the size classes round up), or keeps the one mapped.
 */
static int
arena_map(size_t limit)
{
	size_t len = 2 * limit + ((size_t)64 << 20);
	void *p;

	if (arena != NULL && arena_len >= len)
		return (0);
	lhost_image_drop();
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return (ENOMEM);
	arena = p;
	arena_len = len;
	return (0);
}

int
lhost_new_image(struct lhost **ret_h, const struct lhost_config *cfg)
{
	struct larena *a;
	struct lhost *h;
	size_t limit = cfg->mem_limit_bytes != 0 ? cfg->mem_limit_bytes
						 : (size_t)512 << 20;

	if (arena_map(limit) != 0)
		return (ENOMEM);
	a = arena;
	memset(a, 0, sizeof(*a));
	a->base = (char *)a;
	a->end = a->base + arena_len;
	a->brk = a->base + ((sizeof(*a) + 15) & ~(size_t)15);
	h = &a->h;
	set_config(h, cfg);
	h->arena = a;
	h->L = lua_newstate(l_alloc, h);
	if (h->L == NULL)
		return (ENOMEM);
	build_sandbox(h);
	cpu_arm(h);
	*ret_h = h;
	return (0);
}

bool
lhost_arena_extent(void **base, size_t *used, size_t *maplen)
{
	if (arena == NULL)
		return (false);
	*base = arena;
	*used = (size_t)(arena->brk - arena->base);
	*maplen = arena_len;
	return (true);
}

int
lhost_save(struct lhost *h)
{
	struct larena *a = h->arena;
	size_t len;
	void *p;

	if (a == NULL || a->spilled != 0 || h->aborted != NULL)
		return (EINVAL);
	len = (size_t)(a->brk - a->base);
	p = realloc(image, len);
	if (p == NULL)
		return (ENOMEM);
	memcpy(p, a->base, len);
	image = p;
	image_len = len;
	return (0);
}

int
lhost_restore(struct lhost **ret_h, const struct lhost_config *cfg)
{
	struct lhost *h;

	if (image == NULL)
		return (ENOENT);
	memcpy(arena, image, image_len);
	h = &arena->h;
	set_config(h, cfg);
	cpu_arm(h);
	*ret_h = h;
	return (0);
}

void
lhost_image_drop(void)
{
	free(image);
	image = NULL;
	image_len = 0;
	if (arena != NULL)
		munmap(arena, arena_len);
	arena = NULL;
	arena_len = 0;
}

void
lhost_free(struct lhost *h)
{
	if (h == NULL)
		return;
	cpu_disarm(h);
	if (h->arena == NULL) {
		lua_close(h->L);
		free(h);
	} else if (h->arena->spilled != 0) {
		/* Frees the spilled blocks; the arena itself stays. */
		lua_close(h->L);
	}
}

lua_State *
lhost_lua(struct lhost *h)
{
	return (h->L);
}

void
lhost_where(lua_State *T, char *buf, size_t len)
{
	lua_Debug ar;
	int level;

	for (level = 0; lua_getstack(T, level, &ar); level++) {
		lua_getinfo(T, "Sl", &ar);
		if (ar.currentline > 0) {
			snprintf(
			    buf, len, "%s:%d", ar.short_src, ar.currentline);
			return;
		}
	}
	snprintf(buf, len, "?");
}

/* Whether msg already starts with "chunk:line:" (error() adds one). */
static bool
has_position(const char *msg)
{
	const char *p = msg;

	while (*p != '\0' && *p != ' ' && *p != '\n') {
		if (p[0] == ':' && p[1] >= '0' && p[1] <= '9') {
			const char *q = p + 1;

			while (*q >= '0' && *q <= '9')
				q++;
			if (*q == ':')
				return (true);
		}
		p++;
	}
	return (false);
}

/* Calls __tostring on the error object (msgh, protected, no syscalls). */
static int
error_tostring(lua_State *L)
{
	if (!luaL_callmeta(L, 1, "__tostring") || !lua_isstring(L, -1))
		lua_pushnil(L);
	return (1);
}

/*
 * Message handler: classifies the error (see raise_marked()) and adds the
 * scenario position when the message lacks it.  An error object's
 * __tostring runs protected and may not make syscalls (it could otherwise
 * exit or block the thread and so change the verdict); when it fails, the
 * message names the object's type.
 */
static int
msgh(lua_State *L)
{
	struct lhost *h = lhost_from(L);
	enum lhost_result kind;
	char where[512];
	const char *msg;

	if (is_unwind(L, 1))
		return (1);
	if (h->aborted != NULL) {
		if (h->abort_where[0] == '\0')
			lhost_where(L, h->abort_where, sizeof(h->abort_where));
		return (1);
	}
	kind = raised_by_script(L, 1) ? LHOST_ERROR : LHOST_SCRIPT_ERROR;
	lua_settop(L, 1);
	if (!lua_isstring(L, 1)) {
		bool pfatal;
		const char *prev = lhost_nosys(
		    h, "the __tostring of an error object", false, &pfatal);
		int st;

		lua_pushcfunction(L, error_tostring);
		lua_pushvalue(L, 1);
		st = lua_pcall(L, 1, 1, 0);
		lhost_nosys(h, prev, pfatal, NULL);
		if (h->aborted != NULL)
			return (1);
		if (st == LUA_OK && lua_isstring(L, -1))
			msg = lua_tostring(L, -1);
		else
			msg = lua_pushfstring(L, "(error object is a %s value)",
			    luaL_typename(L, 1));
	} else {
		msg = lua_tostring(L, 1);
	}
	lhost_where(L, where, sizeof(where));
	/* A chunk name may hold spaces ('[string "..."]'): compare it too. */
	if (strcmp(where, "?") == 0 || has_position(msg)
	    || strncmp(msg, where, strlen(where)) == 0)
		lua_pushstring(L, msg);
	else
		lua_pushfstring(L, "%s: %s", where, msg);
	h->err_kind = kind;
	return (1);
}

int
lhost_compile(struct lhost *h, const char *chunkname, const char *src,
    size_t len, char *err, size_t errlen)
{
	lua_State *L = h->L;
	int status;

	lua_pushfstring(L, "@%s", chunkname);
	status = luaL_loadbufferx(L, src, len, lua_tostring(L, -1), "t");
	lua_remove(L, -2);
	if (status != LUA_OK) {
		snprintf(err, errlen, "%s", lua_tostring(L, -1));
		lua_pop(L, 1);
		return (EINVAL);
	}
	return (0);
}

int
lhost_run_chunk(struct lhost *h, char *err, size_t errlen)
{
	switch (lhost_call(h, h->L, 0, 1, err, errlen)) {
	case LHOST_OK:
		return (0);
	default:
		return (EINVAL);
	}
}

int
lhost_load(struct lhost *h, const char *chunkname, const char *src, size_t len,
    char *err, size_t errlen)
{
	int error = lhost_compile(h, chunkname, src, len, err, errlen);

	return (error != 0 ? error : lhost_run_chunk(h, err, errlen));
}

lua_State *
lhost_newthread(struct lhost *h, int *ret_ref)
{
	lua_State *T = lua_newthread(h->L);

	*ret_ref = luaL_ref(h->L, LUA_REGISTRYINDEX);
	return (T);
}

void
lhost_unref(struct lhost *h, int ref)
{
	luaL_unref(h->L, LUA_REGISTRYINDEX, ref);
}

enum lhost_result
lhost_call(struct lhost *h, lua_State *T, int nargs, int nres, char *err,
    size_t errlen)
{
	int base = lua_gettop(T) - nargs, status;

	lua_pushcfunction(T, msgh);
	lua_insert(T, base);
	h->err_kind = LHOST_SCRIPT_ERROR;
	status = lua_pcall(T, nargs, nres, base);
	if (status == LUA_OK) {
		lua_remove(T, base);
		return (LHOST_OK);
	}
	if (h->aborted != NULL) {
		if (h->abort_where[0] != '\0'
		    && strcmp(h->abort_where, "?") != 0)
			snprintf(
			    err, errlen, "%s: %s", h->abort_where, h->aborted);
		else
			snprintf(err, errlen, "%s", h->aborted);
		lua_settop(T, base - 1);
		return (LHOST_ABORTED);
	}
	if (is_unwind(T, -1)) {
		lua_settop(T, base - 1);
		return (LHOST_UNWOUND);
	}
	snprintf(err, errlen, "%s",
	    lua_isstring(T, -1) ? lua_tostring(T, -1) : "(error)");
	lua_settop(T, base - 1);
	/* An error in the message handler itself is a script error. */
	return (status == LUA_ERRRUN ? h->err_kind : LHOST_SCRIPT_ERROR);
}
