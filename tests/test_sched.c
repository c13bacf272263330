/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tests for engine/sched.c: fifo runs a thread until it blocks, the random
 * strategy is a function of the seed, decisions are recorded only when there
 * is a choice, replay of a recorded decision log reproduces a random run (and
 * a log naming a thread that cannot run diverges), virtual time moves only
 * when every thread is blocked and events due at one instant fire in
 * insertion order before any thread runs, and the ends of a run: deadlock,
 * sched_fail() and the virtual time limit.  Threads record what they see into
 * plain structures; the assertions run on the host stack after sched_run().
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "../engine/sched.h"
#include "../engine/sync.h"
#include "../engine/trace.h"

#define MS 1000000LL

struct engine {
	struct trace *t;
	struct sched *s;
};

static void
engine_start(struct engine *e, struct sched_config *cfg)
{
	char err[256];

	cr_assert_eq(trace_open(&e->t, NULL, err, sizeof(err)), 0);
	cfg->trace = e->t;
	cr_assert_eq(sched_new(&e->s, cfg), 0);
}

static void
engine_stop(struct engine *e)
{
	sched_free(e->s);
	trace_close(e->t);
}

static struct sched_thread *
spawn(int tid, void (*fn)(void *), void *arg)
{
	struct sched_thread *td;
	char name[16];

	snprintf(name, sizeof(name), "t%d", tid);
	cr_assert_eq(sched_thread_new(&td, 1, tid, name, false, fn, arg), 0);
	return (td);
}

/* A shared log of small integers, appended to by the threads. */
#define LOGMAX 256

struct log {
	int v[LOGMAX];
	int n;
};

static void
log_add(struct log *l, int v)
{
	if (l->n < LOGMAX)
		l->v[l->n++] = v;
}

/* A thread that logs its id and reaches a scheduling point, 'rounds' times. */
struct pointer {
	struct log *log;
	int id;
	int rounds;
	bool choose; /* also log a sched_choose(3) in each round */
};

static void
pointer_main(void *arg)
{
	struct pointer *p = arg;
	int i;

	for (i = 0; i < p->rounds; i++) {
		log_add(p->log, p->id);
		if (p->choose)
			log_add(p->log, 10 * p->id + (int)sched_choose(3, "c"));
		sched_point();
	}
}

/* Runs three pointers with the given configuration; returns the status. */
static enum sched_status
run_pointers(struct sched_config *cfg, struct log *log, int rounds, bool choose,
    uint64_t *ret_ndecisions)
{
	struct engine e;
	struct pointer p[3];
	enum sched_status st;
	int i;

	memset(log, 0, sizeof(*log));
	engine_start(&e, cfg);
	for (i = 0; i < 3; i++) {
		p[i] = (struct pointer) { log, i + 1, rounds, choose };
		spawn(101 + i, pointer_main, &p[i]);
	}
	st = sched_run(e.s);
	if (ret_ndecisions != NULL)
		*ret_ndecisions = trace_ndecisions(e.t);
	engine_stop(&e);
	return (st);
}

Test(sched_point, fifo_runs_each_thread_until_it_exits)
{
	struct sched_config cfg = { .seed = 1, .strategy = SCHED_FIFO };
	struct log log;
	static const int want[] = { 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3 };
	int i;

	cr_assert_eq(run_pointers(&cfg, &log, 4, false, NULL), SCHED_PASSED);
	cr_assert_eq(log.n, 12);
	for (i = 0; i < 12; i++)
		cr_assert_eq(
		    log.v[i], want[i], "step %d ran thread %d", i, log.v[i]);
}

/* Fifo with blocking: A blocks, B runs, wakes A, and keeps the CPU. */
struct blocker {
	struct log *log;
	struct sched_thread *a;
	int chan;
};

static void
blocker_a(void *arg)
{
	struct blocker *b = arg;

	log_add(b->log, 1);
	sched_point(); /* fifo: A goes on */
	log_add(b->log, 2);
	sched_block(&b->chan, "blk");
	log_add(b->log, 3);
}

