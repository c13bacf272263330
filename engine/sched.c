/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The scheduler (see sched.h).  Threads switch to each other directly; the
 * host stack ("idle") is entered only when no thread can run, to advance
 * virtual time, and at the end of the run.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eassert.h"
#include "fiber.h"
#include "sched_var.h"
#include "trace.h"

#define SCHED_STACK_BYTES (256 * 1024)

struct sched {
	struct sched_config cfg;
	jmp_buf host_jmp; /* sched_fail() on the host stack */
	bool host_jmp_set; /* inside sched_run(): host_jmp is armed */
	bool in_hook; /* inside cfg.on_decision */
	struct fiber *host;
	struct sched_thread *cur;
	TAILQ_HEAD(, sched_thread) runq;
	TAILQ_HEAD(, sched_thread) all;
	TAILQ_HEAD(, sched_thread) dead;
	struct evq *evq;
	int64_t now_ns;
	int64_t realtime_off_ns;
	uint64_t step;
	uint64_t replay_pos;
	struct sched_decision replay_cur; /* the decision taken last */
	int nrunq;
	int nuser; /* live non-kernel threads */
	enum sched_status status;
	const char *fail_func;
	struct rng rng[RNG_STREAM_FAILPOINT_EXPLORE + 1];
	uint64_t fp_fired; /* failing branches of 'explore' fail points */
	/* PCT state. */
	int64_t pct_change[16];
	int pct_nchange;
	int64_t pct_low;
	/* Scratch for decisions. */
	struct sched_thread **cand;
	int ncandcap;
	char *runnable_buf;
	size_t runnable_cap;
	/* The dfs prefix driver / observer (sched_config.dfs). */
	struct sched_dfs *dfs;
	uint64_t dfs_pos;
	uint64_t ncreated; /* threads created (td_cseq) */
	bool decided; /* the first decision was reached */
	/* Last: sched_new() clears only its first byte. */
	char message[1024];
};

static struct sched *self;
/*
 * The last scheduler freed, kept for the next sched_new() with its scratch
 * arrays: a search makes one per schedule, and a fresh allocation of this
 * size cost more than the rest of sched_new() (malloc consolidates its
 * free lists for requests this large).
 */
static struct sched *spare;
static uint64_t generation;

static const char *const status_names[] = {
	[SCHED_RUNNING] = "running",
	[SCHED_PASSED] = "passed",
	[SCHED_FAILED] = "failed",
	[SCHED_PANIC] = "panic",
	[SCHED_DEADLOCK] = "deadlock",
	[SCHED_ERROR] = "error",
	[SCHED_DIVERGED] = "diverged",
};

const char *
sched_status_name(enum sched_status st)
{
	return (status_names[st]);
}

const char *
sched_strategy_name(enum sched_strategy st)
{
	switch (st) {
	case SCHED_FIFO:
		return ("fifo");
	case SCHED_RANDOM:
		return ("random");
	case SCHED_PCT:
		return ("pct");
	case SCHED_REPLAY:
		return ("replay");
	case SCHED_DFS:
		return ("dfs");
	}
	return ("?");
}

static void
oom(void)
{
	fprintf(stderr, "evsim: fatal: out of memory\n");
	exit(2);
}

/*
 * The seeded part of a scheduler: its random streams, PCT's change points
 * and the dfs driver's counters, from s->cfg.
 */
static void
strategy_init(struct sched *s)
{
	const struct sched_config *cfg = &s->cfg;
	int i;

	for (i = RNG_STREAM_SCHED; i <= RNG_STREAM_FAILPOINT_EXPLORE; i++)
		rng_init(&s->rng[i], cfg->seed, (uint64_t)i);
	s->pct_nchange = 0;
	if (cfg->strategy == SCHED_PCT) {
		/*
		 * PCT (Burckhardt et al., ASPLOS 2010): d - 1 priority change
		 * points drawn uniformly over the estimated k steps.
		 */
		int64_t k = cfg->pct_steps > 0 ? cfg->pct_steps : 1000;
		int d = cfg->pct_depth > 0 ? cfg->pct_depth : 3;

		s->pct_nchange = d - 1 < 16 ? d - 1 : 16;
		for (i = 0; i < s->pct_nchange; i++)
			s->pct_change[i] = 1
			    + (int64_t)rng_below(
				&s->rng[RNG_STREAM_SCHED], (uint64_t)k);
		s->pct_low = 0;
	}
	s->dfs = cfg->dfs;
	s->dfs_pos = 0;
	s->replay_pos = 0;
	memset(&s->replay_cur, 0, sizeof(s->replay_cur));
	s->fp_fired = 0;
	if (s->dfs != NULL) {
		s->dfs->npts = 0;
		s->dfs->ntids = 0;
		s->dfs->fallbacks = 0;
	}
}

