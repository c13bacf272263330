/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * string.find, string.match, string.gmatch and string.gsub for the
 * scenario sandbox (lhost.c installs them).  They implement the pattern
 * language of the Lua 5.4 manual (section 6.4.1) with the same results and
 * error messages as the standard library, by backtracking, but unlike it
 * they can be stopped: the matcher runs in C, where the instruction hook
 * never fires, and a pattern such as ".-.-.-.-.-b" against a long subject
 * backtracks for hours.  Every PM_CHECK_STEPS steps the matcher asks the
 * Lua host whether the run was aborted (the --cpu-limit watchdog or another
 * limit) and, if so, raises the abort as an error: a clean exit from C
 * code, as the matcher allocates nothing while it backtracks.  Imports
 * lhost.h and Lua only.
 */
#include <ctype.h>
#include <lauxlib.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "lhost.h"

#define PM_MAXCAPTURES 32
#define PM_MAXDEPTH 200 /* nested matcher calls (as Lua's MAXCCALLS) */
#define PM_CHECK_STEPS 0x10000 /* steps between limit checks */
#define PM_ESC '%'
#define PM_SPECIALS "^$*+?.([%-"

#define CAP_UNFINISHED (-1)
#define CAP_POSITION (-2)

struct pm_state {
	const char *src; /* the subject */
	const char *src_end;
	const char *pat_end;
	lua_State *L;
	int depth; /* matcher calls left */
	unsigned steps;
	int level; /* captures open or closed so far */
	struct {
		const char *init;
		ptrdiff_t len; /* or CAP_UNFINISHED, CAP_POSITION */
	} cap[PM_MAXCAPTURES];
};

static const char *pm_match(struct pm_state *ms, const char *s, const char *p);

static void
pm_init(struct pm_state *ms, lua_State *L, const char *s, size_t ls,
    const char *p, size_t lp)
{
	ms->L = L;
	ms->src = s;
	ms->src_end = s + ls;
	ms->pat_end = p + lp;
	ms->steps = 0;
}

static void
pm_reset(struct pm_state *ms)
{
	ms->level = 0;
	ms->depth = PM_MAXDEPTH;
}

/* A limit of the run (--cpu-limit, ...) stops the matcher. */
static void
pm_step(struct pm_state *ms)
{
	const char *why;

	if ((++ms->steps % PM_CHECK_STEPS) == 0
	    && lhost_check_limits(lhost_from(ms->L), &why))
		lhost_fatal(ms->L, "%s", why);
}

/* The end of the single-character class starting at p. */
static const char *
pm_class_end(struct pm_state *ms, const char *p)
{
	char c = *p++;

	if (c == PM_ESC) {
		if (p >= ms->pat_end)
			luaL_error(ms->L, "malformed pattern (ends with '%%')");
		return (p + 1);
	}
	if (c != '[')
		return (p);
	if (p < ms->pat_end && *p == '^')
		p++;
	/* The first character of a set is itself, even ']'. */
	for (;;) {
		if (p >= ms->pat_end)
			luaL_error(ms->L, "malformed pattern (missing ']')");
		c = *p++;
		if (c == PM_ESC) {
			if (p >= ms->pat_end)
				luaL_error(
				    ms->L, "malformed pattern (missing ']')");
			p++;
		}
		if (p < ms->pat_end && *p == ']')
			return (p + 1);
	}
}

/* Whether c is in the class %cl (cl a letter; upper case: complement). */
static bool
pm_class(int c, int cl)
{
	bool r;

	switch (tolower(cl)) {
	case 'a':
		r = isalpha(c);
		break;
	case 'c':
		r = iscntrl(c);
		break;
	case 'd':
		r = isdigit(c);
		break;
	case 'g':
		r = isgraph(c);
		break;
	case 'l':
		r = islower(c);
		break;
	case 'p':
		r = ispunct(c);
		break;
	case 's':
		r = isspace(c);
		break;
	case 'u':
		r = isupper(c);
		break;
	case 'w':
		r = isalnum(c);
		break;
	case 'x':
		r = isxdigit(c);
		break;
	default:
		return (cl == c);
	}
	return (isupper(cl) ? !r : r);
}