static void
blocker_b(void *arg)
{
	struct blocker *b = arg;

	log_add(b->log, 10);
	cr_assert(sched_thread_blocked(b->a));
	log_add(b->log, strcmp(sched_thread_wmesg(b->a), "blk") == 0 ? 11 : 0);
	sched_wakeup(b->a);
	sched_point(); /* fifo: B goes on although A is runnable */
	log_add(b->log, 12);
}

Test(sched_point, fifo_switches_only_when_the_thread_blocks)
{
	struct sched_config cfg = { .seed = 1, .strategy = SCHED_FIFO };
	struct engine e;
	struct log log = { 0 };
	struct blocker b = { &log, NULL, 0 };
	static const int want[] = { 1, 2, 10, 11, 12, 3 };
	int i;

	engine_start(&e, &cfg);
	b.a = spawn(101, blocker_a, &b);
	spawn(102, blocker_b, &b);
	cr_assert_eq(sched_run(e.s), SCHED_PASSED);
	cr_assert_eq(log.n, 6);
	for (i = 0; i < 6; i++)
		cr_assert_eq(log.v[i], want[i], "entry %d is %d", i, log.v[i]);
	engine_stop(&e);
}

static bool
same_log(const struct log *a, const struct log *b)
{
	return (a->n == b->n
	    && memcmp(a->v, b->v, sizeof(a->v[0]) * (size_t)a->n) == 0);
}

Test(sched_run, random_interleaving_is_a_function_of_the_seed)
{
	struct sched_config cfg = { .seed = 7, .strategy = SCHED_RANDOM };
	struct log first, again, other, fifo;
	struct sched_config fcfg = { .seed = 7, .strategy = SCHED_FIFO };
	bool differs = false;
	uint64_t seed;

	cr_assert_eq(run_pointers(&cfg, &first, 6, false, NULL), SCHED_PASSED);
	cr_assert_eq(run_pointers(&cfg, &again, 6, false, NULL), SCHED_PASSED);
	cr_assert_eq(first.n, 18);
	cr_assert(
	    same_log(&first, &again), "the same seed gave two interleavings");
	/* A random schedule that never switches is fifo in disguise. */
	cr_assert_eq(run_pointers(&fcfg, &fifo, 6, false, NULL), SCHED_PASSED);
	cr_assert_not(same_log(&first, &fifo));
	for (seed = 8; seed < 16 && !differs; seed++) {
		cfg.seed = seed;
		cr_assert_eq(
		    run_pointers(&cfg, &other, 6, false, NULL), SCHED_PASSED);
		differs = !same_log(&first, &other);
	}
	cr_assert(differs, "eight other seeds all gave seed 7's interleaving");
}

Test(sched_run, decisions_are_recorded_only_with_a_choice)
{
	struct sched_config cfg = { .seed = 1, .strategy = SCHED_FIFO };
	struct engine e;
	struct pointer p1, p2;
	struct log log = { 0 };

	/* One thread: ten scheduling points, never a choice. */
	engine_start(&e, &cfg);
	p1 = (struct pointer) { &log, 1, 10, false };
	spawn(101, pointer_main, &p1);
	cr_assert_eq(sched_run(e.s), SCHED_PASSED);
	cr_assert_eq(trace_ndecisions(e.t), 0);
	cr_assert_eq(sched_steps(), 0);
	engine_stop(&e);

	/*
	 * Two threads of three points each: the first pick (two runnable)
	 * and A's three points (B waiting) are choices; A's exit leaves B
	 * alone, and B's points have no other candidate.
	 */
	memset(&log, 0, sizeof(log));
	engine_start(&e, &cfg);
	p1 = (struct pointer) { &log, 1, 3, false };
	p2 = (struct pointer) { &log, 2, 3, false };
	spawn(101, pointer_main, &p1);
	spawn(102, pointer_main, &p2);
	cr_assert_eq(sched_run(e.s), SCHED_PASSED);
	cr_assert_eq(trace_ndecisions(e.t), 4);
	cr_assert_eq(sched_steps(), 4);
	engine_stop(&e);
}