int
sched_new(struct sched **ret_s, const struct sched_config *cfg)
{
	struct sched *s;
	int error;

	if ((s = spare) != NULL) {
		struct sched_thread **cand = s->cand;
		char *runnable_buf = s->runnable_buf;
		int ncandcap = s->ncandcap;
		size_t runnable_cap = s->runnable_cap;

		spare = NULL;
		memset(s, 0, offsetof(struct sched, message));
		s->message[0] = '\0';
		s->cand = cand;
		s->ncandcap = ncandcap;
		s->runnable_buf = runnable_buf;
		s->runnable_cap = runnable_cap;
	} else if ((s = calloc(1, sizeof(*s))) == NULL)
		return (ENOMEM);
	s->cfg = *cfg;
	TAILQ_INIT(&s->runq);
	TAILQ_INIT(&s->all);
	TAILQ_INIT(&s->dead);
	s->realtime_off_ns = cfg->realtime_offset_ns;
	s->status = SCHED_RUNNING;
	if ((error = evq_new(&s->evq)) != 0
	    || (error = fiber_new_host(&s->host)) != 0) {
		evq_free(s->evq);
		free(s->cand);
		free(s->runnable_buf);
		free(s);
		return (error);
	}
	strategy_init(s);
	generation++;
	self = s;
	*ret_s = s;
	return (0);
}

static int
cmp_cseq(const void *a, const void *b)
{
	const struct sched_thread *x = *(struct sched_thread *const *)a;
	const struct sched_thread *y = *(struct sched_thread *const *)b;

	return (x->td_cseq < y->td_cseq ? -1 : x->td_cseq > y->td_cseq);
}

bool
sched_restartable(const struct sched *s)
{
	struct rng fresh;
	int i;

	if (s->decided || s->cfg.strategy == SCHED_PCT)
		return (false);
	for (i = RNG_STREAM_SCHED; i <= RNG_STREAM_FAILPOINT_EXPLORE; i++) {
		rng_init(&fresh, s->cfg.seed, (uint64_t)i);
		if (memcmp(&fresh, &s->rng[i], sizeof(fresh)) != 0)
			return (false);
	}
	return (true);
}

void
sched_restart(struct sched *s, const struct sched_config *cfg)
{
	struct sched_thread *td, **v;
	uint64_t n = 0, k;

	EASSERT(sched_restartable(s), "sched: restart after a seeded draw");
	s->cfg.seed = cfg->seed;
	s->cfg.strategy = cfg->strategy;
	s->cfg.pct_depth = cfg->pct_depth;
	s->cfg.pct_steps = cfg->pct_steps;
	s->cfg.replay = cfg->replay;
	s->cfg.replay_len = cfg->replay_len;
	s->cfg.replay_src = cfg->replay_src;
	s->cfg.dfs = cfg->dfs;
	s->cfg.fp_budget = cfg->fp_budget;
	strategy_init(s);
	if (s->cfg.strategy != SCHED_PCT)
		return;
	/* Each thread's priority, drawn in creation order as sched_new's
	 * run would have. */
	v = calloc(s->ncreated > 0 ? s->ncreated : 1, sizeof(*v));
	if (v == NULL)
		oom();
	TAILQ_FOREACH(td, &s->all, td_all)
		v[n++] = td;
	TAILQ_FOREACH(td, &s->dead, td_all)
		v[n++] = td;
	EASSERT(n == s->ncreated,
	    "sched: %" PRIu64 " of %" PRIu64 " threads kept", n, s->ncreated);
	qsort(v, n, sizeof(*v), cmp_cseq);
	for (k = 0; k < n; k++)
		v[k]->td_prio = 1000000
		    + (int64_t)rng_below(&s->rng[RNG_STREAM_SCHED], 1000000);
	free(v);
}

/* The first decision: the caller's on_first_decision may fork there. */
static void
first_decision(struct sched *s)
{
	if (s->decided)
		return;
	if (s->cfg.on_first_decision != NULL)
		s->cfg.on_first_decision(s->cfg.on_first_decision_arg);
	s->decided = true;
}

static void
thread_free(struct sched_thread *td)
{
	fiber_free(td->td_fiber);
	free(td);
}

void
sched_free(struct sched *s)
{
	struct sched_thread *td, *tmp;

	if (s == NULL)
		return;
	/* First: queued events may live inside the threads freed below. */
	evq_free(s->evq);
	TAILQ_FOREACH_SAFE(td, &s->all, td_all, tmp)
		thread_free(td);
	TAILQ_FOREACH_SAFE(td, &s->dead, td_all, tmp)
		thread_free(td);
	fiber_free(s->host);
	if (self == s)
		self = NULL;
	if (spare == NULL) {
		spare = s;
		return;
	}
	free(s->cand);
	free(s->runnable_buf);
	free(s);
}

struct sched *
sched_self(void)
{
	return (self);
}

static void
runq_add(struct sched *s, struct sched_thread *td)
{
	if (td->td_onrunq)
		return;
	TAILQ_INSERT_TAIL(&s->runq, td, td_runq);
	td->td_onrunq = true;
	s->nrunq++;
}

static void
runq_remove(struct sched *s, struct sched_thread *td)
{
	if (!td->td_onrunq)
		return;
	EASSERT(s->nrunq > 0, "sched: run queue count out of step");
	TAILQ_REMOVE(&s->runq, td, td_runq);
	td->td_onrunq = false;
	s->nrunq--;
}