/* Whether c is in the set [...] from p (at '[') to last (at ']'). */
static bool
pm_set(int c, const char *p, const char *last)
{
	bool in = true;

	p++;
	if (*p == '^') {
		in = false;
		p++;
	}
	while (p < last) {
		if (*p == PM_ESC && p + 1 < last) {
			if (pm_class(c, (unsigned char)p[1]))
				return (in);
			p += 2;
		} else if (p + 2 < last && p[1] == '-') {
			if ((unsigned char)p[0] <= c
			    && c <= (unsigned char)p[2])
				return (in);
			p += 3;
		} else {
			if ((unsigned char)*p == c)
				return (in);
			p++;
		}
	}
	return (!in);
}

/* Whether the character at s matches the class from p to ep. */
static bool
pm_single(struct pm_state *ms, const char *s, const char *p, const char *ep)
{
	int c;

	if (s >= ms->src_end)
		return (false);
	c = (unsigned char)*s;
	switch (*p) {
	case '.':
		return (true);
	case PM_ESC:
		return (pm_class(c, (unsigned char)p[1]));
	case '[':
		return (pm_set(c, p, ep - 1));
	default:
		return ((unsigned char)*p == c);
	}
}

static const char *
pm_balance(struct pm_state *ms, const char *s, const char *p)
{
	int open, close, depth = 1;

	if (p + 1 >= ms->pat_end)
		luaL_error(
		    ms->L, "malformed pattern (missing arguments to '%%b')");
	if (s >= ms->src_end || *s != *p)
		return (NULL);
	open = *p;
	close = p[1];
	while (++s < ms->src_end) {
		if (*s == close) {
			if (--depth == 0)
				return (s + 1);
		} else if (*s == open) {
			depth++;
		}
	}
	return (NULL);
}

/* The longest run of the class first, then shorter ones. */
static const char *
pm_greedy(struct pm_state *ms, const char *s, const char *p, const char *ep)
{
	ptrdiff_t n = 0;
	const char *r;

	while (pm_single(ms, s + n, p, ep))
		n++;
	for (; n >= 0; n--) {
		r = pm_match(ms, s + n, ep + 1);
		if (r != NULL)
			return (r);
	}
	return (NULL);
}

/* The shortest run of the class first, then longer ones. */
static const char *
pm_lazy(struct pm_state *ms, const char *s, const char *p, const char *ep)
{
	const char *r;

	for (;;) {
		r = pm_match(ms, s, ep + 1);
		if (r != NULL)
			return (r);
		if (!pm_single(ms, s, p, ep))
			return (NULL);
		s++;
	}
}

static const char *
pm_open(struct pm_state *ms, const char *s, const char *p, ptrdiff_t what)
{
	const char *r;

	if (ms->level >= PM_MAXCAPTURES)
		luaL_error(ms->L, "too many captures");
	ms->cap[ms->level].init = s;
	ms->cap[ms->level].len = what;
	ms->level++;
	r = pm_match(ms, s, p);
	if (r == NULL)
		ms->level--;
	return (r);
}

static const char *
pm_close(struct pm_state *ms, const char *s, const char *p)
{
	const char *r;
	int l;

	for (l = ms->level - 1; l >= 0; l--)
		if (ms->cap[l].len == CAP_UNFINISHED)
			break;
	if (l < 0)
		luaL_error(ms->L, "invalid pattern capture");
	ms->cap[l].len = s - ms->cap[l].init;
	r = pm_match(ms, s, p);
	if (r == NULL)
		ms->cap[l].len = CAP_UNFINISHED;
	return (r);
}

/* %1..%9: the text of an earlier, closed capture again. */
static const char *
pm_backref(struct pm_state *ms, const char *s, int digit)
{
	int l = digit - '1';
	size_t len;

	if (l < 0 || l >= ms->level || ms->cap[l].len == CAP_UNFINISHED)
		luaL_error(ms->L, "invalid capture index %%%d", l + 1);
	if (ms->cap[l].len == CAP_POSITION)
		return (NULL);
	len = (size_t)ms->cap[l].len;
	if ((size_t)(ms->src_end - s) >= len
	    && memcmp(ms->cap[l].init, s, len) == 0)
		return (s + len);
	return (NULL);
}