struct chooser {
	int64_t v[4];
	uint64_t steps[4];
};

static void
chooser_main(void *arg)
{
	struct chooser *c = arg;

	c->v[0] = sched_choose(5, "five");
	c->steps[0] = sched_steps();
	c->v[1] = sched_choose(1, "one");
	c->steps[1] = sched_steps();
	c->v[2] = sched_choose(2, "two");
	c->steps[2] = sched_steps();
}

Test(sched_choose, fifo_returns_one_and_records_real_choices)
{
	struct sched_config cfg = { .seed = 1, .strategy = SCHED_FIFO };
	struct engine e;
	struct chooser c = { { 0 }, { 0 } };

	engine_start(&e, &cfg);
	spawn(101, chooser_main, &c);
	cr_assert_eq(sched_run(e.s), SCHED_PASSED);
	cr_assert_eq(c.v[0], 1);
	cr_assert_eq(c.v[1], 1);
	cr_assert_eq(c.v[2], 1);
	/* A choice among one is no decision. */
	cr_assert_eq(c.steps[0], 1);
	cr_assert_eq(c.steps[1], 1);
	cr_assert_eq(c.steps[2], 2);
	cr_assert_eq(trace_ndecisions(e.t), 2);
	engine_stop(&e);
}

/*
 * Records a random run into a database and reads its decision log back, with
 * the runnable sets and transition counts that replay checks.
 */
static char runnable[256][32];