static void
thread_start(void *arg)
{
	struct sched_thread *td = arg;

	td->td_fn(td->td_arg);
	sched_thread_exit();
}

int
sched_thread_new(struct sched_thread **ret_td, int pid, int tid,
    const char *name, bool kernel, void (*fn)(void *), void *arg)
{
	struct sched *s = self;
	struct sched_thread *td;
	size_t namelen;
	int error;

	td = calloc(1, sizeof(*td));
	if (td == NULL)
		return (ENOMEM);
	error = fiber_new(&td->td_fiber, SCHED_STACK_BYTES, thread_start, td);
	if (error != 0) {
		free(td);
		return (error);
	}
	td->td_fn = fn;
	td->td_arg = arg;
	td->td_pid = pid;
	td->td_tid = tid;
	td->td_kernel = kernel;
	td->td_state = TDS_RUNNABLE;
	td->td_cseq = s->ncreated++;
	namelen = strlen(name);
	if (namelen >= sizeof(td->td_name))
		namelen = sizeof(td->td_name) - 1; /* cut as snprintf would */
	memcpy(td->td_name, name, namelen); /* td is zeroed: NUL-terminated */
	evq_event_init(&td->td_slptimo, NULL, NULL);
	if (s->cfg.strategy == SCHED_PCT)
		td->td_prio = 1000000
		    + (int64_t)rng_below(&s->rng[RNG_STREAM_SCHED], 1000000);
	TAILQ_INSERT_TAIL(&s->all, td, td_all);
	if (!kernel)
		s->nuser++;
	runq_add(s, td);
	trace_thread(
	    s->cfg.trace, tid, pid, td->td_name, kernel ? "kernel" : "user");
	*ret_td = td;
	return (0);
}

void
sched_thread_set_owner(struct sched_thread *td, void *owner)
{
	td->td_owner = owner;
}

void *
sched_thread_owner(const struct sched_thread *td)
{
	return (td->td_owner);
}

void
sched_thread_set_pid(struct sched_thread *td, int pid)
{
	td->td_pid = pid;
}

int
sched_thread_pid(const struct sched_thread *td)
{
	return (td->td_pid);
}

int
sched_thread_tid(const struct sched_thread *td)
{
	return (td->td_tid);
}

const char *
sched_thread_name(const struct sched_thread *td)
{
	return (td->td_name);
}

const char *
sched_thread_wmesg(const struct sched_thread *td)
{
	return (td->td_state == TDS_BLOCKED ? td->td_wmesg : NULL);
}

bool
sched_thread_blocked(const struct sched_thread *td)
{
	return (td->td_state == TDS_BLOCKED);
}

struct sched_thread *
sched_curthread(void)
{
	return (self->cur);
}

static int
cmp_tid(const void *a, const void *b)
{
	const struct sched_thread *x = *(const struct sched_thread *const *)a;
	const struct sched_thread *y = *(const struct sched_thread *const *)b;

	return ((x->td_tid > y->td_tid) - (x->td_tid < y->td_tid));
}

/*
 * Collects the candidates (the run queue plus the current thread when it
 * can go on) sorted by tid, the canonical order decisions are made and
 * recorded in.
 */
static int
candidates(struct sched *s, struct sched_thread *cur)
{
	struct sched_thread *td;
	int n = 0, i, j;

	if (s->nrunq + 1 > s->ncandcap) {
		s->ncandcap = (s->nrunq + 1) * 2;
		s->cand = realloc(s->cand, sizeof(*s->cand) * s->ncandcap);
		if (s->cand == NULL)
			oom();
	}
	if (cur != NULL)
		s->cand[n++] = cur;
	TAILQ_FOREACH(td, &s->runq, td_runq)
		s->cand[n++] = td;
	if (n > 16) {
		/* Tids are unique, so any sort gives the same order. */
		qsort(s->cand, (size_t)n, sizeof(*s->cand), cmp_tid);
		return (n);
	}
	for (i = 1; i < n; i++) {
		td = s->cand[i];
		for (j = i; j > 0 && s->cand[j - 1]->td_tid > td->td_tid; j--)
			s->cand[j] = s->cand[j - 1];
		s->cand[j] = td;
	}
	return (n);
}

/*
 * Writes v in decimal at p (as "%d" would, at most 11 bytes, no NUL) and
 * returns the end: a decision's list of tids is built at every scheduling
 * point, where snprintf cost more than the rest of the decision.
 */
static char *
put_int(char *p, int v)
{
	char tmp[12];
	unsigned u = v < 0 ? 0u - (unsigned)v : (unsigned)v;
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*p++ = '-';
	while (n > 0)
		*p++ = tmp[--n];
	return (p);
}