/* Matches pattern p at s; returns the end of the match or NULL. */
static const char *
pm_match(struct pm_state *ms, const char *s, const char *p)
{
	const char *ep, *r;
	int prev;

	if (ms->depth-- == 0)
		luaL_error(ms->L, "pattern too complex");
	for (;;) {
		pm_step(ms);
		if (p >= ms->pat_end)
			break;
		if (*p == '(') {
			s = p + 1 < ms->pat_end && p[1] == ')'
			    ? pm_open(ms, s, p + 2, CAP_POSITION)
			    : pm_open(ms, s, p + 1, CAP_UNFINISHED);
			break;
		}
		if (*p == ')') {
			s = pm_close(ms, s, p + 1);
			break;
		}
		if (*p == '$' && p + 1 == ms->pat_end) {
			if (s != ms->src_end)
				s = NULL;
			break;
		}
		if (*p == PM_ESC && p + 1 < ms->pat_end && p[1] == 'b') {
			s = pm_balance(ms, s, p + 2);
			if (s == NULL)
				break;
			p += 4;
			continue;
		}
		if (*p == PM_ESC && p + 1 < ms->pat_end && p[1] == 'f') {
			p += 2;
			if (p >= ms->pat_end || *p != '[')
				luaL_error(ms->L,
				    "missing '[' after '%%f' in pattern");
			ep = pm_class_end(ms, p);
			prev = s == ms->src ? 0 : (unsigned char)s[-1];
			if (!pm_set(prev, p, ep - 1)
			    && pm_set(s < ms->src_end ? (unsigned char)*s : 0,
				p, ep - 1)) {
				p = ep;
				continue;
			}
			s = NULL;
			break;
		}
		if (*p == PM_ESC && p + 1 < ms->pat_end
		    && isdigit((unsigned char)p[1])) {
			s = pm_backref(ms, s, (unsigned char)p[1]);
			if (s == NULL)
				break;
			p += 2;
			continue;
		}
		ep = pm_class_end(ms, p);
		if (!pm_single(ms, s, p, ep)) {
			if (ep < ms->pat_end
			    && (*ep == '*' || *ep == '?' || *ep == '-')) {
				p = ep + 1; /* zero occurrences */
				continue;
			}
			s = NULL;
			break;
		}
		if (ep < ms->pat_end && *ep == '?') {
			r = pm_match(ms, s + 1, ep + 1);
			if (r != NULL) {
				s = r;
				break;
			}
			p = ep + 1;
			continue;
		}
		if (ep < ms->pat_end && *ep == '+') {
			s = pm_greedy(ms, s + 1, p, ep);
			break;
		}
		if (ep < ms->pat_end && *ep == '*') {
			s = pm_greedy(ms, s, p, ep);
			break;
		}
		if (ep < ms->pat_end && *ep == '-') {
			s = pm_lazy(ms, s, p, ep);
			break;
		}
		s++;
		p = ep;
	}
	ms->depth++;
	return (s);
}

/*
 * Pushes capture i of the match s..e (the whole match when there are no
 * captures and i is 0).  Returns CAP_POSITION for a position capture
 * (pushed as an integer), else its length (*cap: its text, not pushed).
 */
static ptrdiff_t
pm_capture(struct pm_state *ms, int i, const char *s, const char *e,
    const char **cap, bool push)
{
	if (i >= ms->level) {
		if (i != 0)
			luaL_error(ms->L, "invalid capture index %%%d", i + 1);
		*cap = s;
		if (push)
			lua_pushlstring(ms->L, s, (size_t)(e - s));
		return (e - s);
	}
	if (ms->cap[i].len == CAP_UNFINISHED)
		luaL_error(ms->L, "unfinished capture");
	*cap = ms->cap[i].init;
	if (ms->cap[i].len == CAP_POSITION) {
		lua_pushinteger(
		    ms->L, (lua_Integer)(ms->cap[i].init - ms->src) + 1);
		return (CAP_POSITION);
	}
	if (push)
		lua_pushlstring(ms->L, *cap, (size_t)ms->cap[i].len);
	return (ms->cap[i].len);
}

/* Pushes every capture (or the whole match s..e when none, s not NULL). */
static int
pm_push_captures(struct pm_state *ms, const char *s, const char *e)
{
	int n = ms->level == 0 && s != NULL ? 1 : ms->level, i;
	const char *cap;

	luaL_checkstack(ms->L, n, "too many captures");
	for (i = 0; i < n; i++)
		(void)pm_capture(ms, i, s, e, &cap, true);
	return (n);
}