static size_t
record_random_run(
    uint64_t seed, struct log *log, struct sched_decision *dec, size_t max)
{
	struct sched_config cfg = { .seed = seed, .strategy = SCHED_RANDOM };
	struct trace_run_info info = { .scenario = "replay", .seed = 1 };
	char path[] = "/tmp/evsim-test-sched-XXXXXX", err[256], side[64];
	struct engine e;
	struct pointer p[3];
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t run_id;
	size_t n = 0;
	int fd, i;

	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
	memset(log, 0, sizeof(*log));
	cr_assert_eq(trace_open(&e.t, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(trace_run_begin(e.t, &info, &run_id, err, sizeof(err)), 0);
	cfg.trace = e.t;
	cr_assert_eq(sched_new(&e.s, &cfg), 0);
	for (i = 0; i < 3; i++) {
		p[i] = (struct pointer) { log, i + 1, 5, true };
		spawn(101 + i, pointer_main, &p[i]);
	}
	cr_assert_eq(sched_run(e.s), SCHED_PASSED);
	cr_assert_eq(trace_run_end(e.t, "passed", "", NULL, sched_now(), err,
			 sizeof(err)),
	    0);
	engine_stop(&e);

	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db,
			 "SELECT kind, chosen, runnable, seq FROM decisions"
			 " WHERE run_id = ?1 ORDER BY step",
			 -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_int64(st, 1, run_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		cr_assert_lt(n, max);
		dec[n].is_choose
		    = strcmp((const char *)sqlite3_column_text(st, 0), "choose")
		    == 0;
		dec[n].chosen = sqlite3_column_int64(st, 1);
		snprintf(runnable[n], sizeof(runnable[n]), "%s",
		    (const char *)sqlite3_column_text(st, 2));
		dec[n].runnable = runnable[n];
		dec[n].seq = sqlite3_column_int64(st, 3);
		n++;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
	return (n);
}

Test(sched_run, replay_reproduces_a_random_run)
{
	struct sched_decision dec[256];
	struct sched_config cfg = { .seed = 99, .strategy = SCHED_REPLAY };
	struct log recorded, replayed;
	uint64_t ndec;
	size_t n, i;
	int nchoose = 0;

	n = record_random_run(3, &recorded, dec, 256);
	for (i = 0; i < n; i++)
		nchoose += dec[i].is_choose;
	cr_assert_eq(nchoose, 15, "every sched_choose(3) is a decision");
	cr_assert_gt(n, 15);
	cfg.replay = dec;
	cfg.replay_len = n;
	cr_assert_eq(
	    run_pointers(&cfg, &replayed, 5, true, &ndec), SCHED_PASSED);
	cr_assert_eq(ndec, n);
	cr_assert(same_log(&recorded, &replayed),
	    "replay did not reproduce the recorded interleaving");
}

static void
replay_fail_run(const struct sched_decision *dec, size_t n, const char *want)
{
	struct sched_config cfg = { .seed = 1, .strategy = SCHED_REPLAY };
	struct engine e;
	struct pointer p[3];
	struct log log = { 0 };
	int i;

	cfg.replay = dec;
	cfg.replay_len = n;
	engine_start(&e, &cfg);
	for (i = 0; i < 3; i++) {
		p[i] = (struct pointer) { &log, i + 1, 5, false };
		spawn(101 + i, pointer_main, &p[i]);
	}
	cr_assert_eq(sched_run(e.s), SCHED_DIVERGED);
	cr_assert(strstr(sched_message(e.s), want) != NULL, "message: %s",
	    sched_message(e.s));
	/* The first decision was honoured before the bad one. */
	cr_assert_eq(log.n, 1);
	cr_assert_eq(log.v[0], 2);
	engine_stop(&e);
}

/* A decision the replay strategy checks only for its kind and choice. */
#define DEC(choose, tid)                                                       \
	{                                                                      \
		.is_choose = (choose), .chosen = (tid), .runnable = NULL,      \
		.seq = -1                                                      \
	}

Test(sched_run, replay_of_a_thread_that_cannot_run_diverges)
{
	static const struct sched_decision bad[]
	    = { DEC(false, 102), DEC(false, 999) };
	static const struct sched_decision wrong_kind[]
	    = { DEC(false, 102), DEC(true, 1) };
	static const struct sched_decision short_log[] = { DEC(false, 102) };
	static const struct sched_decision other_set[] = { DEC(false, 102),
		{ .chosen = 102, .runnable = "101,103", .seq = -1 } };
	static const struct sched_decision late[]
	    = { DEC(false, 102), { .chosen = 102, .seq = 5 } };

	replay_fail_run(bad, 2, "not runnable");
	replay_fail_run(wrong_kind, 2, "was a choose decision");
	replay_fail_run(short_log, 1, "log ends");
	replay_fail_run(other_set, 2, "runnable threads are {101,102,103}");
	replay_fail_run(late, 2, "recorded after 5");
}

/* Virtual time. */
struct clock_rec {
	int chan;
	int64_t sleep_ns;
	int error;
	int64_t woke_ns;
	int64_t seen_ns[8];
	int nseen;
};

static void
sleeper_main(void *arg)
{
	struct clock_rec *r = arg;

	r->error = msleep(&r->chan, NULL, 0, "nap", r->sleep_ns);
	r->woke_ns = sched_now();
}

static void
busy_main(void *arg)
{
	struct clock_rec *r = arg;
	int i;

	for (i = 0; i < 8; i++) {
		r->seen_ns[r->nseen++] = sched_now();
		sched_point();
	}
}

Test(sched_run, time_advances_only_when_every_thread_blocks)
{
	struct sched_config cfg = { .seed = 5, .strategy = SCHED_RANDOM };
	struct engine e;
	struct clock_rec a = { .sleep_ns = 5 * MS }, b = { .sleep_ns = 3 * MS },
			 busy = { 0 };
	int i;

	engine_start(&e, &cfg);
	spawn(101, sleeper_main, &a);
	spawn(102, busy_main, &busy);
	spawn(103, sleeper_main, &b);
	cr_assert_eq(sched_run(e.s), SCHED_PASSED);
	cr_assert_eq(busy.nseen, 8);
	for (i = 0; i < 8; i++)
		cr_assert_eq(
		    busy.seen_ns[i], 0, "time moved while a thread could run");
	cr_assert_eq(a.error, EWOULDBLOCK);
	cr_assert_eq(a.woke_ns, 5000000);
	cr_assert_eq(b.error, EWOULDBLOCK);
	cr_assert_eq(b.woke_ns, 3000000);
	cr_assert_eq(sched_now(), 5000000);
	engine_stop(&e);
}

/* Events pushed at one deadline fire in push order, before threads run. */
#define NEV 6

struct evrec {
	struct evq_event ev[NEV];
	struct log fired;
	struct sched_thread *td;
	int chan;
	int seen_fired; /* events fired when the thread resumed */
	int64_t woke_ns;
};

struct evarg {
	struct evrec *r;
	int id;
};

static struct evarg evargs[NEV];

static void
ev_fire(void *arg)
{
	struct evarg *a = arg;

	log_add(&a->r->fired, a->id);
	sched_wakeup(a->r->td);
}

static void
ev_main(void *arg)
{
	static const int order[NEV] = { 3, 0, 5, 1, 4, 2 };
	struct evrec *r = arg;
	int i;

	r->td = sched_curthread();
	for (i = 0; i < NEV; i++) {
		evargs[order[i]] = (struct evarg) { r, order[i] };
		evq_event_init(&r->ev[order[i]], ev_fire, &evargs[order[i]]);
		/* The last one pushed is due earlier than the rest. */
		sched_timer(&r->ev[order[i]], i == NEV - 1 ? 1000 : 2000);
	}
	sched_block(&r->chan, "evwait");
	r->seen_fired = r->fired.n;
	r->woke_ns = sched_now();
	sched_block(&r->chan, "evwait");
	r->seen_fired = r->fired.n * 100 + r->seen_fired;
}

Test(sched_timer, same_deadline_fires_in_insertion_order)
{
	struct sched_config cfg = { .seed = 1, .strategy = SCHED_FIFO };
	struct engine e;
	struct evrec r;
	static const int want[NEV] = { 2, 3, 0, 5, 1, 4 };
	int i;

	memset(&r, 0, sizeof(r));
	engine_start(&e, &cfg);
	spawn(101, ev_main, &r);
	cr_assert_eq(sched_run(e.s), SCHED_PASSED);
	cr_assert_eq(r.fired.n, NEV);
	for (i = 0; i < NEV; i++)
		cr_assert_eq(r.fired.v[i], want[i], "event %d fired as %d", i,
		    r.fired.v[i]);
	cr_assert_eq(r.woke_ns, 1000);
	/* At 2000 all five due events fired before the thread resumed. */
	cr_assert_eq(r.seen_fired, NEV * 100 + 1);
	engine_stop(&e);
}

/* Deadlock and failures. */
struct waiter {
	int chan;
	const char *wmesg;
};

static void
waiter_main(void *arg)
{
	struct waiter *w = arg;

	msleep(&w->chan, NULL, 0, w->wmesg, 0);
}

Test(sched_run, deadlock_names_every_blocked_thread)
{
	struct sched_config cfg = { .seed = 1, .strategy = SCHED_FIFO };
	struct engine e;
	struct waiter a = { 0, "chan_alpha" }, b = { 0, "chan_beta" };
	const char *msg;

	engine_start(&e, &cfg);
	spawn(101, waiter_main, &a);
	spawn(102, waiter_main, &b);
	cr_assert_eq(sched_run(e.s), SCHED_DEADLOCK);
	msg = sched_message(e.s);
	cr_assert(strstr(msg, "deadlock") != NULL, "message: %s", msg);
	cr_assert(strstr(msg, "tid 101") != NULL, "message: %s", msg);
	cr_assert(strstr(msg, "\"chan_alpha\"") != NULL, "message: %s", msg);
	cr_assert(strstr(msg, "tid 102") != NULL, "message: %s", msg);
	cr_assert(strstr(msg, "\"chan_beta\"") != NULL, "message: %s", msg);
	cr_assert_str_eq(sched_status_name(SCHED_DEADLOCK), "deadlock");
	engine_stop(&e);
}

struct failer {
	enum sched_status status;
	bool after; /* set if sched_fail returned */
	bool other; /* set if another thread ran afterwards */
};

static void
failer_main(void *arg)
{
	struct failer *f = arg;

	sched_fail(f->status, "kern_thing", "thing %d went wrong", 42);
	f->after = true;
}

static void
other_main(void *arg)
{
	struct failer *f = arg;

	f->other = true;
}

Test(sched_fail, ends_the_run_with_its_status_and_message)
{
	static const enum sched_status sts[] = { SCHED_FAILED, SCHED_PANIC };
	struct sched_config cfg = { .seed = 1, .strategy = SCHED_FIFO };
	struct engine e;
	struct failer f;
	size_t i;

	for (i = 0; i < 2; i++) {
		memset(&f, 0, sizeof(f));
		f.status = sts[i];
		engine_start(&e, &cfg);
		spawn(101, failer_main, &f);
		spawn(102, other_main, &f);
		cr_assert_eq(sched_run(e.s), sts[i]);
		cr_assert_str_eq(sched_message(e.s), "thing 42 went wrong");
		cr_assert_str_eq(sched_fail_func(e.s), "kern_thing");
		cr_assert_not(f.after);
		cr_assert_not(f.other);
		engine_stop(&e);
	}
}

Test(sched_run, vtime_limit_fails_the_run)
{
	struct sched_config cfg
	    = { .seed = 1, .strategy = SCHED_FIFO, .vtime_limit_ns = 2 * MS };
	struct engine e;
	struct clock_rec a = { .sleep_ns = 5 * MS, .woke_ns = -1 };
	struct clock_rec b = { .sleep_ns = 1 * MS, .woke_ns = -1 };

	engine_start(&e, &cfg);
	spawn(101, sleeper_main, &a);
	spawn(102, sleeper_main, &b);
	cr_assert_eq(sched_run(e.s), SCHED_FAILED);
	cr_assert(strstr(sched_message(e.s), "vtime limit") != NULL,
	    "message: %s", sched_message(e.s));
	/* The event before the limit fired; the one after it did not. */
	cr_assert_eq(b.woke_ns, 1 * MS);
	cr_assert_eq(a.woke_ns, -1);
	cr_assert_eq(sched_now(), 2 * MS);
	engine_stop(&e);
}

/*
 * Many runnable threads (more than the 16 sorted by insertion), spawned in
 * scrambled tid order: with recording, every decision's runnable list is in
 * ascending tid order; FIFO without recording (which skips building the
 * candidates) runs the threads in the same order, with the same number of
 * decisions, as FIFO with recording.
 */
#define NMANY 40

static size_t
run_many_seed(enum sched_strategy strategy, uint64_t seed, bool record,
    struct log *log, char (*runnable_out)[NMANY * 4 + 1], size_t max)
{
	/* PCT: change points within the run's 80-odd decisions. */
	struct sched_config cfg = { .seed = seed,
		.strategy = strategy,
		.pct_depth = 5,
		.pct_steps = 80 };
	struct trace_run_info info = { .scenario = "many", .seed = 7 };
	char path[] = "/tmp/evsim-test-sched-XXXXXX", err[256], side[64];
	struct engine e;
	struct pointer p[NMANY];
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t run_id;
	size_t n = 0;
	int fd, i;

	memset(log, 0, sizeof(*log));
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(
	    trace_open(&e.t, record ? path : NULL, err, sizeof(err)), 0);
	cr_assert_eq(trace_run_begin(e.t, &info, &run_id, err, sizeof(err)), 0);
	cfg.trace = e.t;
	cr_assert_eq(sched_new(&e.s, &cfg), 0);
	for (i = 0; i < NMANY; i++) {
		p[i] = (struct pointer) { log, 1 + (i * 17) % NMANY, 2, false };
		spawn(100 + p[i].id, pointer_main, &p[i]);
	}
	cr_assert_eq(sched_run(e.s), SCHED_PASSED);
	cr_assert_str_eq(sched_message(e.s), "");
	n = (size_t)trace_ndecisions(e.t);
	cr_assert_eq(trace_run_end(e.t, "passed", "", NULL, sched_now(), err,
			 sizeof(err)),
	    0);
	engine_stop(&e);
	if (record) {
		n = 0;
		cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
		cr_assert_eq(sqlite3_prepare_v2(db,
				 "SELECT runnable FROM decisions ORDER BY step",
				 -1, &st, NULL),
		    SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			cr_assert_lt(n, max);
			snprintf(runnable_out[n], sizeof(runnable_out[n]), "%s",
			    (const char *)sqlite3_column_text(st, 0));
			n++;
		}
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
	return (n);
}

static size_t
run_many(enum sched_strategy strategy, bool record, struct log *log,
    char (*runnable_out)[NMANY * 4 + 1], size_t max)
{
	return (run_many_seed(strategy, 7, record, log, runnable_out, max));
}

Test(sched_run, many_runnable_threads_sorted_and_fifo_fast_path_same)
{
	static char rs[256][NMANY * 4 + 1];
	struct log a, b;
	size_t n, m, i;

	n = run_many(SCHED_RANDOM, true, &a, rs, 256);
	cr_assert_gt(n, 0);
	for (i = 0; i < n; i++) {
		const char *p = rs[i];
		long prev = -1, v;
		char *end;
		int k = 0;

		while (*p != '\0') {
			v = strtol(p, &end, 10);
			cr_assert_gt(v, prev, "decision %zu: %s", i, rs[i]);
			prev = v;
			k++;
			p = *end == ',' ? end + 1 : end;
		}
		cr_assert_geq(k, 2);
	}
	n = run_many(SCHED_FIFO, true, &a, rs, 256);
	m = run_many(SCHED_FIFO, false, &b, NULL, 0);
	cr_assert_eq(n, m);
	cr_assert_eq(a.n, b.n);
	cr_assert_eq(memcmp(a.v, b.v, sizeof(a.v[0]) * (size_t)a.n), 0);
}

/*
 * PCT without recording picks without sorting the candidates: the same
 * interleaving and number of decisions as with recording (which sorts
 * them), over seeds whose change points fall inside the run.  The first
 * scheduler fails with a message; the ones after it (sched_new() reuses
 * the last one freed) start with none.
 */
Test(sched_run, pct_unsorted_fast_path_same_as_sorted)
{
	struct sched_config cfg
	    = { .seed = 1, .strategy = SCHED_FIFO, .vtime_limit_ns = 2 * MS };
	struct clock_rec c = { .sleep_ns = 5 * MS, .woke_ns = -1 };
	static char rs[256][NMANY * 4 + 1];
	struct log a, b, first;
	struct engine e;
	size_t n, m;
	uint64_t seed;
	bool differs = false;

	engine_start(&e, &cfg);
	spawn(101, sleeper_main, &c);
	cr_assert_eq(sched_run(e.s), SCHED_FAILED);
	cr_assert_neq(sched_message(e.s)[0], '\0');
	engine_stop(&e);
	run_many_seed(SCHED_PCT, 1, false, &first, NULL, 0);
	for (seed = 1; seed <= 12; seed++) {
		n = run_many_seed(SCHED_PCT, seed, true, &a, rs, 256);
		m = run_many_seed(SCHED_PCT, seed, false, &b, NULL, 0);
		cr_assert_eq(n, m, "seed %d", (int)seed);
		cr_assert_eq(a.n, b.n);
		cr_assert_eq(memcmp(a.v, b.v, sizeof(a.v[0]) * (size_t)a.n), 0,
		    "seed %d: the interleavings differ", (int)seed);
		differs = differs || !same_log(&first, &b);
	}
	cr_assert(differs, "twelve seeds gave one interleaving");
}