static const char *
runnable_string(struct sched *s, int n)
{
	size_t need = (size_t)n * 12 + 1;
	char *p;
	int i;

	if (need > s->runnable_cap) {
		s->runnable_cap = need * 2;
		s->runnable_buf = realloc(s->runnable_buf, s->runnable_cap);
		if (s->runnable_buf == NULL)
			oom();
	}
	p = s->runnable_buf;
	for (i = 0; i < n; i++) {
		if (i > 0)
			*p++ = ',';
		p = put_int(p, s->cand[i]->td_tid);
	}
	*p = '\0';
	return (s->runnable_buf);
}

static void
record_decision(struct sched *s, const char *kind, int tid, int64_t chosen,
    const char *runnable, const char *label)
{
	s->step++;
	trace_decision(s->cfg.trace, s->step, s->now_ns, tid, kind, chosen,
	    runnable, label);
	/*
	 * A hook that reaches a decision itself (sim.choose in an invariant)
	 * is not called again from inside: that recursion had no end.
	 */
	if (s->cfg.on_decision != NULL && !s->in_hook) {
		s->in_hook = true;
		s->cfg.on_decision(s->cfg.on_decision_arg, s->step);
		s->in_hook = false;
	}
}

bool
sched_in_hook(void)
{
	return (self != NULL && self->in_hook);
}

static void
on_point(struct sched *s, bool host)
{
	if (s->cfg.on_point != NULL)
		s->cfg.on_point(s->cfg.on_point_arg, host);
}

void
sched_checkpoint(void)
{
	on_point(self, false);
}

/*
 * Reads the next decision of the replay log (the array, or the source)
 * into s->replay_cur; false past its end.
 */
static bool
replay_read(struct sched *s)
{
	if (s->cfg.replay_src != NULL)
		return (s->cfg.replay_src->next(
		    s->cfg.replay_src->arg, &s->replay_cur));
	if (s->replay_pos >= s->cfg.replay_len)
		return (false);
	s->replay_cur = s->cfg.replay[s->replay_pos];
	return (true);
}

/*
 * Takes the next decision of the replay log, or fails the run; it stays
 * in s->replay_cur (its runnable set until the next one is taken).
 */
static int64_t
replay_next(struct sched *s, bool is_choose)
{
	const struct sched_decision *d = &s->replay_cur;
	uint64_t seq = trace_seq(s->cfg.trace);

	if (!replay_read(s))
		sched_fail(SCHED_DIVERGED, NULL,
		    "replay: the decision log ends at step %" PRIu64
		    " but the run makes another %s decision",
		    s->replay_pos, is_choose ? "choose" : "scheduling");
	s->replay_pos++;
	/*
	 * The earliest sign of a divergence: the decision comes after a
	 * different number of transitions than it did when recorded.
	 */
	if (d->seq >= 0 && (uint64_t)d->seq != seq)
		sched_fail(SCHED_DIVERGED, NULL,
		    "replay: decision %" PRIu64 " (vtime %" PRId64
		    " ns, thread %d) comes after transition %" PRIu64
		    ", recorded after %" PRId64,
		    s->replay_pos, s->now_ns,
		    s->cur != NULL ? s->cur->td_tid : 0, seq, d->seq);
	if (d->is_choose != is_choose)
		sched_fail(SCHED_DIVERGED, NULL,
		    "replay: step %" PRIu64 " was a %s decision, now a %s one",
		    s->replay_pos, d->is_choose ? "choose" : "scheduling",
		    is_choose ? "choose" : "scheduling");
	return (d->chosen);
}

/* PCT: the highest-priority candidate; at change points lower it. */
static struct sched_thread *
pick_pct(struct sched *s, int n)
{
	struct sched_thread *best = s->cand[0];
	int i;

	for (i = 1; i < n; i++)
		if (s->cand[i]->td_prio > best->td_prio)
			best = s->cand[i];
	for (i = 0; i < s->pct_nchange; i++)
		if (s->pct_change[i] == (int64_t)s->step + 1)
			best->td_prio = s->pct_low--;
	if (best->td_prio <= 0 && s->pct_nchange > 0) {
		/* Re-pick after a change point lowered the winner. */
		best = s->cand[0];
		for (i = 1; i < n; i++)
			if (s->cand[i]->td_prio > best->td_prio)
				best = s->cand[i];
	}
	return (best);
}

/*
 * Whether a wins over b in PCT: the higher priority, and between equal
 * priorities the lower tid (the first in the candidates' order).
 */
static inline bool
pct_better(const struct sched_thread *a, const struct sched_thread *b)
{
	return (a->td_prio > b->td_prio
	    || (a->td_prio == b->td_prio && a->td_tid < b->td_tid));
}

/* The PCT winner among cur (if it may go on) and the run queue. */
static struct sched_thread *
pct_best_unsorted(struct sched *s, struct sched_thread *cur)
{
	struct sched_thread *best = cur, *td;

	TAILQ_FOREACH(td, &s->runq, td_runq)
		if (best == NULL || pct_better(td, best))
			best = td;
	return (best);
}

/*
 * pick_pct() without the sorted candidates, when nothing else reads them
 * (not recorded, no dfs log): the same winner, the same change points.
 */