/* A string index (1-based, negative from the end) as an offset >= 1. */
static size_t
pm_start(lua_Integer pos, size_t len)
{
	if (pos > 0)
		return ((size_t)pos);
	if (pos == 0 || pos < -(lua_Integer)len)
		return (1);
	return (len + (size_t)pos + 1);
}

static bool
pm_plain(const char *p, size_t lp)
{
	size_t i;

	for (i = 0; i < lp; i++)
		if (memchr(PM_SPECIALS, p[i], sizeof(PM_SPECIALS) - 1) != NULL)
			return (false);
	return (true);
}

static const char *
pm_memfind(const char *s, size_t ls, const char *p, size_t lp)
{
	const char *end = s + ls, *q;

	if (lp == 0)
		return (s);
	while (lp <= (size_t)(end - s)) {
		q = memchr(s, p[0], (size_t)(end - s) - lp + 1);
		if (q == NULL)
			return (NULL);
		if (memcmp(q, p, lp) == 0)
			return (q);
		s = q + 1;
	}
	return (NULL);
}

/* string.find (find true) and string.match. */
static int
pm_find(lua_State *L, bool find)
{
	size_t ls, lp, init;
	const char *s = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	const char *s1, *e;
	struct pm_state ms;
	bool anchor;
	int n;

	init = pm_start(luaL_optinteger(L, 3, 1), ls);
	if (init > ls + 1) {
		lua_pushnil(L);
		return (1);
	}
	if (find && (lua_toboolean(L, 4) || pm_plain(p, lp))) {
		s1 = pm_memfind(s + init - 1, ls - init + 1, p, lp);
		if (s1 == NULL) {
			lua_pushnil(L);
			return (1);
		}
		lua_pushinteger(L, (lua_Integer)(s1 - s) + 1);
		lua_pushinteger(L, (lua_Integer)(s1 - s + (ptrdiff_t)lp));
		return (2);
	}
	anchor = lp > 0 && *p == '^';
	if (anchor) {
		p++;
		lp--;
	}
	pm_init(&ms, L, s, ls, p, lp);
	s1 = s + init - 1;
	do {
		pm_reset(&ms);
		e = pm_match(&ms, s1, p);
		if (e != NULL) {
			if (!find)
				return (pm_push_captures(&ms, s1, e));
			lua_pushinteger(L, (lua_Integer)(s1 - s) + 1);
			lua_pushinteger(L, (lua_Integer)(e - s));
			n = pm_push_captures(&ms, NULL, NULL);
			return (n + 2);
		}
	} while (s1++ < ms.src_end && !anchor);
	lua_pushnil(L);
	return (1);
}

static int
l_find(lua_State *L)
{
	return (pm_find(L, true));
}

static int
l_match(lua_State *L)
{
	return (pm_find(L, false));
}

/* gmatch's iterator state (a userdata; the strings are upvalues). */
struct pm_gmatch {
	bool done; /* started beyond the end */
	const char *src;
	const char *p;
	const char *lastmatch;
	struct pm_state ms;
};

static int
pm_gmatch_next(lua_State *L)
{
	struct pm_gmatch *gm = lua_touserdata(L, lua_upvalueindex(3));
	const char *src, *e;

	gm->ms.L = L;
	if (gm->done)
		return (0);
	for (src = gm->src; src <= gm->ms.src_end; src++) {
		pm_reset(&gm->ms);
		e = pm_match(&gm->ms, src, gm->p);
		if (e != NULL && e != gm->lastmatch) {
			gm->src = gm->lastmatch = e;
			return (pm_push_captures(&gm->ms, src, e));
		}
	}
	return (0);
}

static int
l_gmatch(lua_State *L)
{
	size_t ls, lp, init;
	const char *s = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	struct pm_gmatch *gm;

	init = pm_start(luaL_optinteger(L, 3, 1), ls);
	lua_settop(L, 2);
	gm = lua_newuserdatauv(L, sizeof(*gm), 0);
	pm_init(&gm->ms, L, s, ls, p, lp);
	gm->done = init > ls + 1;
	gm->src = gm->done ? s : s + init - 1;
	gm->p = p;
	gm->lastmatch = NULL;
	lua_pushcclosure(L, pm_gmatch_next, 3);
	return (1);
}

