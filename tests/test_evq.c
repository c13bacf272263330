/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tests for engine/evq.c: events due at the same instant fire in push order,
 * re-pushing moves an event and renews its sequence, cancel from anywhere
 * keeps the heap ordered, and a long randomised run of push, re-push, cancel
 * and pop (fixed seed) matches a reference kept as a plain array sorted by
 * (deadline, sequence).
 */
#include <criterion/criterion.h>

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>

#include "../engine/evq.h"

/* A private generator, so this test depends on evq.c alone. */
static uint64_t
next_rand(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return (z ^ (z >> 31));
}

Test(evq_pop, equal_deadlines_fire_in_push_order)
{
	enum { N = 200 };
	struct evq_event ev[N];
	struct evq *q;
	int order[N], i, j, t;
	uint64_t x = 42;

	/* Push in a shuffled order, all at the same instant. */
	for (i = 0; i < N; i++)
		order[i] = i;
	for (i = N - 1; i > 0; i--) {
		j = (int)(next_rand(&x) % (uint64_t)(i + 1));
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	cr_assert_eq(evq_new(&q), 0);
	for (i = 0; i < N; i++)
		evq_event_init(&ev[i], NULL, NULL);
	for (i = 0; i < N; i++)
		cr_assert_eq(evq_push(q, &ev[order[i]], 1000), 0);
	cr_assert_eq(evq_len(q), N);
	for (i = 0; i < N; i++) {
		struct evq_event *e = evq_pop(q);

		cr_assert_eq(e, &ev[order[i]], "pop %d out of push order", i);
		cr_assert_not(evq_queued(e));
	}
	cr_assert_null(evq_pop(q));
	cr_assert_null(evq_peek(q));
	evq_free(q);
}

Test(evq_pop, earlier_deadline_beats_earlier_push)
{
	struct evq_event a, b, c;
	struct evq *q;

	cr_assert_eq(evq_new(&q), 0);
	evq_event_init(&a, NULL, NULL);
	evq_event_init(&b, NULL, NULL);
	evq_event_init(&c, NULL, NULL);
	evq_push(q, &a, 30);
	evq_push(q, &b, -5); /* negative times order before zero */
	evq_push(q, &c, 10);
	cr_assert_eq(evq_peek(q), &b);
	cr_assert_eq(evq_pop(q), &b);
	cr_assert_eq(evq_pop(q), &c);
	cr_assert_eq(evq_pop(q), &a);
	evq_free(q);
}

Test(evq_push, repush_moves_and_renews_sequence)
{
	struct evq_event a, b, c;
	struct evq *q;

	cr_assert_eq(evq_new(&q), 0);
	evq_event_init(&a, NULL, NULL);
	evq_event_init(&b, NULL, NULL);
	evq_event_init(&c, NULL, NULL);

	/* Later: a moves behind b. */
	evq_push(q, &a, 10);
	evq_push(q, &b, 20);
	cr_assert_eq(evq_push(q, &a, 30), 0);
	cr_assert_eq(evq_len(q), 2, "re-push must not duplicate");
	cr_assert_eq(evq_pop(q), &b);
	cr_assert_eq(evq_pop(q), &a);

	/* Earlier: c moves ahead of both. */
	evq_push(q, &a, 10);
	evq_push(q, &b, 20);
	evq_push(q, &c, 30);
	evq_push(q, &c, 5);
	cr_assert_eq(evq_pop(q), &c);
	cr_assert_eq(evq_pop(q), &a);
	cr_assert_eq(evq_pop(q), &b);

	/* Same deadline: the re-pushed event now fires after the others. */
	evq_push(q, &a, 10);
	evq_push(q, &b, 10);
	evq_push(q, &c, 10);
	evq_push(q, &a, 10);
	cr_assert_eq(evq_len(q), 3);
	cr_assert_eq(evq_pop(q), &b);
	cr_assert_eq(evq_pop(q), &c);
	cr_assert_eq(evq_pop(q), &a);
	evq_free(q);
}

Test(evq_cancel, middle_cancel_keeps_order)
{
	enum { N = 64 };
	struct evq_event ev[N];
	struct evq *q;
	int64_t last = INT64_MIN;
	int i, n = 0;

	cr_assert_eq(evq_new(&q), 0);
	/* Deadlines descend so every push sifts to the root. */
	for (i = 0; i < N; i++) {
		evq_event_init(&ev[i], NULL, NULL);
		evq_push(q, &ev[i], (N - i) * 10);
	}
	for (i = 1; i < N; i += 3)
		cr_assert(evq_cancel(q, &ev[i]));
	cr_assert_not(evq_cancel(q, &ev[1]), "second cancel reports queued");
	cr_assert_not(evq_queued(&ev[1]));
	for (;;) {
		struct evq_event *e = evq_pop(q);

		if (e == NULL)
			break;
		cr_assert_neq(
		    (e - ev) % 3, 1, "cancelled event %d fired", (int)(e - ev));
		cr_assert_geq(e->ev_deadline_ns, last);
		last = e->ev_deadline_ns;
		n++;
	}
	cr_assert_eq(n, N - (N + 1) / 3);
	evq_free(q);
}

/*
 * The reference: every queued event with the key the queue should have
 * given it.  The queue's pop order must equal the reference's minimum.
 */

enum { REF_N = 512, REF_OPS = 200000 };

struct ref {
	bool queued;
	int64_t deadline_ns;
	uint64_t seq;
};

static int
ref_min(const struct ref *r)
{
	int i, best = -1;

	for (i = 0; i < REF_N; i++) {
		if (!r[i].queued)
			continue;
		if (best < 0 || r[i].deadline_ns < r[best].deadline_ns
		    || (r[i].deadline_ns == r[best].deadline_ns
			&& r[i].seq < r[best].seq))
			best = i;
	}
	return (best);
}

Test(evq, randomised_against_sorted_reference)
{
	static struct evq_event ev[REF_N];
	static struct ref ref[REF_N];
	struct evq *q;
	uint64_t x = 20240601, seq = 0;
	uint32_t len = 0;
	int op, i, want;

	cr_assert_eq(evq_new(&q), 0);
	for (i = 0; i < REF_N; i++)
		evq_event_init(&ev[i], NULL, &ref[i]);
	for (op = 0; op < REF_OPS; op++) {
		uint64_t r = next_rand(&x);
		/* A narrow deadline range makes ties common. */
		int64_t d = (int64_t)((r >> 32) % 50) - 10;

		i = (int)((r >> 8) % REF_N);
		switch (r % 4) {
		case 0:
		case 1: /* push or re-push */
			cr_assert_eq(evq_push(q, &ev[i], d), 0);
			if (!ref[i].queued)
				len++;
			ref[i].queued = true;
			ref[i].deadline_ns = d;
			ref[i].seq = seq++;
			break;
		case 2: /* cancel, queued or not */
			cr_assert_eq(evq_cancel(q, &ev[i]), ref[i].queued,
			    "op %d: cancel of %d", op, i);
			if (ref[i].queued)
				len--;
			ref[i].queued = false;
			break;
		case 3: /* pop */
			want = ref_min(ref);
			if (want < 0) {
				cr_assert_null(evq_pop(q));
				break;
			}
			cr_assert_eq(evq_peek(q), &ev[want], "op %d: peek", op);
			cr_assert_eq(evq_pop(q), &ev[want], "op %d: pop", op);
			ref[want].queued = false;
			len--;
			break;
		}
		cr_assert_eq(evq_len(q), len, "op %d: length", op);
	}
	/* Drain: the whole remaining order must match. */
	while ((want = ref_min(ref)) >= 0) {
		cr_assert_eq(evq_pop(q), &ev[want]);
		ref[want].queued = false;
	}
	cr_assert_null(evq_pop(q));
	for (i = 0; i < REF_N; i++)
		cr_assert_not(evq_queued(&ev[i]));
	evq_free(q);
}

Test(evq_push, grows_past_initial_capacity)
{
	enum { N = 100000 };
	struct evq_event *ev = calloc(N, sizeof(*ev));
	struct evq *q;
	int64_t last = INT64_MIN;
	uint64_t x = 7;
	int i;

	cr_assert_not_null(ev);
	cr_assert_eq(evq_new(&q), 0);
	for (i = 0; i < N; i++) {
		evq_event_init(&ev[i], NULL, NULL);
		cr_assert_eq(
		    evq_push(q, &ev[i], (int64_t)(next_rand(&x) >> 1)), 0);
	}
	cr_assert_eq(evq_len(q), N);
	for (i = 0; i < N; i++) {
		struct evq_event *e = evq_pop(q);

		cr_assert_not_null(e);
		cr_assert_geq(e->ev_deadline_ns, last);
		last = e->ev_deadline_ns;
	}
	cr_assert_eq(evq_len(q), 0);
	evq_free(q);
	free(ev);
}

Test(evq_free, null_is_noop_and_events_left_unqueued)
{
	struct evq_event a;
	struct evq *q;

	evq_free(NULL);
	cr_assert_eq(evq_new(&q), 0);
	evq_event_init(&a, NULL, NULL);
	evq_push(q, &a, 1);
	cr_assert(evq_queued(&a));
	evq_free(q);
	cr_assert_not(evq_queued(&a));
}

/*
 * The engine's always-on assertions: an event whose slot no longer names
 * it (memory corruption, or an event of another queue) aborts with a
 * message instead of silently breaking the heap.
 */
Test(evq_cancel, foreign_event_is_an_engine_assertion, .signal = SIGABRT)
{
	struct evq *a, *b;
	struct evq_event ev;

	cr_assert_eq(evq_new(&a), 0);
	cr_assert_eq(evq_new(&b), 0);
	evq_event_init(&ev, NULL, NULL);
	cr_assert_eq(evq_push(a, &ev, 10), 0);
	evq_cancel(b, &ev);
}

/* A heap whose order was broken behind the queue's back is caught at pop. */
Test(evq_pop, broken_heap_order_is_an_engine_assertion, .signal = SIGABRT)
{
	struct evq *q;
	struct evq_event ev[3];
	int i;

	cr_assert_eq(evq_new(&q), 0);
	for (i = 0; i < 3; i++) {
		evq_event_init(&ev[i], NULL, NULL);
		cr_assert_eq(evq_push(q, &ev[i], 10 * (i + 1)), 0);
	}
	/* Corrupt the last event's key so that it sorts first. */
	ev[2].ev_deadline_ns = 0;
	(void)evq_pop(q);
}