static struct sched_thread *
pick_pct_unsorted(struct sched *s, struct sched_thread *cur)
{
	struct sched_thread *best = pct_best_unsorted(s, cur);
	int i;

	for (i = 0; i < s->pct_nchange; i++)
		if (s->pct_change[i] == (int64_t)s->step + 1)
			best->td_prio = s->pct_low--;
	if (best->td_prio <= 0 && s->pct_nchange > 0)
		best = pct_best_unsorted(s, cur);
	return (best);
}

/* Index of td among the n sorted candidates. */
static int
cand_index(struct sched *s, int n, const struct sched_thread *td)
{
	int i;

	for (i = 0; i < n; i++)
		if (s->cand[i] == td)
			return (i);
	return (-1);
}

/* The non-preempting default: cur if it may go on, else the runq's head. */
static int
dfs_default(struct sched *s, struct sched_thread *cur, int n)
{
	return (cand_index(s, n, cur != NULL ? cur : TAILQ_FIRST(&s->runq)));
}

/* The next forced prefix entry, or -1 when the prefix is used up. */
static int64_t
dfs_forced(struct sched *s)
{
	if (s->dfs == NULL || s->dfs_pos >= s->dfs->prefix_len)
		return (-1);
	return (s->dfs->prefix[s->dfs_pos++]);
}

/* SCHED_DFS: the forced prefix, then the default. */
static int
dfs_pick(struct sched *s, struct sched_thread *cur, int n)
{
	int64_t want = dfs_forced(s);
	int i;

	if (want < 0)
		return (dfs_default(s, cur, n));
	if (s->dfs->by_tid) {
		for (i = 0; i < n; i++)
			if (s->cand[i]->td_tid == want)
				return (i);
		s->dfs->fallbacks++;
		return (dfs_default(s, cur, n));
	}
	if (want >= n)
		sched_fail(SCHED_DIVERGED, NULL,
		    "dfs: decision %" PRIu64 " has %d candidates, the prefix "
		    "chooses index %" PRId64,
		    s->dfs_pos, n, want);
	return ((int)want);
}

/* Appends one decision to the attached dfs log. */
static void
dfs_note(struct sched *s, bool is_choose, int n, int chosen, int def, int curi,
    int tid, int pid)
{
	struct sched_dfs *d = s->dfs;
	struct sched_dfs_point *p;
	int i;

	if (d->npts == d->ptscap) {
		d->ptscap = d->ptscap ? d->ptscap * 2 : 256;
		d->pts = realloc(d->pts, d->ptscap * sizeof(*d->pts));
		if (d->pts == NULL)
			oom();
	}
	p = &d->pts[d->npts++];
	p->is_choose = is_choose;
	p->is_failpoint = false;
	p->n = n;
	p->chosen = chosen;
	p->def = def;
	p->cur = curi;
	p->tid = tid;
	p->pid = pid;
	p->cand = d->ntids;
	if (is_choose)
		return;
	if (d->ntids + (uint64_t)n > d->tidscap) {
		d->tidscap = (d->ntids + (uint64_t)n) * 2 + 256;
		d->tids = realloc(d->tids, d->tidscap * sizeof(*d->tids));
		if (d->tids == NULL)
			oom();
	}
	for (i = 0; i < n; i++)
		d->tids[d->ntids++] = s->cand[i]->td_tid;
}

/*
 * Picks the next thread among the candidates; cur is the running thread if
 * it may go on, else NULL.  Records a decision when there is a choice.
 */