/* Appends the replacement string (argument 3) for the match s..e. */
static void
pm_add_string(struct pm_state *ms, luaL_Buffer *b, const char *s, const char *e)
{
	lua_State *L = ms->L;
	size_t l, i;
	const char *r = lua_tolstring(L, 3, &l), *cap;
	ptrdiff_t len;

	for (i = 0; i < l; i++) {
		if (r[i] != PM_ESC) {
			luaL_addchar(b, r[i]);
			continue;
		}
		i++;
		if (i < l && r[i] == PM_ESC) {
			luaL_addchar(b, PM_ESC);
		} else if (i < l && r[i] == '0') {
			luaL_addlstring(b, s, (size_t)(e - s));
		} else if (i < l && isdigit((unsigned char)r[i])) {
			len = pm_capture(ms, r[i] - '1', s, e, &cap, false);
			if (len == CAP_POSITION)
				luaL_addvalue(b);
			else
				luaL_addlstring(b, cap, (size_t)len);
		} else {
			luaL_error(L,
			    "invalid use of '%c' in replacement string",
			    PM_ESC);
		}
	}
}

/* Appends the replacement of s..e; returns whether it changed the text. */
static bool
pm_add_value(
    struct pm_state *ms, luaL_Buffer *b, const char *s, const char *e, int tr)
{
	lua_State *L = ms->L;
	const char *cap;
	int n;

	if (tr == LUA_TFUNCTION) {
		lua_pushvalue(L, 3);
		n = pm_push_captures(ms, s, e);
		lua_call(L, n, 1);
	} else if (tr == LUA_TTABLE) {
		(void)pm_capture(ms, 0, s, e, &cap, true);
		lua_gettable(L, 3);
	} else {
		pm_add_string(ms, b, s, e);
		return (true);
	}
	if (!lua_toboolean(L, -1)) {
		lua_pop(L, 1);
		luaL_addlstring(b, s, (size_t)(e - s));
		return (false);
	}
	if (!lua_isstring(L, -1))
		return (luaL_error(L, "invalid replacement value (a %s)",
			    luaL_typename(L, -1))
		    != 0);
	luaL_addvalue(b);
	return (true);
}

static int
l_gsub(lua_State *L)
{
	size_t ls, lp;
	const char *src = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	const char *lastmatch = NULL, *e;
	int tr = lua_type(L, 3);
	lua_Integer max = luaL_optinteger(L, 4, (lua_Integer)ls + 1), n = 0;
	bool anchor, changed = false;
	struct pm_state ms;
	luaL_Buffer b;

	luaL_argexpected(L,
	    tr == LUA_TNUMBER || tr == LUA_TSTRING || tr == LUA_TFUNCTION
		|| tr == LUA_TTABLE,
	    3, "string/function/table");
	luaL_buffinit(L, &b);
	anchor = lp > 0 && *p == '^';
	if (anchor) {
		p++;
		lp--;
	}
	pm_init(&ms, L, src, ls, p, lp);
	while (n < max) {
		pm_reset(&ms);
		e = pm_match(&ms, src, p);
		if (e != NULL && e != lastmatch) {
			n++;
			if (pm_add_value(&ms, &b, src, e, tr))
				changed = true;
			src = lastmatch = e;
		} else if (src < ms.src_end) {
			luaL_addchar(&b, *src++);
		} else {
			break;
		}
		if (anchor)
			break;
	}
	if (!changed) {
		lua_pushvalue(L, 1);
	} else {
		luaL_addlstring(&b, src, (size_t)(ms.src_end - src));
		luaL_pushresult(&b);
	}
	lua_pushinteger(L, n);
	return (2);
}

void
lhost_open_patterns(lua_State *L, int strtbl)
{
	static const luaL_Reg fns[] = {
		{ "find", l_find },
		{ "match", l_match },
		{ "gmatch", l_gmatch },
		{ "gsub", l_gsub },
		{ NULL, NULL },
	};
	const luaL_Reg *f;

	strtbl = lua_absindex(L, strtbl);
	for (f = fns; f->name != NULL; f++) {
		lua_pushcfunction(L, f->func);
		lua_setfield(L, strtbl, f->name);
	}
}