static struct sched_thread *
pick(struct sched *s, struct sched_thread *cur, int reporter_tid)
{
	struct sched_thread *next = NULL;
	int n, i;

	if (cur == NULL && s->nrunq == 1)
		return (TAILQ_FIRST(&s->runq));
	if (cur != NULL && s->nrunq == 0)
		return (cur);
	first_decision(s);
	if (s->cfg.strategy == SCHED_FIFO && s->dfs == NULL
	    && !trace_recording(s->cfg.trace)) {
		/*
		 * Nothing reads the sorted candidates (they feed the choice
		 * of the other strategies and the recorded 'runnable' list):
		 * skip building them, which costs O(n log n) per decision
		 * with n threads runnable.
		 */
		next = cur != NULL ? cur : TAILQ_FIRST(&s->runq);
		record_decision(
		    s, "sched", reporter_tid, next->td_tid, NULL, NULL);
		return (next);
	}
	if (s->cfg.strategy == SCHED_PCT && s->dfs == NULL
	    && !trace_recording(s->cfg.trace)) {
		next = pick_pct_unsorted(s, cur);
		EASSERT(next->td_state == TDS_RUNNABLE,
		    "sched: picked thread %d, which is not runnable",
		    next->td_tid);
		record_decision(
		    s, "sched", reporter_tid, next->td_tid, NULL, NULL);
		return (next);
	}
	n = candidates(s, cur);
	switch (s->cfg.strategy) {
	case SCHED_FIFO:
		next = cur != NULL ? cur : TAILQ_FIRST(&s->runq);
		break;
	case SCHED_RANDOM:
		next = s->cand[rng_below(
		    &s->rng[RNG_STREAM_SCHED], (uint64_t)n)];
		break;
	case SCHED_PCT:
		next = pick_pct(s, n);
		break;
	case SCHED_REPLAY: {
		int64_t want = replay_next(s, false);

		const struct sched_decision *d = &s->replay_cur;

		/* A thread runnable earlier or later is caught here. */
		if (d->runnable != NULL
		    && strcmp(d->runnable, runnable_string(s, n)) != 0)
			sched_fail(SCHED_DIVERGED, NULL,
			    "replay: at decision %" PRIu64 " (vtime %" PRId64
			    " ns, thread %d) the runnable threads are {%s}, "
			    "recorded {%s}",
			    s->replay_pos, s->now_ns, reporter_tid,
			    runnable_string(s, n), d->runnable);
		for (i = 0; i < n; i++)
			if (s->cand[i]->td_tid == want)
				next = s->cand[i];
		if (next == NULL)
			sched_fail(SCHED_DIVERGED, NULL,
			    "replay: at step %" PRIu64
			    " the recorded choice, thread %" PRId64
			    ", is not runnable (runnable: %s)",
			    s->replay_pos, want, runnable_string(s, n));
		break;
	}
	case SCHED_DFS:
		next = s->cand[dfs_pick(s, cur, n)];
		break;
	}
	if (s->dfs != NULL)
		dfs_note(s, false, n, cand_index(s, n, next),
		    dfs_default(s, cur, n),
		    cur != NULL ? cand_index(s, n, cur) : -1, next->td_tid,
		    next->td_pid);
	EASSERT(next->td_state == TDS_RUNNABLE,
	    "sched: picked thread %d, which is not runnable", next->td_tid);
	record_decision(s, "sched", reporter_tid, next->td_tid,
	    trace_recording(s->cfg.trace) ? runnable_string(s, n) : NULL, NULL);
	return (next);
}

/* Switches from the current context to td (which is taken off the runq). */
static void
switch_to(struct sched *s, struct fiber *from, struct sched_thread *td)
{
	EASSERT(td->td_state == TDS_RUNNABLE,
	    "sched: switching to thread %d, which is not runnable", td->td_tid);
	runq_remove(s, td);
	s->cur = td;
	fiber_switch(from, td->td_fiber);
}

/*
 * Fires the events due at the current instant (armed with a deadline that
 * has already come, such as a timer re-armed in the past): on a real
 * machine another CPU's clock interrupt would run them now, so they must
 * not wait until every thread blocks.
 */
static void
fire_due(struct sched *s)
{
	struct evq_event *ev;

	while ((ev = evq_peek(s->evq)) != NULL
	    && ev->ev_deadline_ns <= s->now_ns) {
		evq_pop(s->evq);
		ev->ev_fn(ev->ev_arg);
	}
}

void
sched_point(void)
{
	struct sched *s = self;
	struct sched_thread *cur = s->cur, *next;

	fire_due(s);
	on_point(s, false);
	if (s->nrunq == 0)
		return;
	next = pick(s, cur, cur->td_tid);
	if (next == cur)
		return;
	runq_add(s, cur);
	switch_to(s, cur->td_fiber, next);
}

/*
 * A 'choose' decision in [1, n].  is_fp: a fail point's evaluation (n = 2,
 * 2 = it fails): random and pct take the failing branch with probability
 * 1/SCHED_FP_ODDS, from their own stream, while the run's budget lasts.
 */
static int64_t
choose(struct sched *s, int64_t n, const char *label, bool is_fp)
{
	int64_t v;
	char buf[24];

	first_decision(s);
	switch (s->cfg.strategy) {
	case SCHED_REPLAY:
		v = replay_next(s, true);
		if (v < 1 || v > n)
			sched_fail(SCHED_DIVERGED, NULL,
			    "replay: step %" PRIu64 " chose %" PRId64
			    " of sim.choose(%" PRId64 ")",
			    s->replay_pos, v, n);
		break;
	case SCHED_FIFO:
		v = 1;
		break;
	case SCHED_DFS: {
		int64_t want = dfs_forced(s);

		v = want < 0 ? 1 : s->dfs->by_tid ? want : want + 1;
		if (v < 1 || v > n) {
			if (!s->dfs->by_tid)
				sched_fail(SCHED_DIVERGED, NULL,
				    "dfs: decision %" PRIu64
				    " is sim.choose(%" PRId64
				    "), the prefix chooses %" PRId64,
				    s->dfs_pos, n, v);
			s->dfs->fallbacks++;
			v = 1;
		}
		break;
	}
	default:
		if (is_fp) {
			uint64_t budget = s->cfg.fp_budget != 0
			    ? s->cfg.fp_budget
			    : SCHED_FP_BUDGET;

			v = s->fp_fired < budget
				&& rng_below(
				       &s->rng[RNG_STREAM_FAILPOINT_EXPLORE],
				       SCHED_FP_ODDS)
				    == 0
			    ? 2
			    : 1;
			break;
		}
		v = 1
		    + (int64_t)rng_below(
			&s->rng[RNG_STREAM_SCHED], (uint64_t)n);
		break;
	}
	if (is_fp && v == 2)
		s->fp_fired++;
	if (s->dfs != NULL) {
		dfs_note(s, true, n > INT32_MAX ? INT32_MAX : (int)n,
		    (int)(v - 1), 0, -1, s->cur != NULL ? s->cur->td_tid : 0,
		    s->cur != NULL ? s->cur->td_pid : 0);
		s->dfs->pts[s->dfs->npts - 1].is_failpoint = is_fp;
	}
	trace_fmt_i64(buf, n);
	record_decision(
	    s, "choose", s->cur != NULL ? s->cur->td_tid : 0, v, buf, label);
	return (v);
}

int64_t
sched_choose(int64_t n, const char *label)
{
	if (n <= 1)
		return (1);
	return (choose(self, n, label, false));
}

bool
sched_failpoint(const char *label)
{
	return (choose(self, 2, label, true) == 2);
}

uint64_t
sched_seed(void)
{
	return (self->cfg.seed);
}

bool
sched_running(void)
{
	return (self != NULL && self->status == SCHED_RUNNING);
}

/* Leaves the current thread, which cannot go on, for the next one. */
static void
switch_away(struct sched *s)
{
	struct sched_thread *cur = s->cur, *next;

	if (s->nrunq > 0 && s->status == SCHED_RUNNING) {
		next = pick(s, NULL, cur->td_tid);
		switch_to(s, cur->td_fiber, next);
	} else {
		s->cur = NULL;
		fiber_switch(cur->td_fiber, s->host);
	}
}

void
sched_block(const void *chan, const char *wmesg)
{
	struct sched *s = self;
	struct sched_thread *cur = s->cur;

	on_point(s, false);
	cur->td_state = TDS_BLOCKED;
	cur->td_wchan = chan;
	cur->td_wmesg = wmesg;
	switch_away(s);
	/* Resumed: someone called sched_wakeup() and picked us. */
	cur->td_wchan = NULL;
	cur->td_wmesg = NULL;
}

void
sched_wakeup(struct sched_thread *td)
{
	if (td->td_state != TDS_BLOCKED)
		return;
	td->td_state = TDS_RUNNABLE;
	runq_add(self, td);
}

_Noreturn void
sched_thread_exit(void)
{
	struct sched *s = self;
	struct sched_thread *cur = s->cur;

	cur->td_state = TDS_DEAD;
	if (!cur->td_kernel)
		s->nuser--;
	trace_thread_end(s->cfg.trace, cur->td_tid);
	TAILQ_REMOVE(&s->all, cur, td_all);
	TAILQ_INSERT_TAIL(&s->dead, cur, td_all);
	switch_away(s);
	abort(); /* A dead thread is never picked again. */
}

_Noreturn void
sched_fail(enum sched_status status, const char *func, const char *fmt, ...)
{
	struct sched *s = self;
	va_list ap;

	if (s->status == SCHED_RUNNING) {
		s->status = status;
		s->fail_func = func;
		va_start(ap, fmt);
		vsnprintf(s->message, sizeof(s->message), fmt, ap);
		va_end(ap);
	}
	if (s->cur == NULL) {
		/* On the host stack (an event, a decision hook). */
		if (!s->host_jmp_set) {
			fprintf(stderr,
			    "evsim: internal error: sched_fail() outside "
			    "sched_run(): %s\n",
			    s->message);
			abort();
		}
		longjmp(s->host_jmp, 1);
	}
	{
		struct sched_thread *cur = s->cur;

		s->cur = NULL;
		fiber_switch(cur->td_fiber, s->host);
	}
	abort();
}

void
sched_fail_soon(enum sched_status status, const char *fmt, ...)
{
	struct sched *s = self;
	va_list ap;
	char msg[sizeof(s->message)];

	if (s == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (s->cur != NULL || s->host_jmp_set)
		sched_fail(status, NULL, "%s", msg);
	if (s->status == SCHED_RUNNING) {
		s->status = status;
		s->fail_func = NULL;
		memcpy(s->message, msg, sizeof(msg));
	}
}

/* Appends a deadlock report naming every blocked thread's wait channel. */
static void
deadlock(struct sched *s)
{
	struct sched_thread *td;
	size_t len;

	s->status = SCHED_DEADLOCK;
	len = (size_t)snprintf(s->message, sizeof(s->message),
	    "deadlock: every thread is blocked and nothing is pending:");
	TAILQ_FOREACH(td, &s->all, td_all) {
		if (td->td_kernel || td->td_state != TDS_BLOCKED)
			continue;
		if (len < sizeof(s->message))
			len += (size_t)snprintf(s->message + len,
			    sizeof(s->message) - len,
			    " pid %d tid %d (%s) on \"%s\";", td->td_pid,
			    td->td_tid, td->td_name,
			    td->td_wmesg != NULL ? td->td_wmesg : "?");
	}
}

/*
 * The running thread ran off its fiber stack (a guard-area fault, on the
 * alternate signal stack): the run ends with an error, the fiber is never
 * resumed.
 */
static void
stack_exhausted(void)
{
	struct sched *s = self;
	struct sched_thread *td = s != NULL ? s->cur : NULL;

	if (td == NULL)
		abort();
	sched_fail(SCHED_ERROR, NULL,
	    "C stack exhausted (at vtime %" PRId64 " ns, pid %d tid %d)",
	    s->now_ns, td->td_pid, td->td_tid);
}

enum sched_status
sched_run(struct sched *s)
{
	struct sched_thread *next;
	struct evq_event *ev;

	(void)fiber_on_overflow(stack_exhausted);
	if (setjmp(s->host_jmp) != 0) {
		s->host_jmp_set = false;
		return (s->status);
	}
	s->host_jmp_set = true;
	while (s->status == SCHED_RUNNING) {
		on_point(s, true);
		if (s->nrunq > 0) {
			next = pick(s, NULL, 0);
			switch_to(s, s->host, next);
			continue;
		}
		if (s->nuser == 0) {
			s->status = SCHED_PASSED;
			break;
		}
		ev = evq_peek(s->evq);
		if (ev == NULL || ev->ev_deadline_ns == SCHED_NEVER) {
			deadlock(s);
			break;
		}
		if (s->cfg.vtime_limit_ns > 0
		    && ev->ev_deadline_ns > s->cfg.vtime_limit_ns) {
			s->status = SCHED_FAILED;
			snprintf(s->message, sizeof(s->message),
			    "vtime limit of %" PRId64
			    " ns exceeded (next event at %" PRId64 " ns)",
			    s->cfg.vtime_limit_ns, ev->ev_deadline_ns);
			s->now_ns = s->cfg.vtime_limit_ns;
			break;
		}
		if (ev->ev_deadline_ns > s->now_ns)
			s->now_ns = ev->ev_deadline_ns;
		/* Everything due at this instant fires before anyone runs. */
		fire_due(s);
	}
	s->host_jmp_set = false;
	return (s->status);
}

const char *
sched_message(const struct sched *s)
{
	return (s->message);
}

const char *
sched_fail_func(const struct sched *s)
{
	return (s->fail_func);
}

int64_t
sched_now(void)
{
	return (self->now_ns);
}

int64_t
sched_realtime(void)
{
	return (sched_add_ns(self->now_ns, self->realtime_off_ns));
}

void
sched_set_realtime(int64_t realtime_ns)
{
	self->realtime_off_ns = realtime_ns - self->now_ns;
}

void
sched_timer(struct evq_event *ev, int64_t deadline_ns)
{
	if (deadline_ns < self->now_ns)
		deadline_ns = self->now_ns;
	if (evq_push(self->evq, ev, deadline_ns) != 0)
		oom();
}

bool
sched_timer_cancel(struct evq_event *ev)
{
	return (evq_cancel(self->evq, ev));
}

struct rng *
sched_rng(enum rng_stream stream)
{
	return (&self->rng[stream]);
}

uint64_t
sched_trace(const char *func, const char *object, const char *field,
    const char *old, const char *new)
{
	struct sched_thread *td = self->cur;

	return (trace_transition(self->cfg.trace, self->now_ns,
	    td != NULL ? td->td_pid : 0, td != NULL ? td->td_tid : 0, func,
	    object, field, old, new));
}

uint64_t
sched_trace_n(const char *func, const char *object, const char *field,
    const char *old, const char *new, size_t newlen)
{
	struct sched_thread *td = self->cur;

	return (trace_transition_n(self->cfg.trace, self->now_ns,
	    td != NULL ? td->td_pid : 0, td != NULL ? td->td_tid : 0, func,
	    object, field, old, new, newlen));
}

uint64_t
sched_trace_int(const char *func, size_t funclen, const char *object,
    size_t objlen, const char *field, size_t fieldlen, int64_t old, int64_t new)
{
	struct sched_thread *td = self->cur;

	return (trace_transition_int(self->cfg.trace, self->now_ns,
	    td != NULL ? td->td_pid : 0, td != NULL ? td->td_tid : 0, func,
	    funclen, object, objlen, field, fieldlen, old, new));
}

struct trace *
sched_trace_sink(void)
{
	return (self->cfg.trace);
}

uint64_t
sched_steps(void)
{
	return (self->step);
}

void
sched_foreach_thread(void (*fn)(struct sched_thread *td, void *arg), void *arg)
{
	struct sched_thread *td, *tmp;

	TAILQ_FOREACH_SAFE(td, &self->all, td_all, tmp)
		fn(td, arg);
}

uint64_t
sched_generation(void)
{
	return (generation);
}

int
sched_sigcheck(struct sched_thread *td)
{
	if (self->cfg.sigcheck == NULL)
		return (0);
	return (self->cfg.sigcheck(td->td_owner));
}

void
sched_suspcheck(struct sched_thread *td)
{
	if (self->cfg.suspcheck != NULL)
		self->cfg.suspcheck(td->td_owner);
}

bool
sched_thread_sleeping_catch(const struct sched_thread *td)
{
	return (td != NULL && td->td_sleeping && td->td_catch);
}
